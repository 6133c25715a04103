// One item's judgments for one variant, combined as METRICS.md section 3 says.

/// The items and judgments an analysis's outcomes point into, held once for all of them: with a
/// million judgments, a copy of each pair and judgment per outcome would be most of the memory.
final class OutcomeSource: Sendable {
    let pairs: [Pair]
    let judgments: [Judgment]

    init(pairs: [Pair], judgments: [Judgment]) {
        self.pairs = pairs
        self.judgments = judgments
    }
}

/// What a variant concluded about one item: its judgments in each order and the combined
/// verdict and score, next to the human verdict.
public struct ItemOutcome: Sendable {
    private let source: OutcomeSource
    private let pairIndex: Int32
    /// Indices into the source's judgments; -1 for none.
    private let originalIndex: Int32
    private let swappedIndex: Int32
    public let humanVerdict: Verdict
    /// The combined verdict; nil when no judgment parsed.
    public let verdict: Verdict?
    /// The mean of both normalised scores, or the single parsed one; nil for choices.
    public let score: Double?
    /// A sampled variant's vote confidence (METRICS.md §8): the share of the item's parsed
    /// samples, both orders pooled, whose verdict is the combined verdict; nil otherwise.
    public internal(set) var voteConfidence: Double?

    public var pair: Pair { source.pairs[Int(pairIndex)] }
    /// The item's place in the analysed data set.
    var position: Int { Int(pairIndex) }
    public var original: Judgment? { originalIndex < 0 ? nil : source.judgments[Int(originalIndex)] }
    public var swapped: Judgment? { swappedIndex < 0 ? nil : source.judgments[Int(swappedIndex)] }

    /// - Parameter judgeBand: the band the judge's scores are read with, when it is not the
    ///   human side's `tieBand` (a band fitted to the variant on dev).
    public init(pair: Pair, original: Judgment?, swapped: Judgment?, tieBand: TieBand, judgeBand: TieBand? = nil) {
        let judgments = [original, swapped].compactMap { $0 }
        self.init(source: OutcomeSource(pairs: [pair], judgments: judgments), pair: 0,
                  original: original == nil ? -1 : 0, swapped: swapped == nil ? -1 : Int32(judgments.count - 1), tieBand: tieBand, judgeBand: judgeBand)
    }

    /// An outcome over `source`'s pair and judgments at these indices (-1: no judgment in that order).
    init(source: OutcomeSource, pair: Int32, original: Int32, swapped: Int32, tieBand humanBand: TieBand, judgeBand: TieBand? = nil) {
        let tieBand = judgeBand ?? humanBand
        self.source = source
        pairIndex = pair
        originalIndex = original
        swappedIndex = swapped
        humanVerdict = source.pairs[Int(pair)].humanVerdict(tieBand: humanBand)
        let first = original >= 0 ? source.judgments[Int(original)] : (swapped >= 0 ? source.judgments[Int(swapped)] : nil)
        if let first, first.order.isPointwise {
            // METRICS.md §7: d = j2 − j1 read with the pointwise band; no verdict unless both parsed.
            if original >= 0, swapped >= 0, let j1 = source.judgments[Int(original)].pointwiseScore,
               let j2 = source.judgments[Int(swapped)].pointwiseScore {
                verdict = (judgeBand ?? .pointwise).verdict(of: j2 - j1)
            } else {
                verdict = nil
            }
            score = nil
            return
        }
        let parsed = [original, swapped].filter { $0 >= 0 }.map { source.judgments[Int($0)] }.filter { $0.reading.isParsed }
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
    /// Judged one answer at a time (METRICS.md §7).
    public var isPointwise: Bool { (original ?? swapped)?.order.isPointwise ?? false }
    public var agrees: Bool { verdict == humanVerdict }
}
