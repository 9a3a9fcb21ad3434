import Hummingbird
import Logging
import VigilCore
import VigilStore

/// Turns every error into an `application/problem+json` response, so that a client never sees a
/// bare error and bad input never becomes a 500. Faults of Vigil's own are logged (by type only:
/// errors may quote data) and answered with a 500 that reveals nothing.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    let routes: RouteCatalog

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = problem(for: error, request: request, context: context)
            return problem.response(requestID: context.requestID)
        }
    }

    func problem(for error: any Error, request: Request, context: Context) -> Problem {
        if let problem = Problem(answering: error) {
            if problem.status == .serviceUnavailable {
                context.logger.warning("database unavailable", metadata: ["error.type": "\(type(of: error))"])
            }
            return problem
        }
        switch error {
        case let error as HTTPError where error.status == .notFound:
            // Only the router throws this HTTPError (handlers throw Problems): no route matched.
            let allowed = routes.allowedMethods(forPath: request.uri.path)
            return allowed.isEmpty ? .notFound("No route matches \(request.uri.path).")
                : .methodNotAllowed(request.method, allowed: allowed)
        case let error as HTTPError where error.status.code < 500:
            return Problem(
                status: error.status, kind: "http-\(error.status.code)", title: error.status.reasonPhrase,
                detail: error.body ?? error.status.reasonPhrase)
        default:
            context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))"])
            return .internalError()
        }
    }
}
