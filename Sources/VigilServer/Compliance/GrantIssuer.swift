import Foundation
import VigilCore
import VigilStore

/// Issues access grants to devices the decision allows, and checks grants for PHI services
/// (`docs/compliance.md`, "Access grants").
struct GrantIssuer: Sendable {
    let keys: GrantKeys
    let store: any VigilStore
    let policies: PolicyRegistry
    /// The `iss` of every grant: the server's public URL.
    let issuer: @Sendable () -> String
    /// The `aud` of every grant: the PHI services' name.
    let audience: String
    /// How long a grant lives, at most 15 minutes.
    let lifetime: TimeInterval

    /// The scopes of every grant.
    static let scope = "phi.read phi.write"

    /// A grant for a device whose recorded decision allows PHI; `nil` when it denies.
    func grant(for subject: EvaluationSubject, state: DeviceAccessState, at now: Date = Date()) async throws
        -> IssuedGrant?
    {
        guard state.decision.allowed, subject.device.custody == .inService else { return nil }
        let emergency = state.decision.notes.contains(.emergencyAccess) ? subject.emergency : nil
        var lifetime = lifetime
        if let emergency { lifetime = min(lifetime, emergency.until.timeIntervalSince(now)) }
        guard lifetime >= 1 else { return nil }
        // Grants carry whole seconds: one issued after a revocation in the same second is dated
        // the next second, so that verification, which refuses grants dated before the
        // revocation, tells the two apart.
        let issuedAt = max(now, state.grantsRevokedAt.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.up)) } ?? now)
        // During a home visit the grant reaches the visit's patient only; inside a facility it
        // names the facility the person is in.
        let evaluator = try await policies.evaluator()
        let place = evaluator.personPlace(of: subject, at: now)
        let visit = state.decision.notes.contains(.visitScoped) ? evaluator.visit(of: subject, at: place) : nil
        let claims = try AccessGrantClaims(
            issuer: issuer(), person: subject.device.personID.rawValue, audience: audience,
            device: subject.device.id.rawValue, facility: (place.facilityID ?? subject.device.facilityID)?.rawValue,
            scope: Self.scope, emergencyID: emergency?.id.rawValue, patient: visit?.patient, at: issuedAt,
            lifetime: lifetime)
        let token = try JSONWebToken.sign(claims, with: try await keys.current())
        return IssuedGrant(
            token: token, expiresAt: Date(timeIntervalSince1970: Double(claims.exp)), emergency: emergency != nil)
    }

    /// Checks a grant: its signature, audience and lifetime, then whether the device may still
    /// reach PHI now and the grant was not revoked.
    /// - Parameters:
    ///   - token: The grant.
    ///   - app: The app presenting it, from its catalog entry (``AppSensitivity/init(catalogEntry:)``):
    ///     an app that handles PHI without approval is refused with `app_not_approved`, and one
    ///     that does not handle PHI is judged as such (emergency access does not concern it).
    ///   - patient: The patient whose records the service is about to reach, if it says: a grant
    ///     limited to another patient is refused, and so is one used for another patient than the
    ///     home visit's.
    ///   - now: The time.
    func verify(
        _ token: String, app: AppSensitivity = .phi, patient: String? = nil, at now: Date = Date().roundedToMilliseconds
    ) async throws -> GrantVerification {
        let claims: AccessGrantClaims
        do {
            claims = try JSONWebToken.verify(token, as: AccessGrantClaims.self, keys: try await keys.verificationKeys(at: now))
                .claims
            try claims.check(audience: audience, at: now)
        } catch let error as JSONWebTokenError {
            return .refused("invalid", error.description)
        } catch let error as AccessGrantRefusal {
            return .refused(error == .expired ? "expired" : "invalid", error.description)
        }
        guard let deviceID = DeviceID(validating: claims.device),
            let subject = try await store.evaluationSubject(deviceID: deviceID, at: now),
            subject.device.personID.rawValue == claims.sub
        else { return .refused("unknown_device", "The grant names a device or person Vigil does not know.") }
        if let revoked = subject.recorded?.grantsRevokedAt, Double(claims.iat) * 1_000 < Double(revoked.millisecondsSince1970) {
            return .refused("revoked", "The device's grants were revoked after this one was issued.")
        }
        let evaluator = try await policies.evaluator()
        let compliance = evaluator.evaluate(
            subject.device, roles: subject.roles, previous: subject.recorded?.compliance ?? .notEvaluated, at: now,
            explain: false)
        if let limit = claims.patient, let patient, patient != limit {
            return .refused("patient_out_of_scope", "The grant reaches only the patient of the home visit it was issued for.")
        }
        let decision = evaluator.decision(
            for: subject, compliance: compliance.status.state, at: now, app: app, patient: patient ?? claims.patient)
        if decision.denials.contains(.appNotApproved) {
            return .refused("app_not_approved", "The app handles PHI but is not approved for PHI in the app catalog.")
        }
        guard decision.allowed else {
            return .refused("denied", "The device may no longer reach PHI: " + decision.denialReasons.map(\.message).joined(separator: " "))
        }
        if claims.emergency, app != .nonPHI, !decision.notes.contains(.emergencyAccess) || claims.emergencyID != subject.emergency?.id.rawValue {
            return .refused("emergency_ended", "The emergency access this grant was issued under has ended.")
        }
        return GrantVerification(active: true, reason: nil, claims: claims)
    }
}

/// The answer of `POST /api/v1/access/verify`.
struct GrantVerification: Codable, Sendable, Equatable {
    /// Whether the grant is good now.
    var active: Bool
    /// Why not.
    var reason: AccessReason?
    /// The grant's claims, when it is good.
    var claims: AccessGrantClaims?

    static func refused(_ code: String, _ message: String) -> GrantVerification {
        GrantVerification(active: false, reason: AccessReason(code: code, message: message), claims: nil)
    }
}
