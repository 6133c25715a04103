// One fully specified judge configuration: template, examples, rubric, order, model, temperature.

/// A judge prompt variant: everything needed to build and send its requests.
public struct Variant: Sendable {
    public var name: String
    public var template: PromptTemplate
    public var shots: Int
    public var selection: ExampleSelection
    /// The rubric's name; nil for none.
    public var rubric: String?
    /// The rubric's text, when it is the variant's own rather than the library's (a search's
    /// proposal, or `rubric_text` in a study): `rubric` is then its name.
    public var rubricText: String?
    public var order: OrderPolicy
    public var model: String
    public var temperature: Double
    public var maxTokens: Int
    /// The few-shot examples, the same for every item, in the order shown (none for `nearest`).
    public var examples: [Pair]
    /// `nearest`: each item's own examples.
    public var nearest: NearestExamples?
    /// The judge that answers it: one of the study's judges, or a baseline's (`Baseline.judgeName`).
    public var judge: String = ""
    /// Free text, or constrained to the template's schema.
    public var output: OutputMode = .free
    /// From the text, or from the token probabilities.
    public var verdict: VerdictSource = .parsed
    /// Where a constrained reply writes its reason (nil: where the template's schema puts it).
    public var reason: ReasonPlacement?
    /// The band its 1..9 scores are read with, when not the analysis's (`tie_band`; fitted on dev by a search).
    public var tieBand: TieBand?
    /// Judgments per item and order (`samples: k`, METRICS.md §8); 1: one.
    public var samples: Int = 1

    /// The schema its constrained replies follow: the template's, its reason placed as asked.
    /// Whether its items carry a confidence a cascade can keep them by (METRICS.md §9, §10):
    /// its two orders' agreement, its verdict's probability, or a pointwise score difference.
    public var hasConfidence: Bool {
        order == .both || verdict == .logprobs || template.isPointwise || samples > 1
    }

    public var replySchema: JSONValue? {
        guard let schema = template.replySchema else { return nil }
        return reason.map { ReplySchema.placing(reason: $0, in: schema) } ?? schema
    }

    /// Where its reply's reason stands: as asked, or as the template's schema has it.
    public var effectiveReason: ReasonPlacement? {
        reason ?? template.replySchema.flatMap(ReplySchema.reasonPlacement(of:))
    }

    /// The examples shown with `pair`.
    public func examples(for pair: Pair) -> [Pair] {
        nearest?.examples(for: pair) ?? examples
    }

    /// The readable default name, e.g. `rating-1to9.k3-balanced.rubric-short.both.gpt-4o-mini.t0.3`
    /// (with the judge's name before the model in a study of several judges).
    public static func defaultName(template: String, shots: Int, selection: ExampleSelection, rubric: String?,
                                   order: OrderPolicy, model: String, temperature: Double, judge: String? = nil,
                                   output: OutputMode = .free, verdict: VerdictSource = .parsed, reason: ReasonPlacement? = nil, draw: Int? = nil) -> String {
        // A search's random draws are told apart by their number: k3-random2.
        let k = shots == 0 ? "k0" : "k\(shots)-\(selection.rawValue)" + (draw.map(String.init) ?? "")
        // The judge is named only in studies with several: one model may be served by two.
        // Constrained output is named only when asked for: free variants keep their old names.
        return ([template, k, "rubric-\(rubric ?? "none")", order.rawValue] + (judge.map { [$0] } ?? []) + [model, "t\(temperature.shortText)"]
                + (output == .free ? [] : [output.rawValue]) + (reason.map { ["reason-\($0.rawValue)"] } ?? []) + (verdict == .parsed ? [] : [verdict.rawValue]))
            .joined(separator: ".")
    }
}
