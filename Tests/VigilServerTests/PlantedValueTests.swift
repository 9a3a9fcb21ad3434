import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilTestSupport

/// A fact that may not be collected never reaches the database or the logs: a BYOD device
/// enrolls, checks in and reports its location with planted, unique values, and the bytes of the SQLite file, its
/// write-ahead log and the server's log output are searched for them. A corporate device's
/// planted values, which may be collected, are found in the database, so the search can fail.
@Suite struct PlantedValueTests {
    /// Unique values planted in one device's enrollment and check-in.
    struct Planted {
        let phoneNumber: String
        let serialNumber: String
        let hardwareIdentifiers: [String]
        /// A latitude no other test uses, as the JSON encoder writes it.
        let latitude: String
        let personalApps: [String]

        init(_ tag: String, latitude: String) {
            let digits = String(UInt64.random(in: 1_000_000_000...9_999_999_999))
            phoneNumber = "+1 \(digits)"
            serialNumber = "SN-\(tag)-\(UUID().uuidString)"
            hardwareIdentifiers = ["IMEI-\(tag)-\(UUID().uuidString)", "MAC-\(tag)-\(UUID().uuidString)"]
            self.latitude = latitude
            personalApps = ["org.planted.\(tag).\(UUID().uuidString.lowercased())"]
        }

        /// Every planted value as it would be written.
        var values: [String] { [phoneNumber, serialNumber, latitude] + hardwareIdentifiers + personalApps }

        var facts: DeviceFacts {
            DeviceFacts(
                platform: .android, model: "Pixel 8", osVersion: "15", hardwareID: serialNumber, name: "Planted phone",
                phoneNumber: phoneNumber, hardwareIdentifiers: hardwareIdentifiers)
        }

        var posture: Posture {
            var posture = TestDevice.posture
            posture.location = PostureLocation(
                latitude: Double(latitude)!, longitude: 7.654_321_098_7, horizontalAccuracyMeters: 3, recordedAt: Date())
            posture.personalApps = personalApps
            return posture
        }
    }

    @Test func factsThatMayNotBeCollectedNeverReachTheDatabaseOrTheLogs() async throws {
        let personal = Planted("byod", latitude: "12.3456789012")
        let corporate = Planted("corporate", latitude: "23.4567890123")
        try await Self.withServer { server, databasePath, log in
            let nurse = server.cast.person(.clinician)
            var devices: [Ownership: DeviceID] = [:]
            for (ownership, planted) in [(Ownership.byod, personal), (.corporate, corporate)] {
                var device = TestDevice()
                let code = try await TestDevice.invite(server, for: nurse, ownership: ownership)
                let enrolled = try await device.enroll(server, code: code, facts: planted.facts)
                #expect(enrolled.status == .created, "\(enrolled.text)")
                try await device.openSession(server)
                _ = try server.decodeCheckIn(try await device.checkIn(server, planted.posture))
                // A second check-in from elsewhere: the latest posture is rewritten.
                var moved = planted.posture
                moved.location?.longitude = 8.765_432_109_8
                _ = try server.decodeCheckIn(try await device.checkIn(server, moved))
                // And a location report of its own, at the planted latitude.
                let report = LocationReportRequest(fixes: [
                    LocationFix(
                        latitude: Double(planted.latitude)!, longitude: 9.876_543_210_9, accuracyMeters: 4,
                        recordedAt: Date().addingTimeInterval(1), source: .gps)
                ])
                let reported = try await device.signed(
                    server, "/agent/v1/location", body: try VigilJSON.makeEncoder().encode(report))
                #expect(reported.status == .ok, "\(reported.text)")
                devices[ownership] = device.deviceID
            }
            // Fixes are kept as integers: read them back rather than search the bytes.
            let byodFixes = try await server.store.locationFixes(deviceID: try #require(devices[.byod]), .first)
            #expect(byodFixes.items.isEmpty, "a personal device's coordinates were stored")
            let corporateFixes = try await server.store.locationFixes(deviceID: try #require(devices[.corporate]), .first)
            #expect(corporateFixes.items.map(\.longitude).contains { abs($0 - 9.876_543_210_9) < 1e-6 })

            let bytes = try Self.databaseBytes(at: databasePath)
            for value in personal.values {
                #expect(!bytes.contains(value), "the BYOD device's \(value) reached the database")
            }
            for value in corporate.values {
                #expect(bytes.contains(value), "the corporate device's \(value) should be stored: the search must find it")
            }
            let lines = log.lines
            #expect(lines.contains { $0.contains("/agent/v1/checkin") }, "the log was captured")
            for value in personal.values + corporate.values + ["9.8765432109"] {
                #expect(!lines.contains { $0.contains(value) }, "\(value) reached the log")
            }
        }
    }

    /// The bytes of the database file and of its write-ahead log.
    struct DatabaseBytes {
        let data: Data

        /// Whether the UTF-8 bytes of `value` occur anywhere.
        func contains(_ value: String) -> Bool { data.range(of: Data(value.utf8)) != nil }
    }

    static func databaseBytes(at path: String) throws -> DatabaseBytes {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        let wal = FileManager.default.contents(atPath: path + "-wal")
        #expect(wal != nil, "the database runs in WAL mode")
        data += wal ?? Data()
        return DatabaseBytes(data: data)
    }

    /// Runs `body` against the real application on a SQLite file at a known path, with every
    /// log line of the server captured.
    static func withServer(_ body: @Sendable (TestServer, String, LogCapture) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-planted-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let databasePath = directory.appendingPathComponent("vigil.sqlite").path
        let store = try SQLiteStore(path: databasePath)
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.dataDirectory = directory.appendingPathComponent("data").path
        let capture = LogCapture()
        var logger = Logger(label: "vigil.planted") { _ in CapturingLogHandler(capture: capture) }
        logger.logLevel = .trace
        let application = buildApplication(configuration: configuration, store: store, logger: logger)
        let dataDirectory = configuration.dataDirectory
        try await application.test(.router) { client in
            let cast = try await Cast.make(in: store)
            try await body(
                TestServer(client: client, store: store, cast: cast, dataDirectory: dataDirectory), databasePath, capture)
        }
    }
}

/// Every log line written through a ``CapturingLogHandler``.
final class LogCapture: Sendable {
    private let captured = Mutex<[String]>([])

    var lines: [String] { captured.withLock { $0 } }

    func append(_ line: String) { captured.withLock { $0.append(line) } }
}

/// A log handler that keeps each line, with its metadata, in a ``LogCapture``.
struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.append("\(event.level) \(event.message) \(merged)")
    }
}
