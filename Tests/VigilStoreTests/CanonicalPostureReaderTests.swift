import Foundation
import Testing
import VigilCore
@testable import VigilStore

/// The fast posture reader agrees with the JSON decoder on every posture the store writes, and
/// never reads anything else differently: it either agrees or gives up.
@Suite struct CanonicalPostureReaderTests {
    static func randomPosture(_ random: inout some RandomNumberGenerator) -> Posture {
        func maybe<Value>(_ value: @autoclosure () -> Value) -> Value? { Bool.random(using: &random) ? value() : nil }
        let texts = ["17.6.1", "14", "10.0.22631", "Ünïcødé 1", "a/b", "", "0.1.0", "quote\"d", "back\\slash", "tab\tbed"]
        return Posture(
            osVersion: texts.randomElement(using: &random)!, securityPatchDate: maybe("2026-11-01"),
            passcodeSet: maybe(Bool.random(using: &random)),
            passcodeLengthClass: maybe(PasscodeLengthClass.allCases.randomElement(using: &random)!),
            storageEncrypted: maybe(Bool.random(using: &random)), jailbroken: maybe(Bool.random(using: &random)),
            screenLockTimeoutSeconds: maybe(Int.random(in: 0...86_400, using: &random)),
            agentVersion: texts.randomElement(using: &random)!,
            batteryPercent: maybe(Int.random(in: 0...100, using: &random)),
            managedApps: (0..<Int.random(in: 0...3, using: &random)).map { index in
                ManagedApp(id: "org.hospital.app\(index)", version: texts.randomElement(using: &random)!)
            },
            location: maybe(randomLocation(&random)),
            personalApps: maybe((0..<Int.random(in: 0...3, using: &random)).map { _ in texts.randomElement(using: &random)! }))
    }

    /// A location fix, its coordinates anywhere in range (whole, tiny, huge and negative numbers
    /// alike) and its time to the millisecond, as validation stores it.
    static func randomLocation(_ random: inout some RandomNumberGenerator) -> PostureLocation {
        let accuracies = [0, 5, 12.5, 1e-7, 99_999.999_9, 100_000, Double.random(in: 0...100_000, using: &random)]
        return PostureLocation(
            latitude: Bool.random(using: &random) ? Double.random(in: -90...90, using: &random) : [-90, 0, 48, 90].randomElement(using: &random)!,
            longitude: Double.random(in: -180...180, using: &random),
            horizontalAccuracyMeters: accuracies.randomElement(using: &random)!,
            recordedAt: Date(millisecondsSince1970: Int64.random(in: 0...4_102_444_800_000, using: &random)))
    }

    @Test func readsEveryPostureTheStoreWritesAsTheDecoderDoes() throws {
        var random = SystemRandomNumberGenerator()
        var readFast = 0
        for _ in 0..<2_000 {
            let posture = Self.randomPosture(&random)
            let text = PostureJSON.encode(posture)
            #expect(try PostureJSON.decode(text, column: "test") == posture)
            if let fast = CanonicalPostureReader.read(text) {
                #expect(fast == posture, "\(text)")
                readFast += 1
            } else {
                #expect(text.contains("\\"), "only escapes make the reader give up on the store's own text: \(text)")
            }
        }
        #expect(readFast > 300)
    }

    @Test func textJSONForbidsIsNeverRead() throws {
        let posture = #"{"agentVersion":"0.1.0","batteryPercent":%@,"managedApps":[],"osVersion":"17"}"#
        for number in ["064", "-01", "00", "1.5", "1e2", "12345678901234567"] {
            #expect(CanonicalPostureReader.read(posture.replacingOccurrences(of: "%@", with: number)) == nil, "\(number)")
        }
        #expect(CanonicalPostureReader.read(posture.replacingOccurrences(of: "%@", with: "0"))?.batteryPercent == 0)
        #expect(CanonicalPostureReader.read(posture.replacingOccurrences(of: "%@", with: "-0"))?.batteryPercent == 0)

        let located = #"{"agentVersion":"0.1.0","location":{"horizontalAccuracyMeters":12,"latitude":%@,"longitude":2.5,"recordedAt":"2026-11-29T06:30:00.250Z"},"managedApps":[],"osVersion":"17"}"#
        for number in ["048.8", "-", "1.", ".5", "1e", "1e+", "+1", "1e999", "-1e400", "1e-400", "-2.5e-330",
            String(repeating: "1", count: 33)] {
            #expect(CanonicalPostureReader.read(located.replacingOccurrences(of: "%@", with: number)) == nil, "\(number)")
        }
        for (number, value) in [("48.858", 48.858), ("-0.5", -0.5), ("1e-05", 1e-05), ("4.5E+1", 45), ("0", 0), ("0.0e-999", 0)] {
            let read = CanonicalPostureReader.read(located.replacingOccurrences(of: "%@", with: number))
            #expect(read?.location?.latitude == value, "\(number)")
            #expect(read?.location?.recordedAt == Date(millisecondsSince1970: 1_795_933_800_250))
        }
        let reordered = #"{"agentVersion":"0.1.0","location":{"latitude":1,"horizontalAccuracyMeters":12,"longitude":2.5,"recordedAt":"2026-11-29T06:30:00.250Z"},"managedApps":[],"osVersion":"17"}"#
        #expect(CanonicalPostureReader.read(reordered) == nil, "keys in another order go to the decoder")
        #expect(try PostureJSON.decode(reordered, column: "test").location?.latitude == 1)
    }

    @Test func changedTextIsReadAsTheDecoderReadsItOrNotAtAll() throws {
        var random = SystemRandomNumberGenerator()
        let decoder = VigilJSON.makeDecoder()
        let alphabet = Array(#"{}[]:,"01-9.eE+truefalsn x"#.utf8)
        for _ in 0..<5_000 {
            var bytes = Array(PostureJSON.encode(Self.randomPosture(&random)).utf8)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: position)
                default: bytes[position] = alphabet.randomElement(using: &random)!
                }
                if bytes.isEmpty { break }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            guard let fast = CanonicalPostureReader.read(text) else { continue }
            #expect(fast == (try? decoder.decode(Posture.self, from: Data(text.utf8))), "\(text)")
        }
    }
}
