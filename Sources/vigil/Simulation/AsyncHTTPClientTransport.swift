import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import VigilAgent

/// The agent transport for throughput: AsyncHTTPClient on SwiftNIO, sharing a pool of
/// keep-alive connections among many simulated devices.
struct AsyncHTTPClientTransport: AgentTransport {
    let client: HTTPClient
    /// The most a response body may hold.
    static let maximumResponseSize = 1 << 20

    func send(_ request: AgentHTTPRequest) async throws -> AgentHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        let response = try await client.execute(outgoing, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: Self.maximumResponseSize)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name] = header.value }
        return AgentHTTPResponse(status: Int(response.status.code), headers: headers, body: Data(buffer: body))
    }

    /// An HTTP client that keeps up to `connections` connections to the server.
    static func makeClient(connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, connections)
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
