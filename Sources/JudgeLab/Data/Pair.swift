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

    public func humanVerdict(tieBand: TieBand = .standard) -> Verdict { label.verdict(tieBand: tieBand) }
    public var simulatedScore: Double? { label.simulatedScore }
}
