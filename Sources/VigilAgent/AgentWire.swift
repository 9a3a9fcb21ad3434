import Foundation
import VigilCore

/// The JSON and HTTP conventions of the agent protocol: how a message becomes a request and a
/// response becomes a message or an ``AgentError``.
struct AgentWire: Sendable {
    /// The server's base URL (scheme, host, port and any path prefix).
    let serverURL: URL
    /// What sends the requests.
    let transport: any AgentTransport
    /// The URL of the agent routes up to their last part, worked out once: `…/agent/v1/`.
    private let routeBase: String?

    init(serverURL: URL, transport: any AgentTransport) {
        self.serverURL = serverURL
        self.transport = transport
        if var components = URLComponents(url: serverURL, resolvingAgainstBaseURL: false) {
            let prefix = components.percentEncodedPath.hasSuffix("/")
                ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath
            components.percentEncodedPath = "\(prefix)\(AgentProtocol.basePath)/"
            components.query = nil
            components.fragment = nil
            self.routeBase = components.url?.absoluteString
        } else {
            self.routeBase = nil
        }
    }

    /// Posts `message` to `route` without a signature and reads the answer.
    /// - Throws: As ``post(_:_:)``, ``AgentTransport/send(_:)`` and ``decode(_:expecting:)``.
    func exchange<Answer: Decodable>(_ route: String, _ message: some Encodable, expecting status: Int)
        async throws -> Answer
    {
        try decode(try await transport.send(try post(route, message)), expecting: status)
    }

    /// A `POST` of `message` as JSON to `route` under ``AgentProtocol/basePath``.
    /// - Parameters:
    ///   - route: The route's last part, such as `checkin`.
    ///   - message: The body.
    /// - Throws: When the message cannot be encoded or the URL cannot be formed.
    func post(_ route: String, _ message: some Encodable) throws -> AgentHTTPRequest {
        guard let routeBase, let url = URL(string: routeBase + route) else {
            throw AgentError.invalidServerURL(serverURL.absoluteString)
        }
        return AgentHTTPRequest(
            method: "POST", url: url,
            headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: try Self.encoder.encode(message))
    }

    /// A `GET` of `route` under ``AgentProtocol/basePath``, without a body.
    /// - Throws: When the URL cannot be formed.
    func get(_ route: String) throws -> AgentHTTPRequest {
        guard let routeBase, let url = URL(string: routeBase + route) else {
            throw AgentError.invalidServerURL(serverURL.absoluteString)
        }
        return AgentHTTPRequest(method: "GET", url: url, headers: ["Accept": "application/json"], body: Data())
    }

    /// One encoder for every request (encoding does not change it).
    private static let encoder = VigilJSON.makeEncoder()

    /// Reads the message of a response.
    /// - Parameters:
    ///   - response: The response.
    ///   - status: The status of success, such as `201`.
    /// - Returns: The decoded message.
    /// - Throws: ``AgentError/retired`` for a retired device, ``AgentError/server(status:kind:detail:)``
    ///   for any other refusal, ``AgentError/invalidResponse(_:)`` for a body that is not the message.
    func decode<Message: Decodable>(_ response: AgentHTTPResponse, expecting status: Int) throws -> Message {
        guard response.status == status else { throw Self.refusal(response) }
        do {
            return try VigilJSON.makeDecoder().decode(Message.self, from: response.body)
        } catch {
            throw AgentError.invalidResponse("\(status) without a valid \(Message.self) body")
        }
    }

    /// The error a non-success response stands for, read from its RFC 9457 problem body.
    static func refusal(_ response: AgentHTTPResponse) -> AgentError {
        let problem = try? VigilJSON.makeDecoder().decode(ProblemDetails.self, from: response.body)
        let kind = problem?.kind
        if response.status == 403, kind == "device-retired" { return .retired }
        return .server(
            status: response.status, kind: kind,
            detail: problem?.detail ?? problem?.title ?? "HTTP \(response.status) without a problem description")
    }
}

extension AgentHTTPRequest {
    /// The path and query exactly as sent: what a request signature covers. Read from the URL's
    /// text (which keeps its percent-encoding) after the authority, without the fragment.
    var target: String {
        let text = Array(url.absoluteString.utf8)
        let slash = UInt8(ascii: "/")
        var start = text.startIndex
        if let schemeEnd = text.indices.first(where: {
            text[$0] == UInt8(ascii: ":") && $0 + 2 < text.count && text[$0 + 1] == slash && text[$0 + 2] == slash
        }) {
            start = text[(schemeEnd + 3)...].firstIndex(of: slash) ?? text.endIndex
        }
        let end = text[start...].firstIndex(of: UInt8(ascii: "#")) ?? text.endIndex
        let target = String(decoding: text[start..<end], as: UTF8.self)
        return target.isEmpty ? "/" : target
    }
}

/// The parts of an `application/problem+json` body the agent reads.
private struct ProblemDetails: Decodable {
    static let typePrefix = "urn:vigil:problem:"

    let type: String?
    let title: String?
    let detail: String?

    /// The problem's kind, such as `device-retired`: the last part of its `type`.
    var kind: String? {
        guard let type, type.hasPrefix(Self.typePrefix) else { return nil }
        return String(type.dropFirst(Self.typePrefix.count))
    }
}
