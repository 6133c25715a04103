// Turns a judge's raw text into a score or a choice, or says why it could not.
import Foundation
import Synchronization

/// How a variant reads its judge's output.
///
/// - `json-score`: a JSON object with an integer `score` on 1..9 (and optionally a `reason`),
///   tolerant of code fences, text around the JSON, single quotes and a score given as a string.
/// - `choice`: A/B/tie answers in their many forms; the last explicit verdict in the text wins.
/// - `regex-score:PATTERN` / `regex-choice:PATTERN`: the first capture group of the pattern's
///   last match is the score or the choice.
public struct OutputParser: Sendable {
    public enum Method: Equatable, Sendable {
        case jsonScore
        case choice
        case regex(pattern: String, kind: OutputKind)
    }

    /// A parse result: the reading and, when the output carried one, the judge's reason.
    public struct Parsed: Equatable, Sendable {
        public var reading: JudgeReading
        public var reason: String?
    }

    public let method: Method
    private let compiled: CompiledRegex?
    /// The reply was constrained to the template's schema: its JSON fields (`score`, `verdict`,
    /// `reason`) are read first, the free-text reading is the fallback.
    public private(set) var structured = false

    public static let jsonScore = OutputParser(method: .jsonScore, compiled: nil)
    public static let choice = OutputParser(method: .choice, compiled: nil)

    private init(method: Method, compiled: CompiledRegex?) {
        self.method = method
        self.compiled = compiled
    }

    /// The same parser, for replies constrained to a JSON schema.
    public func structuredReplies() -> OutputParser {
        var copy = self
        copy.structured = true
        return copy
    }

    /// A parser by name: `json-score`, `choice`, `regex-score:PATTERN` or `regex-choice:PATTERN`.
    public init(name: String) throws {
        switch name {
        case "json-score": self = .jsonScore
        case "choice": self = .choice
        default:
            for (prefix, kind) in [("regex-score:", OutputKind.score), ("regex-choice:", .choice)] where name.hasPrefix(prefix) {
                let pattern = String(name.dropFirst(prefix.count))
                guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else {
                    throw InputError(file: "parser", field: "pattern", "'\(pattern.excerpt())' is not a valid regular expression")
                }
                guard regex.numberOfCaptureGroups >= 1 else {
                    throw InputError(file: "parser", field: "pattern", "the pattern needs a capture group around the \(kind.rawValue)")
                }
                self.init(method: .regex(pattern: pattern, kind: kind), compiled: CompiledRegex(regex))
                return
            }
            throw InputError(file: "parser", "unknown parser '\(name.excerpt())': use json-score, choice, regex-score:PATTERN or regex-choice:PATTERN")
        }
    }

    /// The kind of reading this parser produces.
    public var kind: OutputKind {
        switch method {
        case .jsonScore: return .score
        case .choice: return .choice
        case let .regex(_, kind): return kind
        }
    }

    public var name: String {
        switch method {
        case .jsonScore: return "json-score"
        case .choice: return "choice"
        case let .regex(pattern, kind): return "regex-\(kind.rawValue):\(pattern)"
        }
    }

    public func parse(_ output: String) -> Parsed {
        if output.isBlank { return Parsed(reading: .unparsed(kind, reason: "empty output"), reason: nil) }
        if structured, kind == .choice, let parsed = StructuredOutput.choice(output) { return parsed }
        switch method {
        case .jsonScore: return ScoreOutput.parse(output)
        case .choice:
            guard let choice = ChoiceOutput.verdict(in: output) else {
                return Parsed(reading: .unparsed(.choice, reason: "no verdict found (expected A, B or tie in a recognised form)"), reason: nil)
            }
            return Parsed(reading: .choice(choice), reason: nil)
        case let .regex(_, kind):
            let regex = compiled!.regex
            let text = output as NSString
            guard let match = regex.matches(in: output, range: NSRange(location: 0, length: text.length)).last,
                  match.range(at: 1).location != NSNotFound else {
                return Parsed(reading: .unparsed(kind, reason: "the pattern did not match"), reason: nil)
            }
            let captured = text.substring(with: match.range(at: 1))
            if kind == .score { return Parsed(reading: ScoreOutput.reading(ofScoreText: captured), reason: nil) }
            guard let choice = ChoiceOutput.choice(named: captured) else {
                return Parsed(reading: .unparsed(.choice, reason: "'\(captured.excerpt())' is not a choice"), reason: nil)
            }
            return Parsed(reading: .choice(choice), reason: nil)
        }
    }
}

/// An NSRegularExpression shared across threads. Safe: the object is immutable after creation
/// and Foundation documents matching as thread-safe.
/// A built-in pattern, compiled on first use (thread-safe: `lazy` is not, a lock is).
final class LazyRegex: Sendable {
    private let compiled: Mutex<CompiledRegex?> = Mutex(nil)
    private let pattern: String
    private let options: NSRegularExpression.Options

    init(_ pattern: String, options: NSRegularExpression.Options = [.caseInsensitive]) {
        self.pattern = pattern
        self.options = options
    }

    var regex: NSRegularExpression { compiledRegex.regex }

    private var compiledRegex: CompiledRegex {
        compiled.withLock { compiled in
            if let compiled { return compiled }
            let made = CompiledRegex(pattern, options: options)
            compiled = made
            return made
        }
    }
}

final class CompiledRegex: @unchecked Sendable {
    let regex: NSRegularExpression
    init(_ regex: NSRegularExpression) { self.regex = regex }

    convenience init(_ pattern: String, options: NSRegularExpression.Options = [.caseInsensitive]) {
        // The built-in patterns are constants; a typo in one is a programming error.
        self.init(try! NSRegularExpression(pattern: pattern, options: options))
    }
}

/// Reading 1..9 scores from JSON-ish text.
enum ScoreOutput {
    static let scale: ClosedRange<Double> = 1...9
    static let looseScore = CompiledRegex(#"["']?\bscore["']?\s*[:=]\s*["']?\s*(-?\d+(?:\.\d+)?)"#)

    static func parse(_ output: String) -> OutputParser.Parsed {
        let bytes = Array(output.utf8)
        // The last JSON object holding a score wins: models often restate their answer.
        for span in objectSpans(in: bytes).reversed() {
            let candidates = [bytes[span], ArraySlice(singleToDoubleQuotes(bytes[span]))]
            for candidate in candidates {
                guard let object = try? JSONParser.parse(candidate), case let .object(members) = object,
                      let score = members.last(where: { $0.0.lowercased() == "score" })?.1 else { continue }
                let reason = members.last(where: { $0.0.lowercased() == "reason" })?.1.stringValue
                switch score {
                case let .number(n): return OutputParser.Parsed(reading: reading(of: n, text: n.shortText), reason: reason)
                case let .string(s): return OutputParser.Parsed(reading: reading(ofScoreText: s), reason: reason)
                default: return OutputParser.Parsed(reading: .unparsed(.score, reason: "the score is \(score.kindName), not a number"), reason: reason)
                }
            }
        }
        let text = output as NSString
        if let match = looseScore.regex.matches(in: output, range: NSRange(location: 0, length: text.length)).last {
            return OutputParser.Parsed(reading: reading(ofScoreText: text.substring(with: match.range(at: 1))), reason: nil)
        }
        return OutputParser.Parsed(reading: .unparsed(.score, reason: "no score found (expected JSON with a \"score\")"), reason: nil)
    }

    static func reading(ofScoreText text: String) -> JudgeReading {
        guard let value = Double(text.trimmed) else {
            return .unparsed(.score, reason: "the score '\(text.excerpt())' is not a number")
        }
        return reading(of: value, text: text.trimmed)
    }

    static func reading(of value: Double, text: String) -> JudgeReading {
        guard value == value.rounded() else { return .unparsed(.score, reason: "the score \(text.excerpt()) is not a whole number") }
        guard scale.contains(value) else { return .unparsed(.score, reason: "the score \(text.excerpt()) is outside 1..9") }
        return .score(value)
    }

    /// Byte ranges of balanced `{…}` spans, skipping braces inside quoted strings.
    static func objectSpans(in bytes: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var start: Int?
        var depth = 0
        var quote: UInt8?
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if let open = quote {
                if byte == UInt8(ascii: "\\") { i += 1 } else if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\""), depth > 0 {
                quote = byte
            } else if byte == UInt8(ascii: "{") {
                if depth == 0 { start = i }
                depth += 1
            } else if byte == UInt8(ascii: "}"), depth > 0 {
                depth -= 1
                if depth == 0, let from = start { spans.append(from..<(i + 1)) }
            }
            i += 1
        }
        return spans
    }

    /// `{'reason': 'x', 'score': 3}` → `{"reason": "x", "score": 3}`: quotes that open or close
    /// a key or value turn double; apostrophes inside words stay.
    static func singleToDoubleQuotes(_ span: ArraySlice<UInt8>) -> [UInt8] {
        var out = Array(span)
        let structural: Set<UInt8> = Set("{}[],:".utf8)
        func neighbour(_ index: Int, step: Int) -> UInt8? {
            var j = index + step
            while j >= 0, j < out.count, out[j] == 0x20 || out[j] == 0x0A || out[j] == 0x09 { j += step }
            return j >= 0 && j < out.count ? out[j] : nil
        }
        for index in out.indices where out[index] == UInt8(ascii: "'") {
            let before = neighbour(index, step: -1), after = neighbour(index, step: 1)
            if before.map(structural.contains) == true || after.map(structural.contains) == true { out[index] = UInt8(ascii: "\"") }
        }
        return out
    }
}

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
