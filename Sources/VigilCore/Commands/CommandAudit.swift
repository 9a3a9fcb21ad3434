extension AuditAction {
    /// A command was queued for a device; the reason names the command, its kind and why it was issued.
    public static let commandIssued: AuditAction = "command.issue"
    /// One command was issued to a filtered set of devices; the target is the batch.
    public static let commandBatchIssued: AuditAction = "command.batch"
    /// A command was cancelled before it ended.
    public static let commandCancelled: AuditAction = "command.cancel"
    /// A second administrator approved a wipe the guard-rail held.
    public static let commandApproved: AuditAction = "command.approve"
    /// A device acknowledged a command, or reported that it failed.
    public static let commandCompleted: AuditAction = "command.complete"
    /// A command expired before its device answered.
    public static let commandExpired: AuditAction = "command.expire"
    /// A device was reported lost, stolen or found; the reason says which, and by whom.
    public static let deviceLossReported: AuditAction = "device.loss_report"
    /// A device's agent reported it left behind: stationary, untouched, while its person is on shift.
    public static let deviceLeftBehind: AuditAction = "device.left_behind"
}

extension AuditTarget {
    /// A command batch as the target of an audited action.
    public static func commandBatch(_ id: CommandBatchID) -> AuditTarget { AuditTarget(type: "command_batch", id: id.rawValue) }
}
