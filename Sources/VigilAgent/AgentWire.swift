import Foundation
import VigilCore

/// The JSON and HTTP conventions of the agent protocol: how a message becomes a request and a
/// response becomes a message or an ``AgentError``.
struct AgentWire: Sendable {
    /// The server's base URL (scheme, host, port and any path prefix).
    let serverURL: URL
    /// What sends the requests.
    let transport: any AgentTransport

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
        guard var components = URLComponents(url: serverURL, resolvingAgainstBaseURL: false) else {
            throw AgentError.invalidServerURL(serverURL.absoluteString)
        }
        let prefix = components.percentEncodedPath.hasSuffix("/")
            ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath
        components.percentEncodedPath = "\(prefix)\(AgentProtocol.basePath)/\(route)"
        components.query = nil
        components.fragment = nil
        guard let url = components.url else {
            throw AgentError.invalidServerURL(serverURL.absoluteString)
        }
        return AgentHTTPRequest(
            method: "POST", url: url,
            headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: try VigilJSON.makeEncoder().encode(message))
    }

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
    /// The path and query exactly as sent: what a request signature covers.
    var target: String {
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let path = components?.percentEncodedPath ?? url.path
        return components?.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
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
