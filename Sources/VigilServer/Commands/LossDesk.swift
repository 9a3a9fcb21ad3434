import Foundation
import VigilCore
import VigilStore

/// Lost, stolen and found reports (`docs/commands.md`, "Lost, stolen, left behind"): the device's
/// loss record, the commands its plan issues, the ones a found report or a downgrade withdraws,
/// and the evaluation that blocks or restores PHI. Every step is in the audit trail.
struct LossDesk: Sendable {
    let store: any VigilStore
    let commands: CommandServices
    let evaluator: AccessEvaluator

    /// What a report did.
    struct Outcome: Encodable, Sendable {
        let deviceID: DeviceID
        let loss: DeviceLoss?
        let commands: [DeviceCommand]
        let withdrawn: [CommandID]
    }

    /// The most characters of a report's reason.
    static let maximumReasonLength = 500

    /// Records a report about `device` by `actor` and issues its plan.
    /// - Parameter ownDevice: Whether `actor` reports their own device (`/me`): they may report it
    ///   lost or stolen, but only undo (found, or stolen back to lost) a report they made themselves.
    /// - Throws: ``Problem`` 409 for a found report about a device not reported lost, for a retired
    ///   device, or when the device's report changed meanwhile; 403 for a person undoing someone
    ///   else's report.
    func report(
        _ report: LossReport, about device: Device, by actor: AuditActor, ownDevice: Bool, at now: Date,
        audit: @escaping AuditEventMaker
    ) async throws -> Outcome {
        var report = report
        report.reason = try Validate.text(report.reason, field: "reason", maximumLength: Self.maximumReasonLength)
        guard device.retirement == nil else { throw Problem.conflict("Device \(device.id) is retired.") }
        let previous = device.loss
        if report.status == .found, previous == nil {
            throw Problem.conflict("Device \(device.id) is not reported lost or stolen.")
        }
        let undoes = report.status == .found || (previous?.kind == .stolen && report.status == .lost)
        if ownDevice, undoes, let previous, previous.reportedBy != actor.withoutToken {
            throw Problem.forbidden(
                "Device \(device.id) was reported \(previous.kind.rawValue) by someone else: only the security team may undo it.")
        }
        let loss = LossPlan.loss(after: report, previous: previous, by: actor.withoutToken, wipeDelay: commands.stolenWipeDelay, at: now)
        let steps = try LossPlan.steps(
            for: report, loss: loss ?? previous, ownership: device.ownership, collection: try await commands.collection(),
            at: now)
        let updated = try await store.updateDevice(
            id: device.id,
            audit: audit(.deviceLossReported, .device(device.id), Self.summary(report, loss: loss, by: actor))
        ) { stored in
            // The plan was made from the report read before: another report meanwhile is a conflict.
            guard stored.loss == previous, stored.retirement == nil else {
                throw Problem.conflict("Device \(device.id)'s loss report changed meanwhile; read it and report again.")
            }
            stored.loss = loss
        }
        // A found device needs none of the plan; a stolen one found to be only lost, no wipe.
        let withdrawn: [CommandID]
        if loss == nil {
            withdrawn = try await withdraw(from: device.id, wipesOnly: false, at: now, audit: audit)
        } else if previous?.kind == .stolen, loss?.kind == .lost {
            withdrawn = try await withdraw(from: device.id, wipesOnly: true, at: now, audit: audit)
        } else {
            withdrawn = []
        }
        let issued = try await commands.issue(
            steps.map(\.draft), availableAt: steps.map(\.availableAt), to: updated, origin: .loss, issuer: actor, at: now,
            audit: audit)
        _ = try await evaluator.evaluate(device.id, actor: actor, at: now)
        return Outcome(deviceID: device.id, loss: loss, commands: issued.map(\.command), withdrawn: withdrawn)
    }

    /// Cancels the loss plan's commands that have not ended (but lost mode off), or only its wipes.
    private func withdraw(
        from deviceID: DeviceID, wipesOnly: Bool, at now: Date, audit: @escaping AuditEventMaker
    ) async throws -> [CommandID] {
        var withdrawn: [CommandID] = []
        var page = PageRequest.first
        while true {
            let found = try await store.commands(CommandFilter(deviceID: deviceID), page)
            for command in found.items where command.origin == .loss && !command.state.hasEnded
                && command.kind != .lostModeOff && (command.kind.isWipe || !wipesOnly)
            {
                do {
                    _ = try await store.updateCommand(
                        id: command.id, audit: audit(.commandCancelled, .device(deviceID), "\(command.id): loss report withdrawn")
                    ) { try $0.cancel(by: nil, at: now) }
                    withdrawn.append(command.id)
                } catch is CommandTransitionError {
                    // It ended meanwhile (answered, expired): nothing to withdraw.
                }
            }
            guard let next = found.nextAfter else { return withdrawn }
            page = try PageRequest(limit: PageRequest.maximumLimit, after: next)
        }
    }

    /// The report for the audit trail: what, by whom, and when a wipe follows; never the
    /// lock-screen message or the callback number.
    static func summary(_ report: LossReport, loss: DeviceLoss?, by actor: AuditActor) -> String {
        let wipe = loss?.wipeAt.map { "; wipe at \(RFC3339.format($0)) unless found" } ?? ""
        return "reported \(report.status.rawValue) by \(actor.kind.rawValue) \(actor.id ?? "")\(wipe): \(report.reason)"
    }
}
