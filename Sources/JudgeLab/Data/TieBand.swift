// The band of 1..9 scores read as a tie.
import Foundation

/// Scores inside `[lo, hi]` are a tie; below prefer answer 1, above prefer answer 2
/// (METRICS.md section 3). The default band is [5, 5].
public struct TieBand: Equatable, Sendable, CustomStringConvertible {
    public var lo: Double
    public var hi: Double

    public static let standard = TieBand(lo: 5, hi: 5)
    /// A pointwise variant's band on d = j2 − j1, the difference of its two answers' scores
    /// (METRICS.md §7): b = 0, a tie only when the scores are equal.
    public static let pointwise = TieBand(lo: 0, hi: 0)

    public init(lo: Double, hi: Double) {
        self.lo = lo
        self.hi = hi
    }

    /// Parses `LO,HI`, e.g. `4.5,5.5`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let lo = Double(parts[0].trimmingCharacters(in: .whitespaces)),
              let hi = Double(parts[1].trimmingCharacters(in: .whitespaces)),
              lo.isFinite, hi.isFinite, lo <= hi else { return nil }
        self.init(lo: lo, hi: hi)
    }

    public func verdict(of score: Double) -> Verdict {
        if score < lo { return .answer1 }
        if score > hi { return .answer2 }
        return .tie
    }

    public var description: String { "[\(lo.shortText), \(hi.shortText)]" }
}

extension Double {
    /// `5` rather than `5.0`; other values in their shortest form.
    var shortText: String { JSONValue.format(number: self) }
}
