import Foundation
import VigilCore

/// Where an agent keeps its identity, and the identity with a new key while a key rotation is
/// under way (so that it is not lost if the agent stops after the server accepted the new key).
public protocol AgentIdentityStore: Sendable {
    /// Where the identity lives, for messages.
    var identityPath: String { get }
    /// Whether an identity is stored.
    var holdsIdentity: Bool { get }
    /// Reads the stored identity; ``AgentError/notEnrolled(path:)`` when there is none.
    func load() throws -> AgentState
    /// Stores `state`, replacing any identity.
    func save(_ state: AgentState) throws
    /// Stores `state` beside the identity, to become it with ``commitStaged()``.
    func stage(_ state: AgentState) throws
    /// The staged identity, if there is one.
    func loadStaged() throws -> AgentState?
    /// Makes the staged identity the identity.
    func commitStaged() throws
    /// Forgets the staged identity.
    func discardStaged()
}

/// Keeps an ``AgentState`` in `<directory>/identity.json`: mode 0600 in a 0700 directory,
/// replaced atomically, and refused when anyone but its owner may read it.
public struct AgentStateStore: AgentIdentityStore {
    /// The directory the identity lives in.
    public let directory: URL

    /// A store in `directory`, which is created on the first save.
    /// - Parameter directory: The state directory, such as `./vigil-agent`.
    public init(directory: URL) {
        self.directory = directory
    }

    /// The identity file's path.
    public var identityPath: String { directory.appendingPathComponent("identity.json").path }

    /// While a key rotation is under way, the identity with the new key, so that it is not lost
    /// if the agent stops after the server accepted the key but before the identity was replaced.
    var stagedPath: String { identityPath + ".rotating" }

    /// Whether an identity file exists, readable or not.
    public var holdsIdentity: Bool { FileManager.default.fileExists(atPath: identityPath) }

    /// Reads the stored identity.
    /// - Returns: The identity.
    /// - Throws: ``AgentError/notEnrolled(path:)`` when there is none,
    ///   ``AgentError/stateFileExposed(path:mode:)`` when others may read it,
    ///   ``AgentError/stateFileCorrupt(path:reason:)`` when it is not an identity.
    public func load() throws -> AgentState {
        guard let state = try read(identityPath) else { throw AgentError.notEnrolled(path: identityPath) }
        return state
    }

    /// Stores `state`, replacing any identity atomically.
    /// - Parameter state: The identity.
    /// - Throws: ``AgentError/stateFileUnwritable(path:reason:)``.
    public func save(_ state: AgentState) throws {
        try PrivateFile.createDirectory(directory.path)
        try PrivateFile.replace(identityPath, with: try VigilJSON.makeEncoder().encode(state))
    }

    /// The managed state's file: what commands did to the device (`managed-state.json`, mode 0600).
    public var managedStatePath: String { directory.appendingPathComponent("managed-state.json").path }

    /// Reads the managed state; a fresh one when none was saved yet.
    /// - Throws: ``AgentError/stateFileCorrupt(path:reason:)`` when the file is not a managed state.
    public func loadManagedState() throws -> ManagedState {
        guard let data = try PrivateFile.read(managedStatePath) else { return ManagedState() }
        do {
            return try VigilJSON.makeDecoder().decode(ManagedState.self, from: data)
        } catch let error as DecodingError {
            throw AgentError.stateFileCorrupt(path: managedStatePath, reason: Self.reason(error))
        }
    }

    /// Stores the managed state, replacing the file atomically.
    public func saveManagedState(_ state: ManagedState) throws {
        try PrivateFile.createDirectory(directory.path)
        try PrivateFile.replace(managedStatePath, with: try VigilJSON.makeEncoder().encode(state))
    }

    /// Stores `state` in `identity.json.rotating`.
    public func stage(_ state: AgentState) throws {
        try PrivateFile.createDirectory(directory.path)
        try PrivateFile.replace(stagedPath, with: try VigilJSON.makeEncoder().encode(state))
    }

    public func loadStaged() throws -> AgentState? {
        try read(stagedPath)
    }

    /// Moves the staged file over the identity, atomically.
    public func commitStaged() throws {
        try PrivateFile.move(stagedPath, over: identityPath)
    }

    public func discardStaged() {
        PrivateFile.remove(stagedPath)
    }

    private func read(_ path: String) throws -> AgentState? {
        guard let data = try PrivateFile.read(path) else { return nil }
        do {
            return try VigilJSON.makeDecoder().decode(AgentState.self, from: data)
        } catch let error as DecodingError {
            throw AgentError.stateFileCorrupt(path: path, reason: Self.reason(error))
        }
    }

    /// What is wrong with the file, naming fields but never quoting their values.
    private static func reason(_ error: DecodingError) -> String {
        let field = { (path: [any CodingKey]) in path.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, _): return "\(key.stringValue) is missing"
        case .dataCorrupted(let context) where context.codingPath.isEmpty: return "it is not JSON"
        case .dataCorrupted(let context): return "\(field(context.codingPath)) is invalid"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(field(context.codingPath)) is invalid"
        @unknown default: return "it cannot be decoded"
        }
    }
}
