import VigilCore
import VigilServer

/// Writes a policy file's fence changes through the API, printing each once the server has taken it.
enum FenceApplication {
    /// Applies `changes`.
    /// - Parameters:
    ///   - changes: What differs between the file's fences and the server's.
    ///   - client: The server.
    /// - Throws: The server's refusal, such as a 409 when someone changed a fence since it was
    ///   read; what was written before stays.
    static func apply(_ changes: PlaceChanges, with client: AdminClient) async throws {
        for change in changes.fences {
            // At the version read, so that the server refuses it if someone changed the fence meanwhile.
            let saved = try await client.put(change.entry, of: change.facilityID, replacing: change.current)
            let outcome = change.current.map { "updated (version \($0.version) → \(saved.version))" }
            print(FenceDifference.render(change, outcome: outcome ?? "created (version \(saved.version))"))
        }
    }
}
