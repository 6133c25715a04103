// How a variant reads its judge's output.
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
    /// The range a score must be in: 1..9 for a pair, a pointwise template's own scale.
    public private(set) var scale: ClosedRange<Double> = ScoreOutput.scale

    /// The same parser, reading scores on `scale`.
    public func scored(on scale: ClosedRange<Double>) -> OutputParser {
        var copy = self
        copy.scale = scale
        return copy
    }

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
        case .jsonScore: return ScoreOutput.parse(output, scale: scale)
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
            if kind == .score { return Parsed(reading: ScoreOutput.reading(ofScoreText: captured, scale: scale), reason: nil) }
            guard let choice = ChoiceOutput.choice(named: captured) else {
                return Parsed(reading: .unparsed(.choice, reason: "'\(captured.excerpt())' is not a choice"), reason: nil)
            }
            return Parsed(reading: .choice(choice), reason: nil)
        }
    }
}
