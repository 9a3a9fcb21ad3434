import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/ledger`: signed heads, public keys, proofs and exports with proofs (`docs/ledger.md`).
struct LedgerController {
    /// The most entries one export may hold, its own event included; narrow the filter for more.
    static let maximumExport = 50_000

    let store: any VigilStore
    let ledger: LedgerServices

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/ledger/head", .readLedger, handler: head),
            APIEndpoint(.get, "/ledger/keys", .readLedger, handler: keys),
            APIEndpoint(.get, "/ledger/proofs/inclusion", .readLedger, handler: inclusion),
            APIEndpoint(.get, "/ledger/proofs/consistency", .readLedger, handler: consistency),
            APIEndpoint(.get, "/ledger/export", .readLedger, audit: .ledgerExported, handler: export),
        ]
    }

    struct HeadResponse: Encodable {
        let head: SignedTreeHead
        /// The signed text itself.
        let checkpoint: String
    }

    struct KeyResponse: Encodable {
        let id: String
        let publicKey: String
        let createdAt: Date
        let retiredAt: Date?
    }

    @Sendable func head(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        var latest = try await store.latestSignedHead()?.head
        if latest == nil { latest = try await ledger.signer.signNow() }
        guard let head = latest else {
            throw Problem.notFound("The ledger is empty.")
        }
        return try APIJSON.response(HeadResponse(head: head, checkpoint: head.checkpoint))
    }

    @Sendable func keys(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let keys = try await store.ledgerKeys().map {
            KeyResponse(id: $0.publicKey.id, publicKey: $0.publicKey.base64, createdAt: $0.createdAt, retiredAt: $0.retiredAt)
        }
        return try APIJSON.response(["items": keys])
    }

    @Sendable func inclusion(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let query = try QueryParameters(request)
        try query.allowOnly(["sequence", "treeSize"])
        guard let sequence = try query.count("sequence") else { throw Problem.invalidQuery("sequence", "is required") }
        let head: SignedTreeHead
        if let treeSize = try query.count("treeSize") {
            guard let signed = try await store.signedHead(treeSize: treeSize) else {
                throw Problem.notFound("No head was signed at size \(treeSize).")
            }
            guard sequence <= treeSize else {
                throw Problem.invalidQuery("sequence", "must not exceed treeSize")
            }
            head = signed
        } else {
            guard let signed = try await ledger.signer.head(covering: sequence) else {
                throw Problem.notFound("The ledger has no entry \(sequence).")
            }
            head = signed
        }
        let events = try await store.ledgerEvents(AuditEventFilter(), after: sequence - 1, through: sequence, limit: 1)
        return try APIJSON.response(try await ledger.proofs.bundle(proving: events, in: head))
    }

    @Sendable func consistency(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let query = try QueryParameters(request)
        try query.allowOnly(["from", "to"])
        guard let from = try query.count("from") else { throw Problem.invalidQuery("from", "is required") }
        guard let earlier = try await store.signedHead(treeSize: from) else {
            throw Problem.notFound("No head was signed at size \(from).")
        }
        let later: SignedTreeHead
        if let to = try query.count("to") {
            guard to >= from else { throw Problem.invalidQuery("to", "must not be below from") }
            guard let signed = try await store.signedHead(treeSize: to) else {
                throw Problem.notFound("No head was signed at size \(to).")
            }
            later = signed
        } else {
            later = try await ledger.signer.signNow() ?? earlier
        }
        return try APIJSON.response(try await ledger.proofs.consistency(from: earlier, to: later))
    }

    @Sendable func export(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let query = try QueryParameters(request)
        try query.allowOnly(["format", "person", "patient", "device", "from", "until"])
        guard let format = try query.value("format", as: AuditExport.Format.self) else {
            throw Problem.invalidQuery("format", "is required: fhir or csv")
        }
        let patientID = try query["patient"].map { patient in
            do {
                return try Validate.text(patient, field: "patient", maximumLength: 128)
            } catch let error as ValidationError {
                throw Problem.invalidQuery(error.field, error.message)
            }
        }
        let filter = AuditEventFilter(
            from: try query.time("from"), until: try query.time("until"), patientID: patientID,
            deviceID: query["device"], personID: query["person"])
        // The entries up to now are read once; after the export's own event is recorded and the head
        // that covers it signed, only the entries since are read.
        let size = try await store.ledgerSize()
        var events = try await store.ledgerEvents(filter, after: 0, through: size, limit: Self.maximumExport)
        guard events.count < Self.maximumExport else {
            throw Problem.invalidQuery(
                "from", "the export would hold more than \(Self.maximumExport) entries; narrow it by time or subject")
        }
        // The export is itself an entry, recorded before the head that covers it is signed. A
        // patient named in the filter goes in the PHI column, not in the reason.
        var event = context.auditEvent(.ledgerExported, target: nil, reason: Self.description(of: query.values))
        event.phi = patientID.map {
            PHIAccessDetails(patientID: $0, deviceID: nil, purpose: .operations, place: .notEvaluated)
        }
        try await store.appendAuditEvent(event)
        guard let head = try await ledger.signer.signNow() else { throw Problem.notFound("The ledger is empty.") }
        events += try await store.ledgerEvents(
            filter, after: size, through: head.treeSize, limit: Self.maximumExport + 1 - events.count)
        guard events.count <= Self.maximumExport else {
            throw Problem.invalidQuery("from", "the export grew past \(Self.maximumExport) entries while it was made; narrow it")
        }
        let export = ProofBundle.Export(mediaType: format.mediaType, content: AuditExport.render(events, as: format))
        return try APIJSON.response(try await ledger.proofs.bundle(proving: events, in: head, export: export))
    }

    /// The export's parameters for its audit event, with the patient left to the PHI column.
    static func description(of parameters: [String: String]) -> String {
        let text = parameters.sorted { $0.key < $1.key }.map { $0.key == "patient" ? "patient=(see PHI)" : "\($0.key)=\($0.value)" }
        return String(text.joined(separator: " ").prefix(500))
    }
}
