// Which answer the judge saw first, or, for a pointwise judgment, which answer it saw alone.

/// The order the two answers were shown in: `original` shows answer 1 first, `swapped` shows
/// answer 2 first. A pointwise judgment (METRICS.md §7) shows one answer alone: `answer1` or
/// `answer2`.
public enum PresentedOrder: String, CaseIterable, Sendable, Hashable {
    case original
    case swapped
    case answer1 = "answer-1"
    case answer2 = "answer-2"

    /// A pointwise judgment of one answer.
    public var isPointwise: Bool { self == .answer1 || self == .answer2 }

    /// Where the judgment stands among an item's two: the original order and answer 1 first.
    public var slot: Int { self == .original || self == .answer1 ? 0 : 1 }

    /// The judged answer of a pointwise judgment, as METRICS.md §7 writes it ("1", "2").
    public var answer: String? {
        switch self {
        case .answer1: return "1"
        case .answer2: return "2"
        case .original, .swapped: return nil
        }
    }
}

/// Which orders a variant judges each item in (METRICS.md section 3); `pointwise` judges each
/// answer alone (§7), which a pointwise template implies.
public enum OrderPolicy: String, CaseIterable, Sendable {
    case original
    case swapped
    /// Both orders, two judgments per item, combined.
    case both
    /// Each answer alone, on the template's scale.
    case pointwise

    public var orders: [PresentedOrder] {
        switch self {
        case .original: return [.original]
        case .swapped: return [.swapped]
        case .both: return [.original, .swapped]
        case .pointwise: return [.answer1, .answer2]
        }
    }

    /// The policies a study may ask for by name (`pointwise` comes from the template).
    public static let pairwise: [OrderPolicy] = [.original, .swapped, .both]
}
