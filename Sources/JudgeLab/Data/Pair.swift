// One human-labelled pair: a question, two answers, and the human label.

/// A question with two answers and a human label, in data set order.
public struct Pair: Equatable, Sendable {
    public var id: String
    public var question: String
    public var answer1: String
    public var answer2: String
    public var label: HumanLabel
    public var category: String?
    /// A human rationale, usable as the reason of a few-shot example.
    public var explanation: String?
    /// Each answer's raters' ratings, [answer 1's, answer 2's], when the data has them (response
    /// items, METRICS.md §7): their means are the `scores` label, and they give the raters' ceiling.
    public var ratings: [[Double]]?

    public init(id: String, question: String, answer1: String, answer2: String, label: HumanLabel,
                category: String? = nil, explanation: String? = nil) {
        self.id = id
        self.question = question
        self.answer1 = answer1
        self.answer2 = answer2
        self.label = label
        self.category = category
        self.explanation = explanation
    }

    /// The human score of answer 1 or 2 (§7's h: the mean of its ratings, or its `scores`
    /// entry); nil for labels without per-answer scores.
    public func humanScore(ofAnswer index: Int) -> Double? {
        guard case let .scores(s1, s2, _, _) = label else { return nil }
        return index == 0 ? s1 : s2
    }

    /// The answers' raters: each answer's ratings, or its one score as a single rating.
    public func raterRatings(ofAnswer index: Int) -> [Double] {
        if let ratings, ratings.count == 2 { return ratings[index] }
        return humanScore(ofAnswer: index).map { [$0] } ?? []
    }

    public func humanVerdict(tieBand: TieBand = .standard) -> Verdict { label.verdict(tieBand: tieBand) }
    public var simulatedScore: Double? { label.simulatedScore }
}
