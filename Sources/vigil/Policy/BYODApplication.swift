import Foundation
import VigilCore
import VigilServer

/// Writes a policy file's BYOD changes through the API, in the order documents, settings, apps,
/// printing each once the server has taken it.
enum BYODApplication {
    /// Applies `changes`.
    /// - Parameters:
    ///   - changes: What differs between the file and the configuration in force.
    ///   - client: The server.
    ///   - now: The time the changes were worked out at.
    /// - Returns: The fleet evaluation the last publication started, if any: publishing a document
    ///   version changes whose devices may reach PHI.
    /// - Throws: The server's refusal, such as a 409 when someone changed the settings or an app
    ///   since they were read; what was written before stays.
    static func apply(_ changes: BYODChanges, with client: AdminClient, at now: Date) async throws -> String? {
        var evaluation: String?
        for publication in changes.publications {
            let published = try await client.publish(publication.draft)
            print(BYODDifference.render(publication, outcome: "published version \(published.agreement.version)", at: now))
            evaluation = published.evaluation.id
        }
        if let settings = changes.settings {
            // At the version read, so that the server refuses it if someone changed the settings meanwhile.
            let replaced = try await client.replace(settings.desired)
            let outcome = replaced.changed
                ? "updated (version \(settings.current.version) → \(replaced.settings.version))"
                : "unchanged: someone made the same change meanwhile"
            print(BYODDifference.render(settings, outcome: outcome))
        }
        for change in changes.apps {
            let saved = try await client.put(change.app, replacingVersion: change.current?.version)
            let outcome = change.current.map { "updated (version \($0.version) → \(saved.version))" }
            print(BYODDifference.render(change, outcome: outcome ?? "created (version \(saved.version))"))
        }
        return evaluation
    }
}
