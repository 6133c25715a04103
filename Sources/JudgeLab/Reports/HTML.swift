// Escaping and small building blocks for the HTML report.
import Foundation

/// HTML text and attribute escaping. Everything from data or models passes through here.
public enum HTML {
    /// Escapes text for element content and double-quoted attributes alike. Control characters
    /// other than tab and newline are dropped (they are not allowed in XHTML).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case "\r": out += "\n"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A percentage with one decimal, or an em dash for null.
    static func pct(_ value: Double?) -> String { Percent.text(value) }

    static func number(_ value: Double?, _ format: String = "%.3f") -> String {
        value.map { String(format: format, $0) } ?? "—"
    }

    /// A table cell that shows a formatted value and carries the exact one for sorting and checks.
    static func cell(_ shown: String, exact: Double?) -> String {
        "<td data-value=\"\(exact.map { JSONValue.format(number: $0) } ?? "")\">\(escape(shown))</td>"
    }

    /// The first `limit` characters, and a note when cut.
    static func clip(_ text: String, _ limit: Int) -> (String, Bool) {
        guard text.count > limit else { return (text, false) }
        return (String(text.prefix(limit)), true)
    }
}
