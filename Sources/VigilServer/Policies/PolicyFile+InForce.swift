import Foundation
import VigilCore

// The policy file of a configuration in force: what `vigil policy export` writes, so that
// applying it changes nothing.

extension PolicyFile {
    /// The file of the configuration in force, every section written.
    /// - Parameters:
    ///   - policies: The policies in force.
    ///   - agreements: Every published document version; the file has the latest of each
    ///     document, by name.
    ///   - settings: The BYOD settings in force.
    ///   - apps: The catalog, whose assessments and approvals stay with the server.
    ///   - now: The time, which decides which versions are in force already.
    public init(
        inForce policies: [SecurityPolicy], agreements: [Agreement], settings: BYODSettings, apps: [CatalogApp],
        at now: Date
    ) {
        let latest = agreements.latestByName
        self.init(
            policies: policies,
            agreements: latest.keys.sorted().compactMap { latest[$0].map { AgreementDraft(fileOf: $0, at: now) } },
            approvalRules: ApprovalRuleSets(settings), collection: settings.collection,
            apps: apps.sorted { $0.id < $1.id }.map(App.init))
    }
}

extension AgreementDraft {
    /// The file's entry for a published version. Its effective date is written only while it is
    /// still to come: one in the past could not be given to a next version, so a file that changes
    /// a document in force publishes the change effective at once.
    /// - Parameters:
    ///   - agreement: The version.
    ///   - now: The time.
    public init(fileOf agreement: Agreement, at now: Date) {
        self.init(
            name: agreement.name, kind: agreement.kind, title: agreement.title, text: agreement.text,
            effectiveAt: agreement.effectiveAt > now ? agreement.effectiveAt : nil, graceDays: agreement.graceDays,
            audience: agreement.audience)
    }
}

extension [Agreement] {
    /// The latest version of each document, by name.
    var latestByName: [String: Agreement] {
        Dictionary(grouping: self, by: \.name).compactMapValues { $0.max { $0.version < $1.version } }
    }
}
