import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An ``AgentTransport`` on Foundation's `URLSession`.
public struct URLSessionTransport: AgentTransport {
    private let session: URLSession
    private let timeout: TimeInterval

    /// Makes a transport.
    /// - Parameters:
    ///   - session: The session to send with; an ephemeral one (no cookies, no cache) by default.
    ///   - timeout: Seconds to wait for each response.
    public init(session: URLSession = URLSession(configuration: .ephemeral), timeout: TimeInterval = 30) {
        self.session = session
        self.timeout = timeout
    }

    /// Sends a request with `URLSession`.
    /// - Parameter request: The request.
    /// - Returns: The response, whatever its status.
    /// - Throws: ``AgentError/unreachable(server:reason:)`` when no HTTP response arrived.
    public func send(_ request: AgentHTTPRequest) async throws -> AgentHTTPResponse {
        var urlRequest = URLRequest(url: request.url, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = request.body
        for (name, value) in request.headers {
            urlRequest.setValue(value, forHTTPHeaderField: name)
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch {
            throw AgentError.unreachable(server: Self.origin(of: request.url), reason: error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else {
            throw AgentError.invalidResponse("the answer to \(request.url.path) is not HTTP")
        }
        var headers: [String: String] = [:]
        for case let (name as String, value as String) in http.allHeaderFields {
            headers[name] = value
        }
        return AgentHTTPResponse(status: http.statusCode, headers: headers, body: data)
    }

    /// The scheme, host and port of `url`, for messages.
    private static func origin(of url: URL) -> String {
        "\(url.scheme ?? "http")://\(url.host ?? "")" + (url.port.map { ":\($0)" } ?? "")
    }
}
