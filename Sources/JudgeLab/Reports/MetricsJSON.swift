// The machine-readable form of an analysis: `judgelab analyze --format json` and metrics.json.

/// JSON with METRICS.md section 4's names as keys and null wherever a metric is undefined.
public enum MetricsJSON {
    public static func document(_ analysis: Analysis, comparisons: [PairedComparison] = []) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("variants", .array(analysis.variants.map { variant(analysis, $0) })),
            ("ranking", .array(analysis.ranking.map(JSONValue.string))),
            ("pareto", .array(analysis.pareto.map(JSONValue.string))),
            ("settings", .object([
                ("tie_band", [.number(analysis.options.tieBand.lo), .number(analysis.options.tieBand.hi)]),
                ("bootstrap", .number(Double(analysis.options.bootstrapResamples))),
                ("seed", .number(Double(analysis.options.seed))),
            ])),
        ]
        if !comparisons.isEmpty { members.append(("comparisons", .array(comparisons.map(comparison)))) }
        return .object(members)
    }

    static func variant(_ analysis: Analysis, _ m: VariantMetrics) -> JSONValue {
        var members = metrics(m)
        if let value = analysis.reweightedAgreement[m.variant] { members.append(("agreement_reweighted", .number(value))) }
        let categories = analysis.categories[m.variant] ?? []
        if !categories.isEmpty {
            members.append(("by_category", .object(categories.map { ($0.category, .object(metrics($0.metrics).filter { $0.0 != "variant" && $0.0 != "agreement_ci" })) })))
        }
        return .object(members)
    }

    /// One variant's metrics, in METRICS.md's order, then the extras.
    public static func metrics(_ m: VariantMetrics) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [("variant", .string(m.variant)), ("order_policy", .string(m.orderPolicy))]
        for spec in MetricTable.all {
            switch spec.value {
            case let .scalar(read): members.append((spec.key, .optional(read(m))))
            case let .interval(read): members.append((spec.key, read(m).map { [.number($0.lo), .number($0.hi)] } ?? .null))
            }
        }
        members += [
            ("parse_failure_reasons", .object(m.parseFailureReasons.map { ($0.reason, .number(Double($0.count))) })),
            ("confusion", .object(Verdict.allCases.map { human in
                (human.rawValue, .object((Verdict.allCases.map(Optional.some) + [nil]).map { judge in
                    (judge?.rawValue ?? "none", .number(Double(m.confusion[human]?[judge] ?? 0)))
                }))
            })),
        ]
        var histograms: [(String, JSONValue)] = []
        if let h = m.judgeScoreHistogram { histograms.append(("judge_scores", .array(h.map { .number(Double($0)) }))) }
        if let h = m.humanScoreHistogram { histograms.append(("human_scores", .array(h.map { .number(Double($0)) }))) }
        if let h = m.judgeScoresOnHumanTies { histograms.append(("judge_raw_scores_on_human_ties", .array(h.map { .number(Double($0)) }))) }
        members.append(("histograms", .object(histograms)))
        return members
    }

    public static func comparison(_ c: PairedComparison) -> JSONValue {
        .object([
            ("a", .string(c.a)),
            ("b", .string(c.b)),
            ("n_items", .number(Double(c.nItems))),
            ("agreement_a", .optional(c.agreementA)),
            ("agreement_b", .optional(c.agreementB)),
            ("delta", .optional(c.delta)),
            ("delta_ci", c.deltaCI.map { [.number($0.lo), .number($0.hi)] } ?? .null),
            ("a_only", .number(Double(c.aOnly))),
            ("b_only", .number(Double(c.bOnly))),
            ("p", .number(c.p)),
            ("alpha", .number(c.alpha)),
            ("a_beats_b", .bool(c.aBeatsB)),
            ("b_beats_a", .bool(c.bBeatsA)),
            ("items_needed", .optional(c.itemsNeeded.map(Double.init))),
            ("sentence", .string(c.sentence)),
        ])
    }
}
