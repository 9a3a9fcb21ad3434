import Foundation
import GRDB
import Logging
import PostgresNIO
import VigilCore

// One way for both backends to read rows and bind values, so that a record's columns are
// decoded and encoded by one piece of code (used by the device tables; the first tables predate it).

/// A fetched row, read by column position.
protocol StoredRow {
    func text(_ index: Int) throws -> String
    func optionalText(_ index: Int) throws -> String?
    func integer(_ index: Int) throws -> Int64
    func optionalInteger(_ index: Int) throws -> Int64?
    func optionalBlob(_ index: Int) throws -> Data?
    /// Calls `body` with a column's bytes (a text column's UTF-8) where the row holds them, or
    /// with `nil` for NULL.
    func withOptionalBytes<Result>(_ index: Int, _ body: (UnsafeRawBufferPointer?) throws -> Result) throws -> Result
}

extension StoredRow {
    func enumeration<Value: RawRepresentable>(_ index: Int, column: String) throws -> Value
    where Value.RawValue == String {
        try storedEnum(try text(index), column: column)
    }

    func optionalEnumeration<Value: RawRepresentable>(_ index: Int, column: String) throws -> Value?
    where Value.RawValue == String {
        try optionalText(index).map { try storedEnum($0, column: column) }
    }

    func date(_ index: Int) throws -> Date { Date(millisecondsSince1970: try integer(index)) }

    func optionalDate(_ index: Int) throws -> Date? { try optionalInteger(index).map(Date.init(millisecondsSince1970:)) }

    func identifier<Entity>(_ index: Int) throws -> Identifier<Entity> { Identifier(rawValue: try text(index)) }

    func optionalIdentifier<Entity>(_ index: Int) throws -> Identifier<Entity>? {
        try optionalText(index).map(Identifier.init(rawValue:))
    }
}

extension Row: StoredRow {
    func text(_ index: Int) throws -> String { try decode(String.self, atIndex: index) }
    func optionalText(_ index: Int) throws -> String? { try decode(String?.self, atIndex: index) }
    func integer(_ index: Int) throws -> Int64 { try decode(Int64.self, atIndex: index) }
    func optionalInteger(_ index: Int) throws -> Int64? { try decode(Int64?.self, atIndex: index) }
    func optionalBlob(_ index: Int) throws -> Data? { try decode(Data?.self, atIndex: index) }
    func withOptionalBytes<Result>(_ index: Int, _ body: (UnsafeRawBufferPointer?) throws -> Result) throws -> Result {
        try withUnsafeData(atIndex: index) { data in
            guard let data else { return try body(nil) }
            return try data.withUnsafeBytes { try body($0) }
        }
    }
}

extension PostgresRandomAccessRow: StoredRow {
    func text(_ index: Int) throws -> String { try self[index].decode(String.self) }
    func optionalText(_ index: Int) throws -> String? { try self[index].decode(String?.self) }
    func integer(_ index: Int) throws -> Int64 { try self[index].decode(Int64.self) }
    func optionalInteger(_ index: Int) throws -> Int64? { try self[index].decode(Int64?.self) }
    func optionalBlob(_ index: Int) throws -> Data? { try self[index].decode(Data?.self) }
    func withOptionalBytes<Result>(_ index: Int, _ body: (UnsafeRawBufferPointer?) throws -> Result) throws -> Result {
        guard let bytes = self[index].bytes else { return try body(nil) }
        return try bytes.withUnsafeReadableBytes { try body($0) }
    }
}

/// A value bound to a statement's placeholder.
enum SQLValue: Sendable {
    case text(String?)
    case integer(Int64?)
    case blob(Data?)

    static func date(_ date: Date?) -> SQLValue { .integer(date?.millisecondsSince1970) }
    static func identifier<Entity>(_ id: Identifier<Entity>?) -> SQLValue { .text(id?.rawValue) }
    static func enumeration<Value: RawRepresentable>(_ value: Value?) -> SQLValue where Value.RawValue == String {
        .text(value?.rawValue)
    }
}

/// A statement written with `?` placeholders, and its values in order.
struct SQLStatement: Sendable {
    var sql: String
    var values: [SQLValue]

    init(_ sql: String, _ values: [SQLValue] = []) {
        self.sql = sql
        self.values = values
    }

    /// The values for GRDB.
    var statementArguments: StatementArguments {
        StatementArguments(values.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .text(let text): text
            case .integer(let integer): integer
            case .blob(let data): data
            }
        })
    }

    /// The statement for PostgresNIO: `?` become `$1`, `$2`… (no statement of ours has a `?`
    /// inside a literal; every value is bound).
    var postgresQuery: PostgresQuery {
        var numbered = ""
        var position = 0
        for character in sql {
            if character == "?" {
                position += 1
                numbered += "$\(position)"
            } else {
                numbered.append(character)
            }
        }
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let text): bindings.append(text)
            case .integer(let integer): bindings.append(integer)
            case .blob(let data): bindings.append(data.map { ByteBuffer(bytes: $0) })
            }
        }
        return PostgresQuery(unsafeSQL: numbered, binds: bindings)
    }
}

extension PostgresConnection {
    /// Runs a shared statement and reads every row with `read`.
    func run<T>(_ statement: SQLStatement, logger: Logger, _ read: (PostgresRandomAccessRow) throws -> T)
        async throws -> [T]
    {
        var results: [T] = []
        for try await row in try await query(statement.postgresQuery, logger: logger) {
            results.append(try read(row.makeRandomAccess()))
        }
        return results
    }

    /// Runs a shared statement that returns no rows.
    func run(_ statement: SQLStatement, logger: Logger) async throws {
        try await query(statement.postgresQuery, logger: logger)
    }
}

extension Database {
    /// Runs a shared statement and reads every row with `read`.
    /// Rows are read from a cursor, which reuses one row instead of copying each: `read` must
    /// not keep the row it is given.
    func run<T>(_ statement: SQLStatement, _ read: (Row) throws -> T) throws -> [T] {
        let rows = try Row.fetchCursor(cachedStatement(sql: statement.sql), arguments: statement.statementArguments)
        var results: [T] = []
        while let row = try rows.next() { results.append(try read(row)) }
        return results
    }

    /// Runs a shared statement that returns no rows.
    func run(_ statement: SQLStatement) throws {
        try cachedStatement(sql: statement.sql).execute(arguments: statement.statementArguments)
    }
}
