// Every metric of METRICS.md section 4 for one variant, computed from its item outcomes.
import Foundation

/// How one variant agrees with humans, calls ties, leans to a position and spends money.
/// Rates with an empty denominator are nil (JSON null), never 0.
public struct VariantMetrics: Sendable {
    public var variant: String
    /// `original`, `swapped`, `both`, or `mixed` when items differ.
    public var orderPolicy: String
    public var nItems: Int
    public var nJudgments: Int
    public var parseFailures: Int
    public var parseFailureRate: Double?
    public var agreement: Double?
    public var agreementCI: (lo: Double, hi: Double)?
    public var agreementOriginal: Double?
    public var agreementSwapped: Double?
    public var agreementDecisive: Double?
    public var exact: Double?
    public var within1: Double?
    public var kappa: Double?
    public var tieRate: Double?
    public var humanTieRate: Double?
    public var tieRecall: Double?
    public var positionConsistency: Double?
    public var firstPositionRate: Double?
    /// Order `both` only: both orders parsed, agree with each other and with the human (an
    /// order-inconsistent item is never right: Auto-J's and JudgeBench's "agreement").
    public var consistentAgreement: Double?
    /// Among items with answers of different length and a decisive verdict: how often the judge,
    /// and the humans, prefer the longer answer (AlpacaEval's length bias; 0.5 = none).
    public var longerPreferenceRate: Double?
    public var humanLongerPreferenceRate: Double?
    /// Items with 3 or more votes: how often one vote equals the others' verdict (the ceiling a
    /// judge is read against), and how often the judge's verdict does, scored the same way.
    public var humanCeiling: Double?
    public var agreementLOO: Double?
    public var costUSD: Double?
    public var costPer1k: Double?
    // Beyond METRICS.md: accounting and the pictures behind the numbers.
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var latencyP50: Double?
    public var latencyP95: Double?
    /// Counts of human verdict × judge verdict (nil judge verdict = no verdict).
    public var confusion: [Verdict: [Verdict?: Int]]
    /// Per-judgment normalised scores, 1..9 (score variants only).
    public var judgeScoreHistogram: [Int]?
    /// round(simulated human score), 1..9, over items that have one.
    public var humanScoreHistogram: [Int]?
    /// Raw scores as presented, on items humans called a tie: the position-bias picture.
    public var judgeScoresOnHumanTies: [Int]?
    /// Why outputs failed to parse, with counts.
    public var parseFailureReasons: [(reason: String, count: Int)]
    /// METRICS.md §8, for sampled variants: over (item, order) with two or more parsed samples,
    /// how often they disagree and how alike their pairs are; the mean vote confidence over
    /// items with a verdict; the samples made and those that did not parse.
    public var flipRate: Double?
    public var selfAgreement: Double?
    public var voteConfidence: Double?
    public var nSamples: Int?
    public var sampleParseFailures: Int?
    /// METRICS.md §9, for variants whose items carry a confidence (logprob verdicts, samples).
    public var ece: Double?
    public var brier: Double?
    /// Each such item's confidence and whether its verdict is the humans': the reliability diagram.
    public var reliability: [(confidence: Double, correct: Bool)] = []
    /// A pointwise variant's scores against the humans' per-answer ratings (METRICS.md §7).
    public var pointwise: PointwiseMetrics?
    /// A pointwise variant's answers counted by their raters' mean rating, rounded (rows, the
    /// humans' scale) and the judge's score, rounded (columns, its own scale): the picture behind
    /// the correlations. Nil without per-answer ratings.
    public var pointwiseGrid: (rows: [Int], columns: [Int], counts: [[Int]])?

    /// Computes the metrics over `outcomes`, the variant's sampled items.
    /// - Parameter judgeBand: the band the judge's scores are read with, when it is not `tieBand`.
    /// - Parameter judgeScale: a pointwise variant's scale (its template's); nil reads its
    ///   scores on the humans' scale.
    public init(variant: String, outcomes: [ItemOutcome], tieBand humanBand: TieBand = .standard, judgeBand: TieBand? = nil,
                bootstrapResamples: Int = Bootstrap.defaultResamples, seed: UInt64 = Bootstrap.defaultSeed, judgeScale: ClosedRange<Double>? = nil) {
        // Every use of the band below reads judge scores; the human side is in the outcomes.
        let tieBand = judgeBand ?? humanBand
        self.variant = variant
        let n = outcomes.count
        nItems = n
        let isPointwise = outcomes.contains { $0.isPointwise }
        // A pointwise variant judges each distinct answer once (METRICS.md §7): its judgments
        // are counted, and paid, once an answer, however many pairs share it.
        let judgments = isPointwise ? Self.distinctAnswers(outcomes).map(\.judgment) : outcomes.flatMap(\.judgments)
        nJudgments = judgments.count
        let failures = judgments.filter { !$0.reading.isParsed }
        parseFailures = failures.count
        parseFailureRate = Self.rate(failures.count, judgments.count)
        var reasons: [String: Int] = [:]
        for failure in failures { if case let .unparsed(_, reason) = failure.reading { reasons[reason, default: 0] += 1 } }
        parseFailureReasons = reasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }

        let bothEverywhere = !isPointwise && n > 0 && outcomes.allSatisfy { $0.original != nil && $0.swapped != nil }
        if isPointwise {
            orderPolicy = OrderPolicy.pointwise.rawValue
        } else if bothEverywhere {
            orderPolicy = OrderPolicy.both.rawValue
        } else if outcomes.allSatisfy({ $0.original != nil && $0.swapped == nil }) {
            orderPolicy = OrderPolicy.original.rawValue
        } else if outcomes.allSatisfy({ $0.original == nil && $0.swapped != nil }) {
            orderPolicy = OrderPolicy.swapped.rawValue
        } else {
            orderPolicy = "mixed"
        }

        agreement = Self.rate(outcomes.count { $0.agrees }, n)
        agreementCI = Bootstrap.interval(outcomes.map { $0.agrees ? 1 : 0 }, resamples: bootstrapResamples, seed: seed)
        if bothEverywhere {
            agreementOriginal = Self.rate(outcomes.count { $0.original!.verdict(tieBand: tieBand) == $0.humanVerdict }, n)
            agreementSwapped = Self.rate(outcomes.count { $0.swapped!.verdict(tieBand: tieBand) == $0.humanVerdict }, n)
            let bothParsed = outcomes.filter { $0.original!.reading.isParsed && $0.swapped!.reading.isParsed }
            positionConsistency = Self.rate(bothParsed.count { $0.original!.verdict(tieBand: tieBand) == $0.swapped!.verdict(tieBand: tieBand) },
                                            bothParsed.count)
            consistentAgreement = Self.rate(bothParsed.count { o in
                let verdict = o.original!.verdict(tieBand: tieBand)
                return verdict == o.swapped!.verdict(tieBand: tieBand) && verdict == o.humanVerdict
            }, n)
        }

        let decisive = outcomes.filter { $0.humanVerdict != .tie && $0.verdict != nil && $0.verdict != .tie }
        agreementDecisive = Self.rate(decisive.count { $0.agrees }, decisive.count)

        // (A pointwise variant's scores are of answers, not of pairs: §7 reads them below.)
        let scoreOutputs = !isPointwise && !judgments.isEmpty && judgments.allSatisfy { $0.reading.kind == .score }
        if scoreOutputs, n > 0, outcomes.allSatisfy({ $0.pair.simulatedScore != nil }) {
            func distance(_ o: ItemOutcome) -> Double? {
                guard let score = o.score else { return nil }
                return abs(score - o.pair.simulatedScore!.rounded(.toNearestOrAwayFromZero))
            }
            exact = Self.rate(outcomes.count { distance($0).map { $0 < 0.5 } ?? false }, n)
            within1 = Self.rate(outcomes.count { distance($0).map { $0 <= 1 } ?? false }, n)
        }

        // Length preference, lengths in Unicode scalars.
        func longer(_ o: ItemOutcome) -> Verdict? {
            let (a, b) = (o.pair.answer1.unicodeScalars.count, o.pair.answer2.unicodeScalars.count)
            return a == b ? nil : (a > b ? .answer1 : .answer2)
        }
        let decisiveJudged = outcomes.filter { longer($0) != nil && ($0.verdict == .answer1 || $0.verdict == .answer2) }
        longerPreferenceRate = Self.rate(decisiveJudged.count { $0.verdict == longer($0) }, decisiveJudged.count)
        let decisiveHumans = outcomes.filter { longer($0) != nil && $0.humanVerdict != .tie }
        humanLongerPreferenceRate = Self.rate(decisiveHumans.count { $0.humanVerdict == longer($0) }, decisiveHumans.count)
        // Leave one vote out: the others' verdict (more than half of them, else a tie).
        var votesCounted = 0, humanHits = 0, judgeHits = 0
        for o in outcomes {
            guard case let .votes(votes) = o.pair.label, votes.count >= 3 else { continue }
            for index in votes.indices {
                var others = votes
                others.remove(at: index)
                let verdict = HumanLabel.votes(others).verdict()
                votesCounted += 1
                if votes[index] == verdict { humanHits += 1 }
                if o.verdict == verdict { judgeHits += 1 }
            }
        }
        humanCeiling = Self.rate(humanHits, votesCounted)
        agreementLOO = Self.rate(judgeHits, votesCounted)

        let withVerdict = outcomes.filter { $0.verdict != nil }
        kappa = Self.cohensKappa(withVerdict.map { ($0.humanVerdict, $0.verdict!) })
        tieRate = Self.rate(withVerdict.count { $0.verdict == .tie }, withVerdict.count)
        humanTieRate = Self.rate(outcomes.count { $0.humanVerdict == .tie }, n)
        let humanTies = outcomes.filter { $0.humanVerdict == .tie }
        tieRecall = Self.rate(humanTies.count { $0.verdict == .tie }, humanTies.count)

        let leaning = judgments.compactMap { $0.presentedVerdict(tieBand: tieBand) }.filter { $0 != .tie }
        firstPositionRate = Self.rate(leaning.count { $0 == .answer1 }, leaning.count)

        let costs = judgments.compactMap(\.costUSD)
        if !costs.isEmpty {
            let total = costs.reduce(0, +)
            costUSD = total
            costPer1k = total / Double(judgments.count) * 1000
        }
        let inputs = judgments.compactMap(\.inputTokens), outputs = judgments.compactMap(\.outputTokens)
        inputTokens = inputs.isEmpty ? nil : inputs.reduce(0, +)
        outputTokens = outputs.isEmpty ? nil : outputs.reduce(0, +)
        let latencies = judgments.compactMap(\.latencyMS).sorted()
        if !latencies.isEmpty {
            latencyP50 = Bootstrap.quantile(sorted: latencies, 0.5)
            latencyP95 = Bootstrap.quantile(sorted: latencies, 0.95)
        }

        var confusion: [Verdict: [Verdict?: Int]] = [:]
        for o in outcomes { confusion[o.humanVerdict, default: [:]][o.verdict, default: 0] += 1 }
        self.confusion = confusion

        if scoreOutputs {
            judgeScoreHistogram = Self.histogram(judgments.compactMap(\.normalisedScore))
            judgeScoresOnHumanTies = Self.histogram(humanTies.flatMap(\.judgments).compactMap {
                if case let .score(raw) = $0.reading { return raw }
                return nil
            })
        }
        let simulated = outcomes.compactMap { $0.pair.simulatedScore }
        humanScoreHistogram = simulated.isEmpty ? nil : Self.histogram(simulated)

        if isPointwise {
            let answers = Self.distinctAnswers(outcomes)
            let humanScale = outcomes.lazy.compactMap { o -> ClosedRange<Double>? in
                if case let .scores(_, _, low, high) = o.pair.label, high > low { return low...high }
                return nil
            }.first
            if let humanScale {
                let rows = Array(Int(humanScale.lowerBound.rounded())...Int(humanScale.upperBound.rounded()))
                let judged = judgeScale ?? humanScale
                let columns = Array(Int(judged.lowerBound.rounded())...Int(judged.upperBound.rounded()))
                if rows.count <= 21, columns.count <= 21 {
                    var counts = [[Int]](repeating: [Int](repeating: 0, count: columns.count), count: rows.count)
                    for answer in answers where !answer.ratings.isEmpty {
                        guard let score = answer.judgment.pointwiseScore else { continue }
                        let h = answer.ratings.reduce(0, +) / Double(answer.ratings.count)
                        let r = Int(h.rounded(.toNearestOrAwayFromZero)) - rows[0], c = Int(score.rounded(.toNearestOrAwayFromZero)) - columns[0]
                        if rows.indices.contains(r), columns.indices.contains(c) { counts[r][c] += 1 }
                    }
                    pointwiseGrid = (rows, columns, counts)
                }
                pointwise = PointwiseMetrics(answers.map { PointwiseMetrics.Response(score: $0.judgment.pointwiseScore, ratings: $0.ratings) },
                                             judgeScale: judgeScale ?? humanScale, humanScale: humanScale)
            } else {
                // No per-answer human scores: only the pair verdicts can be read.
                pointwise = PointwiseMetrics(answers.map { PointwiseMetrics.Response(score: $0.judgment.pointwiseScore, ratings: []) },
                                             judgeScale: judgeScale ?? 0...1, humanScale: 0...1)
            }
        }

        // METRICS.md §9: over the items with a verdict and a confidence (its probability).
        let confident = outcomes.compactMap { o in o.confidence(tieBand: tieBand).map { (confidence: $0, correct: o.agrees) } }
        reliability = confident
        ece = Calibration.ece(confident)
        brier = Calibration.brier(confident)
    }

    /// A pointwise variant's judgments, one per distinct answer (question and answer text), the
    /// first in data set order (answer 1 before answer 2), with the answer's human ratings.
    static func distinctAnswers(_ outcomes: [ItemOutcome]) -> [(judgment: Judgment, ratings: [Double])] {
        var seen = Set<PairContent.Answer>()
        var answers: [(judgment: Judgment, ratings: [Double])] = []
        for outcome in outcomes {
            let pair = outcome.pair
            for judgment in outcome.judgments {
                let index = judgment.order.slot
                let text = index == 0 ? pair.answer1 : pair.answer2
                if seen.insert(PairContent.Answer(question: pair.question, answer: text)).inserted {
                    answers.append((judgment, pair.raterRatings(ofAnswer: index)))
                }
            }
        }
        return answers
    }

    static func rate(_ part: Int, _ whole: Int) -> Double? {
        whole > 0 ? Double(part) / Double(whole) : nil
    }

    /// Cohen's kappa over {1, tie, 2}; nil with no pairs or when chance agreement is 1.
    static func cohensKappa(_ pairs: [(Verdict, Verdict)]) -> Double? {
        guard !pairs.isEmpty else { return nil }
        let n = Double(pairs.count)
        let observed = Double(pairs.count { $0.0 == $0.1 }) / n
        var chance = 0.0
        for v in Verdict.allCases {
            chance += Double(pairs.count { $0.0 == v }) / n * (Double(pairs.count { $0.1 == v }) / n)
        }
        guard chance != 1 else { return nil }
        return (observed - chance) / (1 - chance)
    }

    /// Counts of values rounded half away from zero into bins 1..9.
    static func histogram(_ values: [Double]) -> [Int] {
        var bins = [Int](repeating: 0, count: 9)
        for value in values {
            let bin = Int(value.rounded(.toNearestOrAwayFromZero))
            if (1...9).contains(bin) { bins[bin - 1] += 1 }
        }
        return bins
    }
}
