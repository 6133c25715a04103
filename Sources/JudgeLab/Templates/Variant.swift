// One fully specified judge configuration: template, examples, rubric, order, model, temperature.

/// A judge prompt variant: everything needed to build and send its requests.
public struct Variant: Sendable {
    public var name: String
    public var template: PromptTemplate
    public var shots: Int
    public var selection: ExampleSelection
    /// The rubric's name; nil for none.
    public var rubric: String?
    public var order: OrderPolicy
    public var model: String
    public var temperature: Double
    public var maxTokens: Int
    /// The few-shot examples, the same for every item, in the order shown.
    public var examples: [Pair]
    /// Where its answers come from: the endpoint, recordings, or a baseline.
    public var source: JudgeSource = .live

    /// The readable default name, e.g. `rating-1to9.k3-balanced.rubric-short.both.gpt-4o-mini.t0.3`.
    public static func defaultName(template: String, shots: Int, selection: ExampleSelection, rubric: String?,
                                   order: OrderPolicy, model: String, temperature: Double) -> String {
        let k = shots == 0 ? "k0" : "k\(shots)-\(selection.rawValue)"
        return [template, k, "rubric-\(rubric ?? "none")", order.rawValue, model, "t\(temperature.shortText)"].joined(separator: ".")
    }
}
