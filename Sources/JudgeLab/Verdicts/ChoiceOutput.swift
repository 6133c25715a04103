// Reading A/B/tie verdicts from free text.
import Foundation
import Synchronization

/// Reading A/B/tie verdicts from free text.
enum ChoiceOutput {
    private static let subject = #"(?:output|assistant|response|answer|model)"#
    private static let subjects = ["output", "assistant", "response", "answer", "model"]
    private static let pick = #"\(?\s*([ab12])\s*\)?"#

    /// What a text must hold for a pattern to have a chance of matching it.
    enum Need {
        /// One of these words (lower case, as UTF-8).
        case anyOf([[UInt8]])

        static func anyOf(_ words: [String]) -> Need { .anyOf(words.map { Array($0.utf8) }) }
        /// A line that, without its decoration and spaces, is a short run of letters, digits and
        /// parentheses (at most "assistant(tie)", 14 characters).
        case verdictLine
    }

    /// Each pattern's first capture group names the choice (or, for the tie phrases, none does).
    /// Each is compiled when first needed: a judge that always answers "[[A]]" needs one.
    private static let patterns: [(regex: LazyRegex, need: Need)] = [
        // MT-Bench's [[A]] / [[B]] / [[C]] (C is a tie).
        (LazyRegex(#"\[\[\s*([abc])\s*\]\]"#), .anyOf(["[["])),
        // "Output (a) is better", "Assistant 2's answer is preferred".
        (LazyRegex(#"\b"# + subject + #"\s*"# + pick + #"(?:'s\s+(?:answer|response|output))?\s+(?:is|was|seems|appears)\s+(?:clearly\s+|slightly\s+|much\s+|significantly\s+|overall\s+)?(?:the\s+)?(?:better|preferred|preferable|superior|stronger|winner|best)\b"#),
         .anyOf(subjects)),
        // "I prefer Output (b)".
        (LazyRegex(#"\bprefer(?:s|red)?\s+"# + subject + #"\s*"# + pick), .anyOf(["prefer"])),
        // "Verdict: B", "Final answer: tie", "The better response is Response 1".
        (LazyRegex(#"\b(?:winner|verdict|choice|final\s+answer|better\s+(?:output|response|answer))\s*(?:is|:|=)\s*[*"'`]*\s*(?:"# + subject + #"\s*)?\(?\s*([ab12]|tie)\b"#),
         .anyOf(["winner", "verdict", "choice", "final", "better"])),
        // A line that is only a verdict: "Output (a)", "B", "Assistant 1.", "Tie".
        (LazyRegex(#"^[\s*_`"'#>\-]*(?:"# + subject + #"\s*)?\(?\s*([ab12]|tie)\s*\)?[\s*_`"'.!]*$"#, options: [.caseInsensitive, .anchorsMatchLines]),
         .verdictLine),
        // Tie phrases.
        (LazyRegex(#"\b(?:it(?:'s| is) a tie|(?:is|as|call it) a tie|equally\s+(?:good|bad|well|acceptable|valid|helpful|strong|poor|correct|effective|preferable)|neither\s+"# + subject + #"\s+is\s+(?:better|preferred)|no\s+clear\s+winner|both\s+(?:outputs|answers|responses|assistants)\s+are\s+equally)\b"#),
         .anyOf(["tie", "equally", "neither", "winner"])),
    ]

    /// Short outputs repeat ("A", "B", "[[C]]", "Output (a)"): their verdicts are remembered, up
    /// to 4,096 of them (then forgotten all at once).
    private static let remembered = Mutex<[String: Choice?]>([:])

    /// `lastVerdict(in:)`, remembered for outputs of up to 64 bytes.
    static func verdict(in text: String) -> Choice? {
        guard text.utf8.count <= 64 else { return lastVerdict(in: text) }
        if let known = remembered.withLock({ $0[text] }) { return known }
        let choice = lastVerdict(in: text)
        remembered.withLock { known in
            if known.count >= 4096 { known.removeAll() }
            known[text] = choice
        }
        return choice
    }

    /// The verdict stated last in the text, or nil when there is none.
    ///
    /// An ASCII text is screened first: a pattern runs only if the text holds what it needs (a
    /// judge that answers "[[A]]" costs one regular expression, not six). `screened: false` runs
    /// every pattern; the two agree, and the tests hold them to it.
    static func lastVerdict(in text: String, screened: Bool = true) -> Choice? {
        let screen = screened ? Screen(text) : nil
        let range = NSRange(location: 0, length: (text as NSString).length)
        var best: (end: Int, choice: Choice)?
        for (pattern, need) in patterns where screen?.mayMatch(need) ?? true {
            for match in pattern.regex.matches(in: text, range: range) {
                let choice: Choice?
                if match.numberOfRanges > 1, match.range(at: 1).location != NSNotFound {
                    choice = self.choice(named: (text as NSString).substring(with: match.range(at: 1)))
                } else {
                    choice = .tie
                }
                guard let choice else { continue }
                let end = match.range.location + match.range.length
                if best == nil || end > best!.end { best = (end, choice) }
            }
        }
        return best?.choice
    }

    /// An ASCII text in lower case, to tell which patterns cannot match it. Case-insensitive
    /// matching of ASCII text is ASCII lower-casing; any other text is not screened (nil).
    struct Screen {
        private let bytes: [UInt8]

        init?(_ text: String) {
            var bytes = Array(text.utf8)
            for index in bytes.indices {
                let byte = bytes[index]
                if byte >= 0x80 { return nil }
                if byte >= 0x41 && byte <= 0x5A { bytes[index] = byte | 0x20 }
            }
            self.bytes = bytes
        }

        func mayMatch(_ need: Need) -> Bool {
            switch need {
            case let .anyOf(words): return words.contains { contains($0) }
            case .verdictLine: return hasVerdictLine
            }
        }

        private func contains(_ word: [UInt8]) -> Bool {
            guard word.count <= bytes.count else { return false }
            var start = 0
            while start + word.count <= bytes.count {
                if bytes[start] == word[0] && bytes[start..<(start + word.count)].elementsEqual(word) { return true }
                start += 1
            }
            return false
        }

        /// Whether some line could be a verdict line. Lines end at \n, \u{B}, \u{C} and \r
        /// (where `$` can match). Within a match the verdict's line holds only the match: the
        /// decoration at its ends, a subject word, parentheses, the pick and white space.
        private static let decoration = Array("*_`\"'#>-.!".utf8)

        private var hasVerdictLine: Bool {
            let isEnd = { (byte: UInt8) in byte == 0x0A || byte == 0x0B || byte == 0x0C || byte == 0x0D }
            let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D }
            let isDecoration = { (byte: UInt8) in isSpace(byte) || Self.decoration.contains(byte) }
            let isCore = { (byte: UInt8) in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x28 || byte == 0x29
            }
            var lineStart = 0
            while lineStart <= bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, !isEnd(bytes[lineEnd]) { lineEnd += 1 }
                var from = lineStart, to = lineEnd
                while from < to, isDecoration(bytes[from]) { from += 1 }
                while to > from, isDecoration(bytes[to - 1]) { to -= 1 }
                var core = 0
                var plain = true
                for byte in bytes[from..<to] where !isSpace(byte) {
                    core += 1
                    if !isCore(byte) || core > 14 { plain = false; break }
                }
                if plain && core > 0 { return true }
                lineStart = lineEnd + 1
            }
            return false
        }
    }

    private static let wrapping = CharacterSet(charactersIn: "()[].*\"' ")

    /// `a`, `1`, `first`, `(a)` → first; `b`, `2`, `second` → second; `c`, `tie`, `0` → tie.
    static func choice(named text: String) -> Choice? {
        switch text.trimmed.lowercased().trimmingCharacters(in: wrapping) {
        case "a", "1", "first", "output (a)", "assistant a", "assistant 1": return .first
        case "b", "2", "second", "output (b)", "assistant b", "assistant 2": return .second
        case "c", "tie", "0", "draw", "equal": return .tie
        default: return nil
        }
    }
}
