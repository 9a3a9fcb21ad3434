import VigilCore

/// What someone watching one simulated device sees of it: its person's place and its PHI access.
struct DeviceOutlook: Sendable, Equatable {
    let place: PersonPlaceState
    let access: AccessStatus

    /// The outlook a location report's answer gives.
    init(_ answer: LocationReportResponse) {
        place = answer.place.person
        access = answer.access
    }

    /// The line to print when the outlook changed from `previous` (`nil` before the first answer):
    /// `dev_… walked outside: access denied (…)`, `dev_… back inside: access allowed`; `nil` when
    /// neither the place nor the access state changed.
    func change(from previous: DeviceOutlook?, deviceID: DeviceID) -> String? {
        if let previous, previous.place == place, previous.access.state == access.state { return nil }
        let movement: String
        switch (previous?.place, place) {
        case (nil, _): movement = "starts \(Self.words(place))"
        case (let before?, _) where before == place: movement = "is still \(Self.words(place))"
        case (_, .inside): movement = "back inside"
        case (_, .outside): movement = "walked outside"
        default: movement = "is now \(Self.words(place))"
        }
        return "\(deviceID) \(movement): \(AgentCommand.Location.describe(access))"
    }

    /// A place in a few words.
    private static func words(_ place: PersonPlaceState) -> String {
        switch place {
        case .inside: "inside"
        case .outside: "outside"
        case .visit: "at a home visit"
        case .unknown: "where the server cannot tell yet (place unknown)"
        case .stale: "without a recent fix (place stale)"
        }
    }
}
