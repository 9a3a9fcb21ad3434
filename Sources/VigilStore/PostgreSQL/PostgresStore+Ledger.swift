import Foundation
import PostgresNIO
import VigilCore

extension PostgresStore {
    public func appendAuditEvents(_ events: [AuditEventDraft]) async throws -> [AuditEvent] {
        try await transaction { connection in try await append(events, on: connection) }
    }

    public func ledgerSize() async throws -> Int64 {
        try await read(LedgerSQL.lastSequence) { try $0.integer(0) }.first ?? 0
    }

    public func ledgerLeafChecks(after sequence: Int64, through last: Int64) async throws -> [LedgerLeafCheck] {
        try await client.withConnection { connection in
            var buffer: [UInt8] = []
            var checks: [LedgerLeafCheck] = []
            for try await row in try await connection.query(
                LedgerSQL.entries(after: sequence, through: last).postgresQuery, logger: logger)
            {
                checks.append(try LedgerLeafCheck(storedRow: row.makeRandomAccess(), buffer: &buffer))
            }
            return checks
        }
    }

    public func ledgerLeafHashes(after sequence: Int64, through last: Int64) async throws -> [MerkleHash] {
        try LedgerLeaves.contiguous(
            try await read(LedgerSQL.leafHashes(after: sequence, through: last), LedgerLeaves.read),
            after: sequence, through: last)
    }

    public func ledgerEvents(_ filter: AuditEventFilter, after sequence: Int64, through last: Int64, limit: Int)
        async throws -> [AuditEvent]
    {
        try await read(LedgerSQL.search(filter, .oldestFirst(after: sequence, through: last), limit: limit)) {
            try AuditEvent(storedRow: $0)
        }
    }

    public func appendSignedHead(_ head: StoredTreeHead) async throws {
        try await transaction { connection in
            try await connection.run(LedgerSQL.insertHead(head.head, frontier: head.frontier), logger: logger)
        }
    }

    public func latestSignedHead() async throws -> StoredTreeHead? {
        try await read(LedgerSQL.latestHead) { try StoredTreeHead(storedRow: $0) }.first
    }

    public func signedHead(covering treeSize: Int64) async throws -> SignedTreeHead? {
        try await read(LedgerSQL.head(covering: treeSize)) { try StoredTreeHead(storedRow: $0).head }.first
    }

    public func signedHead(treeSize: Int64) async throws -> SignedTreeHead? {
        try await read(LedgerSQL.head(treeSize: treeSize)) { try StoredTreeHead(storedRow: $0).head }.first
    }

    public func signedHeads() async throws -> [SignedTreeHead] {
        try await read(LedgerSQL.allHeads) { try StoredTreeHead(storedRow: $0).head }
    }

    public func ledgerKeys() async throws -> [SigningKeyRecord] {
        try await read(LedgerSQL.keys) { try SigningKeyRecord(storedRow: $0) }
    }

    public func addLedgerKey(_ key: Ed25519PublicKey, at time: Date, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            try await connection.run(LedgerSQL.retireKeys(at: time), logger: logger)
            try await connection.run(LedgerSQL.insertKey(key, at: time), logger: logger)
            try await append(audit, on: connection)
        }
    }
}
