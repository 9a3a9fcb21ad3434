import Foundation
import VigilCore
import VigilStore

/// Where people accept BYOD agreements, from their device or over the API: one path for both,
/// so that an acceptance is checked, recorded and acted on the same way.
struct AgreementDesk: Sendable {
    let store: any VigilStore
    let compliance: ComplianceServices

    /// What an acceptance did.
    struct Accepted {
        /// The acceptance recorded, or the earlier one of the same version.
        let acceptance: AgreementAcceptance
        /// Whether it was recorded now.
        let isNew: Bool
        /// The person's devices in service as evaluated after a new acceptance; empty otherwise
        /// (nothing changed for them).
        let evaluated: [(subject: EvaluationSubject, state: DeviceAccessState)]
    }

    /// What the person of `subject` must accept, with where they stand.
    func requirements(of subject: EvaluationSubject, at now: Date) async throws -> [AgreementToAccept] {
        try await compliance.policies.evaluator().agreements.requirements(
            roles: subject.roles, affiliation: subject.affiliation, accepted: subject.acceptedAgreements, at: now
        ).map(AgreementToAccept.init)
    }

    /// Records a person's acceptance and evaluates their devices again, so that access follows at once.
    /// - Parameters:
    ///   - request: The version and the hash of the text shown.
    ///   - personID: Who accepts.
    ///   - deviceID: The device they accept on, if any; it must be theirs.
    ///   - actor: Who acts, for the audit trail (the device, or the person's token).
    ///   - audit: Makes the audit event from its reason.
    ///   - now: The time.
    /// - Returns: The acceptance recorded, or the person's earlier acceptance of the same version,
    ///   with the person's devices as evaluated after a new one.
    /// - Throws: ``Problem`` 404 for an unknown version, 400 for a hash that is not the version's
    ///   text or a version superseded already.
    func accept(
        _ request: AgreementAcceptanceRequest, personID: PersonID, deviceID: DeviceID?, actor: AuditActor,
        audit: (String) -> AuditEventDraft, at now: Date
    ) async throws -> Accepted {
        guard AgreementID(validating: request.agreementID.rawValue) != nil,
            let agreement = try await store.agreement(id: request.agreementID)
        else { throw Problem.notFound("There is no agreement \(request.agreementID).") }
        guard request.sha256.lowercased() == agreement.sha256 else {
            throw Problem.invalidField(
                "sha256", "is not the hash of \(agreement.name) version \(agreement.version); show the current text and try again")
        }
        // A version this server has not read yet was published by another replica: read them again.
        var agreements = try await compliance.policies.evaluator().agreements
        if !agreements.contains(agreement) { agreements = try await compliance.policies.reload().evaluator.agreements }
        guard agreements.isAcceptable(agreement, at: now) else {
            throw Problem.invalidField(
                "agreementID", "is \(agreement.name) version \(agreement.version), which a later version replaced; accept that one")
        }
        let acceptance = AgreementAcceptance(
            id: .generate(at: now), agreementID: agreement.id, name: agreement.name, version: agreement.version,
            sha256: agreement.sha256, personID: personID, deviceID: deviceID, acceptedAt: now)
        let recorded = try await store.acceptAgreement(
            acceptance,
            audit: audit(
                "\(agreement.name) version \(agreement.version) sha256 \(agreement.sha256) by \(personID)"
                    + (deviceID.map { " on \($0)" } ?? "")))
        guard recorded == acceptance else { return Accepted(acceptance: recorded, isNew: false, evaluated: []) }
        return Accepted(
            acceptance: recorded, isNew: true,
            evaluated: try await compliance.evaluator.evaluateDevices(of: personID, actor: actor, at: now))
    }
}
