import Foundation
import HTTPTypes
import Hummingbird
import VigilCore
import VigilStore

/// `/agent/v1`: the device agent protocol, described for implementers in `docs/agent-protocol.md`.
///
/// Enrollment is authenticated by the invitation's one-time code, a session by the device's
/// signature of a challenge, and every other request by the session's HMAC signature.
struct AgentController {
    let store: any VigilStore
    let sessions: DeviceSessions
    let checkIns: CheckInBatcher
    let compliance: ComplianceServices
    let commands: CommandServices
    let configuration: ServerConfiguration

    /// The routes, for the router and the OpenAPI check.
    func register(on router: Router<VigilRequestContext>) {
        router.get("enroll", use: enrollmentPage)
        let group = router.group(RouterPath(AgentProtocol.basePath))
        group.post("enroll", use: enroll)
        group.post("challenge", use: challenge)
        group.post("session", use: openSession)
        group.post("checkin", use: checkIn)
        group.post("key", use: rotateKey)
        group.post("grant", use: renewGrant)
        group.post("emergency", use: invokeEmergency)
        group.get("privacy", use: privacyNotice)
        group.get("agreements", use: listAgreements)
        group.post("agreements/accept", use: acceptAgreement)
        group.get("provisioning", use: provisioning)
        group.post("location", use: reportLocation)
        group.post("commands/results", use: recordCommandResults)
        group.post("left-behind", use: reportLeftBehind)
        group.get("push", use: pushWithoutUpgrade)
    }

    @Sendable func enroll(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let body = try await decode(EnrollmentRequest.self, from: request)
        let now = Date().roundedToMilliseconds
        do {
            guard let code = EnrollmentCode(typed: body.code) else { throw EnrollmentRefusal.unknownCode }
            // Read from the database, not the in-memory copy: another replica may have changed the
            // rules moments ago, and enrollments are rare enough to afford the read.
            let settings = try await store.byodSettings()
            let device = try await store.enrollDevice(
                codeHash: code.hash,
                admit: { invitation, person in
                    try Enrollment.admit(
                        invitation: invitation, person: person, code: code, facts: body.facts, publicKey: body.publicKey,
                        proof: body.proof, settings: settings, at: now)
                },
                audit: { device in
                    context.auditEvent(
                        .deviceEnrolled, target: .device(device.id),
                        reason: "\(device.ownership.rawValue) \(device.deviceClass.rawValue) for \(device.personID) "
                            + "with \(device.invitationID); \(device.approval.rawValue)"
                            + (device.approvalReason.map { ": \($0)" } ?? ""), at: now, actor: .device(device.id))
                })
            return try APIJSON.response(
                EnrollmentResponse(
                    deviceID: device.id, approval: device.approval, ownership: device.ownership,
                    deviceClass: device.deviceClass, checkInIntervalSeconds: configuration.checkInIntervalSeconds),
                status: .created)
        } catch let refusal as EnrollmentRefusal {
            try await store.appendAuditEvent(
                context.auditEvent(.deviceEnrolled, target: nil, outcome: .failure, reason: refusal.rawValue, at: now))
            throw AgentProblem.enrollmentRefused(refusal)
        }
    }

    /// `GET /enroll?code=…`: where an enrollment URL leads when opened in a browser. The page
    /// explains what to do with the link; it never repeats the code.
    @Sendable func enrollmentPage(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>Enroll a device in Vigil</title></head>
            <body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
            <h1>Enroll this device in Vigil</h1>
            <p>This link enrolls one device, once. Open it with the Vigil agent on the device to be enrolled,
            or on a Linux host run <code>vigil agent enroll --url '&lt;this link&gt;'</code>.</p>
            <p>Do not share the link: anyone holding it can enroll a device in your name until it is used,
            revoked or expired.</p>
            </body></html>
            """
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", HTTPField.Name("Referrer-Policy")!: "no-referrer"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    @Sendable func challenge(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let body = try await decode(ChallengeRequest.self, from: request)
        _ = try await activeDevice(body.deviceID)
        guard let challenge = sessions.issueChallenge(for: body.deviceID, at: Date()) else {
            throw Problem.unavailable("Too many session openings are under way; try again shortly.")
        }
        return try APIJSON.response(challenge)
    }

    @Sendable func openSession(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let body = try await decode(SessionRequest.self, from: request)
        let now = Date()
        guard sessions.takeChallenge(body.challenge, for: body.deviceID, at: now) else {
            throw AgentProblem.unauthenticated("The challenge is unknown, used or expired; ask for a new one.")
        }
        // Read before the key: a rotation or retirement that ends the device's sessions while
        // this request reads the old key makes the session below refused.
        let generation = sessions.generation(of: body.deviceID)
        let device = try await activeDevice(body.deviceID)
        let message = SessionRequest.sessionMessage(deviceID: device.id, challenge: body.challenge)
        guard DevicePublicKey(device.publicKey)?.isValidSignature(body.signature, of: message) == true else {
            try await store.appendAuditEvent(
                context.auditEvent(
                    .authenticationFailed, target: .device(device.id), outcome: .failure,
                    reason: "device session signature invalid"))
            throw AgentProblem.unauthenticated("The signature does not match the device's key.")
        }
        guard let session = sessions.open(
            for: device.id, ownership: device.ownership, at: now, generation: generation)
        else {
            throw AgentProblem.unauthenticated("The device's credentials changed meanwhile; open a new session.")
        }
        return try APIJSON.response(session, status: .created)
    }

    @Sendable func checkIn(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (deviceID, data) = try await authenticate(request, context)
        let (posture, fix) = try await collectablePosture(from: data, of: deviceID)
        let now = Date().roundedToMilliseconds
        // A location in the posture is a fix like any report's: the place moves on first, and the
        // evaluation below sees it.
        if let fix { _ = try await compliance.places.report([fix], from: deviceID, at: now) }
        guard let state = try await checkIns.record(DeviceCheckIn(deviceID: deviceID, posture: posture, at: now)),
            let (subject, access) = try await compliance.evaluator.evaluate(deviceID, actor: .device(deviceID), at: now)
        else {
            sessions.endSessions(of: deviceID)
            throw AgentProblem.retired
        }
        return try APIJSON.response(
            CheckInResponse(
                deviceID: deviceID, approval: state.approval, approvalReason: state.approvalReason,
                compliance: access.compliance.state, access: AccessStatus(access.decision),
                commands: try await commands.deliver(to: deviceID, at: now),
                nextCheckInSeconds: configuration.checkInIntervalSeconds, serverTime: now,
                grant: try await compliance.grants.grant(for: subject, state: access, at: now),
                failingRequirements: access.failures.map(\.rawValue)))
    }

    @Sendable func rotateKey(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (deviceID, data) = try await authenticate(request, context)
        let body = try JSONBody.decode(KeyRotationRequest.self, from: data, knownFields: nil)
        let message = KeyRotationRequest.rotationMessage(deviceID: deviceID, publicKey: body.publicKey)
        guard let key = DevicePublicKey(body.publicKey) else {
            throw Problem.invalidField("publicKey", "is not a base64url Ed25519 public key")
        }
        guard key.isValidSignature(body.proof, of: message) else {
            throw Problem.invalidField("proof", "is not the new key's signature of the rotation message")
        }
        let now = Date().roundedToMilliseconds
        _ = try await store.updateDevice(
            id: deviceID,
            audit: context.auditEvent(.deviceKeyRotated, target: .device(deviceID), at: now, actor: .device(deviceID))
        ) { device in
            guard device.retirement == nil else { throw AgentProblem.retired }
            try device.rotateKey(to: body.publicKey, at: now)
        }
        sessions.endSessions(of: deviceID)
        return try APIJSON.response(KeyRotationResponse(deviceID: deviceID, rotatedAt: now))
    }

    /// Checks a request's session signature.
    /// - Returns: The device, and the body the signature covers.
    /// - Throws: ``AgentProblem`` 401; refusals that suggest an attack (a replayed counter, a bad
    ///   signature) are recorded in the audit trail.
    func authenticate(_ request: Request, _ context: VigilRequestContext) async throws -> (DeviceID, Data) {
        let data = try await request.collectJSONBody(limit: configuration.maximumBodySize)
        guard let header = request.headers[.authorization], let signature = RequestSignature(header: header) else {
            throw AgentProblem.unauthenticated("Sign the request: 'Authorization: Vigil-Device session=…'.")
        }
        do {
            let deviceID = try sessions.authenticate(
                signature, method: request.method.rawValue, target: request.head.path ?? "", body: data, at: Date())
            return (deviceID, data)
        } catch {
            if !error.isRoutine {
                let device = sessions.deviceID(ofSession: signature.sessionID)
                try await store.appendAuditEvent(
                    context.auditEvent(
                        .authenticationFailed, target: device.map(AuditTarget.device) ?? routeTarget(request, context),
                        outcome: .failure, reason: "device \(error.rawValue)", actor: device.map(AuditActor.device)))
            }
            throw AgentProblem.unauthenticated("The session is \(error.isRoutine ? "unknown or expired" : "refused"); open a new one.")
        }
    }

    /// The device named in a request, if it exists and is not retired.
    func activeDevice(_ id: DeviceID) async throws -> Device {
        guard DeviceID(validating: id.rawValue) != nil, let device = try await store.device(id: id) else {
            throw Problem.notFound("There is no such device; enroll again if it was removed.")
        }
        guard device.retirement == nil else { throw AgentProblem.retired }
        return device
    }

    func decode<Body: Decodable>(_ type: Body.Type, from request: Request) async throws -> Body {
        try JSONBody.decode(
            type, from: try await request.collectJSONBody(limit: configuration.maximumBodySize), knownFields: nil)
    }
}

/// The problems only the agent protocol answers with.
enum AgentProblem {
    /// 401: the device's credential is missing, wrong, expired or replayed.
    static func unauthenticated(_ detail: String) -> Problem {
        Problem(
            status: .unauthorized, kind: "device-unauthenticated", title: "Device authentication required",
            detail: detail, headers: [.wwwAuthenticate: "\(RequestSignature.scheme) realm=\"vigil\""])
    }

    /// 403: the device is retired; its credentials never work again.
    static let retired = Problem(
        status: .forbidden, kind: "device-retired", title: "Device retired",
        detail: "This device is retired; enroll it again with a new invitation to use it.")

    /// 403: the enrollment code may not be used.
    static func enrollmentRefused(_ refusal: EnrollmentRefusal) -> Problem {
        Problem(
            status: .forbidden, kind: "enrollment-refused", title: "Enrollment refused", detail: refusal.message,
            field: refusal == .badProof ? "proof" : "code")
    }
}
