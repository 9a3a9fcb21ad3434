import Foundation

/// One HTTP request of the agent protocol, as a transport sends it.
public struct AgentHTTPRequest: Sendable, Equatable {
    /// The method, such as `POST`.
    public var method: String
    /// The absolute URL.
    public var url: URL
    /// The header fields, such as `Content-Type` and `Authorization`.
    public var headers: [String: String]
    /// The body's bytes.
    public var body: Data

    /// Describes a request.
    /// - Parameters:
    ///   - method: The method, such as `POST`.
    ///   - url: The absolute URL.
    ///   - headers: The header fields.
    ///   - body: The body's bytes.
    public init(method: String, url: URL, headers: [String: String], body: Data) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response, as a transport received it.
public struct AgentHTTPResponse: Sendable, Equatable {
    /// The status code, such as `200`.
    public var status: Int
    /// The header fields.
    public var headers: [String: String]
    /// The body's bytes.
    public var body: Data

    /// Describes a response.
    /// - Parameters:
    ///   - status: The status code.
    ///   - headers: The header fields.
    ///   - body: The body's bytes.
    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Sends the agent's HTTP requests: URLSession in apps and in `vigil agent`
/// (``URLSessionTransport``), or any other HTTP client.
public protocol AgentTransport: Sendable {
    /// Sends a request and waits for its response.
    /// - Parameter request: The request, sent exactly as given (the signature covers its path and body).
    /// - Returns: The response, whatever its status.
    /// - Throws: When no response arrived, such as when the server cannot be reached.
    func send(_ request: AgentHTTPRequest) async throws -> AgentHTTPResponse
}
