import Foundation
import GRDB
import VigilCore

extension SQLiteStore {
    public func appendAuditEvents(_ events: [AuditEventDraft]) async throws -> [AuditEvent] {
        try await write { db in try Self.append(events, in: db) }
    }

    public func ledgerSize() async throws -> Int64 {
        try await pool.read { db in try db.run(LedgerSQL.lastSequence) { try $0.integer(0) }.first ?? 0 }
    }

    public func ledgerLeafChecks(after sequence: Int64, through last: Int64) async throws -> [LedgerLeafCheck] {
        try await pool.read { db in try SQLiteLedgerStatements.leafChecks(after: sequence, through: last, in: db) }
    }

    public func ledgerLeafHashes(after sequence: Int64, through last: Int64) async throws -> [MerkleHash] {
        try await pool.read { db in
            try LedgerLeaves.contiguous(
                db.run(LedgerSQL.leafHashes(after: sequence, through: last), LedgerLeaves.read),
                after: sequence, through: last)
        }
    }

    public func ledgerEvents(_ filter: AuditEventFilter, after sequence: Int64, through last: Int64, limit: Int)
        async throws -> [AuditEvent]
    {
        let statement = LedgerSQL.search(filter, .oldestFirst(after: sequence, through: last), limit: limit)
        return try await pool.read { db in try db.run(statement) { try AuditEvent(storedRow: $0) } }
    }

    public func appendSignedHead(_ head: StoredTreeHead) async throws {
        try await write { db in try db.run(LedgerSQL.insertHead(head.head, frontier: head.frontier)) }
    }

    public func latestSignedHead() async throws -> StoredTreeHead? {
        try await pool.read { db in try db.run(LedgerSQL.latestHead) { try StoredTreeHead(storedRow: $0) }.first }
    }

    public func signedHead(covering treeSize: Int64) async throws -> SignedTreeHead? {
        try await heads(LedgerSQL.head(covering: treeSize)).first
    }

    public func signedHead(treeSize: Int64) async throws -> SignedTreeHead? {
        try await heads(LedgerSQL.head(treeSize: treeSize)).first
    }

    public func signedHeads() async throws -> [SignedTreeHead] {
        try await heads(LedgerSQL.allHeads)
    }

    public func ledgerKeys() async throws -> [SigningKeyRecord] {
        try await pool.read { db in try db.run(LedgerSQL.keys) { try SigningKeyRecord(storedRow: $0) } }
    }

    public func addLedgerKey(_ key: Ed25519PublicKey, at time: Date, audit: AuditEventDraft) async throws {
        try await write { db in
            try db.run(LedgerSQL.retireKeys(at: time))
            try db.run(LedgerSQL.insertKey(key, at: time))
            try Self.append(audit, in: db)
        }
    }

    private func heads(_ statement: SQLStatement) async throws -> [SignedTreeHead] {
        try await pool.read { db in try db.run(statement) { try StoredTreeHead(storedRow: $0).head } }
    }
}
