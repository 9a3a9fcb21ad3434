import Foundation
import VigilCore

/// Audit events for ledger tests, and the bridge from them to the independent verifier's columns.
public enum LedgerFixtures {
    /// A varied event: PHI access for every third index, with absent and empty fields in between.
    public static func event(_ index: Int) -> AuditEventDraft {
        let time = Date(millisecondsSince1970: 1_764_412_800_000 + Int64(index) * 1_000)
        if index % 3 == 0 {
            return PHIAccess(
                actor: AuditActor(kind: .person, id: "per_\(index)", tokenID: "tok_\(index)"), patientID: "MRN-\(index)",
                resource: AuditTarget(type: "Observation", id: "obs-\(index)"), deviceID: DeviceID(rawValue: "dev_\(index)"),
                place: .inside, purpose: .treatment, operation: .read, outcome: .success
            ).auditEvent(at: time, sourceAddress: "10.0.0.\(index % 250)", requestID: "req-\(index)")
        }
        return AuditEventDraft(
            occurredAt: time, actor: index % 3 == 1 ? .system("tests") : .anonymous, action: AuditAction(rawValue: "test.event\(index)"),
            target: index % 2 == 0 ? AuditTarget(type: "person", id: "per_\(index)") : nil,
            outcome: index % 5 == 0 ? .failure : .success, reason: index % 4 == 0 ? "" : "note, \"quoted\" \(index)",
            sourceAddress: nil, requestID: "req-\(index)")
    }

    /// The event's columns for ``IndependentLedgerVerifier``.
    public static func columns(_ event: AuditEvent) -> IndependentLedgerVerifier.Columns {
        IndependentLedgerVerifier.Columns(
            sequence: UInt64(event.sequence), occurredAtMilliseconds: event.occurredAt.millisecondsSince1970,
            id: event.id.rawValue, actorKind: event.actor.kind.rawValue, actorID: event.actor.id,
            actorTokenID: event.actor.tokenID, action: event.action.rawValue, targetType: event.target?.type,
            targetID: event.target?.id, outcome: event.outcome.rawValue, reason: event.reason,
            sourceAddress: event.sourceAddress, requestID: event.requestID, phiPatientID: event.phi?.patientID,
            phiDeviceID: event.phi?.deviceID, phiPurpose: event.phi?.purpose.rawValue, phiPlace: event.phi?.place.rawValue)
    }
}
