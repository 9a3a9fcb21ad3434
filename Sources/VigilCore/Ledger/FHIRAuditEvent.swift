import Foundation

/// An audit event as a FHIR R4 `AuditEvent` resource, with the elements FHIR requires (type,
/// action, recorded, outcome, agent with requestor, source observer) and the entities involved.
/// The mapping is in `docs/ledger.md`.
struct FHIRAuditEvent: Encodable {
    struct Coding: Encodable {
        var system: String
        var code: String
        var display: String?
    }

    struct CodeableConcept: Encodable {
        var coding: [Coding]
    }

    struct Identifier: Encodable {
        var system: String
        var value: String
    }

    struct Reference: Encodable {
        var reference: String?
        var identifier: Identifier?
        var display: String?
    }

    struct Extension: Encodable {
        var url: String
        var valueString: String?
        var valueCode: String?
    }

    struct Network: Encodable {
        var address: String
        /// `2`: an IP address.
        var type = "2"
    }

    struct Agent: Encodable {
        var `extension`: [Extension]?
        var who: Reference
        var altId: String?
        var requestor: Bool
        var network: Network?
    }

    struct Source: Encodable {
        var site = "Vigil"
        var observer = Reference(display: "Vigil")
        var type = [
            Coding(
                system: "http://terminology.hl7.org/CodeSystem/security-source-type", code: "4",
                display: "Application Server")
        ]
    }

    struct Entity: Encodable {
        var what: Reference
        var type: Coding
        var role: Coding?
    }

    var resourceType = "AuditEvent"
    var id: String
    var `extension`: [Extension]
    var type: Coding
    var subtype: [Coding]
    var action: String
    var recorded: String
    var outcome: String
    var outcomeDesc: String?
    var purposeOfEvent: [CodeableConcept]?
    var agent: [Agent]
    var source = Source()
    var entity: [Entity]?

    init(_ event: AuditEvent) {
        // FHIR ids allow letters, digits, '-' and '.'.
        id = event.id.rawValue.replacingOccurrences(of: "_", with: "-")
        `extension` = [Extension(url: "urn:vigil:ledger-sequence", valueString: String(event.sequence))]
        type = Self.eventType(event)
        subtype = [Coding(system: "urn:vigil:audit-action", code: event.action.rawValue)]
        action = Self.actionCode(event.action)
        recorded = RFC3339.format(event.occurredAt)
        outcome = event.outcome == .success ? "0" : "4"
        outcomeDesc = event.reason
        agent = [
            Agent(
                who: Self.reference(for: event.actor), altId: event.actor.tokenID, requestor: true,
                network: event.sourceAddress.map { Network(address: $0) })
        ]
        var entities: [Entity] = []
        if let target = event.target {
            let what =
                event.phi == nil
                ? Reference(identifier: Identifier(system: "urn:vigil:" + target.type, value: target.id))
                : Reference(reference: target.type + "/" + target.id)
            entities.append(Entity(what: what, type: Self.entityType(code: "2", display: "System Object")))
        }
        if let phi = event.phi {
            purposeOfEvent = [
                CodeableConcept(coding: [
                    Coding(system: "http://terminology.hl7.org/CodeSystem/v3-ActReason", code: phi.purpose.rawValue)
                ])
            ]
            let place = [Extension(url: "urn:vigil:place-state", valueCode: phi.place.rawValue)]
            if let deviceID = phi.deviceID {
                agent.append(
                    Agent(
                        extension: place, who: Reference(identifier: Identifier(system: "urn:vigil:device", value: deviceID)),
                        requestor: false))
            } else {
                agent[0].extension = place
            }
            entities.append(
                Entity(
                    what: Reference(reference: "Patient/" + phi.patientID),
                    type: Self.entityType(code: "1", display: "Person"),
                    role: Coding(system: "http://terminology.hl7.org/CodeSystem/object-role", code: "1", display: "Patient")))
        }
        entity = entities.isEmpty ? nil : entities
    }

    private static func eventType(_ event: AuditEvent) -> Coding {
        let system = "http://dicom.nema.org/resources/ontology/DCM"
        if event.phi != nil { return Coding(system: system, code: "110110", display: "Patient Record") }
        if event.action.rawValue.hasPrefix("auth.") {
            return Coding(system: system, code: "110114", display: "User Authentication")
        }
        return Coding(system: system, code: "110100", display: "Application Activity")
    }

    /// FHIR's action code from the verb of a Vigil action (`person.create` → `C`).
    static func actionCode(_ action: AuditAction) -> String {
        let verb = action.rawValue.split(separator: ".").last.map(String.init) ?? ""
        switch verb {
        case "create", "enroll", "bootstrap": return "C"
        case "read": return "R"
        case "update", "approve", "deny", "retire", "revoke", "key_rotate": return "U"
        case "delete": return "D"
        default: return "E"
        }
    }

    private static func reference(for actor: AuditActor) -> Reference {
        switch actor.kind {
        case .person, .device:
            Reference(identifier: actor.id.map { Identifier(system: "urn:vigil:" + actor.kind.rawValue, value: $0) })
        case .system: Reference(display: "Vigil (\(actor.id ?? "system"))")
        case .anonymous: Reference(display: "unauthenticated caller")
        }
    }

    private static func entityType(code: String, display: String) -> Coding {
        Coding(system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: code, display: display)
    }
}
