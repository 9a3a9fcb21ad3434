import Foundation
import Testing
import VigilServer
import VigilTestSupport

/// `docs/openapi.yaml` describes every registered route, and only those.
@Suite struct OpenAPITests {
    /// The `(method, path)` pairs of the document's `paths` section, read by indentation: paths at
    /// two spaces, operations at four.
    static func documentedOperations(_ yaml: String) -> Set<String> {
        var operations = Set<String>()
        var inPaths = false
        var currentPath: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty {
                inPaths = line.hasPrefix("paths:")
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path = currentPath {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if methods.contains(String(key)) { operations.insert("\(key.uppercased()) \(path)") }
            }
        }
        return operations
    }

    @Test func everyRegisteredRouteIsDocumentedAndNothingMore() throws {
        let router = buildRouter(
            configuration: ServerConfiguration(), store: try StoreBackend.sqlite.makeStore().store, registry: .init())
        let registered = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
        let documented = Self.documentedOperations(try OpenAPIDocument.text())
        #expect(registered.count >= 18)
        #expect(registered.subtracting(documented).isEmpty, "undocumented: \(registered.subtracting(documented))")
        #expect(documented.subtracting(registered).isEmpty, "documented but absent: \(documented.subtracting(registered))")
    }

    @Test func docsCopyIsTheServedDocument() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
        #expect(try String(contentsOf: docs, encoding: .utf8) == (try OpenAPIDocument.text()))
    }

    @Test func theParserSeesOperations() {
        let yaml = """
            openapi: 3.1.0
            paths:
              /a:
                get:
                  summary: x
                post:
                  summary: y
              /b/{id}:
                delete:
                  parameters: []
            components:
              schemas:
                get:
                  type: object
            """
        #expect(Self.documentedOperations(yaml) == ["GET /a", "POST /a", "DELETE /b/{id}"])
    }

    @Test func servedAtOpenAPIYaml() async throws {
        try await TestServer.run { server in
            let response = try await server.send(.get, "/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
            #expect(response.text.hasPrefix("openapi: 3.1"))
        }
    }
}
