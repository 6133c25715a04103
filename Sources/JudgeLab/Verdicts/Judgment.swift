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
///
/// Stored compactly (128 bytes, not 168, with the verdict distribution's reference): a report of a million judgments holds them all, so the
/// optional counts and amounts keep their "absent" in a spare value instead of a flag each.
public struct Judgment: Equatable, Sendable {
    public var item: String
    public var variant: String
    /// The judge's raw text, when known.
    public var output: String?
    public var reading: JudgeReading
    // After the reading: its one-byte tag's padding holds it (8 bytes less than before it).
    public var order: PresentedOrder
    // A sampled variant's sample number (-1: none), in the same padding.
    private var sampleNumber: Int16 = -1
    /// The judge's stated reason, when the output carries one apart from the verdict.
    public var reason: String?
    // nil is UInt32.max for the counts, and a NaN bit pattern no arithmetic makes for the amounts.
    private var inputTokenCount: UInt32
    private var outputTokenCount: UInt32
    private var costBits: UInt64
    private var latencyBits: UInt64
    /// The verdict's probabilities, for verdicts read from token log probabilities.
    public var distribution: VerdictDistribution?
    /// A sampled variant's sample number (METRICS.md §8); nil for one judgment an order.
    public var sample: Int? {
        get { sampleNumber < 0 ? nil : Int(sampleNumber) }
        set { sampleNumber = newValue.map { Int16(clamping: $0) } ?? -1 }
    }

    public var inputTokens: Int? {
        get { Self.count(inputTokenCount) }
        set { inputTokenCount = Self.count(newValue) }
    }
    public var outputTokens: Int? {
        get { Self.count(outputTokenCount) }
        set { outputTokenCount = Self.count(newValue) }
    }
    public var costUSD: Double? {
        get { Self.amount(costBits) }
        set { costBits = Self.amount(newValue) }
    }
    public var latencyMS: Double? {
        get { Self.amount(latencyBits) }
        set { latencyBits = Self.amount(newValue) }
    }

    public init(item: String, variant: String, order: PresentedOrder, output: String? = nil, reading: JudgeReading,
                reason: String? = nil, inputTokens: Int? = nil, outputTokens: Int? = nil,
                costUSD: Double? = nil, latencyMS: Double? = nil) {
        self.item = item
        self.variant = variant
        self.order = order
        self.output = output
        self.reading = reading
        self.reason = reason
        inputTokenCount = Self.count(inputTokens)
        outputTokenCount = Self.count(outputTokens)
        costBits = Self.amount(costUSD)
        latencyBits = Self.amount(latencyMS)
    }

    private static let absentCount = UInt32.max
    private static let absentAmount = UInt64.max

    private static func count(_ stored: UInt32) -> Int? { stored == absentCount ? nil : Int(stored) }
    /// Counts are never negative; one past 4 billion tokens is kept as the largest count.
    private static func count(_ value: Int?) -> UInt32 { value.map { min(UInt32(clamping: $0), absentCount - 1) } ?? absentCount }
    private static func amount(_ stored: UInt64) -> Double? { stored == absentAmount ? nil : Double(bitPattern: stored) }
    private static func amount(_ value: Double?) -> UInt64 { value.map { $0.bitPattern == absentAmount ? Double.nan.bitPattern : $0.bitPattern } ?? absentAmount }

    /// A pointwise judgment's score on its template's scale; nil for a pair's judgment or when
    /// the reply did not parse.
    public var pointwiseScore: Double? {
        guard order.isPointwise, case let .score(raw) = reading else { return nil }
        return raw
    }

    /// The score in DATA SET order: the raw score when shown in the original order, 10 minus it
    /// when swapped (METRICS.md section 3).
    public var normalisedScore: Double? {
        guard case let .score(raw) = reading, !order.isPointwise else { return nil }
        return order == .original ? raw : 10 - raw
    }

    /// The verdict in data set order; nil when the output did not parse.
    public func verdict(tieBand: TieBand) -> Verdict? {
        // A pointwise score says nothing about a pair alone (its item's two scores do).
        if order.isPointwise { return nil }
        switch reading {
        case let .score(raw): return tieBand.verdict(of: order == .original ? raw : 10 - raw)
        case let .choice(choice): return choice.verdict(shownIn: order)
        case .unparsed: return nil
        }
    }

    /// The verdict of the raw output, before normalising: `.answer1` means the answer shown
    /// FIRST was preferred. For position-bias measures.
    public func presentedVerdict(tieBand: TieBand) -> Verdict? {
        if order.isPointwise { return nil }
        switch reading {
        case let .score(raw): return tieBand.verdict(of: raw)
        case let .choice(choice): return choice.verdict(shownIn: .original)
        case .unparsed: return nil
        }
    }
}

extension Judgment {
    /// One variant's judgments by item: the judgment in each order's slot (original, swapped).
    public static func byItem(_ judgments: some Sequence<Judgment>) -> [String: (original: Judgment?, swapped: Judgment?)] {
        var slots: [String: (original: Judgment?, swapped: Judgment?)] = [:]
        for j in judgments {
            var slot = slots[j.item] ?? (nil, nil)
            if j.order.slot == 0 { slot.original = j } else { slot.swapped = j }
            slots[j.item] = slot
        }
        return slots
    }
}
