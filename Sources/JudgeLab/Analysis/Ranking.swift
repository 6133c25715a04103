// METRICS.md section 6: the order of variants, and which ones are worth their cost.

/// Ranks variants and finds the Pareto front of agreement against cost.
public enum Ranking {
    /// Agreement, highest first; then the tie rate closest to the humans'; then the lowest cost
    /// per 1000; unknown values sort last; then by name, so the order is total.
    public static func order(_ metrics: [VariantMetrics]) -> [VariantMetrics] {
        func tieGap(_ m: VariantMetrics) -> Double? {
            guard let judge = m.tieRate, let human = m.humanTieRate else { return nil }
            return abs(judge - human)
        }
        return metrics.sorted { x, y in
            if let c = compare(x.agreement, y.agreement, higherFirst: true) { return c }
            if let c = compare(tieGap(x), tieGap(y), higherFirst: false) { return c }
            if let c = compare(x.costPer1k, y.costPer1k, higherFirst: false) { return c }
            return x.variant < y.variant
        }
    }

    /// nil when equal; known values before unknown ones.
    private static func compare(_ x: Double?, _ y: Double?, higherFirst: Bool) -> Bool? {
        switch (x, y) {
        case (nil, nil): return nil
        case (_?, nil): return true
        case (nil, _?): return false
        case let (x?, y?):
            if x == y { return nil }
            return higherFirst ? x > y : x < y
        }
    }

    /// The variants no other variant beats on both agreement (strictly higher) and cost per 1000
    /// (strictly lower). A variant with no known cost cannot be beaten, nor beat another, on cost.
    public static func paretoFront(_ metrics: [VariantMetrics]) -> [VariantMetrics] {
        metrics.filter { v in
            !metrics.contains { w in
                guard let wa = w.agreement, let va = v.agreement, let wc = w.costPer1k, let vc = v.costPer1k else { return false }
                return wa > va && wc < vc
            }
        }
    }
}
