// A study's search resolved against its data: the splits, the space, the candidates drawn.
import Foundation

/// Everything `judgelab optimize` will work from, before anything is judged.
public struct OptimizePlan: Sendable {
    public var study: Study
    public var spec: SearchSpec
    public var dataset: Dataset
    public var library: TemplateLibrary
    public var split: SearchSplit
    /// Items of the data set that repeat another's content under another id (`PoolSplit.duplicates`).
    public var duplicates = 0
    /// Items that share an answer with another of another content (`PoolSplit.sharing`).
    public var sharing = 0
    public var space: SearchSpace
    public var drawn: [Candidate]
    /// The candidates as variants, `hard` examples not yet known (the rest of the pool stands
    /// in): the names, judges, orders and prompt sizes are those of the search.
    public var candidates: [Variant]
    public var baseline: Variant
    /// The templates whose `hard` candidates need a zero-shot probe of the pool.
    public var probeTemplates: [String]
    /// The proposer of `rubric` and `rules` proposals: its judge, model and prompt templates.
    public struct Proposer: Sendable {
        public var judge: String
        public var model: String
        public var templates: ProposerTemplates
    }
    public var proposer: Proposer?
    /// The dev items the proposer may see (empty without a proposer).
    public var feedback: Set<String> = []

    public init(study: Study, templatesFallback: String? = nil) throws {
        guard let spec = study.search else {
            throw InputError(file: study.file, field: "search", "the study has no 'search' section: nothing for `judgelab optimize` to search (see docs/optimize.md)")
        }
        self.study = study
        self.spec = spec
        let split: PoolSplit
        (dataset, library, split) = try StudyPlan.inputs(of: study, templatesFallback: templatesFallback)
        duplicates = split.duplicates
        sharing = split.sharing
        self.split = try SearchSplit(pool: split.fewShot, evaluation: split.evaluation, test: spec.test, by: spec.stratifyBy, seed: spec.seed, file: study.file)
        space = try SearchSpace(spec, file: study.file)
        guard min(spec.candidates, space.size) <= study.maxVariants else {
            throw InputError(file: study.file, line: spec.line, field: "search.candidates",
                             "\(min(spec.candidates, space.size)) candidates, more than max_variants (\(study.maxVariants)): too many to race; draw fewer or raise max_variants")
        }
        drawn = space.draw()
        probeTemplates = drawn.filter { $0.spec.selection == .hard && $0.spec.shots > 0 }.map(\.spec.template).uniqued()
        var hard: [String: [String]] = [:]
        for template in probeTemplates { hard[template] = [] }
        (candidates, baseline) = try Self.variants(drawn, study: study, spec: spec, library: library, pool: self.split.pool, hardIDs: hard)
        if let propose = spec.propose, propose.needsModel {
            proposer = try Self.proposer(propose, study: study, library: library)
            if let wanted = propose.feedbackItems, wanted > self.split.dev.count {
                throw InputError(file: study.file, line: propose.feedbackLine, field: "search.propose.feedback.items",
                                 "\(wanted) feedback items, more than the \(self.split.dev.count) dev items they are drawn from: ask for fewer, or give a share")
            }
            feedback = ModelProposals.feedback(dev: self.split.dev, spec: propose, seed: spec.seed)
        }
    }

    /// The proposer `propose` names: a judge of the study that answers over HTTP (a model can
    /// be made to follow the reply's schema), with its model, and the proposer's templates.
    static func proposer(_ propose: ProposeSpec, study: Study, library: TemplateLibrary) throws -> Proposer {
        guard let name = propose.proposer ?? (study.judges.count == 1 ? study.judges[0].name : nil) else {
            throw InputError(file: study.file, line: propose.line, field: "search.propose.proposer",
                             "\(propose.modelKinds.map(\.rawValue).joined(separator: " and ")) proposals are written by a model: name one of the study's judges (\(study.judges.map(\.name).joined(separator: ", "))) as 'proposer'")
        }
        guard let judge = study.judges.first(where: { $0.name == name }) else {
            throw InputError(file: study.file, line: propose.proposerLine, field: "search.propose.proposer",
                             "no judge '\(name.excerpt())' in the study (judges: \(study.judges.map(\.name).joined(separator: ", ")))")
        }
        guard !judge.provider.isLocal else {
            throw InputError(file: study.file, line: propose.proposerLine, field: "search.propose.proposer",
                             "judge '\(name.excerpt())' answers in the process (\(judge.provider.rawValue)): a proposer must be a model endpoint, which can be held to the reply's schema")
        }
        guard let model = propose.model ?? judge.model ?? judge.models.first else {
            throw InputError(file: study.file, line: propose.proposerLine, field: "search.propose.model",
                             "judge '\(name.excerpt())' names no model: give the proposer's as 'model'")
        }
        return Proposer(judge: name, model: model, templates: try ProposerTemplates(directory: library.directory, kinds: propose.kinds))
    }

    /// The candidates (duplicates by name dropped, the first kept) and the baseline.
    static func variants(_ drawn: [Candidate], study: Study, spec: SearchSpec, library: TemplateLibrary, pool: [Pair],
                         hardIDs: [String: [String]]) throws -> ([Variant], Variant) {
        var factory = VariantFactory(study: study, library: library, pool: pool)
        factory.hardIDs = hardIDs
        var seen = Set<String>()
        var candidates: [Variant] = []
        for candidate in drawn {
            for variant in try factory.make(candidate.spec, exampleSeed: candidate.exampleSeed, draw: candidate.draw, unique: false)
            where seen.insert(variant.name).inserted {
                candidates.append(variant)
            }
        }
        var baselineSpec = spec.baseline ?? Study.VariantSpec(name: nil, baseline: nil, template: spec.templates[0], shots: 0, selection: .balanced, rubric: nil,
                                                              order: spec.orders[0], model: nil, temperature: spec.temperatures[0], maxTokens: spec.maxTokens,
                                                              line: spec.line, field: "search.baseline")
        if spec.baseline == nil {
            baselineSpec.judge = spec.judges[0]
            baselineSpec.output = spec.outputs[0]
        }
        guard let baseline = try factory.make(baselineSpec, exampleSeed: spec.seed, unique: false).first else {
            throw InputError(file: study.file, line: spec.line, field: "search.baseline", "the baseline makes no variant")
        }
        return (candidates, baseline)
    }

    /// The candidates with their `hard` examples, once the probe has found them.
    public func candidates(hardIDs: [String: [String]]) throws -> [Variant] {
        try Self.variants(drawn, study: study, spec: spec, library: library, pool: split.pool, hardIDs: hardIDs).0
    }

    /// The zero-shot probe of each template that has `hard` candidates: free output, original
    /// order, the template's temperature, the space's first judge.
    public func probes() throws -> [Variant] {
        var factory = VariantFactory(study: study, library: library, pool: split.pool)
        return try probeTemplates.flatMap { template in
            var spec = Study.VariantSpec(name: "probe.\(template)", baseline: nil, template: template, shots: 0, selection: .balanced, rubric: nil,
                                         order: .original, model: nil, temperature: nil, maxTokens: self.spec.maxTokens, line: self.spec.line, field: "search.space")
            spec.judge = self.spec.judges[0]
            return try factory.make(spec, unique: false)
        }
    }

    /// The pool items a probe of `template` is judged on: those the template may show.
    public func probeItems(_ template: String) -> [Pair] {
        let allowsTie = library.templates[template]?.allowsTie ?? true
        return allowsTie ? split.pool : split.pool.filter { $0.humanVerdict() != .tie }
    }

    /// A study plan over `variants` and `items`: what run settings, study records and run ids are made from.
    public func studyPlan(variants: [Variant], items: [Pair]) -> StudyPlan {
        StudyPlan(study: study, dataset: dataset, library: library, split: PoolSplit(fewShot: split.pool, evaluation: items), items: items, variants: variants)
    }

    /// The most the search can judge: the probe of the pool, every candidate on every dev item,
    /// and the finalists and baseline on the test split; the judgment budget caps it.
    public var maximumJudgments: (probe: Int, race: Int, confirmation: Int, total: Int) {
        let probe = probeTemplates.reduce(0) { $0 + probeItems($1).count }
        // Each proposal is judged on every dev item at most, in as many orders as a candidate has.
        let proposals = spec.proposals + (spec.propose?.total ?? 0)
        let race = (candidates.reduce(0) { $0 + $1.order.orders.count } + proposals * (candidates.map(\.order.orders.count).max() ?? 1)) * split.dev.count
        let finalists = candidates.map(\.order.orders.count).sorted(by: >).prefix(spec.finalists).reduce(0, +)
        let confirmation = (finalists + baseline.order.orders.count) * split.test.count
        let total = probe + race + confirmation
        return (probe, race, confirmation, spec.maxJudgments.map { min($0, total) } ?? total)
    }

    /// Judging every candidate on every dev item: what the race saves against.
    public var fullGridJudgments: Int { candidates.reduce(0) { $0 + $1.order.orders.count } * split.dev.count }
}
