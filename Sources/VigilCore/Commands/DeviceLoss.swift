import Foundation

/// A device reported lost or stolen and not found yet (`docs/commands.md`, "Lost, stolen, found").
public struct DeviceLoss: Codable, Sendable, Equatable {
    /// Lost, or stolen.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case lost
        case stolen
    }

    /// Lost or stolen.
    public var kind: Kind
    /// When it was reported (first as lost, if it was reported lost before stolen).
    public var reportedAt: Date
    /// Who reported it.
    public var reportedBy: AuditActor
    /// The wipe that follows a theft, when it is sent unless the device is found first.
    public var wipeAt: Date?

    /// Describes a loss.
    public init(kind: Kind, reportedAt: Date, reportedBy: AuditActor, wipeAt: Date? = nil) {
        self.kind = kind
        self.reportedAt = reportedAt
        self.reportedBy = reportedBy
        self.wipeAt = wipeAt
    }
}

/// What a loss report, by a person or an administrator, asks for.
public struct LossReport: Codable, Sendable, Equatable {
    /// What happened.
    public enum Status: String, Codable, CaseIterable, Sendable {
        case lost
        case stolen
        case found
    }

    /// Lost, stolen or found.
    public var status: Status
    /// The lock screen message of lost mode; a default one when absent.
    public var message: String?
    /// The number to call shown on the lock screen.
    public var phone: String?
    /// Why, or what happened, in a few words (required; recorded in the audit trail).
    public var reason: String

    /// Describes a report.
    public init(status: Status, message: String? = nil, phone: String? = nil, reason: String) {
        self.status = status
        self.message = message
        self.phone = phone
        self.reason = reason
    }

    /// The lock screen message when the report names none.
    public static let defaultMessage = "This device belongs to the hospital and was reported lost. Please return it."
}

/// The commands a loss report issues, from the device's ownership and the collection matrix.
///
/// Lost: lost mode (message, number to call, location reporting), locate where the device's
/// location may be collected; PHI is blocked by the access decision, which a lost device fails.
/// Stolen: the same, and the wipe its ownership allows (full for a hospital-owned device,
/// selective for a personal one) at the loss's ``DeviceLoss/wipeAt`` unless it is found first.
/// Found: lost mode off; the server cancels the loss's waiting commands, and the access decision
/// restores PHI.
///
/// Every step carries an idempotency key made from the loss's report time, so that a report sent
/// again, or a theft reported after a loss, issues each command once.
public enum LossPlan {
    /// The default delay between a theft report and its wipe: one hour.
    public static let defaultWipeDelay: TimeInterval = 3_600

    /// A command to issue and when it may first be sent.
    public struct Step: Sendable, Equatable {
        /// The command.
        public var draft: CommandDraft
        /// When it may first be sent: now, or the wipe's time.
        public var availableAt: Date
    }

    /// The loss a report leaves the device with: `nil` when found.
    public static func loss(
        after report: LossReport, previous: DeviceLoss?, by actor: AuditActor, wipeDelay: TimeInterval, at now: Date
    ) -> DeviceLoss? {
        switch report.status {
        case .found: nil
        case .lost: DeviceLoss(kind: .lost, reportedAt: previous?.reportedAt ?? now, reportedBy: actor)
        case .stolen:
            DeviceLoss(
                kind: .stolen, reportedAt: previous?.reportedAt ?? now, reportedBy: actor,
                wipeAt: previous?.wipeAt ?? now.addingTimeInterval(wipeDelay))
        }
    }

    /// The commands a report issues.
    /// - Parameters:
    ///   - report: The report.
    ///   - loss: The loss before the report, for `found`; after it, for `lost` and `stolen`.
    ///   - ownership: The device's ownership.
    ///   - collection: The collection matrix in force.
    ///   - now: When.
    /// - Throws: ``ValidationError`` for a bad message or number, naming `message` or `phone`.
    public static func steps(
        for report: LossReport, loss: DeviceLoss?, ownership: Ownership, collection: CollectionMatrix, at now: Date
    ) throws -> [Step] {
        guard let loss else { return [] }
        let reason = "reported \(report.status.rawValue): \(report.reason)"
        let key = "loss-\(loss.reportedAt.millisecondsSince1970)"
        func step(_ kind: CommandKind, _ parameters: [String: String] = [:], at time: Date = now) -> Step {
            // A report repeated with another message or number is another command: its key says so.
            let words = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
            let variant = parameters.isEmpty ? "" : "-" + SHA256Hex.of(words).prefix(12)
            return Step(
                draft: CommandDraft(
                    kind: kind, parameters: parameters, reason: reason, idempotencyKey: "\(key)-\(kind.rawValue)\(variant)"),
                availableAt: time)
        }
        var steps: [Step] = []
        switch report.status {
        case .found:
            steps.append(step(.lostModeOff))
        case .lost, .stolen:
            var parameters = ["message": report.message ?? LossReport.defaultMessage]
            if let phone = report.phone { parameters["phone"] = phone }
            steps.append(step(.lostModeOn, parameters))
            if DeviceActionPolicy.allows(.locate, on: ownership, collection: collection) { steps.append(step(.locate)) }
            if loss.kind == .stolen {
                // Keyed by its time too: a theft reported again after a downgrade to lost schedules a new wipe.
                let wipeAt = loss.wipeAt ?? now
                var wipe = step(ownership.isHospitalOwned ? .fullWipe : .selectiveWipe, at: wipeAt)
                wipe.draft.idempotencyKey = (wipe.draft.idempotencyKey ?? key) + "-\(wipeAt.millisecondsSince1970)"
                steps.append(wipe)
            }
        }
        return try steps.map { step in
            var step = step
            do {
                step.draft = try step.draft.validated()
            } catch let error as ValidationError {
                throw ValidationError(field: String(error.field.dropFirst("parameters.".count)), message: error.message)
            }
            return step
        }
    }
}
