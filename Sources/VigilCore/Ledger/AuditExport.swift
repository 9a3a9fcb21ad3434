import Foundation

/// Audit events rendered for auditors: FHIR R4 AuditEvent NDJSON or CSV. Rendering is
/// deterministic, so that a proof bundle's export can be checked against its proven entries.
public enum AuditExport {
    /// An export format.
    public enum Format: String, Sendable, CaseIterable {
        /// FHIR R4 AuditEvent resources, one JSON object per line.
        case fhir
        /// RFC 4180 CSV with a header row, one row per entry.
        case csv

        /// The format's media type.
        public var mediaType: String {
            switch self {
            case .fhir: "application/fhir+ndjson"
            case .csv: "text/csv"
            }
        }

        /// The format with this media type.
        public init?(mediaType: String) {
            guard let format = Self.allCases.first(where: { $0.mediaType == mediaType }) else { return nil }
            self = format
        }
    }

    /// The CSV columns: every field of the entry bytes, then the leaf hash.
    public static let csvColumns = [
        "sequence", "occurred_at", "id", "actor_kind", "actor_id", "actor_token_id", "action", "target_type",
        "target_id", "outcome", "reason", "source_address", "request_id", "phi_patient_id", "phi_device_id",
        "phi_purpose", "phi_place", "leaf_hash",
    ]

    /// The events as one text in `format`.
    public static func render(_ events: [AuditEvent], as format: Format) -> String {
        records(events, as: format).joined()
    }

    /// The records of the rendering, each with its line ending; for CSV the header first.
    static func records(_ events: [AuditEvent], as format: Format) -> [String] {
        switch format {
        case .fhir:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return events.map { event in
                // Encoding plain strings, numbers and booleans cannot fail.
                let json = (try? encoder.encode(FHIRAuditEvent(event))) ?? Data()
                return String(decoding: json, as: UTF8.self) + "\n"
            }
        case .csv:
            let header = csvColumns.joined(separator: ",") + "\r\n"
            return [header] + events.map { event in
                let cells = [String(event.sequence), RFC3339.format(event.occurredAt)]
                    + event.ledgerTextFields.map { $0 ?? "" } + [event.leafHash.hex]
                return cells.map(CSVCell.escape).joined(separator: ",") + "\r\n"
            }
        }
    }
}

/// One CSV cell (RFC 4180), safe to open in a spreadsheet.
public enum CSVCell {
    /// Quotes the value when needed, and prefixes an apostrophe when a spreadsheet would read it
    /// as a formula (it starts with `=`, `+`, `-`, `@`, tab or carriage return).
    public static func escape(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
