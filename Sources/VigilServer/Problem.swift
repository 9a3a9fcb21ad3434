import Foundation
import HTTPTypes
import Hummingbird
import VigilCore
import VigilStore

/// An error answered as `application/problem+json` (RFC 9457), with a stable `type`.
public struct Problem: Error, Sendable, Equatable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// The stable kind, the last part of the `type` URI, such as `invalid-field`.
    public let kind: String
    /// A short summary of the kind.
    public let title: String
    /// What went wrong in this case, for a person to read.
    public let detail: String
    /// The request field at fault, such as `roles[1]`, when there is one.
    public let field: String?
    /// Extra response headers, such as `Allow` or `WWW-Authenticate`.
    public let headers: HTTPFields

    /// The prefix of every problem `type`.
    public static let typePrefix = "urn:vigil:problem:"

    /// Describes a problem; the static constructors below cover the kinds Vigil answers with.
    public init(
        status: HTTPResponse.Status, kind: String, title: String, detail: String, field: String? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.field = field
        self.headers = headers
    }

    /// 400: the body is not the JSON object the route expects.
    public static func invalidBody(_ detail: String) -> Problem {
        Problem(status: .badRequest, kind: "invalid-body", title: "The request body is malformed", detail: detail)
    }

    /// 400: one field of the body breaks a rule.
    public static func invalidField(_ field: String, _ message: String) -> Problem {
        Problem(
            status: .badRequest, kind: "invalid-field", title: "A field of the request is invalid",
            detail: "\(field) \(message)", field: field)
    }

    /// 422: a command the device's ownership or the collection matrix does not allow (`docs/commands.md`).
    public static func commandRefused(_ detail: String) -> Problem {
        Problem(status: .unprocessableContent, kind: "command-refused", title: "The command is refused for this device", detail: detail)
    }

    /// 400: a query parameter breaks a rule.
    public static func invalidQuery(_ parameter: String, _ message: String) -> Problem {
        Problem(
            status: .badRequest, kind: "invalid-query", title: "A query parameter is invalid",
            detail: "\(parameter) \(message)", field: parameter)
    }

    /// 401: no valid credential.
    public static func unauthenticated() -> Problem {
        Problem(
            status: .unauthorized, kind: "unauthenticated", title: "Authentication required",
            detail: "Send a valid API token as 'Authorization: Bearer <token>'.",
            headers: [.wwwAuthenticate: "Bearer realm=\"vigil\""])
    }

    /// 403: the caller's roles do not allow this.
    public static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, kind: "forbidden", title: "Not allowed", detail: detail)
    }

    /// 404: nothing here.
    public static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, kind: "not-found", title: "Not found", detail: detail)
    }

    /// 405: the path exists, the method does not.
    public static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> Problem {
        let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        return Problem(
            status: .methodNotAllowed, kind: "method-not-allowed", title: "Method not allowed",
            detail: "\(method.rawValue) is not allowed here; use \(list).", headers: [.allow: list])
    }

    /// 409: the write conflicts with what is stored.
    public static func conflict(_ detail: String) -> Problem {
        Problem(status: .conflict, kind: "conflict", title: "Conflict", detail: detail)
    }

    /// 413: the body is larger than allowed.
    public static func bodyTooLarge(limit: Int) -> Problem {
        Problem(
            status: .contentTooLarge, kind: "body-too-large", title: "Request body too large",
            detail: "The body must be at most \(limit) bytes.")
    }

    /// 415: the body is not JSON.
    public static func unsupportedMediaType() -> Problem {
        Problem(
            status: .unsupportedMediaType, kind: "unsupported-media-type", title: "Unsupported media type",
            detail: "Send the body as application/json.")
    }

    /// 503: a dependency is down; the client may retry after a few seconds.
    public static func unavailable(_ detail: String) -> Problem {
        Problem(
            status: .serviceUnavailable, kind: "unavailable", title: "Service unavailable", detail: detail,
            headers: [.retryAfter: "5"])
    }

    /// 500: a fault of Vigil's own; the detail never says more than the request ID.
    public static func internalError() -> Problem {
        Problem(
            status: .internalServerError, kind: "internal", title: "Internal error",
            detail: "Vigil could not complete the request; the log has details under its request ID.")
    }

    /// The problem that answers an error of the domain or the store, if it is one.
    /// - Parameter error: A ``Problem``, a denial already recorded, a ``ValidationError``, a
    ///   ``StoreError``, or a database error that means the database is down (503).
    /// - Returns: `nil` for any other error: a fault of Vigil's own.
    public init?(answering error: any Error) {
        switch error {
        case let problem as Problem: self = problem
        case let denial as RecordedDenial: self = denial.answer
        case let error as ValidationError: self = .invalidField(error.field, error.message)
        case let error as StoreError: self = Self.answering(error)
        case let error where StoreError.isUnavailability(error):
            self = .unavailable("The database is unavailable; try again shortly.")
        default: return nil
        }
    }

    static func answering(_ error: StoreError) -> Problem {
        switch error {
        case .conflict(let message): .conflict(message)
        case .unknownReference(let field, let id): .invalidField(field, "names \(id), which does not exist")
        case .notFound(let what): .notFound("There is no \(what).")
        case .administratorExists: .conflict("An administrator exists already.")
        case .lastAdministrator:
            .conflict("This would leave no active administrator; make someone else an administrator first.")
        case .invalidValue: .invalidBody("A value in the request cannot be stored.")
        case .notEmpty: .conflict("The database holds data already.")
        case .corruptRecord: .internalError()
        case .timedOut: .unavailable("The database did not answer in time; try again shortly.")
        }
    }

    /// A short, content-free summary for the audit trail: status, kind and field.
    public var auditReason: String {
        "\(status.code) \(kind)" + (field.map { " (\($0))" } ?? "")
    }

    /// The response carrying this problem.
    /// - Parameter requestID: The request's ID, echoed in the body.
    public func response(requestID: String) -> Response {
        let body = ProblemBody(
            type: Self.typePrefix + kind, title: title, status: Int(status.code), detail: detail, field: field,
            requestID: requestID)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        let data = (try? APIJSON.encoder.encode(body)) ?? Data()
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The JSON body of a problem response.
struct ProblemBody: Codable {
    let type: String
    let title: String
    let status: Int
    let detail: String
    let field: String?
    let requestID: String
}

/// A refusal whose `authz.denied` audit event is already written: it is answered with `answer`
/// and not recorded a second time as a failed write.
struct RecordedDenial: Error {
    let answer: Problem
}
