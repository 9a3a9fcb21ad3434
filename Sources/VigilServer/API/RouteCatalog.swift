import Hummingbird
import NIOConcurrencyHelpers

/// The routes the router holds, filled once the router is built; it tells a 404 from a 405.
final class RouteCatalog: Sendable {
    private let routes = NIOLockedValueBox<[(method: HTTPRequest.Method, segments: [Substring])]>([])

    /// Records the router's routes.
    func fill(from descriptions: [(method: HTTPRequest.Method, path: String)]) {
        routes.withLockedValue { routes in
            routes = descriptions.map { ($0.method, $0.path.split(separator: "/")) }
        }
    }

    /// The methods that some route offers at `path`.
    func allowedMethods(forPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        return routes.withLockedValue { routes in
            routes.filter { Self.matches($0.segments, segments) }.map(\.method)
        }
    }

    static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        guard pattern.count == path.count else { return false }
        return zip(pattern, path).allSatisfy { pattern, segment in
            (pattern.hasPrefix("{") && pattern.hasSuffix("}")) || pattern == segment
        }
    }
}
