import Foundation

/// A command as asked for, by an administrator or by one of the rules that issue commands, before
/// it is checked and given to a device.
public struct CommandDraft: Codable, Sendable, Equatable {
    /// What to do.
    public var kind: CommandKind
    /// Its parameters (``CommandParameters``).
    public var parameters: [String: String]
    /// Delivery order; the kind's ``CommandKind/defaultPriority`` when absent.
    public var priority: CommandPriority?
    /// How long it may wait for its device, in seconds (1 minute to 90 days); the kind's
    /// ``CommandKind/defaultLifetime`` when absent.
    public var expiresInSeconds: Int?
    /// Why: required, recorded with the command and in the audit trail (at most 500 characters).
    public var reason: String
    /// Makes a request sent twice one command: the same key for the same device returns the
    /// first command (1 to 128 visible ASCII characters).
    public var idempotencyKey: String?

    /// Describes a command to issue.
    public init(
        kind: CommandKind, parameters: [String: String] = [:], priority: CommandPriority? = nil,
        expiresInSeconds: Int? = nil, reason: String, idempotencyKey: String? = nil
    ) {
        self.kind = kind
        self.parameters = parameters
        self.priority = priority
        self.expiresInSeconds = expiresInSeconds
        self.reason = reason
        self.idempotencyKey = idempotencyKey
    }

    /// The shortest lifetime: one minute.
    public static let minimumLifetime = 60
    /// The longest lifetime: 90 days.
    public static let maximumLifetime = 90 * 86_400
    /// The longest reason.
    public static let maximumReasonLength = 500
    /// The longest idempotency key.
    public static let maximumKeyLength = 128
    /// The prefixes of the idempotency keys Vigil gives its own commands (access changes,
    /// escalations, left-behind locks, loss plans): a person may not take one ahead of it.
    public static let reservedKeyPrefixes = ["access-", "due-", "left-behind-", "loss-"]

    /// Refuses an idempotency key that starts like one of Vigil's own (``reservedKeyPrefixes``).
    /// - Throws: ``ValidationError`` on `idempotencyKey`.
    public func refusingReservedKey() throws -> CommandDraft {
        if let key = idempotencyKey, let prefix = Self.reservedKeyPrefixes.first(where: key.hasPrefix) {
            throw ValidationError(field: "idempotencyKey", message: "may not start with \(prefix), which Vigil keeps for its own commands")
        }
        return self
    }

    /// The draft with every field checked and trimmed.
    /// - Throws: ``ValidationError`` naming the field at fault.
    public func validated() throws -> CommandDraft {
        var draft = self
        draft.parameters = try CommandParameters.validated(parameters, for: kind)
        draft.reason = try Validate.text(reason, field: "reason", maximumLength: Self.maximumReasonLength)
        if let seconds = expiresInSeconds, !(Self.minimumLifetime...Self.maximumLifetime).contains(seconds) {
            throw ValidationError(
                field: "expiresInSeconds", message: "must be from \(Self.minimumLifetime) to \(Self.maximumLifetime)")
        }
        if let key = idempotencyKey {
            guard (1...Self.maximumKeyLength).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
            else {
                throw ValidationError(
                    field: "idempotencyKey", message: "must be 1 to \(Self.maximumKeyLength) visible ASCII characters")
            }
        }
        return draft
    }

    /// The command for one device.
    /// - Parameters:
    ///   - deviceID: The device.
    ///   - origin: What made it.
    ///   - issuer: Who issued it.
    ///   - now: When.
    ///   - availableAt: When it may first be sent (a delayed wipe); `now` by default.
    ///   - batchID: Its batch, for a command issued to a set of devices.
    ///   - id: Its identifier; a fresh one by default (several commands of one moment take sorted ones, to keep their order).
    public func command(
        for deviceID: DeviceID, origin: CommandOrigin, issuer: AuditActor, at now: Date, availableAt: Date? = nil,
        batchID: CommandBatchID? = nil, id: CommandID? = nil
    ) -> DeviceCommand {
        let start = max(availableAt ?? now, now)
        let lifetime = expiresInSeconds.map(Double.init) ?? kind.defaultLifetime
        return DeviceCommand(
            id: id ?? .generate(at: now), deviceID: deviceID, kind: kind, parameters: parameters,
            priority: priority ?? kind.defaultPriority, state: .queued, origin: origin, issuedBy: issuer, reason: reason,
            idempotencyKey: idempotencyKey, batchID: batchID, createdAt: now, availableAt: start,
            expiresAt: start.addingTimeInterval(lifetime))
    }

    /// Whether `command` is what this draft asks for: a repeated request with the same
    /// idempotency key must ask for the same thing, or it is refused as a conflict.
    public func matches(_ command: DeviceCommand) -> Bool {
        command.kind == kind && command.parameters == parameters && command.priority == (priority ?? kind.defaultPriority)
    }
}
