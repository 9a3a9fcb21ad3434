import ArgumentParser
import Foundation
import VigilCore
import VigilServer
import VigilStore

/// `vigil audit`: the tamper-evident ledger from the command line (`docs/ledger.md`).
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify the tamper-evident audit ledger, check proofs offline, rotate its key, archive it.",
        subcommands: [AuditVerify.self, AuditVerifyProof.self, AuditRotateKey.self, AuditArchive.self])
}

/// `vigil audit verify`.
struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the ledger from the database and check every entry and signed head.",
        discussion: """
            Reads every audit event in order and checks that none is missing, that each still hashes to \
            the leaf hash recorded when it was appended, and that the Merkle tree matches every signed \
            head. On tampering it names the first entry where the log diverges and exits with status 1.
            Trusts the keys given with --key (repeat it for rotated keys); without --key, the key \
            files in DATA_DIR/ledger-keys; without those, with a warning, the keys the database \
            publishes. An auditor pins the key they received out of band.
            """)

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("key"), help: "A trusted public key: base64 text, or a file holding it (repeatable).")
    var keys: [String] = []

    func run() async throws {
        let logger = Environment.bootstrapLogging(level: .warning)
        let pinned = try keys.map(LedgerKeyArgument.read)
        let files = SigningKeyFiles.ledger(dataDirectory: store.resolvedDataDirectory)
        let progress = ProgressLine()
        let report = try await store.withStore(logger: logger) { store in
            let published = try await store.ledgerKeys()
            let trusted = Self.trustedKeys(pinned: pinned, files: files.publicKeys(), published: published)
            print("Verifying \(try await store.ledgerSize()) ledger entries and \(try await store.signedHeads().count) signed heads in \(store.summary)")
            print(trusted.source)
            return try await LedgerVerification.run(store, keys: trusted.keys) { checked, total in
                progress.show("\(checked) of \(total) entries checked", final: checked == total)
            }
        }
        guard let problem = report.problem else {
            print("OK: \(report.entries) entries; \(report.headsMatched) signed heads match the recomputed tree.")
            return
        }
        print("TAMPERED: \(problem)")
        if let first = problem.firstEntry { print("The log diverges at entry \(first).") }
        throw ExitCode(1)
    }
}

extension AuditVerify {
    /// The keys to trust: those pinned with `--key`, else those whose private key files are in
    /// the data directory, else (with a warning) those the database publishes. The database's
    /// retirement times apply to every key it knows.
    static func trustedKeys(pinned: [Ed25519PublicKey], files: [Ed25519PublicKey], published: [SigningKeyRecord])
        -> (keys: [SigningKeyRecord], source: String)
    {
        func records(_ keys: [Ed25519PublicKey]) -> [SigningKeyRecord] {
            keys.map { key in
                published.first { $0.publicKey == key }
                    ?? SigningKeyRecord(publicKey: key, createdAt: Date(millisecondsSince1970: 0), retiredAt: nil)
            }
        }
        if !pinned.isEmpty { return (records(pinned), "Trusting the \(pinned.count) key(s) given with --key.") }
        if !files.isEmpty {
            let unbacked = published.filter { record in !files.contains(record.publicKey) }.map(\.publicKey.id)
            let warning = unbacked.isEmpty ? "" : " The database also publishes key(s) \(unbacked.joined(separator: ", ")) with no key file here: not trusted."
            return (records(files), "Trusting the \(files.count) key(s) in the data directory's ledger-keys.\(warning)")
        }
        return (published, "Trusting the public keys recorded in the database, as no key file is here (pin yours with --key).")
    }
}

/// `vigil audit verify-proof`.
struct AuditVerifyProof: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof",
        abstract: "Check a proof bundle or export offline, with only the ledger's public key.",
        discussion: """
            FILE is a bundle from GET /api/v1/ledger/proofs/…, GET /api/v1/ledger/export or \
            `vigil audit archive`. Checks the head's signature, every entry's inclusion proof, the \
            consistency proof if any, and that the exported records are exactly the proven entries. \
            Exits with status 1 when anything fails.
            """)

    @Option(
        name: .customLong("key"),
        help: "The ledger's public key: base64 text, or a file holding it (repeat it for keys rotated since).")
    var keys: [String]

    @Argument(help: "The proof bundle (JSON).")
    var file: String

    func validate() throws {
        guard !keys.isEmpty else { throw ValidationError("give the ledger's public key with --key") }
    }

    func run() async throws {
        let keys = try keys.map(LedgerKeyArgument.read)
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
        let bundle: ProofBundle
        do {
            bundle = try VigilJSON.makeDecoder().decode(ProofBundle.self, from: data)
        } catch {
            throw CommandFailure("\(file) is not a proof bundle: \(error)")
        }
        do {
            let verified = try bundle.verify(with: keys)
            let head = verified.head
            print(
                "Head: \(head.treeSize) entries, root \(head.rootHash.base64), signed "
                    + "\(RFC3339.format(Date(millisecondsSince1970: head.timestamp))) by key \(head.keyID): signature OK")
            for event in verified.events {
                print("  entry \(event.sequence): \(RFC3339.format(event.occurredAt)) \(event.action.rawValue) by \(event.actor.kind.rawValue) \(event.actor.id ?? "-"): included")
            }
            if let earlier = verified.earlierHead {
                print("The log of \(head.treeSize) entries extends the log of \(earlier.treeSize) entries: consistent")
            }
            if bundle.export != nil { print("Export: \(verified.exportedRecords) records, each the proven entry") }
            print("OK: \(verified.events.count) entries proven.")
        } catch let failure as ProofBundle.Failure {
            print("FAILED: \(failure)")
            throw ExitCode(1)
        }
    }
}

/// `vigil audit rotate-key`.
struct AuditRotateKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-key",
        abstract: "Make a new ledger signing key; the old public key stays published.",
        discussion: """
            Writes the new private key to DATA_DIR/ledger-keys/ (mode 0600), publishes its public key \
            and retires the current one. Heads are signed with the new key from the next signature on; \
            heads signed before keep verifying with the old key. Prints the new key's ID and base64 \
            public key: hand the public key to your auditors.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "Why the key is rotated, for the audit trail.")
    var reason = "scheduled rotation"

    func run() async throws {
        let logger = Environment.bootstrapLogging(level: .warning)
        let files = SigningKeyFiles.ledger(dataDirectory: store.resolvedDataDirectory)
        let reason = reason
        let key = try await store.withStore(logger: logger) { store in
            try await LedgerKeys(store: store, files: files).rotate(by: .system("cli"), reason: reason)
        }
        print("New ledger signing key \(key.publicKey.id), public key \(key.publicKey.base64)")
        print("Private key: \(files.path(keyID: key.publicKey.id))")
    }
}

/// `vigil audit archive`.
struct AuditArchive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Write a range of ledger entries with their proofs to a file that verifies on its own.",
        discussion: """
            Signs a head over the whole ledger, then writes entries --from to --to (at most 1,000,000) \
            with their inclusion proofs and a CSV export of them. Nothing is removed from the database. Check the file with \
            `vigil audit verify-proof --key PUBKEY FILE`.
            """)

    /// The most entries one archive holds.
    static let maximumEntries: Int64 = 1_000_000

    @OptionGroup var store: StoreOptions

    @Option(help: "The first entry.")
    var from: Int64 = 1

    @Option(help: "The last entry (default: the last one).")
    var to: Int64?

    @Option(help: "The file to write (mode 0600); refused if it exists.")
    var out: String

    func validate() throws {
        guard from >= 1 else { throw ValidationError("--from must be 1 or more") }
        if let to, to < from { throw ValidationError("--to must not be below --from") }
        guard !FileManager.default.fileExists(atPath: out) else { throw ValidationError("\(out) exists already") }
    }

    func run() async throws {
        let logger = Environment.bootstrapLogging(level: .warning)
        let files = SigningKeyFiles.ledger(dataDirectory: store.resolvedDataDirectory)
        let (from, to) = (from, to)
        let bundle = try await store.withStore(logger: logger) { store -> ProofBundle in
            let last = try await store.ledgerSize()
            let through = min(to ?? last, last)
            guard from <= through else { throw CommandFailure("the ledger has \(last) entries; nothing from \(from)") }
            guard through - from < Self.maximumEntries else {
                throw CommandFailure(
                    "archive at most \(Self.maximumEntries) entries at a time (it is held in memory); narrow --from and --to")
            }
            try await store.appendAuditEvent(
                AuditEventDraft(
                    occurredAt: Date().roundedToMilliseconds, actor: .system("cli"), action: .ledgerExported,
                    target: nil, outcome: .success, reason: "archive of entries \(from) to \(through)"))
            let signer = LedgerSigner(store: store, keys: LedgerKeys(store: store, files: files))
            guard let head = try await signer.signNow() else { throw CommandFailure("the ledger is empty") }
            let events = try await store.ledgerEvents(
                AuditEventFilter(), after: from - 1, through: through, limit: Int(through - from + 1))
            let export = ProofBundle.Export(mediaType: AuditExport.Format.csv.mediaType, content: AuditExport.render(events, as: .csv))
            return try await LedgerProofs(store: store).bundle(proving: events, in: head, export: export)
        }
        do {
            // The archive holds PHI access records: only its owner may read it.
            try OwnerOnlyFile.create(out, with: try VigilJSON.makeEncoder().encode(bundle))
        } catch let failure as OwnerOnlyFile.Failure {
            throw CommandFailure(failure.description)
        }
        print("Wrote entries \(bundle.entries.first?.sequence ?? 0) to \(bundle.entries.last?.sequence ?? 0) with proofs against the head of size \(bundle.head.treeSize) to \(out)")
    }
}

/// A public key given on the command line: base64 text, or a file holding base64 text or the 32
/// raw bytes.
enum LedgerKeyArgument {
    static func read(_ argument: String) throws -> Ed25519PublicKey {
        var bytes = Data(argument.utf8)
        if FileManager.default.fileExists(atPath: argument) {
            guard let contents = FileManager.default.contents(atPath: argument) else {
                throw CommandFailure("cannot read the key file \(argument)")
            }
            bytes = contents
        }
        if bytes.count != 32 {
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            bytes = Data(base64Encoded: text) ?? Data()
        }
        guard let key = try? Ed25519PublicKey(rawRepresentation: bytes) else {
            throw CommandFailure("\(argument) is not an Ed25519 public key (32 bytes, or their base64)")
        }
        return key
    }
}
