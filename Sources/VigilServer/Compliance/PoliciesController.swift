import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/policies` and `/api/v1/policy-evaluations`: security policies, written one at a time
/// or as a whole set (policy as code), and the fleet evaluations that follow every change.
struct PoliciesController {
    let store: any VigilStore
    let bodyLimit: Int
    let compliance: ComplianceServices

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/policies", .readPolicies, handler: list),
            APIEndpoint(.put, "/policies", .writePolicies, audit: .policyUpdated, handler: replaceAll),
            APIEndpoint(.get, "/policies/{name}", .readPolicies, handler: show),
            APIEndpoint(.put, "/policies/{name}", .writePolicies, audit: .policyUpdated, handler: put),
            APIEndpoint(.delete, "/policies/{name}", .writePolicies, audit: .policyRemoved, handler: remove),
            APIEndpoint(.get, "/policy-evaluations", .readPolicies, handler: evaluations),
            APIEndpoint(.post, "/policy-evaluations", .writePolicies, handler: startEvaluation),
            APIEndpoint(.get, "/policy-evaluations/{id}", .readPolicies, handler: evaluation),
        ]
    }

    /// The body and answer of the whole policy set.
    struct PolicySetBody: Codable {
        var policies: [SecurityPolicy]
    }

    /// What a change did, or would do with `dryRun`.
    struct ChangeResult: Encodable {
        struct Change: Encodable {
            let name: String
            /// `create`, `update` or `remove`.
            let change: String
            let fromVersion: Int?
            let toVersion: Int?
        }

        let dryRun: Bool
        let changes: [Change]
        /// The fleet evaluation the change started; absent when nothing changed or on a dry run.
        let evaluation: FleetEvaluationJob?
    }

    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        return try APIJSON.response(PolicySetBody(policies: try await store.securityPolicies()))
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let name = try Self.pathName(context)
        guard let policy = try await store.securityPolicies().first(where: { $0.name == name }) else {
            throw Problem.notFound("There is no policy named \(name).")
        }
        return try APIJSON.response(policy)
    }

    @Sendable func replaceAll(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let dryRun = try Self.dryRun(request)
        let data = try await request.collectJSONBody(limit: bodyLimit)
        let body = try JSONBody.decode(PolicySetBody.self, from: data, knownFields: ["policies"])
        try PolicyBodyCheck.refuseUnknownFields(in: data, decoded: body.policies, path: "policies")
        var seen = Set<String>()
        let policies = try body.policies.enumerated().map { index, policy in
            let checked = try Self.validated(policy, field: "policies[\(index)]")
            guard seen.insert(checked.name).inserted else {
                throw Problem.invalidField("policies[\(index)].name", "repeats the name \(checked.name)")
            }
            return checked
        }
        return try await apply(to: policies, removingOthers: true, dryRun: dryRun, context: context)
    }

    @Sendable func put(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let name = try Self.pathName(context)
        let dryRun = try Self.dryRun(request)
        let (data, expectedVersion) = try Self.naming(try await request.collectJSONBody(limit: bodyLimit), name)
        let policy = try JSONBody.decode(SecurityPolicy.self, from: data, knownFields: nil)
        try PolicyBodyCheck.refuseUnknownFields(in: data, decoded: policy)
        if let expectedVersion {
            let current = try await store.securityPolicies().first { $0.name == name }?.version
            guard current == expectedVersion else {
                throw Problem.conflict(
                    "Policy \(name) is at " + (current.map { "version \($0)" } ?? "no version (it was removed)")
                        + ", not \(expectedVersion): someone changed it meanwhile; read it again.")
            }
        }
        return try await apply(
            to: [try Self.validated(policy, field: nil)], removingOthers: false, dryRun: dryRun, context: context)
    }

    @Sendable func remove(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let name = try Self.pathName(context)
        let current = try await store.securityPolicies()
        guard let policy = current.first(where: { $0.name == name }) else {
            throw Problem.notFound("There is no policy named \(name).")
        }
        let change = PolicyChange.remove(name: name, version: policy.version)
        let now = Date().roundedToMilliseconds
        try await store.applyPolicyChanges([change], at: now, audit: [Self.auditEvent(change, context, now)])
        try await compliance.policies.reload()
        let job = await compliance.evaluateFleet(trigger: "policy change")
        return try APIJSON.response(
            ChangeResult(dryRun: false, changes: [Self.describe(change)], evaluation: job))
    }

    /// Applies the changes that turn the policies in force into `desired`, and evaluates the fleet.
    func apply(to desired: [SecurityPolicy], removingOthers: Bool, dryRun: Bool, context: VigilRequestContext)
        async throws -> Response
    {
        let changes = PolicyChange.changes(
            from: try await store.securityPolicies(), to: desired, removingOthers: removingOthers)
        guard !dryRun, !changes.isEmpty else {
            return try APIJSON.response(ChangeResult(dryRun: dryRun, changes: changes.map(Self.describe), evaluation: nil))
        }
        let now = Date().roundedToMilliseconds
        try await store.applyPolicyChanges(changes, at: now, audit: changes.map { Self.auditEvent($0, context, now) })
        // In force at once for check-ins and verifications, before the fleet evaluation gets to them.
        try await compliance.policies.reload()
        let job = await compliance.evaluateFleet(trigger: "policy change")
        return try APIJSON.response(ChangeResult(dryRun: false, changes: changes.map(Self.describe), evaluation: job))
    }

    @Sendable func evaluations(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        return try APIJSON.response(["items": await compliance.fleet.recentJobs()])
    }

    @Sendable func startEvaluation(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let job = await compliance.evaluateFleet(trigger: "requested by \(try context.requireIdentity().person.id)")
        return try APIJSON.response(job, status: .accepted)
    }

    @Sendable func evaluation(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id"), let job = await compliance.fleet.job(id: id) else {
            throw Problem.notFound("There is no recent policy evaluation with this ID.")
        }
        return try APIJSON.response(job)
    }

    static func pathName(_ context: VigilRequestContext) throws -> String {
        guard let name = context.parameters.get("name"), (try? SecurityPolicy.validatedName(name)) != nil else {
            throw Problem.notFound("There is no policy with this name.")
        }
        return name
    }

    /// The body of `PUT /policies/{name}` with the name of the path, which a body may repeat but
    /// not contradict, and the version the body names: the version its author read, which must
    /// still be the one in force (optimistic concurrency; leave it out to overwrite).
    static func naming(_ data: Data, _ name: String) throws -> (body: Data, expectedVersion: Int?) {
        guard var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Problem.invalidBody("The body must be a JSON object.")
        }
        if let named = object["name"], named as? String != name {
            throw Problem.invalidField("name", "must be the name in the path, \(name), or be left out")
        }
        object["name"] = name
        var expectedVersion: Int?
        if let version = object["version"], !(version is NSNull) {
            guard let number = version as? Int, number >= 1 else {
                throw Problem.invalidField("version", "must be the policy's version as read, a whole number from 1")
            }
            expectedVersion = number
        }
        return (try JSONSerialization.data(withJSONObject: object), expectedVersion)
    }

    static func dryRun(_ request: Request) throws -> Bool {
        let query = try QueryParameters(request)
        try query.allowOnly(["dryRun"])
        return try query.flag("dryRun")
    }

    static func validated(_ policy: SecurityPolicy, field: String?) throws -> SecurityPolicy {
        do {
            return try policy.validated()
        } catch let error as ValidationError {
            throw Problem.invalidField(field.map { "\($0).\(error.field)" } ?? error.field, error.message)
        }
    }

    static func describe(_ change: PolicyChange) -> ChangeResult.Change {
        switch change {
        case .create(let policy): .init(name: policy.name, change: "create", fromVersion: nil, toVersion: policy.version)
        case .update(let policy, let from):
            .init(name: policy.name, change: "update", fromVersion: from, toVersion: policy.version)
        case .remove(let name, let version): .init(name: name, change: "remove", fromVersion: version, toVersion: nil)
        }
    }

    static func auditEvent(_ change: PolicyChange, _ context: VigilRequestContext, _ now: Date) -> AuditEventDraft {
        let target = AuditTarget(type: "policy", id: change.name)
        return switch change {
        case .create: context.auditEvent(.policyCreated, target: target, reason: "version 1", at: now)
        case .update(let policy, let from):
            context.auditEvent(.policyUpdated, target: target, reason: "version \(from) → \(policy.version)", at: now)
        case .remove(_, let version): context.auditEvent(.policyRemoved, target: target, reason: "version \(version)", at: now)
        }
    }
}

/// Refuses policy fields the API does not know, at any depth: a misspelt requirement would
/// otherwise be dropped silently and the policy would require less than its author meant.
enum PolicyBodyCheck {
    /// Compares the keys of the JSON received with those of the policies decoded from it.
    /// - Parameters:
    ///   - data: The body.
    ///   - decoded: What was decoded from it.
    ///   - path: Where the policies sit in the body (`policies` for a set; `nil` for one policy).
    static func refuseUnknownFields(in data: Data, decoded: some Encodable, path: String? = nil) throws {
        let original = try JSONSerialization.jsonObject(with: data)
        let known = try JSONSerialization.jsonObject(with: APIJSON.encoder.encode(decoded))
        let received = path.flatMap { (original as? [String: Any])?[$0] } ?? original
        if let unknown = firstUnknown(received, known, path: path ?? "") {
            throw Problem.invalidField(unknown, "is not a field of a policy")
        }
    }

    static func firstUnknown(_ received: Any, _ known: Any, path: String) -> String? {
        func join(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
        if let received = received as? [String: Any], let known = known as? [String: Any] {
            for key in received.keys.sorted() where !(received[key] is NSNull) {
                // The version is assigned by the server; a client may send back what it read.
                if key == "version", path.isEmpty || path.hasSuffix("]") { continue }
                guard let value = known[key] else { return join(key) }
                if let found = firstUnknown(received[key]!, value, path: join(key)) { return found }
            }
        } else if let received = received as? [Any], let known = known as? [Any], received.count == known.count {
            for (index, item) in received.enumerated() {
                if let found = firstUnknown(item, known[index], path: "\(path)[\(index)]") { return found }
            }
        }
        return nil
    }
}
