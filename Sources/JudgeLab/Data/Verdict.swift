// Which answer of a pair is better, in the data set's own order.

/// A verdict on a pair in DATA SET order: answer 1 better, a tie, or answer 2 better.
/// Its raw values are METRICS.md's spellings: `"1"`, `"tie"`, `"2"`.
public enum Verdict: String, CaseIterable, Sendable, Hashable, Comparable {
    case answer1 = "1"
    case tie = "tie"
    case answer2 = "2"

    /// Reads METRICS.md's spellings; `tie` in any letter case.
    public init?(label: String) {
        switch label.lowercased() {
        case "1": self = .answer1
        case "2": self = .answer2
        case "tie": self = .tie
        default: return nil
        }
    }

    /// The same verdict seen with the answers in the other order.
    public var flipped: Verdict {
        switch self {
        case .answer1: return .answer2
        case .tie: return .tie
        case .answer2: return .answer1
        }
    }

    private var rank: Int {
        switch self {
        case .answer1: return 0
        case .tie: return 1
        case .answer2: return 2
        }
    }

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }
}
