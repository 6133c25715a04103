// One answered judge request: what the judge said about one item in one order.

/// The kind of output a variant asks its judge for.
public enum OutputKind: String, Sendable, Hashable {
    /// A 1..9 score (1 = strongly prefers the answer shown first).
    case score
    /// A pick: first, second or tie.
    case choice
}

/// What a judgment parsed to, relative to the PRESENTED order.
public enum JudgeReading: Equatable, Sendable {
    case score(Double)
    case choice(Choice)
    /// The output did not parse; the reason says why. It is counted, never dropped.
    case unparsed(OutputKind, reason: String)

    public var kind: OutputKind {
        switch self {
        case .score: return .score
        case .choice: return .choice
        case let .unparsed(kind, _): return kind
        }
    }

    public var isParsed: Bool {
        if case .unparsed = self { return false }
        return true
    }
}

/// One judgment in METRICS.md section 1's form.
public struct Judgment: Equatable, Sendable {
    public var item: String
    public var variant: String
    public var order: PresentedOrder
    /// The judge's raw text, when known.
    public var output: String?
    public var reading: JudgeReading
    /// The judge's stated reason, when the output carries one apart from the verdict.
    public var reason: String?
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var costUSD: Double?
    public var latencyMS: Double?

    public init(item: String, variant: String, order: PresentedOrder, output: String? = nil, reading: JudgeReading,
                reason: String? = nil, inputTokens: Int? = nil, outputTokens: Int? = nil,
                costUSD: Double? = nil, latencyMS: Double? = nil) {
        self.item = item
        self.variant = variant
        self.order = order
        self.output = output
        self.reading = reading
        self.reason = reason
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costUSD = costUSD
        self.latencyMS = latencyMS
    }

    /// The score in DATA SET order: the raw score when shown in the original order, 10 minus it
    /// when swapped (METRICS.md section 3).
    public var normalisedScore: Double? {
        guard case let .score(raw) = reading else { return nil }
        return order == .original ? raw : 10 - raw
    }

    /// The verdict in data set order; nil when the output did not parse.
    public func verdict(tieBand: TieBand) -> Verdict? {
        switch reading {
        case let .score(raw): return tieBand.verdict(of: order == .original ? raw : 10 - raw)
        case let .choice(choice): return choice.verdict(shownIn: order)
        case .unparsed: return nil
        }
    }

    /// The verdict of the raw output, before normalising: `.answer1` means the answer shown
    /// FIRST was preferred. For position-bias measures.
    public func presentedVerdict(tieBand: TieBand) -> Verdict? {
        switch reading {
        case let .score(raw): return tieBand.verdict(of: raw)
        case let .choice(choice): return choice.verdict(shownIn: .original)
        case .unparsed: return nil
        }
    }
}
