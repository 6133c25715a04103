// Joins a data set with judgments and computes every variant's metrics, the ranking and the front.

/// Settings of an analysis.
public struct AnalysisOptions: Sendable {
    public var tieBand: TieBand = .standard
    /// Bands the judge's scores of some variants are read with instead (fitted on a search's dev split).
    public var judgeTieBands: [String: TieBand] = [:]
    public var bootstrapResamples: Int = Bootstrap.defaultResamples
    public var seed: UInt64 = Bootstrap.defaultSeed
    /// Re-weight agreement to the data set's stratum shares (for equal-allocation samples).
    public var reweightBy: Stratification?
    /// Pointwise variants' scales (their templates'), for METRICS.md §7; a variant not here is
    /// read on the humans' scale.
    public var judgeScales: [String: ClosedRange<Double>] = [:]
    /// The scale of pointwise variants not in `judgeScales` (`analyze --judge-scale`).
    public var pointwiseScale: ClosedRange<Double>?

    public init() {}
}

/// Every variant's metrics over its items, ranked.
public struct Analysis: Sendable {
    /// Metrics in ranking order.
    public var variants: [VariantMetrics]
    public var pareto: [String]
    /// Each variant's item outcomes, in data set order.
    public var outcomes: [String: [ItemOutcome]]
    /// Each variant's metrics per category, for items that carry one.
    public var categories: [String: [(category: String, metrics: VariantMetrics)]]
    /// Agreement re-weighted to the population's stratum shares, per variant.
    public var reweightedAgreement: [String: Double]
    /// Items of the data set with at least one judgment.
    public var judgedItemCount: Int
    public var options: AnalysisOptions

    /// - Parameter judgments: every judgment's item must be in `dataset` (check with
    ///   `JudgmentsFile.load(path:parser:items:)`).
    public init(dataset: Dataset, judgments input: [Judgment], options: AnalysisOptions = AnalysisOptions()) {
        self.options = options
        // METRICS.md §8: a sampled variant's samples folded into one judgment per item and order.
        let sampled = RepeatedSamples.groups(input)
        var judgments = input
        var samplesOf: [String: [RepeatedSamples.Group]] = [:]
        if !sampled.isEmpty {
            judgments = input.filter { $0.sample == nil }
            for group in sampled {
                samplesOf[group.key.variant, default: []].append(group)
                judgments.append(RepeatedSamples.fold(group, band: options.judgeTieBands[group.key.variant] ?? options.tieBand))
            }
        }
        let position = Dictionary(dataset.pairs.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        // Each variant's judgments by item position: [2 × position] original, [+1] swapped,
        // as indices into `judgments` (-1: none), which the outcomes share instead of copying.
        let source = OutcomeSource(pairs: dataset.pairs, judgments: judgments)
        var slots: [String: [Int32]] = [:]
        var variantOrder: [String] = []
        var judged = [Bool](repeating: false, count: dataset.pairs.count)
        for (index, judgment) in judgments.enumerated() {
            guard let item = position[judgment.item] else { continue }
            judged[item] = true
            if slots[judgment.variant] == nil {
                variantOrder.append(judgment.variant)
                slots[judgment.variant] = [Int32](repeating: -1, count: 2 * dataset.pairs.count)
            }
            slots[judgment.variant]![2 * item + judgment.order.slot] = Int32(index)
        }
        var outcomes: [String: [ItemOutcome]] = [:]
        var metrics: [VariantMetrics] = []
        var categories: [String: [(String, VariantMetrics)]] = [:]
        var reweighted: [String: Double] = [:]
        for variant in variantOrder {
            let slot = slots.removeValue(forKey: variant)!
            var items = (0..<dataset.pairs.count).compactMap { item -> ItemOutcome? in
                let original = slot[2 * item], swapped = slot[2 * item + 1]
                guard original >= 0 || swapped >= 0 else { return nil }
                return ItemOutcome(source: source, pair: Int32(item), original: original, swapped: swapped, tieBand: options.tieBand,
                                   judgeBand: options.judgeTieBands[variant])
            }
            var stability: RepeatedSamples.Stability?
            if let groups = samplesOf[variant] {
                let verdicts = Dictionary(items.compactMap { o in o.verdict.map { (o.pair.id, $0) } }, uniquingKeysWith: { a, _ in a })
                let found = RepeatedSamples.stability(groups, verdicts: verdicts, band: options.judgeTieBands[variant] ?? options.tieBand)
                for index in items.indices { items[index].voteConfidence = found.voteConfidence[items[index].pair.id] }
                stability = found
            }
            outcomes[variant] = items
            var variantMetrics = VariantMetrics(variant: variant, outcomes: items, tieBand: options.tieBand, judgeBand: options.judgeTieBands[variant],
                                                bootstrapResamples: options.bootstrapResamples, seed: options.seed, judgeScale: options.judgeScales[variant] ?? options.pointwiseScale)
            if let stability {
                variantMetrics.flipRate = stability.flipRate
                variantMetrics.selfAgreement = stability.selfAgreement
                let confidences = items.compactMap(\.voteConfidence)
                variantMetrics.voteConfidence = confidences.isEmpty ? nil : confidences.reduce(0, +) / Double(confidences.count)
                variantMetrics.nSamples = stability.samples
                variantMetrics.sampleParseFailures = stability.unparsed
            }
            metrics.append(variantMetrics)
            let names = Set(items.compactMap(\.pair.category)).sorted()
            categories[variant] = names.map { name in
                (name, VariantMetrics(variant: variant, outcomes: items.filter { $0.pair.category == name },
                                      tieBand: options.tieBand, judgeBand: options.judgeTieBands[variant], bootstrapResamples: 0))
            }
            if let by = options.reweightBy, let value = Self.reweight(items, population: dataset.pairs, by: by, tieBand: options.tieBand) {
                reweighted[variant] = value
            }
        }
        variants = Ranking.order(metrics)
        pareto = Ranking.paretoFront(variants).map(\.variant)
        self.outcomes = outcomes
        self.categories = categories
        reweightedAgreement = reweighted
        judgedItemCount = judged.count { $0 }
    }

    public var ranking: [String] { variants.map(\.variant) }

    /// Whether the variants' costs per 1000 differ, so that the Pareto front means something.
    public var costsDiffer: Bool { Set(variants.compactMap(\.costPer1k)).count > 1 }

    public func metrics(of variant: String) -> VariantMetrics? { variants.first { $0.variant == variant } }

    /// Σ over the strata present in the sample of (population share) × (agreement in the
    /// stratum), with shares renormalised over those strata.
    static func reweight(_ items: [ItemOutcome], population: [Pair], by: Stratification, tieBand: TieBand) -> Double? {
        var size: [String: Int] = [:]
        for pair in population { if let s = by.stratum(of: pair, tieBand: tieBand) { size[s, default: 0] += 1 } }
        var hits: [String: (agree: Int, n: Int)] = [:]
        for item in items {
            guard let s = by.stratum(of: item.pair, tieBand: tieBand) else { return nil }
            hits[s, default: (0, 0)].n += 1
            if item.agrees { hits[s]!.agree += 1 }
        }
        let weightTotal = Double(hits.keys.reduce(0) { $0 + (size[$1] ?? 0) })
        guard weightTotal > 0 else { return nil }
        return hits.reduce(0) { $0 + Double(size[$1.key] ?? 0) / weightTotal * Double($1.value.agree) / Double($1.value.n) }
    }
}
