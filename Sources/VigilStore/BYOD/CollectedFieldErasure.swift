import Foundation
import VigilCore

/// Erases what the devices of one ownership hold of fields the collection matrix no longer
/// collects, in the transaction that changes the matrix: the device's columns by one statement,
/// and the location and personal apps inside the latest posture and the posture history by
/// rewriting each posture that holds them (read, cut, written back with the same encoder).
enum CollectedFieldErasure {
    /// The statements that clear the device columns of `fields` for devices of `ownership`.
    static func columnStatements(_ fields: Set<CollectedField>, of ownership: Ownership) -> [SQLStatement] {
        let columns: [(CollectedField, String)] = [
            (.serialNumber, "hardware_id = NULL"), (.deviceName, "name = NULL"), (.phoneNumber, "phone_number = NULL"),
            (.hardwareIdentifiers, "hardware_identifiers = NULL"),
        ]
        let assignments = columns.filter { fields.contains($0.0) }.map(\.1)
        guard !assignments.isEmpty else { return [] }
        return [
            SQLStatement(
                "UPDATE devices SET \(assignments.joined(separator: ", ")) WHERE ownership = ?", [.enumeration(ownership)])
        ]
    }

    /// Whether any of `fields` lives inside postures.
    static func touchesPostures(_ fields: Set<CollectedField>) -> Bool {
        fields.contains(.preciseLocation) || fields.contains(.personalApps)
    }

    /// The latest postures of devices of `ownership` that may hold a location or personal apps.
    static func latestPostures(of ownership: Ownership) -> SQLStatement {
        SQLStatement(
            """
            SELECT id, posture FROM devices WHERE ownership = ? AND posture IS NOT NULL
                AND (posture LIKE '%"location"%' OR posture LIKE '%"personalApps"%')
            """, [.enumeration(ownership)])
    }

    /// The history postures of devices of `ownership` that may hold a location or personal apps.
    static func historyPostures(of ownership: Ownership) -> SQLStatement {
        SQLStatement(
            """
            SELECT h.id, h.posture FROM device_postures h JOIN devices d ON d.id = h.device_id WHERE d.ownership = ?
                AND (h.posture LIKE '%"location"%' OR h.posture LIKE '%"personalApps"%')
            """, [.enumeration(ownership)])
    }

    /// The posture `json` without `fields`, or `nil` when it held none of them.
    static func erasing(_ fields: Set<CollectedField>, from json: String, column: String) throws -> String? {
        let posture = try PostureJSON.decode(json, column: column)
        let erased = posture.removing(fields)
        return erased == posture ? nil : PostureJSON.encode(erased)
    }

    static func rewriteLatest(id: String, posture: String) -> SQLStatement {
        SQLStatement("UPDATE devices SET posture = ? WHERE id = ?", [.text(posture), .text(id)])
    }

    static func rewriteHistory(id: String, posture: String) -> SQLStatement {
        SQLStatement("UPDATE device_postures SET posture = ? WHERE id = ?", [.text(posture), .text(id)])
    }
}
