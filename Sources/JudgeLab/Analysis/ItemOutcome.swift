// One item's judgments for one variant, combined as METRICS.md section 3 says.

/// What a variant concluded about one item: its judgments in each order and the combined
/// verdict and score, next to the human verdict.
public struct ItemOutcome: Sendable {
    public let pair: Pair
    public let humanVerdict: Verdict
    public let original: Judgment?
    public let swapped: Judgment?
    /// The combined verdict; nil when no judgment parsed.
    public let verdict: Verdict?
    /// The mean of both normalised scores, or the single parsed one; nil for choices.
    public let score: Double?

    public init(pair: Pair, original: Judgment?, swapped: Judgment?, tieBand: TieBand) {
        self.pair = pair
        humanVerdict = pair.humanVerdict(tieBand: tieBand)
        self.original = original
        self.swapped = swapped
        let parsed = [original, swapped].compactMap { $0 }.filter { $0.reading.isParsed }
        switch parsed.count {
        case 2:
            let (a, b) = (parsed[0], parsed[1])
            if let sa = a.normalisedScore, let sb = b.normalisedScore {
                // Balanced position calibration: average the two orders' scores.
                let mean = (sa + sb) / 2
                score = mean
                verdict = tieBand.verdict(of: mean)
            } else {
                // The conservative swap rule: agreeing verdicts stand, disagreeing ones tie.
                let va = a.verdict(tieBand: tieBand), vb = b.verdict(tieBand: tieBand)
                verdict = va == vb ? va : .tie
                score = nil
            }
        case 1:
            verdict = parsed[0].verdict(tieBand: tieBand)
            score = parsed[0].normalisedScore
        default:
            verdict = nil
            score = nil
        }
    }

    public var judgments: [Judgment] { [original, swapped].compactMap { $0 } }
    public var agrees: Bool { verdict == humanVerdict }
}
