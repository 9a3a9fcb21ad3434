import Foundation
import VigilAgent
import VigilCore

/// The few administrator calls the simulator needs, over the same transport as its devices.
struct AdminClient: Sendable {
    let serverURL: URL
    let token: String
    let transport: any AgentTransport

    /// The person the token acts for: simulated devices are enrolled for them.
    func me() async throws -> PersonID {
        struct Me: Decodable {
            struct Person: Decodable { let id: PersonID }
            let person: Person
        }
        let me: Me = try await call("GET", "/api/v1/me", body: nil, expecting: 200)
        return me.person.id
    }

    /// Creates an invitation and returns its code.
    func invite(_ personID: PersonID, ownership: Ownership, deviceClass: DeviceClass) async throws -> String {
        struct Created: Decodable { let code: String }
        let body: [String: String] = [
            "personID": personID.rawValue, "ownership": ownership.rawValue, "deviceClass": deviceClass.rawValue,
        ]
        let created: Created = try await call(
            "POST", "/api/v1/enrollment-invitations", body: try JSONEncoder().encode(body), expecting: 201)
        return created.code
    }

    /// Creates a clinician for one simulated device, so that its place is its person's alone
    /// (a person's place follows whichever of their devices moved last).
    /// - Parameters:
    ///   - index: The device's number in the fleet.
    ///   - run: A tag of this run, which keeps the e-mail addresses unique across runs.
    func createSimulatedPerson(index: Int, run: String) async throws -> PersonID {
        struct Created: Decodable { let id: PersonID }
        struct Body: Encodable {
            let name: String
            let email: String
            let affiliation = "employee"
            let roles = ["clinician"]
        }
        let body = Body(name: "Simulated clinician \(index)", email: "sim-\(run)-\(index)@simulated.invalid")
        let created: Created = try await call("POST", "/api/v1/people", body: try JSONEncoder().encode(body), expecting: 201)
        return created.id
    }

    /// The server's URL for `path`, which may carry a query.
    func url(_ path: String) throws -> URL {
        let base = serverURL.absoluteString.hasSuffix("/") ? String(serverURL.absoluteString.dropLast()) : serverURL.absoluteString
        guard let url = URL(string: base + path) else { throw CommandFailure("\(path) is not a valid path") }
        return url
    }

    /// Sends a request and decodes the answer, or throws the server's problem.
    func call<Answer: Decodable>(_ method: String, _ path: String, body: Data?, expecting status: Int) async throws
        -> Answer
    {
        var headers = ["Authorization": "Bearer \(token)"]
        if body != nil { headers["Content-Type"] = "application/json" }
        let response = try await transport.send(
            AgentHTTPRequest(
                method: method, url: try url(path), headers: headers,
                body: body ?? Data()))
        guard response.status == status else {
            let detail = (try? JSONDecoder().decode([String: String?].self, from: response.body))?["detail"] ?? nil
            throw CommandFailure("\(method) \(path) answered \(response.status): \(detail ?? "no detail")")
        }
        return try VigilJSON.makeDecoder().decode(Answer.self, from: response.body)
    }
}
