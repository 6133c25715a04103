// Percentile bootstrap intervals over items.

/// The percentile bootstrap: resample the per-item values with replacement, take the mean of
/// each resample, and read the interval off the sorted means.
public enum Bootstrap {
    public static let defaultResamples = 2000
    public static let defaultSeed: UInt64 = 1

    /// The central `level` interval of the resampled mean; nil with no values or no resamples.
    ///
    /// Each resample draws `values.count` indices with `SeededGenerator.uniform(below:)` from a
    /// generator seeded with `seed`. Quantiles interpolate linearly between order statistics
    /// (numpy's default): for p, h = (B − 1)·p and q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
    public static func interval(_ values: [Double], resamples: Int = defaultResamples, seed: UInt64 = defaultSeed,
                                level: Double = 0.95) -> (lo: Double, hi: Double)? {
        guard !values.isEmpty, resamples > 0 else { return nil }
        var generator = SeededGenerator(seed: seed)
        let n = values.count
        var means = [Double](repeating: 0, count: resamples)
        values.withUnsafeBufferPointer { buffer in
            for b in 0..<resamples {
                var sum = 0.0
                for _ in 0..<n { sum += buffer[generator.uniform(below: n)] }
                means[b] = sum / Double(n)
            }
        }
        means.sort()
        let tail = (1 - level) / 2
        return (quantile(sorted: means, tail), quantile(sorted: means, 1 - tail))
    }

    static func quantile(sorted x: [Double], _ p: Double) -> Double {
        let h = Double(x.count - 1) * p
        let low = Int(h.rounded(.down))
        guard low + 1 < x.count else { return x[x.count - 1] }
        return x[low] + (h - Double(low)) * (x[low + 1] - x[low])
    }
}
