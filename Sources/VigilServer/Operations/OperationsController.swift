import Foundation
import Hummingbird
import Prometheus
import VigilStore

/// Unauthenticated operational routes: liveness, readiness, metrics and the API description.
struct OperationsController {
    let store: any VigilStore
    let registry: PrometheusCollectorRegistry

    func register(on router: Router<VigilRequestContext>) {
        router.get("/healthz") { _, _ in
            try APIJSON.response(["status": "ok"])
        }
        router.get("/readyz") { _, context in
            do {
                try await withDeadline(.seconds(5)) { try await store.checkReadiness() }
            } catch {
                context.logger.warning("database not ready", metadata: ["error.type": "\(type(of: error))"])
                throw Problem.unavailable("The database does not answer.")
            }
            return try APIJSON.response(["status": "ready"])
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: registry.emitToString())))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: try OpenAPIDocument.text())))
        }
    }
}

/// The OpenAPI description shipped with the server (`docs/openapi.yaml` links to it).
public enum OpenAPIDocument {
    /// The YAML text.
    /// - Throws: When the resource is missing from the build.
    public static func text() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
