extension GeoJSON {
    /// A position as GeoJSON writes it: `[longitude, latitude]`, optionally followed by an
    /// altitude, which is read and dropped.
    struct Position: Codable {
        /// The position, without altitude.
        let point: GeoPoint

        /// Wraps a position for writing.
        init(_ point: GeoPoint) {
            self.point = point
        }

        /// Reads two or three numbers.
        /// - Throws: `DecodingError` for fewer than two or more than three numbers.
        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            if let count = container.count, !(2...3).contains(count) {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "a position must be [longitude, latitude] or [longitude, latitude, altitude]")
            }
            let longitude = try container.decode(Double.self)
            let latitude = try container.decode(Double.self)
            if !container.isAtEnd { _ = try container.decode(Double.self) }
            point = GeoPoint(latitude: latitude, longitude: longitude)
        }

        /// Writes `[longitude, latitude]`.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(point.longitude)
            try container.encode(point.latitude)
        }
    }
}
