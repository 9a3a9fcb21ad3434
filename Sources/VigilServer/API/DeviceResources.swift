import Foundation
import VigilCore

// The JSON shapes of devices and invitations as the API returns them.

/// An enrollment invitation as the API shows it; never its code, except once at creation.
struct InvitationResource: Encodable {
    let id: String
    let personID: String
    let facilityID: String?
    let ownership: Ownership
    let deviceClass: DeviceClass
    let medicalKind: MedicalDeviceKind?
    let note: String?
    /// `active`, `used`, `revoked` or `expired`, at the time of the response.
    let state: EnrollmentInvitation.State
    let createdBy: String?
    let createdAt: Date
    let expiresAt: Date
    let usedAt: Date?
    let deviceID: String?
    let revokedAt: Date?

    init(_ invitation: EnrollmentInvitation, now: Date = Date()) {
        id = invitation.id.rawValue
        personID = invitation.personID.rawValue
        facilityID = invitation.facilityID?.rawValue
        ownership = invitation.ownership
        deviceClass = invitation.deviceClass
        medicalKind = invitation.medicalKind
        note = invitation.note
        state = invitation.state(at: now)
        createdBy = invitation.createdBy?.rawValue
        createdAt = invitation.createdAt
        expiresAt = invitation.expiresAt
        usedAt = invitation.usedAt
        deviceID = invitation.deviceID?.rawValue
        revokedAt = invitation.revokedAt
    }
}

/// A new invitation with, this once, its code and the enrollment URL that carries it.
struct CreatedInvitationResource: Encodable {
    let invitation: InvitationResource
    /// The one-time code, in groups of five; it is not shown again.
    let code: String
    /// A URL with the code, for a QR code or a link: `vigil agent enroll --url <it>`.
    let enrollmentURL: String
}

/// A device as the inventory shows it to one caller: without the fields the collection matrix
/// hides from them, which ``hiddenFields`` names (``DeviceView``).
struct DeviceResource: Encodable {
    let id: String
    let personID: String
    let facilityID: String?
    let invitationID: String
    let ownership: Ownership
    let deviceClass: DeviceClass
    let medicalKind: MedicalDeviceKind?
    let platform: Platform
    let model: String
    let osVersion: String
    let hardwareID: String?
    let name: String?
    let phoneNumber: String?
    let hardwareIdentifiers: [String]
    let status: DeviceStatus
    let approval: ApprovalState
    let approvalReason: String?
    let approvalDecidedBy: String?
    let approvalDecidedAt: Date?
    let compliance: ComplianceState
    let enrolledAt: Date
    let lastSeenAt: Date?
    let keyRotatedAt: Date?
    let posture: Posture?
    let retirement: Retirement?
    /// Present while the device is reported lost or stolen.
    let loss: DeviceLoss?
    let updatedAt: Date
    /// The collected fields this caller may not see (`collect_hidden`), left out above.
    let hiddenFields: [CollectedField]

    /// The resource of `device` as the caller may see it.
    /// - Parameters:
    ///   - device: The device, without what the caller may not see.
    ///   - hiddenFields: What was left out.
    init(_ device: Device, hiddenFields: [CollectedField]) {
        id = device.id.rawValue
        personID = device.personID.rawValue
        facilityID = device.facilityID?.rawValue
        invitationID = device.invitationID.rawValue
        ownership = device.ownership
        deviceClass = device.deviceClass
        medicalKind = device.medicalKind
        platform = device.platform
        model = device.model
        osVersion = device.osVersion
        hardwareID = device.hardwareID
        name = device.name
        phoneNumber = device.phoneNumber
        hardwareIdentifiers = device.hardwareIdentifiers
        status = device.status
        approval = device.approval
        approvalReason = device.approvalReason
        approvalDecidedBy = device.approvalDecidedBy?.rawValue
        approvalDecidedAt = device.approvalDecidedAt
        compliance = device.compliance
        enrolledAt = device.enrolledAt
        lastSeenAt = device.lastSeenAt
        keyRotatedAt = device.keyRotatedAt
        posture = device.posture
        retirement = device.retirement
        loss = device.loss
        updatedAt = device.updatedAt
        self.hiddenFields = hiddenFields
    }
}

/// One posture of a device's history, as the caller may see it.
struct PostureRecordResource: Encodable {
    let id: String
    let deviceID: String
    let recordedAt: Date
    let posture: Posture
    /// The collected facts this caller may not see (`collect_hidden`), left out of ``posture``.
    let hiddenFields: [CollectedField]
}

/// A device with its recent history, for the device page.
struct DeviceDetailResource: Encodable {
    let device: DeviceResource
    /// The newest state changes (enrollment, approval, key rotation, retirement), newest first;
    /// the whole history is at `/devices/{id}/history`.
    let recentHistory: [AuditEvent]
}
