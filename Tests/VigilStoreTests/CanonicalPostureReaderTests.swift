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
            })
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

    @Test func textJSONForbidsIsNeverRead() {
        let posture = #"{"agentVersion":"0.1.0","batteryPercent":%@,"managedApps":[],"osVersion":"17"}"#
        for number in ["064", "-01", "00", "1.5", "1e2", "12345678901234567"] {
            #expect(CanonicalPostureReader.read(posture.replacingOccurrences(of: "%@", with: number)) == nil, "\(number)")
        }
        #expect(CanonicalPostureReader.read(posture.replacingOccurrences(of: "%@", with: "0"))?.batteryPercent == 0)
        #expect(CanonicalPostureReader.read(posture.replacingOccurrences(of: "%@", with: "-0"))?.batteryPercent == 0)
    }

    @Test func changedTextIsReadAsTheDecoderReadsItOrNotAtAll() throws {
        var random = SystemRandomNumberGenerator()
        let decoder = VigilJSON.makeDecoder()
        let alphabet = Array(#"{}[]:,"01-9.eEtruefalsn x"#.utf8)
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
