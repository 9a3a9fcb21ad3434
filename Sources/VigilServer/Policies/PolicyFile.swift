import Foundation
import VigilCore
import Yams

/// Vigil's configuration as code: a YAML file, `format: vigil-policy/1`, listing the security
/// policies and, optionally, the BYOD program's documents, approval rules, collection matrix and
/// app catalog, and the facilities' fences (`Resources/hospital.yaml` is an example;
/// `docs/compliance.md` and `docs/byod.md` describe the format).
///
/// Reading is strict, because a policy that silently loses a requirement leaves devices
/// unprotected: an unknown key, a value of the wrong type or an unknown name is an error naming
/// the line and the field, never ignored. Versions are not part of the file; the server keeps them.
///
/// The policies are always part of the file. Each other section (the BYOD sections, `fences:`) is
/// optional: `nil` means the file does not have it, and applying the file leaves that part of the
/// configuration as it is.
public struct PolicyFile: Sendable, Equatable {
    /// The format this Vigil reads and writes, named by every file's `format` key.
    public static let format = "vigil-policy/1"

    /// The most documents `agreements:` may list.
    public static let maximumAgreements = 50

    /// The most apps `apps:` may list.
    public static let maximumApps = 1_000

    /// The most fences `fences:` may list: as many as an organization may have.
    public static let maximumFences = Fence.maximumCount

    /// The security policies, in the file's order.
    public var policies: [SecurityPolicy]

    /// The BYOD documents, in the file's order, each as the next version to publish would be
    /// written: its title trimmed and its grace period explicit. `nil` when the file has no
    /// `agreements:`.
    public var agreements: [AgreementDraft]?

    /// The approval rules of personal devices; `nil` when the file has no `approvalRules:`.
    public var approvalRules: ApprovalRuleSets?

    /// What may be collected from each kind of device; `nil` when the file has no `collection:`.
    public var collection: CollectionMatrix?

    /// The managed-app catalog as the administrator writes it (assessments and approval for PHI
    /// are review records, kept by the server); `nil` when the file has no `apps:`.
    public var apps: [App]?

    /// The facilities' fences, each named by its facility's name and its own; `nil` when the file
    /// has no `fences:`.
    public var fences: [FenceEntry]?

    /// Describes a file.
    /// - Parameters:
    ///   - policies: The security policies, in the order to write them.
    ///   - agreements: The BYOD documents, or `nil` for a file without them.
    ///   - approvalRules: The approval rules, or `nil` for a file without them.
    ///   - collection: The collection matrix, or `nil` for a file without it.
    ///   - apps: The catalog apps, or `nil` for a file without them.
    ///   - fences: The fences, or `nil` for a file without them.
    public init(
        policies: [SecurityPolicy] = [], agreements: [AgreementDraft]? = nil, approvalRules: ApprovalRuleSets? = nil,
        collection: CollectionMatrix? = nil, apps: [App]? = nil, fences: [FenceEntry]? = nil
    ) {
        self.policies = policies
        self.agreements = agreements
        self.approvalRules = approvalRules
        self.collection = collection
        self.apps = apps
        self.fences = fences
    }

    /// The `approvalRules:` section: the rules of each kind of personal device. A kind left out
    /// of the file takes ``ApprovalRules``' defaults, which send every device to an administrator.
    public struct ApprovalRuleSets: Sendable, Equatable {
        /// The rules of BYOD devices (`byod:`).
        public var byod: ApprovalRules
        /// The rules of patients' own devices (`patientOwned:`).
        public var patientOwned: ApprovalRules

        /// Describes the rules.
        /// - Parameters:
        ///   - byod: The rules of BYOD devices.
        ///   - patientOwned: The rules of patients' own devices.
        public init(byod: ApprovalRules = ApprovalRules(), patientOwned: ApprovalRules = ApprovalRules()) {
            self.byod = byod
            self.patientOwned = patientOwned
        }

        /// The rules of BYOD settings.
        /// - Parameter settings: The settings in force.
        public init(_ settings: BYODSettings) {
            self.init(byod: settings.byodApproval, patientOwned: settings.patientOwnedApproval)
        }
    }

    /// One app of `apps:`: its identifier and what the administrator writes about it.
    public struct App: Sendable, Equatable {
        /// The bundle or package identifier, such as `org.hospital.ehr`.
        public var id: String
        /// Its name, scope, PHI flag and whether it is required.
        public var draft: CatalogAppDraft

        /// Describes an app.
        /// - Parameters:
        ///   - id: The bundle or package identifier.
        ///   - draft: What the administrator writes about it.
        public init(id: String, draft: CatalogAppDraft) {
            self.id = id
            self.draft = draft
        }

        /// The file's entry for an app of the catalog.
        /// - Parameter app: The catalog entry.
        public init(_ app: CatalogApp) {
            self.init(
                id: app.id,
                draft: CatalogAppDraft(
                    name: app.name, platforms: app.platforms, ownerships: app.ownerships, handlesPHI: app.handlesPHI,
                    required: app.required))
        }
    }

    /// One fence of `fences:`: the facility it bounds, by name, its name and its shape. A fence is
    /// known by these two names, so renaming one in the file makes a new fence.
    public struct FenceEntry: Sendable, Equatable {
        /// The name of the facility it bounds, as the server has it, such as `Mercy General Hospital`.
        public var facility: String
        /// Its name and shape.
        public var draft: FenceDraft

        /// Describes a fence.
        /// - Parameters:
        ///   - facility: The facility's name.
        ///   - draft: The fence's name and shape.
        public init(facility: String, draft: FenceDraft) {
            self.facility = facility
            self.draft = draft
        }
    }
}

/// What is wrong with a policy file, and where.
public struct PolicyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line at fault, from 1, when known.
    public var line: Int?
    /// The field at fault, as a path such as `policies[1].requirements.maximumPatchAgeDays`; empty
    /// when the file is not YAML at all.
    public var field: String
    /// What is wrong, for a person to read.
    public var message: String

    /// Describes an error.
    public init(line: Int?, field: String, message: String) {
        self.line = line
        self.field = field
        self.message = message
    }

    /// The error as `line 14: policies[1].requirements.maximumPatchAgeDays: must be between 0 and 3650`.
    public var description: String {
        (line.map { "line \($0): " } ?? "") + (field.isEmpty ? "" : "\(field): ") + message
    }
}
