// JudgeLab's own random number generator, so that a seed means the same thing everywhere.

/// SplitMix64 (Steele, Lea and Flood 2014), with Lemire's unbiased bounded integers.
///
/// The same seed gives the same sequence on every platform and every Swift version: samples,
/// bootstrap intervals and the `coin` baseline are reproducible from their seed alone.
///
/// - `next()`: state += 0x9E3779B97F4A7C15; z = state;
///   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
///   return z ^ (z >> 31) (all arithmetic modulo 2^64).
/// - `uniform(below: n)`: m = next() * n as a 128-bit product; while low64(m) < (2^64 − n) mod n,
///   draw again; return high64(m).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0..<bound, without modulo bias.
    public mutating func uniform(below bound: Int) -> Int {
        precondition(bound > 0)
        let n = UInt64(bound)
        var product = next().multipliedFullWidth(by: n)
        if product.low < n {
            let threshold = (0 &- n) % n
            while product.low < threshold { product = next().multipliedFullWidth(by: n) }
        }
        return Int(product.high)
    }

    /// One seed made from two: the first output of a generator seeded with a ⊕ (b × 0x9E3779B97F4A7C15).
    public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var generator = SeededGenerator(seed: a ^ (b &* 0x9E37_79B9_7F4A_7C15))
        return generator.next()
    }

    /// A uniform double in [0, 1), from the top 53 bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Fisher–Yates from the last position down, with `uniform(below:)`.
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, uniform(below: i + 1))
        }
    }
}
