// METRICS.md §9 (calibration) and §10 (cascades with a guaranteed agreement): a cheap judge keeps
// the items it is confident about, a stronger one takes the rest, and what no stage keeps goes to
// a human; each stage's threshold fitted on calibration items so that, with probability 1 − δ,
// what the cascade keeps agrees with humans at least 1 − α of the time.
import Foundation

/// §9: how well a judge's confidence predicts whether it is right.
public enum Calibration {
    /// Expected calibration error over 10 equal-width bins of c ([0, 0.1), …, [0.9, 1.0]); nil
    /// with no items.
    public static func ece(_ items: [(confidence: Double, correct: Bool)]) -> Double? {
        guard !items.isEmpty else { return nil }
        let n = Double(items.count)
        return bins(items).reduce(0) { total, bin in
            total + Double(bin.count) / n * abs(bin.accuracy - bin.meanConfidence)
        }
    }

    /// The non-empty bins of c, [0, 0.1), …, [0.9, 1.0] (the last closed): each one's number
    /// (0…9), its items, how often they were right, their mean confidence. ECE's, and the
    /// reliability diagram's.
    public static func bins(_ items: [(confidence: Double, correct: Bool)]) -> [(bin: Int, count: Int, accuracy: Double, meanConfidence: Double)] {
        var count = [Int](repeating: 0, count: 10), right = [Int](repeating: 0, count: 10)
        var sum = [Double](repeating: 0, count: 10)
        for item in items {
            let bin = min(9, max(0, Int((item.confidence * 10).rounded(.down))))
            count[bin] += 1
            sum[bin] += item.confidence
            if item.correct { right[bin] += 1 }
        }
        return (0..<10).filter { count[$0] > 0 }.map { ($0, count[$0], Double(right[$0]) / Double(count[$0]), sum[$0] / Double(count[$0])) }
    }

    /// Mean of (c − correct)²; nil with no items.
    public static func brier(_ items: [(confidence: Double, correct: Bool)]) -> Double? {
        guard !items.isEmpty else { return nil }
        return items.reduce(0) { $0 + pow($1.confidence - ($1.correct ? 1 : 0), 2) } / Double(items.count)
    }
}

/// §10: a cascade's thresholds, fitted on calibration items, and what it does on evaluated ones.
public enum Cascade {
    /// One stage's reading of one item: its verdict and confidence (nil when it has no verdict:
    /// never kept) and what judging the item cost at that stage.
    public struct Reading: Sendable {
        public var verdict: Verdict?
        public var confidence: Double?
        public var cost: Double

        public init(verdict: Verdict?, confidence: Double?, cost: Double = 0) {
            self.verdict = verdict
            self.confidence = verdict == nil ? nil : confidence
            self.cost = cost
        }
    }

    /// A stage's fitted threshold: +∞ keeps nothing.
    public static let keepsNothing = Double.infinity
    /// Candidates kept by fewer calibration items than this are passed over.
    public static let minimumKept = 30

    /// The thresholds, stage by stage: stage k fitted on the calibration items that stages
    /// 1..k−1 did not keep. `stages[k][i]` is stage k's reading of calibration item i.
    public static func fit(stages: [[Reading]], human: [Verdict], alpha: Double = 0.1, delta: Double = 0.1) -> [Double] {
        let m = stages.count
        var reaching = Array(human.indices)
        var thresholds: [Double] = []
        for stage in stages {
            let lambda = fitStage(reaching.map { (stage[$0], human[$0]) }, alpha: alpha, level: 1 - delta / Double(m))
            thresholds.append(lambda)
            reaching = reaching.filter { !keeps(stage[$0], lambda) }
        }
        return thresholds
    }

    /// Fixed-sequence testing down the stage's distinct confidences, highest first.
    static func fitStage(_ items: [(reading: Reading, human: Verdict)], alpha: Double, level: Double) -> Double {
        let scored = items.compactMap { item in item.reading.confidence.map { (c: $0, wrong: item.reading.verdict != item.human) } }
        let candidates = Array(Set(scored.map(\.c))).sorted(by: >)
        var chosen = keepsNothing
        for lambda in candidates {
            let kept = scored.filter { $0.c >= lambda }
            guard kept.count >= minimumKept else { continue }
            let errors = kept.count { $0.wrong }
            guard clopperPearsonUpper(errors: errors, n: kept.count, level: level) <= alpha else { break }
            chosen = lambda
        }
        return chosen
    }

    static func keeps(_ reading: Reading, _ lambda: Double) -> Bool {
        guard let c = reading.confidence, reading.verdict != nil else { return false }
        return c >= lambda
    }

    /// The Clopper–Pearson upper bound of an error rate: the `level` quantile of Beta(e + 1, n − e);
    /// 1 when every one is an error.
    public static func clopperPearsonUpper(errors e: Int, n: Int, level: Double) -> Double {
        guard e < n else { return 1 }
        return Beta.quantile(level, a: Double(e + 1), b: Double(n - e))
    }

    /// A cascade's figures on the evaluated items (§10).
    public struct Outcome: Sendable, Equatable {
        /// Per item: the stage that kept it (0-based), nil when it abstained.
        public var keptBy: [Int?]
        /// Per item: the cascade's verdict (nil: abstained).
        public var verdicts: [Verdict?]
        public var coverage: Double?
        public var selectiveAgreement: Double?
        public var agreement: Double?
        /// Per stage: the share of items that reached it.
        public var reach: [Double]
        public var costUSD: Double
        public var costShare: Double?
    }

    public static func evaluate(stages: [[Reading]], human: [Verdict], thresholds: [Double]) -> Outcome {
        let n = human.count
        var keptBy = [Int?](repeating: nil, count: n), verdicts = [Verdict?](repeating: nil, count: n)
        var reached = [Int](repeating: 0, count: stages.count)
        var cost = 0.0
        for item in 0..<n {
            for (k, stage) in stages.enumerated() {
                reached[k] += 1
                cost += stage[item].cost
                if keeps(stage[item], thresholds[k]) {
                    keptBy[item] = k
                    verdicts[item] = stage[item].verdict
                    break
                }
            }
        }
        let kept = (0..<n).filter { keptBy[$0] != nil }
        let right = kept.count { verdicts[$0] == human[$0] }
        let lastAlone = stages.last.map { $0.reduce(0) { $0 + $1.cost } } ?? 0
        return Outcome(keptBy: keptBy, verdicts: verdicts,
                       coverage: n > 0 ? Double(kept.count) / Double(n) : nil,
                       selectiveAgreement: kept.isEmpty ? nil : Double(right) / Double(kept.count),
                       agreement: n > 0 ? Double(right) / Double(n) : nil,
                       reach: reached.map { n > 0 ? Double($0) / Double(n) : 0 },
                       costUSD: cost, costShare: lastAlone > 0 ? cost / lastAlone : nil)
    }
}

/// The regularised incomplete beta function and its inverse, for Clopper–Pearson bounds.
enum Beta {
    /// I_x(a, b), by its continued fraction (modified Lentz), on the side where it converges fast.
    static func regularized(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let front = exp(logPowers - logBeta)
        if x < (a + 1) / (a + b + 2) { return front * fraction(x, a: a, b: b) / a }
        return 1 - front * fraction(1 - x, a: b, b: a) / b
    }

    private static func fraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-16 { break }
        }
        return h
    }

    /// The x with I_x(a, b) = q, by bisection (to the last bit that moves it).
    static func quantile(_ q: Double, a: Double, b: Double) -> Double {
        var lo = 0.0, hi = 1.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid == lo || mid == hi { break }
            if regularized(mid, a: a, b: b) < q { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
