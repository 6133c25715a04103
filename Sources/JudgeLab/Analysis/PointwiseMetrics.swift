// METRICS.md §7: how a pointwise variant's scores, one answer at a time, agree with the humans'
// per-answer ratings.
import Foundation

/// The §7 metrics of one pointwise variant over its judged responses. Each judge score is mapped
/// onto the human scale first (j = scale_min + (score − judge_min) · (scale_max − scale_min) /
/// (judge_max − judge_min)); h is the mean of a response's ratings. A metric is nil where §7 says
/// `null` (no responses, a constant side, a zero denominator).
public struct PointwiseMetrics: Equatable, Sendable {
    /// One judged response: the judge's score on its own scale (nil: the reply did not parse)
    /// and the human raters' ratings (several raters, one, or none).
    public struct Response: Sendable {
        public var score: Double?
        public var ratings: [Double]

        public init(score: Double?, ratings: [Double]) {
            self.score = score
            self.ratings = ratings
        }
    }

    public var nResponses: Int
    public var pearson: Double?
    public var spearman: Double?
    public var kendallTauB: Double?
    public var mae: Double?
    public var exact: Double?
    public var within1: Double?
    public var qwk: Double?
    public var krippendorffAlpha: Double?
    public var humanCeilingSpearman: Double?

    /// - Parameters:
    ///   - judgeScale: the template's scale, `judge_min...judge_max`.
    ///   - humanScale: the ratings' scale, `scale_min...scale_max`.
    public init(_ responses: [Response], judgeScale: ClosedRange<Double>, humanScale: ClosedRange<Double>) {
        nResponses = responses.count
        let span = judgeScale.upperBound - judgeScale.lowerBound
        var j: [Double] = [], h: [Double] = []
        for response in responses {
            guard let score = response.score, !response.ratings.isEmpty, span > 0 else { continue }
            j.append(humanScale.lowerBound + (score - judgeScale.lowerBound) * (humanScale.upperBound - humanScale.lowerBound) / span)
            h.append(response.ratings.reduce(0, +) / Double(response.ratings.count))
        }
        pearson = Self.pearson(j, h)
        spearman = Self.pearson(Self.ranks(j), Self.ranks(h))
        kendallTauB = Self.kendallTauB(j, h)
        let errors = zip(j, h).map { abs($0 - $1) }
        mae = errors.isEmpty ? nil : errors.reduce(0, +) / Double(errors.count)
        exact = errors.isEmpty ? nil : Double(errors.count { $0 < 0.5 }) / Double(errors.count)
        within1 = errors.isEmpty ? nil : Double(errors.count { $0 <= 1 }) / Double(errors.count)
        qwk = Self.quadraticKappa(j, h, categories: Int(humanScale.lowerBound.rounded())...Int(humanScale.upperBound.rounded()))
        krippendorffAlpha = Self.intervalAlpha(j, h)
        humanCeilingSpearman = Self.humanCeiling(responses.map(\.ratings))
    }

    /// Pearson's r; nil with fewer than two values or when either side is constant.
    static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        let n = Double(x.count)
        guard x.count >= 2, x.count == y.count else { return nil }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Ranks from 1, tied values given the mean of their ranks.
    static func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var ranks = [Double](repeating: 0, count: x.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, x[order[end + 1]] == x[order[start]] { end += 1 }
            let mean = Double(start + end) / 2 + 1
            for k in start...end { ranks[order[k]] = mean }
            start = end + 1
        }
        return ranks
    }

    /// Kendall's τ-b over unordered pairs: (P − Q) / √((P + Q + T_x)(P + Q + T_y)), T_x the pairs
    /// tied in x only and T_y in y only; nil when the denominator is 0.
    static func kendallTauB(_ x: [Double], _ y: [Double]) -> Double? {
        var concordant = 0.0, discordant = 0.0, tiedX = 0.0, tiedY = 0.0
        for a in x.indices {
            for b in (a + 1)..<max(a + 1, x.count) {
                let dx = x[a] - x[b], dy = y[a] - y[b]
                if dx == 0 && dy == 0 { continue }
                if dx == 0 { tiedX += 1 } else if dy == 0 { tiedY += 1 } else if (dx > 0) == (dy > 0) { concordant += 1 } else { discordant += 1 }
            }
        }
        let denominator = ((concordant + discordant + tiedX) * (concordant + discordant + tiedY)).squareRoot()
        return denominator > 0 ? (concordant - discordant) / denominator : nil
    }

    /// Cohen's κ with quadratic weights between round(x) and round(y) over `categories`; nil
    /// with fewer than two categories, no values, or Σ w·E = 0. Rounding is half away from zero;
    /// a value rounding outside the categories is put in the nearest.
    static func quadraticKappa(_ x: [Double], _ y: [Double], categories: ClosedRange<Int>) -> Double? {
        let k = categories.count
        guard k >= 2, !x.isEmpty else { return nil }
        func index(_ v: Double) -> Int { min(k - 1, max(0, Int(v.rounded()) - categories.lowerBound)) }
        var observed = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for (a, b) in zip(x, y) { observed[index(a)][index(b)] += 1 }
        let n = Double(x.count)
        let rows = observed.map { $0.reduce(0, +) / n }
        let columns = (0..<k).map { c in observed.reduce(0) { $0 + $1[c] } / n }
        var weightedObserved = 0.0, weightedExpected = 0.0
        for a in 0..<k {
            for b in 0..<k {
                let w = Double((a - b) * (a - b)) / Double((k - 1) * (k - 1))
                weightedObserved += w * observed[a][b] / n
                weightedExpected += w * rows[a] * columns[b]
            }
        }
        return weightedExpected > 0 ? 1 - weightedObserved / weightedExpected : nil
    }

    /// Interval α with two coders on every unit: 1 − (2N − 1) · Σ (x − y)² / (2N · Σ (v − v̄)²)
    /// over the 2N values pooled; nil when they are all equal.
    static func intervalAlpha(_ x: [Double], _ y: [Double]) -> Double? {
        guard !x.isEmpty else { return nil }
        let values = x + y
        let mean = values.reduce(0, +) / Double(values.count)
        let spread = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        guard spread > 0 else { return nil }
        let disagreement = zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let twoN = Double(values.count)
        return 1 - (twoN - 1) * disagreement / (twoN * spread)
    }

    /// The raters' own ceiling: over the responses with two or more ratings, each rater's
    /// Spearman ρ against the mean of the other ratings of the responses it rated (at least 3;
    /// raters by their position in `ratings`), averaged over the raters whose ρ is defined.
    static func humanCeiling(_ ratings: [[Double]]) -> Double? {
        let several = ratings.filter { $0.count >= 2 }
        let raters = several.map(\.count).max() ?? 0
        var rhos: [Double] = []
        for rater in 0..<raters {
            var own: [Double] = [], others: [Double] = []
            for r in several where r.count > rater {
                own.append(r[rater])
                others.append((r.reduce(0, +) - r[rater]) / Double(r.count - 1))
            }
            guard own.count >= 3, let rho = pearson(ranks(own), ranks(others)) else { continue }
            rhos.append(rho)
        }
        return rhos.isEmpty ? nil : rhos.reduce(0, +) / Double(rhos.count)
    }
}
