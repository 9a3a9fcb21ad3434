import Foundation
import HTTPTypes
import Hummingbird
import VigilCore

/// A privacy notice as an HTML page: one self-contained document (no scripts, fonts, images or
/// style sheets from elsewhere), readable on a phone, every value escaped, never cached.
enum PrivacyPage {
    /// The page as a response.
    static func response(_ notice: PrivacyNotice) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .vary: "Accept",
                HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'",
                HTTPField.Name("Referrer-Policy")!: "no-referrer",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: render(notice))))
    }

    /// The page's HTML.
    static func render(_ notice: PrivacyNotice) -> String {
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>What the hospital may see on this device</title>
            <style>
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5;
              max-width: 42rem; margin: 1.5rem auto; padding: 0 1rem; color: #1b1b1b; }
            table { border-collapse: collapse; width: 100%; }
            th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.3rem; border-bottom: 1px solid #ddd;
              overflow-wrap: anywhere; }
            .yes { color: #0b6b2f; font-weight: 600; } .no { color: #a3181b; font-weight: 600; }
            .note { color: #555; font-size: 0.9rem; }
            </style></head><body>
            <h1>What the hospital may see on this device</h1>
            <p>\(escape(notice.summary))</p>
            <p class="note">\(escape(notice.model)) · \(escape(notice.platform.rawValue)) \
            \(escape(notice.deviceClass.rawValue)) · \(escape(notice.ownership.rawValue)) · \
            \(escape(notice.deviceID.rawValue))<br>Generated \(escape(RFC3339.format(notice.generatedAt))) \
            from the settings in force (version \(notice.settingsVersion)).</p>

            """
        html += section("What is collected, and who sees it", table(["Information", "Collected", "Who sees it"],
            notice.fields.map { field in
                [escape(field.title), mark(field.collected, field.level == .hidden ? "Yes, hidden" : "Yes", "Never"),
                 escape(field.detail)]
            }))
        html += section("Collected from every device", list(notice.alwaysCollected.map { escape($0.title) }))
        html += section("Never collected from any device", list(notice.neverCollected.map { escape($0.title) }))
        html += section("What the hospital can and cannot do to this device", table(["Action", "Possible", ""],
            notice.actions.map { [escape($0.title), mark($0.allowed, "Yes", "No"), escape($0.detail)] }))
        if !notice.agreements.isEmpty {
            html += section("Agreements", list(notice.agreements.map { agreement in
                "\(escape(agreement.title)) (version \(agreement.version)): \(standing(agreement))"
            }))
        }
        html += section("Security requirements", notice.requirements.isEmpty
            ? "<p>No security policy asks anything of this device.</p>\n"
            : list(notice.requirements.map { requirement in
                "\(escape(requirement.title)): \(escape(requirement.expected)) "
                    + "<span class=\"note\">(policy \(escape(requirement.policy.name)) version \(requirement.policy.version)"
                    + (requirement.met.map { $0 ? ", met" : ", not met" } ?? "") + ")</span>"
            }))
        return html + "</body></html>\n"
    }

    static func section(_ title: String, _ body: String) -> String {
        "<h2>\(escape(title))</h2>\n\(body)"
    }

    /// A table of cells that are HTML already.
    static func table(_ headers: [String], _ rows: [[String]]) -> String {
        "<table><tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
            + rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>\n" }.joined() + "</table>\n"
    }

    /// A list of items that are HTML already.
    static func list(_ items: [String]) -> String {
        "<ul>\n" + items.map { "<li>\($0)</li>\n" }.joined() + "</ul>\n"
    }

    static func mark(_ yes: Bool, _ yesText: String, _ noText: String) -> String {
        yes ? "<span class=\"yes\">\(escape(yesText))</span>" : "<span class=\"no\">\(escape(noText))</span>"
    }

    static func standing(_ agreement: PrivacyNotice.AgreementEntry) -> String {
        switch agreement.status {
        case .accepted: mark(true, "accepted", "")
        case .inGracePeriod:
            "an earlier version is accepted, which counts until "
                + escape(agreement.acceptBy.map(RFC3339.format) ?? "the end of its grace period")
        case .missing: mark(false, "", "not accepted yet")
        }
    }

    /// `text` with the five characters that HTML reads as markup replaced by their entities.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
