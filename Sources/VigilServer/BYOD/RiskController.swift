import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// Each device's risk score and the organization's risk report (`docs/byod.md`, "Risk and
/// liability").
struct RiskController {
    let store: any VigilStore

    var assessor: RiskAssessor { RiskAssessor(store: store) }

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/devices/{id}/risk", .readDevices, handler: device),
            APIEndpoint(.get, "/risk/report", .readDevices, handler: report),
        ]
    }

    /// How many top risks a report lists unless asked.
    static let defaultTop = 10
    /// How many days a report's trend covers unless asked.
    static let defaultDays = 30

    @Sendable func device(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let id = try context.pathID(DeviceID.self)
        guard let risk = try await assessor.device(id, at: Date().roundedToMilliseconds) else {
            throw Problem.notFound("There is no device \(id).")
        }
        return try APIJSON.response(risk)
    }

    @Sendable func report(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let query = try QueryParameters(request)
        try query.allowOnly(["top", "days"])
        let top = try Self.number(query, "top", in: 1...RiskReport.maximumTop) ?? Self.defaultTop
        let days = try Self.number(query, "days", in: 1...RiskReport.maximumTrendDays) ?? Self.defaultDays
        let now = Date().roundedToMilliseconds
        let tally = try await assessor.fleet(keepingTop: top, at: now)
        let trend = RiskReport.trendDays(days, endingAt: now)
        let history = try await store.riskSnapshots(from: trend.first, through: trend.last)
        return try APIJSON.response(RiskReport(tally: tally, history: history, at: now))
    }

    /// A whole-number parameter within `range`.
    /// - Throws: ``Problem`` 400 naming the parameter when it is not one.
    static func number(_ query: QueryParameters, _ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = query[name] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw Problem.invalidQuery(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
