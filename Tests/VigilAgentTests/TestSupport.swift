import Foundation
import VigilAgent

extension AgentStateStore {
    /// A store in a new directory under the system's temporary directory.
    static func temporary() -> AgentStateStore {
        AgentStateStore(
            directory: FileManager.default.temporaryDirectory
                .appendingPathComponent("vigil-agent-tests-\(UUID().uuidString)")
                .appendingPathComponent("state"))
    }

    /// Deletes the store's directory and its parent.
    func removeAll() {
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }
}

/// A deterministic generator (SplitMix64), so that jitter is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
