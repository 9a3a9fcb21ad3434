import VigilCore

/// Reads a posture as ``PostureJSON/encode(_:)`` writes it (an object of strings, integers,
/// booleans, the managed apps' list, the personal apps' list and the location) several times
/// faster than a JSON decoder: every evaluation of the fleet reads every device's posture.
///
/// It reads nothing it is not sure of: an escape in a string, a fraction outside the location, an
/// unknown key, a location whose keys are not the four in sorted order, or a value of the wrong
/// kind makes it give up (`nil`), and the JSON decoder reads the text instead.
struct CanonicalPostureReader {
    private let bytes: [UInt8]
    private var index = 0

    private init(_ text: String) { bytes = Array(text.utf8) }

    /// The posture in `text`, or `nil` when the text is not in the canonical form.
    static func read(_ text: String) -> Posture? {
        var reader = CanonicalPostureReader(text)
        return reader.posture()
    }

    private mutating func posture() -> Posture? {
        var posture = Posture(osVersion: "", agentVersion: "")
        var seen: Set<String> = []
        guard take("{") else { return nil }
        while !take("}") {
            if !seen.isEmpty, !take(",") { return nil }
            guard let key = string(), take(":"), seen.insert(key).inserted else { return nil }
            guard field(key, into: &posture) else { return nil }
        }
        guard index == bytes.count, seen.isSuperset(of: ["osVersion", "agentVersion", "managedApps"]) else { return nil }
        return posture
    }

    /// Reads the value of `key` into `posture`; `false` for an unknown key or a value of the wrong kind.
    private mutating func field(_ key: String, into posture: inout Posture) -> Bool {
        switch key {
        case "osVersion":
            guard let value = string() else { return false }
            posture.osVersion = value
        case "agentVersion":
            guard let value = string() else { return false }
            posture.agentVersion = value
        case "managedApps":
            guard let apps = managedApps() else { return false }
            posture.managedApps = apps
        case "securityPatchDate": return optional(&posture.securityPatchDate) { $0.string() }
        case "passcodeSet": return optional(&posture.passcodeSet) { $0.boolean() }
        case "storageEncrypted": return optional(&posture.storageEncrypted) { $0.boolean() }
        case "jailbroken": return optional(&posture.jailbroken) { $0.boolean() }
        case "screenLockTimeoutSeconds": return optional(&posture.screenLockTimeoutSeconds) { $0.integer() }
        case "batteryPercent": return optional(&posture.batteryPercent) { $0.integer() }
        case "passcodeLengthClass":
            return optional(&posture.passcodeLengthClass) { $0.string().flatMap(PasscodeLengthClass.init(rawValue:)) }
        case "personalApps": return optional(&posture.personalApps) { $0.strings() }
        case "location": return optional(&posture.location) { $0.location() }
        default: return false
        }
        return true
    }

    private mutating func managedApps() -> [ManagedApp]? {
        var apps: [ManagedApp] = []
        guard take("[") else { return nil }
        while !take("]") {
            if !apps.isEmpty, !take(",") { return nil }
            guard take("{"), take(string: "id"), take(":"), let id = string(), take(","), take(string: "version"),
                take(":"), let version = string(), take("}")
            else { return nil }
            apps.append(ManagedApp(id: id, version: version))
        }
        return apps
    }

    /// An array of strings without escapes.
    private mutating func strings() -> [String]? {
        var strings: [String] = []
        guard take("[") else { return nil }
        while !take("]") {
            if !strings.isEmpty, !take(",") { return nil }
            guard let string = string() else { return nil }
            strings.append(string)
        }
        return strings
    }

    /// A location with its four keys in sorted order, as the encoder writes it.
    private mutating func location() -> PostureLocation? {
        guard take("{"), take(string: "horizontalAccuracyMeters"), take(":"), let accuracy = number(), take(","),
            take(string: "latitude"), take(":"), let latitude = number(), take(","),
            take(string: "longitude"), take(":"), let longitude = number(), take(","),
            take(string: "recordedAt"), take(":"), let time = string(), let recordedAt = RFC3339.parse(time), take("}")
        else { return nil }
        return PostureLocation(
            latitude: latitude, longitude: longitude, horizontalAccuracyMeters: accuracy, recordedAt: recordedAt)
    }

    /// A finite number as JSON writes it, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, of at
    /// most 32 characters, converted as the JSON decoder converts it (correctly rounded). Like the
    /// decoder, it refuses a number too large for a `Double` and one too small that is not zero.
    private mutating func number() -> Double? {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - first
        }
        _ = take("-")
        if take("0") {
            if index < bytes.count, (0x30...0x39).contains(bytes[index]) { return nil }
        } else if digits() == 0 {
            return nil
        }
        if take("."), digits() == 0 { return nil }
        let mantissa = bytes[start..<index]
        if take("e") || take("E") {
            if !take("+") { _ = take("-") }
            if digits() == 0 { return nil }
        }
        guard index - start <= 32, let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)),
            value.isFinite, value != 0 || !mantissa.contains(where: { (0x31...0x39).contains($0) })
        else { return nil }
        return value
    }

    /// Reads `null` (leaving `value` nil) or a value with `read`; `false` when neither is there.
    private mutating func optional<Value>(_ value: inout Value?, _ read: (inout Self) -> Value?) -> Bool {
        if take(word: "null") { return true }
        guard let read = read(&self) else { return false }
        value = read
        return true
    }

    private mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    private mutating func take(word: String) -> Bool {
        let word = Array(word.utf8)
        guard bytes.count - index >= word.count, bytes[index..<(index + word.count)].elementsEqual(word) else { return false }
        index += word.count
        return true
    }

    private mutating func take(string expected: String) -> Bool { string() == expected }

    /// A string without escapes.
    private mutating func string() -> String? {
        guard take("\"") else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            guard bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 else { return nil }
            index += 1
        }
        guard index < bytes.count else { return nil }
        index += 1
        return String(decoding: bytes[start..<(index - 1)], as: UTF8.self)
    }

    private mutating func boolean() -> Bool? {
        if take(word: "true") { return true }
        if take(word: "false") { return false }
        return nil
    }

    /// An integer of at most 15 digits, without fraction, exponent or leading zero (which JSON
    /// forbids).
    private mutating func integer() -> Int? {
        let negative = take("-")
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "0"), (0x30...0x39).contains(bytes[index + 1]) {
            return nil
        }
        var value = 0
        var digits = 0
        while index < bytes.count, (0x30...0x39).contains(bytes[index]), digits < 15 {
            value = value * 10 + Int(bytes[index] - 0x30)
            digits += 1
            index += 1
        }
        guard digits > 0, index == bytes.count || ![UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]),
            index == bytes.count || !(0x30...0x39).contains(bytes[index])
        else { return nil }
        return negative ? -value : value
    }
}
