// A study's `search:` section: the space of judge prompts `judgelab optimize` searches, its
// splits, its racing rule and its budget.
import Foundation

/// What `judgelab optimize` searches and how (parsed from `search:`).
public struct SearchSpec: Sendable {
    public var seed: UInt64 = 1
    /// How many candidates to draw from the space (all of it when smaller).
    public var candidates = 32
    /// The share (below 1) or number (1 and up) of the evaluation pool kept for the test split.
    public var test = 0.3
    public var stratifyBy: Stratification = .verdict

    // The space: every axis a list, one value the same as a list of one.
    public var templates: [String] = []
    public var shots: [Int] = [0]
    public var selections: [ExampleSelection] = [.balanced]
    /// Distinct seeded draws of `random` examples.
    public var exampleSets = 3
    public var rubrics: [String?] = [nil]
    public var orders: [OrderPolicy] = [.original]
    /// nil: the template's default.
    public var temperatures: [Double?] = [nil]
    public var outputs: [OutputMode] = [.free]
    public var verdicts: [VerdictSource] = [.parsed]
    /// Where a constrained reply writes its reason (nil: the template's place); free candidates ignore it.
    public var reasons: [ReasonPlacement?] = [nil]
    /// nil: the study's only judge.
    public var judges: [String?] = [nil]
    public var maxTokens: Int?

    // Racing.
    /// Dev items every candidate is judged on before the first comparison.
    public var firstRound = 20
    /// Dev items added each round.
    public var growth = 20
    /// The family-wise error rate of one elimination step (Holm across candidates), split evenly
    /// over the rounds planned (Bonferroni across rounds).
    public var alpha = 0.05
    public var finalists = 3
    /// The indifference zone δ: a candidate is also dropped when it is confidently not better
    /// than the leader by δ or more (picking the leader over it then costs less than δ).
    public var indifference = 0.01
    /// How the race spends its judgments: dropping the significantly worse after each round
    /// (`significance`), or a fixed budget halved over rounds (`halving`: successive halving,
    /// `budget_share` of the full grid). nil: chosen by the dev split's size (`racingMode(dev:)`).
    public var mode: RacingMode?
    public var budgetShare = 0.3
    /// New candidates proposed from the leader during the race (one after a round, while
    /// several candidates survive), judged on every dev item judged so far to catch up.
    public var proposals = 0
    /// Proposals written during the race (`propose:`): rubrics made from an instruction library.
    public var propose: ProposeSpec?
    /// At most this many judgments in all (probe, race and confirmation).
    public var maxJudgments: Int?
    /// The variant the winner is confirmed against (default: the space's first template, zero-shot).
    public var baseline: Study.VariantSpec?

    public var line: Int?
    public var field = "search"

    static let keys = ["seed", "candidates", "split", "space", "racing", "max_judgments", "baseline", "propose"]
    static let spaceKeys = ["template", "shots", "selection", "example_sets", "rubric", "order", "temperature", "output", "verdict", "judge", "max_tokens", "reason"]

    static func parse(_ node: YAMLNode) throws -> SearchSpec {
        try node.requireKeys(in: keys)
        var spec = SearchSpec()
        spec.line = node.line
        if let v = node["seed"] { spec.seed = try Study.seed64(v) }
        if let v = node["candidates"] { spec.candidates = try Study.positive(v) }
        if let v = node["max_judgments"] { spec.maxJudgments = try Study.positive(v) }
        if let split = node["split"] {
            try split.requireKeys(in: ["test", "by"])
            if let v = split["test"] {
                spec.test = try v.double()
                guard spec.test > 0, spec.test < 1 || spec.test == spec.test.rounded() else {
                    throw v.error("give a share between 0 and 1, or a whole number of items")
                }
            }
            if let v = split["by"] {
                let text = try v.string()
                guard let by = Stratification(rawValue: text) else { throw v.error("expected one of: \(Stratification.allCases.map(\.rawValue).joined(separator: ", "))") }
                spec.stratifyBy = by
            }
        }
        guard let space = node["space"] else { throw node.error("missing 'space' (the axes to search: template, shots, selection, ...)") }
        try space.requireKeys(in: spaceKeys)
        guard let templates = space["template"] else { throw space.error("missing 'template'") }
        func list<T>(_ key: String, _ read: (YAMLNode) throws -> T) throws -> [T]? {
            guard let node = space[key] else { return nil }
            let values = try node.list().map(read)
            guard !values.isEmpty else { throw node.error("an empty list: the space would hold no candidates") }
            return values
        }
        func choice<T: RawRepresentable>(_ node: YAMLNode, _ names: String) throws -> T where T.RawValue == String {
            let text = try node.string()
            guard let value = T(rawValue: text) else { throw node.error("expected one of: \(names)") }
            return value
        }
        spec.templates = try templates.list().map { try $0.string() }
        guard !spec.templates.isEmpty else { throw templates.error("an empty list: the space would hold no candidates") }
        spec.shots = try list("shots") { n in
            let k = try n.int()
            guard k >= 0 else { throw n.error("may not be negative") }
            return k
        } ?? spec.shots
        spec.selections = try list("selection") { n -> ExampleSelection in
            let value: ExampleSelection = try choice(n, ExampleSelection.names)
            guard value != .fixed else { throw n.error("'fixed' examples are the study's own choice, not a search's: use random, balanced, hard, diverse or nearest") }
            return value
        } ?? spec.selections
        if let v = space["example_sets"] { spec.exampleSets = try Study.positive(v) }
        spec.rubrics = try list("rubric") { n -> String? in
            let text = try n.string()
            return text == "none" ? nil : text
        } ?? spec.rubrics
        spec.orders = try list("order") { n -> OrderPolicy in
            let order: OrderPolicy = try choice(n, "original, swapped, both")
            guard OrderPolicy.pairwise.contains(order) else { throw n.error("expected one of: original, swapped, both") }
            return order
        } ?? spec.orders
        spec.temperatures = try list("temperature") { n -> Double? in
            let t = try n.double()
            guard (0...2).contains(t) else { throw n.error("must be between 0 and 2") }
            return t
        } ?? spec.temperatures
        spec.outputs = try list("output") { n -> OutputMode in try choice(n, "free, json_schema") } ?? spec.outputs
        spec.verdicts = try list("verdict") { n -> VerdictSource in try choice(n, "parsed, logprobs") } ?? spec.verdicts
        spec.reasons = try list("reason") { n -> ReasonPlacement? in try choice(n, ReasonPlacement.names) } ?? spec.reasons
        spec.judges = try list("judge") { n -> String? in try n.string() } ?? spec.judges
        if let v = space["max_tokens"] { spec.maxTokens = try Study.maxTokens(v) }
        if let v = node["propose"] { spec.propose = try ProposeSpec.parse(v) }
        if let racing = node["racing"] {
            try racing.requireKeys(in: ["first_round", "growth", "alpha", "finalists", "indifference", "proposals", "mode", "budget_share"])
            if let v = racing["mode"] {
                let text = try v.string()
                guard text == "auto" || RacingMode(rawValue: text) != nil else { throw v.error("expected significance, halving or auto") }
                spec.mode = RacingMode(rawValue: text)
            }
            if let v = racing["budget_share"] {
                spec.budgetShare = try v.double()
                guard spec.budgetShare > 0, spec.budgetShare <= 1 else { throw v.error("a share of the full grid: more than 0, at most 1") }
            }
            if let v = racing["proposals"] {
                spec.proposals = try v.int()
                guard spec.proposals >= 0 else { throw v.error("may not be negative") }
            }
            if let v = racing["indifference"] {
                spec.indifference = try v.double()
                guard spec.indifference >= 0, spec.indifference < 1 else { throw v.error("an agreement difference: at least 0 and below 1") }
            }
            if let v = racing["first_round"] { spec.firstRound = try Study.positive(v) }
            if let v = racing["growth"] { spec.growth = try Study.positive(v) }
            if let v = racing["finalists"] { spec.finalists = try Study.positive(v) }
            if let v = racing["alpha"] {
                spec.alpha = try v.double()
                guard spec.alpha > 0, spec.alpha < 1 else { throw v.error("must be between 0 and 1") }
            }
        }
        if let b = node["baseline"] {
            try b.requireKeys(in: Study.variantKeys.filter { $0 != "baseline" })
            guard b["template"] != nil else { throw b.error("missing 'template'") }
            spec.baseline = try Study.spec(Array(Study.variantKeys.dropFirst().dropLast()).map { b[$0] }, names: Array(Study.variantKeys.dropFirst().dropLast()),
                                           name: try b["name"]?.string(), line: b.line, field: "search.baseline")
        }
        return spec
    }
}

/// One point of a search space: a variant spec and which draw of examples it shows.
public struct Candidate: Sendable {
    public var spec: Study.VariantSpec
    /// The seed its examples are drawn with.
    public var exampleSeed: UInt64
    /// For `random` examples: which of the space's draws (1, 2, ...).
    public var draw: Int?
}

/// The space a search spec spans, enumerated in mixed radix without being built: its size may
/// be far larger than the candidates drawn from it.
public struct SearchSpace: Sendable {
    public let spec: SearchSpec
    /// The example options: zero-shot once, then each positive shot count with each selection
    /// (and each draw of random examples).
    let examples: [(shots: Int, selection: ExampleSelection, draw: Int?)]
    /// The axes' sizes, slowest first: template, examples, rubric, order, temperature, output, verdict, judge, reason.
    public let radices: [Int]
    public let size: Int

    /// Spaces above this many points are refused: they are mistakes, not searches.
    public static let maximumSize = 1_000_000_000

    public init(_ spec: SearchSpec, file: String) throws {
        self.spec = spec
        var examples: [(Int, ExampleSelection, Int?)] = []
        for k in spec.shots.uniqued() {
            if k == 0 { examples.append((0, .balanced, nil)); continue }
            for selection in spec.selections.uniqued() {
                if selection == .random {
                    examples += (1...spec.exampleSets).map { (k, .random, $0) }
                } else {
                    examples.append((k, selection, nil))
                }
            }
        }
        self.examples = examples
        radices = [spec.templates.uniqued().count, examples.count, spec.rubrics.uniqued().count, spec.orders.uniqued().count,
                   spec.temperatures.uniqued().count, spec.outputs.uniqued().count, spec.verdicts.uniqued().count, spec.judges.uniqued().count,
                   spec.reasons.uniqued().count]
        var size = 1
        for radix in radices {
            let (product, overflow) = size.multipliedReportingOverflow(by: radix)
            guard !overflow, product <= Self.maximumSize else {
                throw InputError(file: file, line: spec.line, field: "search.space",
                                 "the space holds more than \(Self.maximumSize) candidates: too large to search; trim its axes")
            }
            size = product
        }
        guard size > 0 else { throw InputError(file: file, line: spec.line, field: "search.space", "the space holds no candidates") }
        self.size = size
    }

    /// The candidate at `index` (0 ..< size).
    public func candidate(_ index: Int) -> Candidate {
        var digits = [Int](repeating: 0, count: radices.count)
        var rest = index
        for axis in radices.indices.reversed() {
            digits[axis] = rest % radices[axis]
            rest /= radices[axis]
        }
        let example = examples[digits[1]]
        var variant = Study.VariantSpec(name: nil, baseline: nil, template: spec.templates.uniqued()[digits[0]], shots: example.shots,
                                        selection: example.selection, rubric: spec.rubrics.uniqued()[digits[2]], order: spec.orders.uniqued()[digits[3]],
                                        model: nil, temperature: spec.temperatures.uniqued()[digits[4]], maxTokens: spec.maxTokens,
                                        line: spec.line, field: "search.space")
        variant.output = spec.outputs.uniqued()[digits[5]]
        variant.verdict = spec.verdicts.uniqued()[digits[6]]
        variant.judge = spec.judges.uniqued()[digits[7]]
        // A reason is placed in constrained replies only: a free candidate is the same with any.
        if variant.output == .jsonSchema { variant.reason = spec.reasons.uniqued()[digits[8]] }
        // Each draw of random examples its own seed; every other selection the search's seed.
        let seed = example.draw.map { SeededGenerator.mix(spec.seed, UInt64($0)) } ?? spec.seed
        return Candidate(spec: variant, exampleSeed: seed, draw: example.draw)
    }

    /// `spec.candidates` distinct points drawn without replacement (seeded; Floyd's algorithm),
    /// in the space's order; the whole space when it is no larger.
    public func draw() -> [Candidate] {
        let count = min(spec.candidates, size)
        if count == size { return (0..<size).map(candidate) }
        var generator = SeededGenerator(seed: SeededGenerator.mix(spec.seed, 0x5EA2C4))
        var chosen = Set<Int>()
        for j in (size - count)..<size {
            let t = generator.uniform(below: j + 1)
            chosen.insert(chosen.contains(t) ? j : t)
        }
        return chosen.sorted().map(candidate)
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

/// How a search's race spends its judgments (`racing.mode`).
public enum RacingMode: String, Sendable {
    /// Rounds of growing dev batches; after each, the candidates significantly worse than the
    /// leader are dropped (Holm); the race ends when one is left or dev is spent.
    case significance
    /// Successive halving: a fixed budget (`budget_share` of the full grid) split evenly over
    /// rounds; after each, the better half by dev agreement goes on, down to the finalists.
    case halving
}

extension SearchSpec {
    /// Dev splits smaller than this race by halving when `racing.mode` is not given (auto).
    public static let halvingBelow = 300

    /// The racing mode for a dev split of `dev` items: the one given; else significance for a
    /// search that proposes (halving's few rounds leave proposals almost nowhere to enter: in
    /// the simulation at 100 dev items, 0.8 proposals a search and a confirmed gain in 10% of
    /// trials, against 73.5% racing by significance); else halving below `halvingBelow`
    /// items and significance from there.
    public func racingMode(dev: Int) -> RacingMode {
        if let mode { return mode }
        if propose != nil || proposals > 0 { return .significance }
        return dev < Self.halvingBelow ? .halving : .significance
    }

    /// Why the racing mode is what it is, when it was not given.
    func racingModeReason(dev: Int) -> String? {
        guard mode == nil else { return nil }
        if propose != nil || proposals > 0 { return "auto: the search proposes, and halving's few rounds leave proposals nowhere to enter" }
        return dev < Self.halvingBelow ? "auto: dev has fewer than \(Self.halvingBelow) items" : "auto: dev has \(Self.halvingBelow) items or more"
    }
}
