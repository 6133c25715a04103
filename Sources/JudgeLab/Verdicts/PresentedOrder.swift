// Which answer the judge saw first.

/// The order the two answers were shown in: `original` shows answer 1 first, `swapped` shows
/// answer 2 first.
public enum PresentedOrder: String, CaseIterable, Sendable, Hashable {
    case original
    case swapped
}

/// Which orders a variant judges each item in (METRICS.md section 3).
public enum OrderPolicy: String, CaseIterable, Sendable {
    case original
    case swapped
    /// Both orders, two judgments per item, combined.
    case both

    public var orders: [PresentedOrder] {
        switch self {
        case .original: return [.original]
        case .swapped: return [.swapped]
        case .both: return [.original, .swapped]
        }
    }
}
