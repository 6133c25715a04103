// Every per-variant metric, once: its JSON key (also its name in report.xml and its schema), how
// it is shown, what it means, and where it appears. metrics.json, `analyze`, `--fail-under`, the
// XML report and both leaderboards read this table; a test checks the schema against it.

/// How a metric's value is written for people.
public enum MetricFormat: Sendable {
    /// A rate, as a percentage with one decimal.
    case percent
    /// A number with three decimals (kappa).
    case decimal
    /// A whole number.
    case count
    /// US dollars.
    case dollars
    /// Milliseconds, whole.
    case milliseconds

    /// A change in the value, signed: points for rates, whole numbers for counts.
    public func change(_ delta: Double?) -> String {
        guard let delta else { return "—" }
        switch self {
        case .percent: return String(format: "%+.1f points", delta * 100)
        case .count: return String(format: "%+.0f", delta)
        case .decimal: return String(format: "%+.3f", delta)
        case .dollars: return String(format: "%+.4f $", delta)
        case .milliseconds: return String(format: "%+.1f ms", delta)
        }
    }

    /// The value for a web page's table; "—" for an undefined one.
    public func html(_ value: Double?) -> String {
        switch self {
        case .percent: return HTML.pct(value)
        case .decimal: return HTML.number(value)
        case .count: return value.map { "\(Int($0))" } ?? "—"
        case .dollars: return HTML.number(value, "$%.3f")
        case .milliseconds: return HTML.number(value, "%.0f")
        }
    }
}

/// One metric of a variant.
public struct MetricSpec: Sendable {
    public enum Value: Sendable {
        case scalar(@Sendable (VariantMetrics) -> Double?)
        /// A confidence interval: `[lo, hi]` in JSON, `<interval>` in XML.
        case interval(@Sendable (VariantMetrics) -> (lo: Double, hi: Double)?)
    }

    /// The key in metrics.json and `analyze --format json`, the `name` in report.xml.
    public var key: String
    public var value: Value
    public var format: MetricFormat
    /// Its column heading in the HTML leaderboard; nil: not shown there.
    public var heading: String?
    /// Its column in the terminal's leaderboard: heading and cell; nil: not shown there.
    public var text: (heading: String, cell: @Sendable (VariantMetrics) -> String)?
    /// One line for people: what it measures.
    public var meaning: String

    /// Whether `m` has a value for it.
    public func isDefined(for m: VariantMetrics) -> Bool {
        switch value {
        case let .scalar(read): return read(m) != nil
        case let .interval(read): return read(m) != nil
        }
    }

    public func scalar(_ m: VariantMetrics) -> Double? {
        if case let .scalar(read) = value { return read(m) }
        return nil
    }
}

public enum MetricTable {
    /// In METRICS.md's order, then the accounting: the order of metrics.json's keys.
    public static let all: [MetricSpec] = [
        MetricSpec(key: "n_items", value: .scalar { Double($0.nItems) }, format: .count, heading: "Items",
                   text: ("items", { "\($0.nItems)" }), meaning: "items judged (each in one or both orders)"),
        MetricSpec(key: "n_judgments", value: .scalar { Double($0.nJudgments) }, format: .count, heading: nil, text: nil,
                   meaning: "judgments recorded, parsed or not"),
        MetricSpec(key: "parse_failures", value: .scalar { Double($0.parseFailures) }, format: .count, heading: "Unparsed",
                   text: ("unparsed", { "\($0.parseFailures)" }),
                   meaning: "judgments whose output could not be read"),
        MetricSpec(key: "parse_failure_rate", value: .scalar(\.parseFailureRate), format: .percent, heading: nil, text: nil,
                   meaning: "parse failures over judgments"),
        MetricSpec(key: "agreement", value: .scalar(\.agreement), format: .percent, heading: "Agreement",
                   text: ("agreement [95% CI]", { m in pct(m.agreement) + (m.agreementCI.map { " [\(pct($0.lo)), \(pct($0.hi))]" } ?? "") }),
                   meaning: "items where the judge's verdict equals the human verdict"),
        MetricSpec(key: "agreement_ci", value: .interval { $0.agreementCI }, format: .percent, heading: "95% CI", text: nil,
                   meaning: "percentile bootstrap 95% interval of agreement, resampling items"),
        MetricSpec(key: "agreement_original", value: .scalar(\.agreementOriginal), format: .percent, heading: nil, text: nil,
                   meaning: "agreement of the original-order judgments alone"),
        MetricSpec(key: "agreement_swapped", value: .scalar(\.agreementSwapped), format: .percent, heading: nil, text: nil,
                   meaning: "agreement of the swapped-order judgments alone"),
        MetricSpec(key: "agreement_decisive", value: .scalar(\.agreementDecisive), format: .percent, heading: "Decisive",
                   text: ("decisive", { pct($0.agreementDecisive) }), meaning: "agreement on items neither the human nor the judge called a tie"),
        MetricSpec(key: "exact", value: .scalar(\.exact), format: .percent, heading: "Exact", text: nil,
                   meaning: "score variants: the judge's score equals the human's simulated score"),
        MetricSpec(key: "within_1", value: .scalar(\.within1), format: .percent, heading: "Within 1", text: nil,
                   meaning: "score variants: the judge's score within 1 of the human's simulated score"),
        MetricSpec(key: "kappa", value: .scalar(\.kappa), format: .decimal, heading: "Kappa",
                   text: ("kappa", { $0.kappa.map { String(format: "%.3f", $0) } ?? "—" }), meaning: "Cohen's kappa over the three verdicts"),
        MetricSpec(key: "tie_rate", value: .scalar(\.tieRate), format: .percent, heading: "Tie rate",
                   text: ("ties (human)", { "\(pct($0.tieRate)) (\(pct($0.humanTieRate)))" }), meaning: "items the judge called a tie"),
        MetricSpec(key: "human_tie_rate", value: .scalar(\.humanTieRate), format: .percent, heading: nil, text: nil,
                   meaning: "items the humans called a tie"),
        MetricSpec(key: "tie_recall", value: .scalar(\.tieRecall), format: .percent, heading: nil, text: nil,
                   meaning: "human ties the judge also called a tie"),
        MetricSpec(key: "position_consistency", value: .scalar(\.positionConsistency), format: .percent, heading: "Consistent",
                   text: ("consistent", { pct($0.positionConsistency) }), meaning: "items judged in both orders with the same verdict both times"),
        MetricSpec(key: "first_position_rate", value: .scalar(\.firstPositionRate), format: .percent, heading: "1st pos.",
                   text: ("1st-pos", { pct($0.firstPositionRate) }), meaning: "decisive judgments that picked the answer shown first"),
        MetricSpec(key: "consistent_agreement", value: .scalar(\.consistentAgreement), format: .percent, heading: "Both orders right",
                   text: ("consistent agr.", { pct($0.consistentAgreement) }),
                   meaning: "both orders parsed, agree with each other and with the human (order both only): an inconsistent item is never right"),
        MetricSpec(key: "longer_preference_rate", value: .scalar(\.longerPreferenceRate), format: .percent, heading: "Longer",
                   text: ("longer (human)", { "\(pct($0.longerPreferenceRate)) (\(pct($0.humanLongerPreferenceRate)))" }),
                   meaning: "decisive verdicts on answers of different length that prefer the longer (0.5 = no length bias)"),
        MetricSpec(key: "human_longer_preference_rate", value: .scalar(\.humanLongerPreferenceRate), format: .percent, heading: nil, text: nil,
                   meaning: "the same for the human verdicts: the rate the judge's is read against"),
        MetricSpec(key: "human_ceiling", value: .scalar(\.humanCeiling), format: .percent, heading: nil, text: nil,
                   meaning: "items with 3 or more votes: how often one vote equals the other votes' verdict"),
        MetricSpec(key: "agreement_loo", value: .scalar(\.agreementLOO), format: .percent, heading: "LOO agr.",
                   text: ("loo (ceiling)", { "\(pct($0.agreementLOO)) (\(pct($0.humanCeiling)))" }),
                   meaning: "on the same votes: how often the judge equals the other votes' verdict, comparable with human_ceiling"),
        MetricSpec(key: "cost_usd", value: .scalar(\.costUSD), format: .dollars, heading: nil, text: nil, meaning: "dollars the judgments cost"),
        MetricSpec(key: "cost_per_1k", value: .scalar(\.costPer1k), format: .dollars, heading: "$ / 1000",
                   text: ("$/1k", { $0.costPer1k.map { String(format: "%.2f", $0) } ?? "—" }), meaning: "dollars per 1,000 judgments"),
        MetricSpec(key: "input_tokens", value: .scalar { $0.inputTokens.map(Double.init) }, format: .count, heading: nil, text: nil,
                   meaning: "prompt tokens, as the provider counted them"),
        MetricSpec(key: "output_tokens", value: .scalar { $0.outputTokens.map(Double.init) }, format: .count, heading: nil, text: nil,
                   meaning: "reply tokens, as the provider counted them"),
        MetricSpec(key: "latency_p50_ms", value: .scalar(\.latencyP50), format: .milliseconds, heading: nil, text: nil,
                   meaning: "median time to an answer"),
        MetricSpec(key: "latency_p95_ms", value: .scalar(\.latencyP95), format: .milliseconds, heading: nil, text: nil,
                   meaning: "95th percentile of the time to an answer"),
        // METRICS.md §7: a pointwise variant's scores against the humans' per-answer ratings.
        MetricSpec(key: "n_responses", value: .scalar { $0.pointwise.map { Double($0.nResponses) } }, format: .count, heading: nil, text: nil,
                   meaning: "pointwise: distinct answers judged (parsed or not)"),
        MetricSpec(key: "pearson", value: .scalar { $0.pointwise?.pearson }, format: .decimal, heading: nil, text: nil,
                   meaning: "pointwise: Pearson's r of the judge's scores (on the humans' scale) and the mean human ratings"),
        MetricSpec(key: "spearman", value: .scalar { $0.pointwise?.spearman }, format: .decimal, heading: "Spearman",
                   text: ("spearman (ceiling)", { m in
                       m.pointwise.map { p in p.spearman.map { String(format: "%.3f", $0) } ?? "—" }.map { $0 + (m.pointwise?.humanCeilingSpearman.map { String(format: " (%.3f)", $0) } ?? "") } ?? "—"
                   }),
                   meaning: "pointwise: Spearman's rank correlation of the judge's scores and the mean human ratings"),
        MetricSpec(key: "kendall_tau_b", value: .scalar { $0.pointwise?.kendallTauB }, format: .decimal, heading: "Kendall τ-b", text: nil,
                   meaning: "pointwise: Kendall's tau-b of the judge's scores and the mean human ratings"),
        MetricSpec(key: "mae", value: .scalar { $0.pointwise?.mae }, format: .decimal, heading: "MAE", text: nil,
                   meaning: "pointwise: mean absolute difference of the judge's score (on the humans' scale) and the mean rating"),
        MetricSpec(key: "exact_pointwise", value: .scalar { $0.pointwise?.exact }, format: .percent, heading: nil, text: nil,
                   meaning: "pointwise: responses whose score is within 0.5 of the mean rating"),
        MetricSpec(key: "within_1_pointwise", value: .scalar { $0.pointwise?.within1 }, format: .percent, heading: nil, text: nil,
                   meaning: "pointwise: responses whose score is within 1 of the mean rating"),
        MetricSpec(key: "qwk", value: .scalar { $0.pointwise?.qwk }, format: .decimal, heading: "QWK", text: nil,
                   meaning: "pointwise: quadratic-weighted kappa of the rounded scores and rounded mean ratings"),
        MetricSpec(key: "krippendorff_alpha", value: .scalar { $0.pointwise?.krippendorffAlpha }, format: .decimal, heading: nil, text: nil,
                   meaning: "pointwise: interval Krippendorff's alpha of the judge and the mean rating as two coders"),
        MetricSpec(key: "human_ceiling_spearman", value: .scalar { $0.pointwise?.humanCeilingSpearman }, format: .decimal, heading: nil, text: nil,
                   meaning: "pointwise: each rater's Spearman against the other raters' mean, averaged: the ceiling spearman is read against"),
        MetricSpec(key: "ece", value: .scalar(\.ece), format: .decimal, heading: "ECE", text: nil,
                   meaning: "expected calibration error of the verdict's confidence (logprob verdicts, repeated samples): 10 equal-width bins, |accuracy − mean confidence| weighted by size"),
        MetricSpec(key: "brier", value: .scalar(\.brier), format: .decimal, heading: nil, text: nil,
                   meaning: "mean squared gap between the verdict's confidence and whether it was right"),
        MetricSpec(key: "flip_rate", value: .scalar(\.flipRate), format: .percent, heading: "Flips",
                   text: nil, meaning: "repeated samples: (item, order) whose samples do not all give the same verdict"),
        MetricSpec(key: "self_agreement", value: .scalar(\.selfAgreement), format: .percent, heading: nil, text: nil,
                   meaning: "repeated samples: the share of pairs of an (item, order)'s samples that agree, averaged"),
        MetricSpec(key: "vote_confidence", value: .scalar(\.voteConfidence), format: .percent, heading: nil, text: nil,
                   meaning: "repeated samples: the share of an item's samples (both orders) that give its verdict, averaged over items"),
        MetricSpec(key: "n_samples", value: .scalar { $0.nSamples.map(Double.init) }, format: .count, heading: nil, text: nil,
                   meaning: "repeated samples: the judgments made (k for each item and order)"),
        MetricSpec(key: "sample_parse_failures", value: .scalar { $0.sampleParseFailures.map(Double.init) }, format: .count, heading: nil, text: nil,
                   meaning: "repeated samples: samples that did not parse (counted apart from the folded judgments' parse failures)"),
    ]

    /// The leaderboards' columns, left to right (those of them with a heading or a text column):
    /// the headline numbers first, the accounting last. The humans' own rates (ties, the longer
    /// answer, the ceiling) are the same for every variant: the terminal shows them in brackets
    /// beside the judge's, the page says them once above its table.
    public static let leaderboardOrder = [
        "n_items", "agreement", "agreement_ci", "agreement_decisive", "kappa", "exact", "within_1", "tie_rate",
        "position_consistency", "first_position_rate", "consistent_agreement", "longer_preference_rate",
        "agreement_loo", "spearman", "kendall_tau_b", "mae", "qwk", "parse_failures", "cost_per_1k",
    ]

    /// The metrics in leaderboard order.
    public static var leaderboard: [MetricSpec] { leaderboardOrder.compactMap(spec) }

    /// The leaderboard's metrics for `variants`, less any that none of them has a value for:
    /// a column of dashes only widens a table.
    public static func leaderboard(for variants: [VariantMetrics]) -> [MetricSpec] {
        leaderboard.filter { spec in variants.contains(where: spec.isDefined) }
    }

    /// The metric named `key`.
    public static func spec(_ key: String) -> MetricSpec? { all.first { $0.key == key } }

    /// The keys of single values: the XML schema's `MetricName`, and what `--fail-under` accepts.
    public static var scalarKeys: [String] {
        all.compactMap { if case .scalar = $0.value { $0.key } else { nil } }
    }

    static func pct(_ value: Double?) -> String { Percent.text(value) }
}
