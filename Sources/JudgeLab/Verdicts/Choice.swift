// A judge's pick relative to the PRESENTED order.

/// What a choice-style judge said, relative to the order it saw the answers in.
public enum Choice: String, CaseIterable, Sendable, Hashable {
    case first
    case second
    case tie

    /// The verdict in data set order, given the order the answers were shown in.
    public func verdict(shownIn order: PresentedOrder) -> Verdict {
        switch (self, order) {
        case (.tie, _): return .tie
        case (.first, .original), (.second, .swapped): return .answer1
        case (.second, .original), (.first, .swapped): return .answer2
        // A pointwise judgment scores; it never chooses. Read as shown alone, first is its answer.
        case (.first, .answer1), (.second, .answer2): return .answer1
        case (.second, .answer1), (.first, .answer2): return .answer2
        }
    }
}
