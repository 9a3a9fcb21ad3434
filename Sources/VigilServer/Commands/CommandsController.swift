import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/devices/{id}/commands`, `/api/v1/commands` and `/api/v1/command-batches`: issuing,
/// listing, inspecting, cancelling and approving remote commands (`docs/commands.md`).
struct CommandsController {
    let store: any VigilStore
    let bodyLimit: Int
    let commands: CommandServices

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.post, "/devices/{id}/commands", .issueCommands, audit: .commandIssued, handler: issue),
            APIEndpoint(.get, "/devices/{id}/commands", .readCommands, handler: listOfDevice),
            APIEndpoint(.get, "/commands", .readCommands, handler: list),
            APIEndpoint(.get, "/commands/{id}", .readCommands, handler: show),
            APIEndpoint(.post, "/commands/{id}/cancel", .issueCommands, audit: .commandCancelled, handler: cancel),
            APIEndpoint(.post, "/commands/{id}/approve", .issueCommands, audit: .commandApproved, handler: approve),
            APIEndpoint(.post, "/command-batches", .issueCommands, audit: .commandBatchIssued, handler: issueBatch),
            APIEndpoint(.get, "/command-batches/{id}", .readCommands, handler: showBatch),
        ]
    }

    /// A command as the API issues it: ``CommandDraft``'s fields.
    struct IssueBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case kind, parameters, priority, expiresInSeconds, reason, idempotencyKey
        }
        let kind: CommandKind
        let parameters: [String: String]?
        let priority: CommandPriority?
        let expiresInSeconds: Int?
        let reason: String
        let idempotencyKey: String?

        /// The draft, validated.
        func draft() throws -> CommandDraft {
            try CommandDraft(
                kind: kind, parameters: parameters ?? [:], priority: priority, expiresInSeconds: expiresInSeconds,
                reason: reason, idempotencyKey: idempotencyKey
            ).validated().refusingReservedKey()
        }
    }

    /// The body of `POST /command-batches`: the command, and which devices in service take it.
    struct BatchBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case command, devices }
        let command: IssueBody
        let devices: Selection

        /// The inventory's filters (``DeviceFilter``); every one is optional, none selects every device in service.
        struct Selection: Decodable, Sendable {
            let ownership: Ownership?
            let deviceClass: DeviceClass?
            let platform: Platform?
            let approval: ApprovalState?
            let compliance: ComplianceState?
            let personID: PersonID?
            let facilityID: FacilityID?

            var filter: DeviceFilter {
                DeviceFilter(
                    ownership: ownership, deviceClass: deviceClass, platform: platform, approval: approval,
                    compliance: compliance, status: .active, personID: personID, facilityID: facilityID)
            }
        }
    }

    /// `POST /devices/{id}/commands`: 201 with the command queued (or held for approval), 200 with
    /// the earlier command when the idempotency key was used for the same command.
    @Sendable func issue(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let deviceID = try context.pathID(DeviceID.self)
        let draft = try await request.decodeBody(as: IssueBody.self, limit: bodyLimit).draft()
        guard let device = try await store.device(id: deviceID) else { throw Problem.notFound("There is no device \(deviceID).") }
        let now = Date().roundedToMilliseconds
        let result = try await commands.issue(
            draft, to: device, origin: .administrator, issuer: .person(try context.requireIdentity()), at: now,
            audit: context.eventMaker(at: now))
        return try APIJSON.response(
            result.command, status: result.created ? .created : .ok,
            location: "\(APIEndpoint.prefix)/commands/\(result.command.id)")
    }

    /// `GET /devices/{id}/commands?state=`: the device's commands, newest first.
    @Sendable func listOfDevice(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let deviceID = try context.pathID(DeviceID.self)
        guard try await store.device(id: deviceID) != nil else { throw Problem.notFound("There is no device \(deviceID).") }
        return try await listed(request, filter: { CommandFilter(deviceID: deviceID, state: $0) })
    }

    /// `GET /commands?state=&deviceID=&batchID=`: newest first.
    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let query = try QueryParameters(request)
        let deviceID = try query.identifier("deviceID", as: DeviceID.self)
        let batchID = try query.identifier("batchID", as: CommandBatchID.self)
        return try await listed(
            request, alsoAllowing: ["deviceID", "batchID"],
            filter: { CommandFilter(deviceID: deviceID, state: $0, batchID: batchID) })
    }

    private func listed(
        _ request: Request, alsoAllowing extra: Set<String> = [], filter: (CommandState?) -> CommandFilter
    ) async throws -> Response {
        let query = try QueryParameters(request)
        let page = try query.page(alsoAllowing: extra.union(["state"]))
        if let cursor = page.after, CommandID(validating: cursor) == nil {
            throw Problem.invalidQuery("after", "is not a cursor of this list")
        }
        let found = try await store.commands(filter(try query.value("state", as: CommandState.self)), page)
        return try APIJSON.response(ListResponse(found))
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        return try APIJSON.response(try await existingCommand(context))
    }

    /// `POST /commands/{id}/cancel`: ends a command that has not ended; a delivered one may
    /// still have run on the device, and its late answer is kept.
    @Sendable func cancel(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let command = try await existingCommand(context)
        let person = try context.requireIdentity().person.id
        let now = Date().roundedToMilliseconds
        let cancelled = try await store.updateCommand(
            id: command.id, audit: context.auditEvent(.commandCancelled, target: .device(command.deviceID), reason: "\(command.id)", at: now)
        ) { command in
            do { try command.cancel(by: person, at: now) } catch let error as CommandTransitionError { throw Self.problem(error, command.id) }
        }
        return try APIJSON.response(cancelled)
    }

    /// `POST /commands/{id}/approve`: a second administrator releases a wipe the guard-rail held.
    @Sendable func approve(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let command = try await existingCommand(context)
        let person = try context.requireIdentity().person.id
        let now = Date().roundedToMilliseconds
        let approved = try await store.updateCommand(
            id: command.id,
            audit: context.auditEvent(.commandApproved, target: .device(command.deviceID), reason: command.summary, at: now)
        ) { command in
            do { try command.approve(by: person, at: now) } catch let error as CommandTransitionError { throw Self.problem(error, command.id) }
        }
        await commands.push(to: [approved.deviceID], at: now)
        return try APIJSON.response(approved)
    }

    /// `POST /command-batches`: 202 with the batch and its progress (`GET /command-batches/{id}`).
    @Sendable func issueBatch(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let body = try await request.decodeBody(as: BatchBody.self, limit: bodyLimit)
        let draft = try body.command.draft()
        let now = Date().roundedToMilliseconds
        let (batch, created) = try await commands.issueBatch(
            draft, to: body.devices.filter, issuer: .person(try context.requireIdentity()), at: now,
            audit: context.eventMaker(at: now))
        if !created, batch.kind != draft.kind || batch.reason != draft.reason {
            throw Problem.conflict("The idempotency key names batch \(batch.id), a different command; use a new key.")
        }
        return try APIJSON.response(
            BatchView(batch), status: created ? .accepted : .ok, location: "\(APIEndpoint.prefix)/command-batches/\(batch.id)")
    }

    @Sendable func showBatch(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let id = try context.pathID(CommandBatchID.self)
        guard let batch = try await store.commandBatch(id: id) else { throw Problem.notFound("There is no command batch \(id).") }
        return try APIJSON.response(BatchView(batch))
    }

    private func existingCommand(_ context: VigilRequestContext) async throws -> DeviceCommand {
        let id = try context.pathID(CommandID.self)
        guard let command = try await store.command(id: id) else { throw Problem.notFound("There is no command \(id).") }
        return command
    }

    /// A refused transition, for the caller.
    static func problem(_ error: CommandTransitionError, _ id: CommandID) -> Problem {
        switch error {
        case .ended(let state): .conflict("Command \(id) is \(state.rawValue) already.")
        case .notHeld: .conflict("Command \(id) is not waiting for approval.")
        case .approverIsIssuer: .forbidden("A held wipe needs a second administrator: its issuer may not approve it.")
        case .awaitingApproval: .conflict("Command \(id) waits for a second administrator's approval.")
        }
    }
}

/// A batch with its progress: how many of its commands are in each state, and how many ended.
struct BatchView: Encodable {
    let batch: CommandBatch
    init(_ batch: CommandBatch) { self.batch = batch }

    enum CodingKeys: String, CodingKey {
        case id, kind, issuedBy, reason, createdAt, deviceCount, refusedCount, idempotencyKey, states, issued, ended
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(batch.id, forKey: .id)
        try container.encode(batch.kind, forKey: .kind)
        try container.encode(batch.issuedBy, forKey: .issuedBy)
        try container.encode(batch.reason, forKey: .reason)
        try container.encode(batch.createdAt, forKey: .createdAt)
        try container.encode(batch.deviceCount, forKey: .deviceCount)
        try container.encode(batch.refusedCount, forKey: .refusedCount)
        try container.encodeIfPresent(batch.idempotencyKey, forKey: .idempotencyKey)
        try container.encode(Dictionary(uniqueKeysWithValues: batch.states.map { ($0.key.rawValue, $0.value) }), forKey: .states)
        try container.encode(batch.issuedCount, forKey: .issued)
        try container.encode(batch.endedCount, forKey: .ended)
    }
}

extension VigilRequestContext {
    /// The event maker of the request's caller, at `time`.
    func eventMaker(at time: Date) -> AuditEventMaker {
        let context = self
        return { action, target, reason in context.auditEvent(action, target: target, reason: reason, at: time) }
    }
}
