// Judges that need no model: recorded outputs replayed, and baselines. They answer in the
// process, through the same runner, journal, parsers, metrics and reports as an endpoint, at no cost.

/// A reference judge that needs no model.
public enum Baseline: String, CaseIterable, Sendable {
    /// Prefers the longer answer (a known strong baseline).
    case longer
    /// Always a tie.
    case tie
    /// A seeded coin: first or second.
    case coin
    /// Always the answer presented first: a pure position-bias reference.
    case first

    /// The judge that answers a study's `{baseline: KIND}` variants.
    public var judgeName: String { "baseline-" + rawValue }
}

/// Recorded outputs, by (variant, item, order): the answer depends on the judgment, not only on
/// the prompt, so each request names its judgment (`JudgeRequest.subject`).
public struct ReplayJudge: Judge {
    public let name: String
    public var limits: JudgeLimits
    let recordings: [JudgmentKey: String]
    /// The recorded variant answered for every request; nil: each request's own.
    let variant: String?
    /// Whether a replayed answer reports estimated tokens (UTF-8 bytes / 4 of the prompt, and of
    /// the output up to the reply's limit), so that it is priced as the recorded model's would be.
    let priced: Bool

    /// - Parameters:
    ///   - recordings: judgments with their raw outputs, e.g. from `judgelab import`.
    ///   - variant: give this recorded variant's outputs whichever variant asks (a search's
    ///     candidates have names of their own); nil: each request's own variant.
    ///   - priced: report estimated tokens, for a price (`JudgeSettings.pricedReplay`).
    public init(name: String, recordings: [Judgment], variant: String? = nil, priced: Bool = false, limits: JudgeLimits = JudgeLimits()) {
        var byKey: [JudgmentKey: String] = [:]
        for judgment in recordings where variant == nil || judgment.variant == variant {
            byKey[JudgmentKey(variant: judgment.variant, item: judgment.item, order: judgment.order)] = judgment.output ?? ""
        }
        self.name = name
        self.recordings = byKey
        self.variant = variant
        self.priced = priced
        self.limits = limits
    }

    public var isLocal: Bool { true }
    public var isPriced: Bool { priced }

    public func answer(_ request: JudgeRequest) async -> JudgeAttempt {
        guard var key = request.subject else { return JudgeAttempt(reply: .permanent(reason: "a replayed request names no judgment")) }
        if let variant { key.variant = variant }
        guard let output = recordings[key] else {
            return JudgeAttempt(reply: .permanent(reason: "no recording for variant '\(key.variant)', item '\(key.item)', \(key.order.rawValue) order"))
        }
        let usage = priced ? Usage(inputTokens: request.estimatedInputTokens, outputTokens: min(request.maxTokens, output.utf8.count / 4)) : Usage()
        return JudgeAttempt(reply: .answer(text: output, usage: usage))
    }
}

/// A baseline, answering in the `choice-ab` form from the item's answers alone.
public struct BaselineJudge: Judge {
    public let name: String
    public var limits: JudgeLimits
    let baseline: Baseline
    let pairs: [String: Pair]
    /// Every answer to each question, for the pointwise `longer` baseline's ranks.
    let answersByQuestion: [String: [String]]
    let seed: UInt64

    /// - Parameter pairs: the items, for baselines that look at the answers.
    public init(name: String, baseline: Baseline, pairs: [Pair], seed: UInt64 = 1, limits: JudgeLimits = JudgeLimits()) {
        self.name = name
        self.baseline = baseline
        self.pairs = Dictionary(pairs.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var answers: [String: [String]] = [:]
        for pair in pairs { answers[pair.question, default: []] += [pair.answer1, pair.answer2] }
        answersByQuestion = answers
        self.seed = seed
        self.limits = limits
    }

    public var isLocal: Bool { true }

    public func answer(_ request: JudgeRequest) async -> JudgeAttempt {
        guard let key = request.subject else { return JudgeAttempt(reply: .permanent(reason: "a baseline's request names no judgment")) }
        guard let pair = pairs[key.item] else { return JudgeAttempt(reply: .permanent(reason: "no item '\(key.item)'")) }
        if key.order.isPointwise {
            guard let scale = request.scoreScale else { return JudgeAttempt(reply: .permanent(reason: "a pointwise request without its scale")) }
            return JudgeAttempt(reply: .answer(text: "{\"score\": \(score(pair: pair, answer: key.order, scale: scale))}", usage: Usage()))
        }
        return JudgeAttempt(reply: .answer(text: answer(pair: pair, order: key.order), usage: Usage()))
    }

    /// A pointwise score on `scale` for one answer (METRICS.md §7): `longer` places the answer by
    /// its length among every distinct answer to its question (the shortest gets the bottom of the
    /// scale, the longest the top); `tie` the middle; `first` the top; `coin` a seeded draw.
    func score(pair: Pair, answer order: PresentedOrder, scale: ClosedRange<Double>) -> Int {
        let (low, high) = (Int(scale.lowerBound), Int(scale.upperBound))
        let text = order == .answer1 ? pair.answer1 : pair.answer2
        switch baseline {
        case .tie: return (low + high) / 2
        case .first: return high
        case .longer:
            let lengths = Set(answersByQuestion[pair.question] ?? [text]).map(\.count).sorted()
            guard lengths.count > 1 else { return (low + high) / 2 }
            let rank = lengths.count { $0 < text.count }
            return low + Int((Double(high - low) * Double(rank) / Double(lengths.count - 1)).rounded(.toNearestOrAwayFromZero))
        case .coin:
            var hash: UInt64 = seed
            for byte in (pair.question + "\u{0}" + text).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
            var generator = SeededGenerator(seed: hash)
            return low + generator.uniform(below: high - low + 1)
        }
    }

    /// A choice in the `choice-ab` form: A (the answer shown first), B, or tie.
    func answer(pair: Pair, order: PresentedOrder) -> String {
        let (first, second) = order == .original ? (pair.answer1, pair.answer2) : (pair.answer2, pair.answer1)
        switch baseline {
        case .tie: return "tie"
        case .first: return "A"
        case .longer:
            let (a, b) = (first.count, second.count)
            return a == b ? "tie" : (a > b ? "A" : "B")
        case .coin:
            // Seeded by the seed, the item and the order: the same coin on every run.
            var hash: UInt64 = seed
            for byte in (pair.id + "\u{0}" + order.rawValue).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
            var generator = SeededGenerator(seed: hash)
            return generator.uniform(below: 2) == 0 ? "A" : "B"
        }
    }
}
