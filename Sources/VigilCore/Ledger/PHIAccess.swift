import Foundation

/// Why PHI was accessed: the HL7 v3 PurposeOfUse codes a hospital's PHI services use.
public enum PurposeOfUse: String, Codable, Sendable, CaseIterable {
    /// Treatment.
    case treatment = "TREAT"
    /// Emergency treatment, as under break-glass access.
    case emergencyTreatment = "ETREAT"
    /// Payment.
    case payment = "HPAYMT"
    /// Healthcare operations.
    case operations = "HOPERAT"
    /// At the patient's request.
    case patientRequest = "PATRQT"
    /// Research.
    case research = "HRESCH"
    /// Public health.
    case publicHealth = "PUBHLTH"
}

/// Where a device was, as far as Vigil knows, when it was used.
public enum PlaceState: String, Codable, Sendable, CaseIterable {
    /// Inside one of its facility's fences.
    case inside
    /// Outside every fence.
    case outside
    /// The last fix was too inaccurate to say.
    case unknown
    /// No recent fix.
    case stale
    /// Place is not evaluated (geofencing is not configured for this device).
    case notEvaluated = "not_evaluated"
}

/// What a PHI access did to the record.
public enum PHIOperation: String, Codable, Sendable, CaseIterable {
    case create, read, update, delete, search

    /// The audit action recorded for it, such as `phi.read`.
    public var action: AuditAction { AuditAction(rawValue: "phi." + rawValue) }
}

/// The PHI-specific part of an audit event.
public struct PHIAccessDetails: Codable, Sendable, Equatable {
    /// The patient whose information was touched, as the PHI service identifies them.
    public let patientID: String
    /// The device the access came from, if any.
    public let deviceID: String?
    /// Why.
    public let purpose: PurposeOfUse
    /// The device's place state at the time.
    public let place: PlaceState

    /// Names the details.
    public init(patientID: String, deviceID: String?, purpose: PurposeOfUse, place: PlaceState) {
        self.patientID = patientID
        self.deviceID = deviceID
        self.purpose = purpose
        self.place = place
    }
}

/// One access to protected health information: who, which patient, which resource, from which
/// device and place, why, and how it ended. Every module that serves PHI records one per access.
public struct PHIAccess: Sendable, Equatable {
    /// Who accessed it.
    public var actor: AuditActor
    /// The patient.
    public var patientID: String
    /// The resource, such as type `Observation` and its ID.
    public var resource: AuditTarget
    /// The device used, if any.
    public var deviceID: DeviceID?
    /// The device's place state.
    public var place: PlaceState
    /// Why.
    public var purpose: PurposeOfUse
    /// What was done.
    public var operation: PHIOperation
    /// Whether it was allowed and done.
    public var outcome: AuditOutcome
    /// Why it was refused, or a short note; never PHI itself.
    public var reason: String?

    /// Describes an access.
    public init(
        actor: AuditActor, patientID: String, resource: AuditTarget, deviceID: DeviceID?, place: PlaceState,
        purpose: PurposeOfUse, operation: PHIOperation, outcome: AuditOutcome, reason: String? = nil
    ) {
        self.actor = actor
        self.patientID = patientID
        self.resource = resource
        self.deviceID = deviceID
        self.place = place
        self.purpose = purpose
        self.operation = operation
        self.outcome = outcome
        self.reason = reason
    }

    /// Checks the fields a PHI service supplies.
    /// - Throws: ``ValidationError`` naming the field.
    public func validated() throws -> PHIAccess {
        var access = self
        access.patientID = try Validate.text(patientID, field: "patientID", maximumLength: 128)
        access.resource = AuditTarget(
            type: try Validate.text(resource.type, field: "resource.type", maximumLength: 64),
            id: try Validate.text(resource.id, field: "resource.id", maximumLength: 128))
        access.reason = try reason.map { try Validate.text($0, field: "reason", maximumLength: 500) }
        return access
    }

    /// The audit event recording it.
    /// - Parameters:
    ///   - time: When it happened.
    ///   - sourceAddress: The caller's network address.
    ///   - requestID: The request's ID.
    public func auditEvent(at time: Date, sourceAddress: String? = nil, requestID: String? = nil) -> AuditEventDraft {
        AuditEventDraft(
            occurredAt: time, actor: actor, action: operation.action, target: resource, outcome: outcome,
            reason: reason, sourceAddress: sourceAddress, requestID: requestID,
            phi: PHIAccessDetails(patientID: patientID, deviceID: deviceID?.rawValue, purpose: purpose, place: place))
    }
}
