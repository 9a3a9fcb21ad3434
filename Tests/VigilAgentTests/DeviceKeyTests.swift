import Foundation
import Testing
import VigilAgent

@Suite struct DeviceKeyTests {
    @Test func signaturesVerifyOnlyForTheRightKeyAndMessage() throws {
        let key = DeviceKey()
        let message = Data("challenge-123".utf8)
        let signature = try key.sign(message)
        #expect(DeviceKey.isValid(signature: signature, of: message, by: key.publicKey))
        #expect(!DeviceKey.isValid(signature: signature, of: Data("challenge-124".utf8), by: key.publicKey))
        #expect(!DeviceKey.isValid(signature: signature, of: message, by: DeviceKey().publicKey))
        #expect(!DeviceKey.isValid(signature: "not base64!", of: message, by: key.publicKey))
    }

    @Test func aStoredKeyIsTheSameKey() throws {
        let key = DeviceKey()
        let restored = try DeviceKey(rawRepresentation: key.rawRepresentation)
        #expect(restored.publicKey == key.publicKey)
        #expect(key.publicKey.count == 43)
        #expect(throws: (any Error).self) { try DeviceKey(rawRepresentation: Data([1, 2, 3])) }
    }
}
