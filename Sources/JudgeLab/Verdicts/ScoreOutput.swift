// Reading 1..9 scores from JSON-ish text.
import Foundation
import Synchronization

/// Reading 1..9 scores from JSON-ish text.
public enum ScoreOutput {
    /// A pair's 1..9 scale.
    public static let scale: ClosedRange<Double> = 1...9
    static let looseScore = CompiledRegex(#"["']?\bscore["']?\s*[:=]\s*["']?\s*(-?\d+(?:\.\d+)?)"#)

    static func parse(_ output: String, scale: ClosedRange<Double> = scale) -> OutputParser.Parsed {
        let bytes = Array(output.utf8)
        // The last JSON object holding a score wins: models often restate their answer.
        for span in objectSpans(in: bytes).reversed() {
            let candidates = [bytes[span], ArraySlice(singleToDoubleQuotes(bytes[span]))]
            for candidate in candidates {
                guard let object = try? JSONParser.parse(candidate), case let .object(members) = object,
                      let score = members.last(where: { $0.0.lowercased() == "score" })?.1 else { continue }
                let reason = members.last(where: { $0.0.lowercased() == "reason" })?.1.stringValue
                switch score {
                case let .number(n): return OutputParser.Parsed(reading: reading(of: n, text: n.shortText, scale: scale), reason: reason)
                case let .string(s): return OutputParser.Parsed(reading: reading(ofScoreText: s, scale: scale), reason: reason)
                default: return OutputParser.Parsed(reading: .unparsed(.score, reason: "the score is \(score.kindName), not a number"), reason: reason)
                }
            }
        }
        let text = output as NSString
        if let match = looseScore.regex.matches(in: output, range: NSRange(location: 0, length: text.length)).last {
            return OutputParser.Parsed(reading: reading(ofScoreText: text.substring(with: match.range(at: 1)), scale: scale), reason: nil)
        }
        return OutputParser.Parsed(reading: .unparsed(.score, reason: "no score found (expected JSON with a \"score\")"), reason: nil)
    }

    static func reading(ofScoreText text: String, scale: ClosedRange<Double> = scale) -> JudgeReading {
        guard let value = Double(text.trimmed) else {
            return .unparsed(.score, reason: "the score '\(text.excerpt())' is not a number")
        }
        return reading(of: value, text: text.trimmed, scale: scale)
    }

    static func reading(of value: Double, text: String, scale: ClosedRange<Double> = scale) -> JudgeReading {
        // A pair's 1..9 score is whole; a pointwise score may fall between (a reward model's, a
        // recorded mean, G-Eval's expected score).
        guard value == value.rounded() || scale != Self.scale else { return .unparsed(.score, reason: "the score \(text.excerpt()) is not a whole number") }
        guard scale.contains(value) else { return .unparsed(.score, reason: "the score \(text.excerpt()) is outside \(scale.lowerBound.shortText)..\(scale.upperBound.shortText)") }
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
