import Foundation
import HTTPTypes
import Hummingbird
import VigilCore
import VigilStore

/// `GET /privacy/{device}`: a device's privacy notice (`docs/byod.md`, "What the hospital may
/// see"), as an HTML page a person reads on their phone, or as JSON when `Accept` asks for
/// `application/json`.
///
/// Authenticated with the same bearer tokens as `/api/v1`. The device's own person sees it, and
/// so do the roles that read devices; anyone else is answered as if the device did not exist.
struct PrivacyController {
    let store: any VigilStore
    let compliance: ComplianceServices

    /// The route, behind the API's bearer-token check.
    func register(on router: Router<VigilRequestContext>) {
        router.group(RouterPath("privacy")).add(middleware: AuthenticationMiddleware(store: store))
            .get("{device}", use: show)
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let now = Date().roundedToMilliseconds
        let hidden = Problem.notFound("There is no device with this ID whose privacy notice you may read.")
        guard let text = context.parameters.get("device"), let id = DeviceID(validating: text),
            let subject = try await store.evaluationSubject(deviceID: id, at: now)
        else { throw hidden }
        guard subject.device.personID == identity.person.id || identity.has(.readDevices) else {
            try await APIEndpoint.deny(
                "Only the device's person and roles with the \(Permission.readDevices.rawValue) permission read its "
                    + "privacy notice.", request: request, context: context, store: store, target: .device(id),
                answer: hidden)
        }
        let notice = try await compliance.privacyNotice(of: subject, at: now)
        guard Self.prefersJSON(request.headers[.accept]) else { return PrivacyPage.response(notice) }
        return try Self.json(notice)
    }

    /// The notice as JSON, never cached.
    static func json(_ notice: PrivacyNotice) throws -> Response {
        var response = try APIJSON.response(notice)
        response.headers[.cacheControl] = "no-store"
        response.headers[.vary] = "Accept"
        return response
    }

    /// Whether an `Accept` header asks for JSON rather than HTML: `application/json` is listed
    /// with a quality above zero and at least that of `text/html`. Without the header, HTML.
    static func prefersJSON(_ accept: String?) -> Bool {
        let quality = qualities(accept)
        let json = quality["application/json"] ?? 0
        return json > 0 && json >= (quality["text/html"] ?? 0)
    }

    /// Whether an `Accept` header asks for HTML rather than JSON: `text/html` is listed with a
    /// quality above that of `application/json`. Without the header, JSON (for agents).
    static func prefersHTML(_ accept: String?) -> Bool {
        let quality = qualities(accept)
        return (quality["text/html"] ?? 0) > (quality["application/json"] ?? 0)
    }

    /// The quality of each media type an `Accept` header lists (its first 32 ranges).
    private static func qualities(_ accept: String?) -> [String: Double] {
        var quality: [String: Double] = [:]
        for range in (accept ?? "").split(separator: ",").prefix(32) {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            quality[type] = max(quality[type] ?? 0, q)
        }
        return quality
    }
}

extension ComplianceServices {
    /// The privacy notice of a device, composed from the policies, agreements and BYOD settings in force.
    func privacyNotice(of subject: EvaluationSubject, at now: Date) async throws -> PrivacyNotice {
        PrivacyNotice(
            subject: subject, evaluator: try await policies.evaluator(), settings: try await policies.byodSettings(),
            at: now)
    }
}
