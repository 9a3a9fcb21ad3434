import NIOConcurrencyHelpers

/// A value read from the store and held in memory, so that hot paths never read it from the
/// database; read on first use and again by ``reload()`` after a change. Of two reloads that
/// overlap, the one that started last is kept, so an older read never replaces a newer one.
final class ReloadedValue<Value: Sendable>: Sendable {
    private let load: @Sendable () async throws -> Value
    /// The value, and the number of the reload that read it.
    private let current = NIOLockedValueBox<(value: Value?, reload: Int)>((nil, 0))
    /// Numbers reloads in the order they start.
    private let reloads = NIOLockedValueBox(0)

    /// A value that `load` reads.
    init(_ load: @escaping @Sendable () async throws -> Value) { self.load = load }

    /// The value, read on first use.
    func value() async throws -> Value {
        if let value = current.withLockedValue({ $0.value }) { return value }
        return try await reload()
    }

    /// Reads the value again.
    @discardableResult
    func reload() async throws -> Value {
        let number = reloads.withLockedValue { count in
            count += 1
            return count
        }
        let value = try await load()
        return current.withLockedValue { current in
            guard number > current.reload else { return current.value ?? value }
            current = (value, number)
            return value
        }
    }
}
