import Foundation

/// Keeps an agent's identity in memory only: for simulated fleets, where thousands of devices
/// live in one process and vanish with it. A real device uses ``AgentStateStore``.
public final class MemoryIdentityStore: AgentIdentityStore, @unchecked Sendable {
    private let lock = NSLock()
    private var identity: AgentState?
    private var staged: AgentState?

    /// An empty store.
    public init() {}

    public var identityPath: String { "memory" }

    public var holdsIdentity: Bool { lock.withLock { identity != nil } }

    public func load() throws -> AgentState {
        guard let identity = lock.withLock({ identity }) else { throw AgentError.notEnrolled(path: identityPath) }
        return identity
    }

    public func save(_ state: AgentState) throws { lock.withLock { identity = state } }

    public func stage(_ state: AgentState) throws { lock.withLock { staged = state } }

    public func loadStaged() throws -> AgentState? { lock.withLock { staged } }

    public func commitStaged() throws {
        lock.withLock {
            if let staged { identity = staged }
            staged = nil
        }
    }

    public func discardStaged() { lock.withLock { staged = nil } }
}
