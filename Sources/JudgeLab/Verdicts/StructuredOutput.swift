// Replies constrained to a schema: `{"verdict": "A" | "B" | "tie", "reason": …}` for choices
// (scores are JSON already, read by `ScoreOutput`).
import Foundation
import Synchronization

/// Replies constrained to a schema: `{"verdict": "A" | "B" | "tie", "reason": …}` for choices
/// (scores are JSON already, read by `ScoreOutput`). A reply cut off at the token limit after its
/// verdict still holds it: the grammar wrote the verdict first.
enum StructuredOutput {
    static let verdictField = CompiledRegex(#"^\s*\{\s*"verdict"\s*:\s*"(A|B|tie)""#, options: [])

    /// The schema's own spellings only.
    static func strict(_ verdict: String) -> Choice? {
        ["A": .first, "B": .second, "tie": .tie][verdict]
    }

    static func choice(_ output: String) -> OutputParser.Parsed? {
        if let object = try? JSONParser.parse(Array(output.utf8)), case .object = object, let verdict = object["verdict"]?.stringValue {
            guard let choice = strict(verdict) else {
                return OutputParser.Parsed(reading: .unparsed(.choice, reason: "the verdict '\(verdict.excerpt())' is not A, B or tie"), reason: nil)
            }
            return OutputParser.Parsed(reading: .choice(choice), reason: object["reason"]?.stringValue)
        }
        let text = output as NSString
        guard let match = verdictField.regex.firstMatch(in: output, range: NSRange(location: 0, length: text.length)),
              let choice = strict(text.substring(with: match.range(at: 1))) else { return nil }
        return OutputParser.Parsed(reading: .choice(choice), reason: nil)
    }
}
