// Cheap white-space checks, used on every field of every record.
import Foundation

extension StringProtocol {
    /// True when the text is empty or only white space. Stops at the first other character,
    /// unlike trimming, which copies.
    var isBlank: Bool { unicodeScalars.allSatisfy(\.isSpace) }

    /// The text without surrounding white space; copies only when there is some to remove
    /// (Foundation's trimming bridges through NSString every time).
    var trimmed: String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last,
              first.isSpace || last.isSpace else { return String(self) }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension Unicode.Scalar {
    /// White space by Unicode's definition, with ASCII answered without the property tables
    /// (a cold lookup there was visible in the cost of each judgment).
    var isSpace: Bool {
        if isASCII { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return properties.isWhitespace
    }
}

extension StringProtocol {
    /// The text as quoted in an error message: control characters escaped, at most `limit`
    /// characters, so that a message about data stays on one short line.
    public func excerpt(_ limit: Int = 40) -> String {
        var out = ""
        var count = 0
        for scalar in unicodeScalars {
            if count == limit { return out + "…" }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            count += 1
        }
        return out
    }
}
