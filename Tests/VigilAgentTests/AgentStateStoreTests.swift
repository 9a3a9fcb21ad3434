import Foundation
import Testing
import VigilAgent
import VigilCore

@Suite struct AgentStateStoreTests {
    static func sampleState() -> AgentState {
        AgentState(
            serverURL: URL(string: "https://vigil.example.org")!, deviceID: .generate(at: Date()), key: DeviceKey(),
            enrolledAt: Date(timeIntervalSince1970: 1_790_000_000.125), ownership: .corporate, deviceClass: .pc)
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as! NSNumber).intValue
    }

    /// Replaces the identity file's content, keeping it private.
    static func overwrite(_ store: AgentStateStore, with content: String) throws {
        try Data(content.utf8).write(to: URL(fileURLWithPath: store.identityPath))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: store.identityPath)
    }

    @Test func anIdentityRoundTripsInAPrivateFile() throws {
        let store = AgentStateStore.temporary()
        defer { store.removeAll() }
        let state = Self.sampleState()
        try store.save(state)
        let loaded = try store.load()
        #expect(loaded.serverURL == state.serverURL)
        #expect(loaded.deviceID == state.deviceID)
        #expect(loaded.key.publicKey == state.key.publicKey)
        #expect(loaded.enrolledAt == state.enrolledAt)
        #expect(loaded.ownership == .corporate && loaded.deviceClass == .pc)
        #expect(try Self.mode(store.identityPath) == 0o600)
        #expect(try Self.mode(store.directory.path) == 0o700)
        #expect(store.holdsIdentity)
    }

    @Test func savingAgainReplacesTheIdentity() throws {
        let store = AgentStateStore.temporary()
        defer { store.removeAll() }
        try store.save(Self.sampleState())
        let second = Self.sampleState()
        try store.save(second)
        #expect(try store.load().key.publicKey == second.key.publicKey)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path) == ["identity.json"])
    }

    @Test func aFileOthersMayReadIsRefused() throws {
        let store = AgentStateStore.temporary()
        defer { store.removeAll() }
        try store.save(Self.sampleState())
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: store.identityPath)
        #expect(throws: AgentError.stateFileExposed(path: store.identityPath, mode: "640")) { try store.load() }
    }

    @Test func aMissingFileMeansNotEnrolled() throws {
        let store = AgentStateStore.temporary()
        #expect(throws: AgentError.notEnrolled(path: store.identityPath)) { try store.load() }
        #expect(AgentError.notEnrolled(path: store.identityPath).description.contains("vigil agent enroll"))
        #expect(!store.holdsIdentity)
    }

    @Test(arguments: [
        ("not json", "it is not JSON"),
        (#"{"serverURL":"https://vigil.example.org"}"#, "deviceID is missing"),
    ])
    func aCorruptFileIsRefused(content: String, reason: String) throws {
        let store = AgentStateStore.temporary()
        defer { store.removeAll() }
        try store.save(Self.sampleState())
        try Self.overwrite(store, with: content)
        #expect(throws: AgentError.stateFileCorrupt(path: store.identityPath, reason: reason)) { try store.load() }
    }

    @Test func aBadPrivateKeyIsCorruptWithoutBeingQuoted() throws {
        let store = AgentStateStore.temporary()
        defer { store.removeAll() }
        try store.save(Self.sampleState())
        let text = try String(contentsOfFile: store.identityPath, encoding: .utf8)
        let privateKey = try #require(
            text.firstRange(of: #/"privateKey":"([A-Za-z0-9_-]+)"/#).map { String(text[$0]) })
        try Self.overwrite(store, with: text.replacingOccurrences(of: privateKey, with: #""privateKey":"c2hvcnQ""#))
        #expect(throws: AgentError.stateFileCorrupt(path: store.identityPath, reason: "privateKey is invalid")) {
            try store.load()
        }
    }

    @Test func descriptionsNeverShowThePrivateKey() {
        let state = Self.sampleState()
        let secret = Base64URL.encode(state.key.rawRepresentation)
        var dumped = ""
        dump(state, to: &dumped)
        for text in [String(describing: state), String(reflecting: state), "\(state.key)", dumped] {
            #expect(!text.contains(secret))
        }
        #expect(String(describing: state).contains(state.deviceID.rawValue))
    }
}
