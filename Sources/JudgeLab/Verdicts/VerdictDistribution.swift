// A verdict read from the judge's token probabilities (`verdict: logprobs`): the probability of
// each verdict token at the place the verdict is written, the most likely one, its confidence.
import Foundation

/// The judge's probabilities over its possible verdicts, at the token that states the verdict.
/// Kept by reference: most judgments have none, and a million judgments stay small.
public final class VerdictDistribution: Sendable, Equatable {
    /// Each verdict token as presented (`A`, `B`, `tie`, or `1`…`9`) and its probability,
    /// renormalised over the verdicts; in the template's order.
    public let probabilities: [(verdict: String, probability: Double)]
    /// The most probable verdict's probability.
    public var confidence: Double { probabilities.map(\.probability).max() ?? 0 }
    /// For scores: the expected score, Σ s·p(s).
    public let expectedScore: Double?

    public init(probabilities: [(verdict: String, probability: Double)], expectedScore: Double?) {
        self.probabilities = probabilities
        self.expectedScore = expectedScore
    }

    public static func == (a: VerdictDistribution, b: VerdictDistribution) -> Bool {
        a.expectedScore == b.expectedScore && a.probabilities.count == b.probabilities.count
            && zip(a.probabilities, b.probabilities).allSatisfy { $0.verdict == $1.verdict && $0.probability == $1.probability }
    }

    /// The most probable verdict, as the reading it stands for.
    public var reading: JudgeReading? {
        guard let top = probabilities.max(by: { $0.probability < $1.probability }) else { return nil }
        if let score = Double(top.verdict) { return .score(score) }
        return ChoiceOutput.choice(named: top.verdict).map(JudgeReading.choice)
    }

    /// As kept in the journal and judgments files.
    public var json: JSONValue {
        .object([
            ("confidence", .number(confidence)),
            ("probabilities", .object(probabilities.map { ($0.verdict, .number($0.probability)) })),
        ] + (expectedScore.map { [("expected_score", .number($0))] } ?? []))
    }

    public convenience init?(json: JSONValue) {
        guard case let .object(members)? = json["probabilities"] else { return nil }
        let probabilities = members.compactMap { key, value in value.numberValue.map { (verdict: key, probability: $0) } }
        guard probabilities.count == members.count, !probabilities.isEmpty else { return nil }
        self.init(probabilities: probabilities, expectedScore: json["expected_score"]?.numberValue)
    }
}

/// One generated token and the most likely alternatives at its place, with their log probabilities.
public struct TokenLogprobs: Equatable, Sendable {
    public var token: String
    public var alternatives: [(token: String, logprob: Double)]

    public init(token: String, alternatives: [(token: String, logprob: Double)]) {
        self.token = token
        self.alternatives = alternatives
    }

    public static func == (a: TokenLogprobs, b: TokenLogprobs) -> Bool {
        a.token == b.token && a.alternatives.count == b.alternatives.count
            && zip(a.alternatives, b.alternatives).allSatisfy { $0.token == $1.token && $0.logprob == $1.logprob }
    }

    /// A reply's tokens as compact JSON (`[[token, [[alternative, logprob], …]], …]`), for the cache.
    public static func encode(_ tokens: [TokenLogprobs]) -> String {
        JSONValue.array(tokens.map { .array([.string($0.token), .array($0.alternatives.map { .array([.string($0.token), .number($0.logprob)]) })]) }).compactText
    }

    public static func decode(_ text: String) -> [TokenLogprobs]? {
        guard case let .array(items)? = try? JSONValue.parse(Data(text.utf8)) else { return nil }
        var tokens: [TokenLogprobs] = []
        for item in items {
            guard case let .array(pair) = item, pair.count == 2, let token = pair[0].stringValue, case let .array(alternatives) = pair[1] else { return nil }
            tokens.append(TokenLogprobs(token: token, alternatives: alternatives.compactMap { alternative in
                guard case let .array(p) = alternative, p.count == 2, let t = p[0].stringValue, let l = p[1].numberValue else { return nil }
                return (t, l)
            }))
        }
        return tokens
    }
}

enum LogprobVerdict {
    static let choices = ["A", "B", "tie"]
    static let scores = (1...9).map(String.init)

    /// The distribution at the verdict's token: for a choice, the first token that is one (or,
    /// constrained, the token after `"verdict": "`); for a score, the first digit token after
    /// `"score"`. Nil when no such place, or no verdict among its alternatives, is found.
    /// - Parameter scale: a pointwise template's scale (single digits): its scores are the candidates.
    static func read(_ tokens: [TokenLogprobs], kind: OutputKind, allowsTie: Bool, scale: ClosedRange<Double>? = nil) -> VerdictDistribution? {
        let scores = scale.map { (Int($0.lowerBound)...Int($0.upperBound)).map(String.init) } ?? Self.scores
        var text = ""
        for token in tokens {
            let before = text
            text += token.token
            // The place is where any verdict is written (a tie too, when the template forbids
            // one); the probabilities are over the verdicts the template allows.
            let candidates = kind == .score ? scores : (allowsTie ? choices : ["A", "B"])
            let here: Bool
            switch kind {
            case .score:
                here = before.range(of: #""?score"?\s*[:=]\s*"?\s*$"#, options: .regularExpression) != nil && verdictToken(token.token, in: scores) != nil
            case .choice:
                let structured = before.range(of: #""verdict"\s*:\s*"\s*$"#, options: .regularExpression) != nil
                let openingWord = before.allSatisfy { !$0.isLetter && !$0.isNumber }
                here = (structured || openingWord) && verdictToken(token.token, in: choices) != nil
            }
            guard here else { continue }
            var mass: [String: Double] = [:]
            for alternative in token.alternatives {
                guard let verdict = verdictToken(alternative.token, in: candidates) else { continue }
                mass[verdict, default: 0] += exp(alternative.logprob)
            }
            // Summed in the candidates' order: a dictionary's order changes from run to run, and
            // with it the last bit of a sum.
            let total = candidates.reduce(0) { $0 + (mass[$1] ?? 0) }
            guard total > 0 else { return nil }
            let probabilities = candidates.compactMap { verdict in mass[verdict].map { (verdict: verdict, probability: $0 / total) } }
            let expected = kind == .score ? probabilities.reduce(0) { $0 + Double($1.verdict)! * $1.probability } : nil
            return VerdictDistribution(probabilities: probabilities, expectedScore: expected)
        }
        return nil
    }

    /// The verdict a token spells, if any: "A", " a", "[[B", "Tie", "tie", "t" (the first piece of
    /// a split "tie"), " 7".
    static func verdictToken(_ token: String, in candidates: [String]) -> String? {
        let core = token.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "[]()*\"'.:,")))
        guard !core.isEmpty else { return nil }
        if let exact = candidates.first(where: { $0.caseInsensitiveCompare(core) == .orderedSame }) { return exact }
        if candidates.contains("tie"), ["t", "ti"].contains(core.lowercased()) { return "tie" }
        return nil
    }
}
