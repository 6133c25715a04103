// A run's cascades read from its outcomes: each stage's confidence per item (METRICS.md §9,
// §10), the thresholds fitted on the calibration items, and what the cascade keeps of the others.
import Foundation

extension ItemOutcome {
    /// §9: the probability of the item's combined verdict from the judge's token probabilities
    /// (both orders: the mean of the two orders' probabilities of that normalised verdict); nil
    /// without a verdict or without probabilities.
    public func verdictProbability(tieBand: TieBand) -> Double? {
        guard let verdict, !isPointwise else { return nil }
        let probabilities = judgments.compactMap { Self.probability(of: verdict, in: $0, tieBand: tieBand) }
        guard !probabilities.isEmpty else { return nil }
        return probabilities.reduce(0, +) / Double(probabilities.count)
    }

    /// The probability a judgment's distribution puts on verdicts that normalise to `verdict`.
    static func probability(of verdict: Verdict, in judgment: Judgment, tieBand: TieBand) -> Double? {
        guard let distribution = judgment.distribution else { return nil }
        var total = 0.0
        for (token, p) in distribution.probabilities {
            var reading = judgment
            if let score = Double(token) {
                reading.reading = .score(score)
            } else if let choice = ChoiceOutput.choice(named: token) {
                reading.reading = .choice(choice)
            } else {
                continue
            }
            if reading.verdict(tieBand: tieBand) == verdict { total += p }
        }
        return total
    }

    /// §9's confidence: a sampled variant's vote confidence, else the verdict's probability.
    public func confidence(tieBand: TieBand) -> Double? {
        voteConfidence ?? verdictProbability(tieBand: tieBand)
    }

    /// §10: the confidence a cascade keeps the item by: a pointwise variant's |d|, else §9's,
    /// else for an item judged in both orders 1 when its two normalised verdicts are equal and 0
    /// otherwise; nil without a verdict or any of these.
    public func cascadeConfidence(tieBand: TieBand) -> Double? {
        guard verdict != nil else { return nil }
        if isPointwise {
            guard let j1 = original?.pointwiseScore, let j2 = swapped?.pointwiseScore else { return nil }
            return abs(j2 - j1)
        }
        if let c = confidence(tieBand: tieBand) { return c }
        guard let original, let swapped else { return nil }
        let a = original.verdict(tieBand: tieBand), b = swapped.verdict(tieBand: tieBand)
        return a != nil && a == b ? 1 : 0
    }

    /// What its judgments cost (a pointwise item: both answers' judgments).
    public var costUSD: Double { judgments.reduce(0) { $0 + ($1.costUSD ?? 0) } }
}

/// One cascade of a run: its thresholds and what it kept of the evaluated items, beside each of
/// its stages alone on the same items.
public struct CascadeReport: Sendable {
    public struct Stage: Sendable {
        public var variant: String
        /// nil: keeps nothing (+∞).
        public var threshold: Double?
        /// Evaluated items this stage kept, and its agreement on them.
        public var kept: Int
        public var keptAgreement: Double?
        /// Calibration items that reached it, when fitted.
        public var calibrationReached: Int
        /// The stage alone on every evaluated item: its agreement and cost; nil for a stage
        /// judged only on the items that reached it.
        public var aloneAgreement: Double?
        public var aloneCostUSD: Double?
        /// Whether it judged only the evaluated items that reached it.
        public var judgedReached: Bool
    }

    public var spec: CascadeSpec
    public var calibrationItems: Int
    public var evaluatedItems: Int
    public var stages: [Stage]
    public var outcome: Cascade.Outcome
    /// The evaluated items no stage kept: they go to human review (`judgelab review --cascade`).
    public var abstained: [String]

    /// Each stage's readings of `items` (`[k][i]`), from the variants' outcomes; an item a stage
    /// has no outcome for reads as no verdict, at no cost.
    static func readings(stages: [String], outcomes: [String: [ItemOutcome]], items: [Pair], humanBand: TieBand, bands: [String: TieBand]) -> [[Cascade.Reading]] {
        stages.map { stage in
            let byItem = Dictionary((outcomes[stage] ?? []).map { ($0.pair.id, $0) }, uniquingKeysWith: { first, _ in first })
            let band = bands[stage] ?? humanBand
            return items.map { pair in
                guard let o = byItem[pair.id] else { return Cascade.Reading(verdict: nil, confidence: nil) }
                return Cascade.Reading(verdict: o.verdict, confidence: o.cascadeConfidence(tieBand: band), cost: o.costUSD)
            }
        }
    }

    /// The thresholds of `spec`, given or fitted on `calibration`.
    static func thresholds(_ spec: CascadeSpec, outcomes: [String: [ItemOutcome]], calibration: [Pair], humanBand: TieBand, bands: [String: TieBand]) -> [Double] {
        spec.thresholds ?? Cascade.fit(stages: readings(stages: spec.stages, outcomes: outcomes, items: calibration, humanBand: humanBand, bands: bands),
                                       human: calibration.map { $0.humanVerdict(tieBand: humanBand) }, alpha: spec.alpha, delta: spec.delta)
    }

    /// Fits `spec` on the calibration items and evaluates it on the others.
    /// - Parameters:
    ///   - outcomes: each variant's item outcomes (an analysis's).
    ///   - bands: the band each variant's scores are read with.
    ///   - partial: the stages judged only on the evaluated items that reached them: not read alone; the last stage's cost on every item (for the cost share) estimated as its
    ///   mean cost per item it judged.
    public init(spec: CascadeSpec, outcomes: [String: [ItemOutcome]], calibration: [Pair], evaluated: [Pair],
                humanBand: TieBand, bands: [String: TieBand], partial: Set<String> = []) {
        self.spec = spec
        calibrationItems = calibration.count
        evaluatedItems = evaluated.count
        let calibrationReadings = Self.readings(stages: spec.stages, outcomes: outcomes, items: calibration, humanBand: humanBand, bands: bands)
        let evaluatedReadings = Self.readings(stages: spec.stages, outcomes: outcomes, items: evaluated, humanBand: humanBand, bands: bands)
        let calibrationHuman = calibration.map { $0.humanVerdict(tieBand: humanBand) }
        let human = evaluated.map { $0.humanVerdict(tieBand: humanBand) }
        let thresholds = spec.thresholds
            ?? Cascade.fit(stages: calibrationReadings, human: calibrationHuman, alpha: spec.alpha, delta: spec.delta)
        var outcome = Cascade.evaluate(stages: evaluatedReadings, human: human, thresholds: thresholds)
        abstained = evaluated.indices.filter { outcome.keptBy[$0] == nil }.map { evaluated[$0].id }
        if let last = spec.stages.last, partial.contains(last) {
            let judged = (outcomes[last] ?? []).filter { !$0.judgments.isEmpty }
            let perItem = judged.isEmpty ? 0 : judged.reduce(0) { $0 + $1.costUSD } / Double(judged.count)
            let alone = perItem * Double(evaluated.count)
            outcome.costShare = alone > 0 ? outcome.costUSD / alone : nil
        }
        self.outcome = outcome
        // Calibration items that reached each stage, under the thresholds.
        var reaching = Array(calibration.indices)
        var reached: [Int] = []
        for (k, lambda) in thresholds.enumerated() {
            reached.append(reaching.count)
            reaching = reaching.filter { !Cascade.keeps(calibrationReadings[k][$0], lambda) }
        }
        stages = spec.stages.indices.map { k in
            let keptItems = evaluated.indices.filter { outcome.keptBy[$0] == k }
            let alone = evaluatedReadings[k]
            return Stage(variant: spec.stages[k], threshold: thresholds[k].isFinite ? thresholds[k] : nil, kept: keptItems.count,
                         keptAgreement: keptItems.isEmpty ? nil : Double(keptItems.count { outcome.verdicts[$0] == human[$0] }) / Double(keptItems.count),
                         calibrationReached: spec.isFitted ? reached[k] : 0,
                         aloneAgreement: evaluated.isEmpty || partial.contains(spec.stages[k]) ? nil
                             : Double(evaluated.indices.count { alone[$0].verdict == human[$0] }) / Double(evaluated.count),
                         aloneCostUSD: partial.contains(spec.stages[k]) ? nil : alone.reduce(0) { $0 + $1.cost },
                         judgedReached: partial.contains(spec.stages[k]))
        }
    }

    /// The cascades of a run whose record has them; [] otherwise.
    static func all(record: StudyRecord?, outcomes: [String: [ItemOutcome]], options: AnalysisOptions, pairs: [String: Pair]) -> [CascadeReport] {
        guard let record, let specs = record.cascades, !specs.isEmpty else { return [] }
        let partial = CascadeSpec.partialStages(specs, juries: record.juries ?? [])
        let calibrationIDs = Set(record.calibrationItems ?? [])
        let sampled = (record.sample?.items ?? []).compactMap { pairs[$0] }
        let calibration = sampled.filter { calibrationIDs.contains($0.id) }, evaluated = sampled.filter { !calibrationIDs.contains($0.id) }
        return specs.map { spec in
            CascadeReport(spec: spec, outcomes: outcomes, calibration: calibration, evaluated: evaluated,
                          humanBand: options.tieBand, bands: options.judgeTieBands, partial: partial)
        }
    }

    /// The rows no other row (a cascade or a stage alone, on the same items) beats on both
    /// agreement (strictly higher) and cost (strictly lower), by name.
    public static func front(_ reports: [CascadeReport]) -> Set<String> {
        var rows: [String: (agreement: Double, cost: Double)] = [:]
        for report in reports {
            if let a = report.outcome.agreement { rows[report.spec.name] = (a, report.outcome.costUSD) }
            for stage in report.stages { if let a = stage.aloneAgreement, let c = stage.aloneCostUSD { rows[stage.variant] = (a, c) } }
        }
        return Set(rows.filter { name, row in !rows.contains { $0.key != name && $0.value.agreement > row.agreement && $0.value.cost < row.cost } }.keys)
    }

    /// One row of the table that sets cascades beside their stages alone, on the same items.
    public struct Row: Sendable {
        public var name: String
        public var onFront: Bool
        public var coverage: Double?
        public var selectiveAgreement: Double?
        public var agreement: Double?
        public var costUSD: Double?
        public var costShare: Double?
        public var isCascade: Bool
    }

    /// Each cascade, then each stage read alone (once, however many cascades it is in; not
    /// those judged only where reached), with the rows on the front marked.
    public static func rows(_ reports: [CascadeReport]) -> [Row] {
        let front = front(reports)
        var rows = reports.map { r in
            Row(name: r.spec.name, onFront: front.contains(r.spec.name), coverage: r.outcome.coverage, selectiveAgreement: r.outcome.selectiveAgreement,
                agreement: r.outcome.agreement, costUSD: r.outcome.costUSD, costShare: r.outcome.costShare, isCascade: true)
        }
        var seen = Set<String>()
        for r in reports {
            for stage in r.stages where !stage.judgedReached && seen.insert(stage.variant).inserted {
                rows.append(Row(name: stage.variant, onFront: front.contains(stage.variant), coverage: 1, selectiveAgreement: stage.aloneAgreement,
                                agreement: stage.aloneAgreement, costUSD: stage.aloneCostUSD, costShare: nil, isCascade: false))
            }
        }
        return rows
    }

    /// As in metrics.json: METRICS.md §10's names.
    public var json: JSONValue {
        .object([
            ("name", .string(spec.name)),
            ("stages", .array(spec.stages.map(JSONValue.string))),
            ("fitted", .bool(spec.isFitted)),
            ("judging", .string(spec.judging.rawValue)),
            ("alpha", spec.isFitted ? .number(spec.alpha) : .null),
            ("delta", spec.isFitted ? .number(spec.delta) : .null),
            ("n_calibration", .number(Double(calibrationItems))),
            ("n_items", .number(Double(evaluatedItems))),
            ("coverage", .optional(outcome.coverage)),
            ("selective_agreement", .optional(outcome.selectiveAgreement)),
            ("agreement", .optional(outcome.agreement)),
            ("cost_usd", .number(outcome.costUSD)),
            ("cost_share", .optional(outcome.costShare)),
            ("reach", .array(outcome.reach.map(JSONValue.number))),
            ("abstained", .number(Double(outcome.keptBy.count { $0 == nil }))),
            ("stage_results", .array(stages.enumerated().map { k, stage in
                .object([
                    ("variant", .string(stage.variant)),
                    ("threshold", .optional(stage.threshold)),
                    ("reach", .number(outcome.reach[k])),
                    ("kept", .number(Double(stage.kept))),
                    ("kept_agreement", .optional(stage.keptAgreement)),
                    ("alone_agreement", .optional(stage.aloneAgreement)),
                    ("alone_cost_usd", .optional(stage.aloneCostUSD)),
                    ("judged", .string(stage.judgedReached ? "reached" : "all")),
                ])
            })),
        ])
    }
}

extension CascadeReport {
    /// The terminal's view: each cascade beside its stages alone, on the same evaluated items.
    public static func text(_ reports: [CascadeReport]) -> String {
        guard let first = reports.first else { return "" }
        var rows = [["cascade or judge alone", "coverage", "selective agreement", "agreement", "cost", "cost share"]]
        for row in Self.rows(reports) {
            rows.append([row.name + (row.isCascade ? "" : " alone") + (row.onFront ? " *" : ""), Percent.text(row.coverage), Percent.text(row.selectiveAgreement),
                         Percent.text(row.agreement), row.costUSD.map { String(format: "$%.4f", $0) } ?? "—", row.isCascade ? Percent.text(row.costShare) : "—"])
        }
        var lines = ["Cascades, on the \(first.evaluatedItems) evaluated items (thresholds fitted on \(first.calibrationItems) calibration items; * no other row beats it on both agreement and cost):",
                     TextTable.render(rows, header: true)]
        for r in reports {
            let how = r.spec.isFitted ? "α \(JSONValue.format(number: r.spec.alpha)), δ \(JSONValue.format(number: r.spec.delta))" : "thresholds by hand, no guarantee"
            let stages = r.stages.enumerated().map { k, s in
                "\(s.variant) λ \(s.threshold.map { JSONValue.format(number: $0) } ?? "∞ (keeps nothing)"), kept \(s.kept) of \(Int((r.outcome.reach[k] * Double(r.evaluatedItems)).rounded())) reaching it" + (s.judgedReached ? " (judged only those)" : "")
            }
            lines.append("- \(r.spec.name) (\(how)): " + stages.joined(separator: "; ") + "; abstained \(r.outcome.keptBy.count { $0 == nil })")
        }
        return lines.joined(separator: "\n")
    }
}
