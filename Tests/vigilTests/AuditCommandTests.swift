import Foundation
import GRDB
import Testing

/// `vigil audit`, run as an operator and an auditor would: verify, tamper, verify again; archive
/// and check the archive offline.
@Suite struct AuditCommandTests {
    @Test func verifyFindsARowChangedInTheDatabase() throws {
        let directory = Vigil.temporaryDirectory()
        #expect(try Vigil.run(["admin", "bootstrap", "--data-dir", directory]).status == 0)
        let rotate = try Vigil.run(["audit", "rotate-key", "--data-dir", directory, "--reason", "test"])
        #expect(rotate.status == 0, "\(rotate.stderr)")
        let publicKey = try #require(rotate.stdout.firstMatch(of: /public key ([A-Za-z0-9+\/=]{44})/)).1
        let archive = "\(directory)/archive.json"
        let archived = try Vigil.run(["audit", "archive", "--data-dir", directory, "--out", archive])
        #expect(archived.status == 0, "\(archived.stderr)")

        let intact = try Vigil.run(["audit", "verify", "--data-dir", directory, "--key", String(publicKey)])
        #expect(intact.status == 0, "\(intact.stdout) \(intact.stderr)")
        #expect(intact.stdout.contains("OK: 3 entries; 1 signed heads match"))

        let proof = try Vigil.run(["audit", "verify-proof", "--key", String(publicKey), archive])
        #expect(proof.status == 0, "\(proof.stdout) \(proof.stderr)")
        #expect(proof.stdout.contains("OK: 2 entries proven."))
        #expect(proof.stdout.contains("Export: 2 records"))

        let database = try DatabaseQueue(path: "\(directory)/vigil.sqlite")
        try database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_events_no_update")
            try db.execute(sql: "UPDATE audit_events SET reason = 'nothing happened' WHERE sequence = 2")
        }
        try database.close()
        let tampered = try Vigil.run(["audit", "verify", "--data-dir", directory])
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("TAMPERED: entry 2 was changed"))
        #expect(tampered.stdout.contains("The log diverges at entry 2."))
    }

    @Test func verifyProofRefusesAnAlteredArchiveAndAnotherKey() throws {
        let directory = Vigil.temporaryDirectory()
        #expect(try Vigil.run(["admin", "bootstrap", "--data-dir", directory]).status == 0)
        let rotate = try Vigil.run(["audit", "rotate-key", "--data-dir", directory])
        let publicKey = String(try #require(rotate.stdout.firstMatch(of: /public key ([A-Za-z0-9+\/=]{44})/)).1)
        let archive = "\(directory)/archive.json"
        #expect(try Vigil.run(["audit", "archive", "--data-dir", directory, "--out", archive]).status == 0)
        let refused = try Vigil.run(["audit", "archive", "--data-dir", directory, "--out", archive])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("exists already"))

        let text = try String(contentsOfFile: archive, encoding: .utf8)
        let altered = text.replacingOccurrences(of: "admin.bootstrap", with: "admin.bootstrip")
        #expect(altered != text)
        try altered.write(toFile: "\(directory)/altered.json", atomically: true, encoding: .utf8)
        let result = try Vigil.run(["audit", "verify-proof", "--key", publicKey, "\(directory)/altered.json"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAILED: exported record"))

        let otherKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let wrong = try Vigil.run(["audit", "verify-proof", "--key", otherKey, archive])
        #expect(wrong.status != 0)
        let notAKey = try Vigil.run(["audit", "verify-proof", "--key", "nonsense", archive])
        #expect(notAKey.stderr.contains("is not an Ed25519 public key"))
    }
}
