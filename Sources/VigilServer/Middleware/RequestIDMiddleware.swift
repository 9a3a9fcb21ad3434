import HTTPTypes
import Hummingbird

/// Returns the request's ID in the `X-Request-ID` header, so that a caller can quote it and an
/// operator can find the request in the logs and the audit trail.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        return response
    }
}

extension HTTPField.Name {
    /// `X-Request-ID`.
    static let requestID = Self("X-Request-ID")!
}
