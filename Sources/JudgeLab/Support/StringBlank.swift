// Cheap white-space checks, used on every field of every record.
import Foundation

extension StringProtocol {
    /// True when the text is empty or only white space. Stops at the first other character,
    /// unlike trimming, which copies.
    var isBlank: Bool { unicodeScalars.allSatisfy { $0.properties.isWhitespace } }

    /// The text without surrounding white space; copies only when there is some to remove
    /// (Foundation's trimming bridges through NSString every time).
    var trimmed: String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last,
              first.properties.isWhitespace || last.properties.isWhitespace else { return String(self) }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
