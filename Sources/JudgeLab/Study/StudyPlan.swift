// A study resolved against its data and templates: the pools, the sample and the variants.
import Foundation

/// Everything a study will judge: what `preview`, `variants`, `estimate` and `run` work from.
public struct StudyPlan: Sendable {
    public var study: Study
    public var dataset: Dataset
    public var library: TemplateLibrary
    public var split: PoolSplit
    /// The evaluated items, the same for every variant, in data set order.
    public var items: [Pair]
    /// The stratified sample behind `items`, when the study asks for one.
    public var sample: Sample?
    public var variants: [Variant]
    /// With cascades: the sampled items their thresholds are fitted on (judged by every stage)
    /// and those their figures are read on, both in data set order.
    public var calibration: (calibration: [Pair], evaluated: [Pair])?

    public init(study: Study, templatesFallback: String? = nil) throws {
        self.study = study
        (dataset, library, split) = try Self.inputs(of: study, templatesFallback: templatesFallback)
        if let allocation = study.sampleAllocation {
            // The few-shot pool is removed before sampling.
            let drawn = try Sampler.draw(split.evaluation, by: study.sampleBy, allocation: allocation, seed: study.sampleSeed)
            let chosen = Set(drawn.ids)
            items = split.evaluation.filter { chosen.contains($0.id) }
            sample = drawn
        } else {
            items = Array(split.evaluation.prefix(study.sampleFirst ?? .max))
            sample = nil
        }
        guard !items.isEmpty else { throw InputError(file: study.file, field: "sample", "no items left to evaluate after the few-shot pool is taken out") }

        guard !study.variants.isEmpty else {
            throw InputError(file: study.file, field: "variants", "the study has a 'search' but no 'variants': `judgelab optimize` searches it; `run` needs variants")
        }
        var factory = VariantFactory(study: study, library: library, pool: split.fewShot)
        var variants: [Variant] = []
        for spec in study.variants { variants += try factory.make(spec) }
        guard variants.count <= study.maxVariants else {
            throw InputError(file: study.file, field: "variants", "\(variants.count) variants with every judge's models, more than max_variants (\(study.maxVariants))")
        }
        self.variants = variants
        // The pools never overlap: no evaluated item is ever an example.
        if let (example, variant) = Self.leak(items: items, variants: variants) {
            throw InputError(file: study.file, field: "split", "item '\(example.id.excerpt())' is both an example of \(variant.name) and evaluated (by its id or its content)")
        }
        try checkJuries()
        try checkCascades()
    }

    /// Each jury's members are variants of the study that give the same kind of verdict, on pairs.
    func checkJuries() throws {
        for jury in study.juries {
            if variants.contains(where: { $0.name == jury.name }) {
                throw InputError(file: study.file, line: jury.line, field: jury.field + ".name", "jury '\(jury.name.excerpt())' has a variant's name: give it its own")
            }
            var kind: OutputKind?
            for (k, member) in jury.members.enumerated() {
                let field = jury.field + ".members[\(k)]"
                guard let variant = variants.first(where: { $0.name == member }) else {
                    throw InputError(file: study.file, line: jury.line, field: field, "no variant named '\(member.excerpt())' (a member is one of the study's variants, by name: see `judgelab variants`)")
                }
                guard !variant.template.isPointwise else {
                    throw InputError(file: study.file, line: jury.line, field: field, "member '\(member.excerpt())' scores answers one at a time: a jury sits on pairs (pointwise juries are not supported yet)")
                }
                let memberKind = variant.template.parser.kind
                if let kind, kind != memberKind {
                    throw InputError(file: study.file, line: jury.line, field: field, "member '\(member.excerpt())' gives \(memberKind.rawValue)s where the others give \(kind.rawValue)s: a jury combines one kind (a majority of choices, or a mean of scores)")
                }
                kind = memberKind
            }
        }
    }

    /// Each cascade's stages are variants with a confidence; a fitted cascade's calibration split
    /// can fit a threshold.
    mutating func checkCascades() throws {
        guard !study.cascades.isEmpty else {
            if study.calibration != nil {
                throw InputError(file: study.file, line: study.calibrationLine, field: "calibration", "a calibration split without 'cascades' to fit: add cascades, or leave 'calibration' out")
            }
            return
        }
        let split = try (study.calibration ?? CalibrationSpec()).split(items, file: study.file)
        calibration = split
        for cascade in study.cascades {
            for (k, stage) in cascade.stages.enumerated() {
                let field = cascade.field + ".stages[\(k)]"
                let jury = study.juries.first { $0.name == stage }
                let juryVariants = jury.map { j in variants.filter { j.members.contains($0.name) } }
                guard let variant = variants.first(where: { $0.name == stage }) ?? juryVariants?.first else {
                    throw InputError(file: study.file, line: cascade.line, field: field, "no variant or jury named '\(stage.excerpt())' (a stage is one of the study's variants or juries, by name: see `judgelab variants`)")
                }
                // A jury's confidence is its two orders' agreement: every member judges both.
                guard juryVariants.map({ $0.allSatisfy { $0.order == .both } }) ?? variant.hasConfidence else {
                    throw InputError(file: study.file, line: cascade.line, field: field,
                                     "stage '\(stage.excerpt())' has no confidence to keep items by: judge it in both orders (order: both), read its verdict from logprobs (verdict: logprobs), or score answers one at a time (a pointwise template)")
                }
            }
            if cascade.judging == .reached {
                for (k, stage) in cascade.stages.enumerated() where k > 0 {
                    guard let variant = variants.first(where: { $0.name == stage }),
                          study.judges.first(where: { $0.name == variant.judge })?.mode == .batch else { continue }
                    throw InputError(file: study.file, line: cascade.line, field: cascade.field + ".stages[\(k)]",
                                     "stage '\(stage.excerpt())' is judged only on the items that reach it, one round after another, and its judge goes through a batch API: give the cascade `judging: all`, or the judge `mode: sync`")
                }
            }
            if cascade.isFitted, split.calibration.count < cascade.calibrationNeeded {
                throw InputError(file: study.file, line: study.calibrationLine ?? cascade.line, field: study.calibration == nil ? cascade.field : "calibration.share",
                                 "a calibration split of \(split.calibration.count) items cannot fit any threshold of cascade '\(cascade.name.excerpt())': at α = \(cascade.alpha), δ = \(cascade.delta) and \(cascade.stages.count) stage(s) it needs at least \(cascade.calibrationNeeded) calibration items (sample more items, or give calibration a larger share)")
            }
        }
    }

    /// The first example of a variant that is also an evaluated item, by id or by content (the
    /// same question and answers under another id), with its variant; nil when none is. The
    /// splits are drawn so that this never happens: this is the guard behind them.
    public static func leak(items: [Pair], variants: [Variant]) -> (example: Pair, variant: Variant)? {
        let ids = Set(items.map(\.id)), contents = Set(items.map(PairContent.init))
        for variant in variants {
            if let example = variant.examples.first(where: { ids.contains($0.id) || contents.contains(PairContent($0)) }) { return (example, variant) }
        }
        return nil
    }

    /// The study's data set, templates and few-shot pool.
    public static func inputs(of study: Study, templatesFallback: String? = nil) throws -> (Dataset, TemplateLibrary, PoolSplit) {
        let datasetPath = study.resolve(study.datasetPath)
        guard FileManager.default.fileExists(atPath: datasetPath) else {
            throw InputError(file: study.file, line: study.datasetLine, field: "dataset", "cannot read '\(datasetPath.excerpt(200))' (does it exist?)")
        }
        let dataset = try DatasetLoader.load(path: datasetPath, format: study.datasetFormat, mapping: study.mapping)
        let templatesPath = try study.templatesPath.map(study.resolve) ?? templatesFallback ?? TemplateLibrary.locateShipped()
        let library = try TemplateLibrary(directory: templatesPath)
        let split = try PoolSplit(dataset.pairs, fraction: study.fewShotFraction, ids: study.fewShotIDs, seed: study.splitSeed, file: study.file)
        return (dataset, library, split)
    }

    /// A plan put together by hand (`judgelab optimize`'s confirmation on its test split).
    public init(study: Study, dataset: Dataset, library: TemplateLibrary, split: PoolSplit, items: [Pair], variants: [Variant]) {
        self.study = study
        self.dataset = dataset
        self.library = library
        self.split = split
        self.items = items
        self.sample = nil
        self.variants = variants
    }

    /// The judges the variants use, in the study's order, then the baselines' own.
    public var judgesUsed: [JudgeSettings] {
        let used = Set(variants.map(\.judge))
        var judges = study.judges.filter { used.contains($0.name) }
        var seen = Set(judges.map(\.name))
        for variant in variants where !seen.contains(variant.judge) {
            guard let baseline = Baseline.allCases.first(where: { $0.judgeName == variant.judge }) else { continue }
            var judge = JudgeSettings(name: variant.judge, provider: .baseline)
            judge.baseline = baseline
            judges.append(judge)
            seen.insert(variant.judge)
        }
        return judges
    }

    /// What a run says of the split before it starts: the items that repeat another's content.
    public var splitNote: String? {
        split.duplicates + split.sharing == 0 ? nil : PoolSplit.note(duplicates: split.duplicates, sharing: split.sharing)
    }

    public func variant(named name: String) throws -> Variant {
        guard let variant = variants.first(where: { $0.name == name }) else {
            throw InputError(file: study.file, field: "variant", "no variant named '\(name.excerpt())' (see `judgelab variants`)")
        }
        return variant
    }
}

/// Turns variant specs into variants: the template, rubric and judge checked, the model(s)
/// resolved, the name made and kept unique, the examples chosen from the pool.
public struct VariantFactory {
    public let study: Study
    public let library: TemplateLibrary
    public let pool: [Pair]
    /// For `hard` examples: the pool items a zero-shot judge got wrong, by template.
    public var hardIDs: [String: [String]] = [:]
    private var lineOfName: [String: Int?] = [:]

    public init(study: Study, library: TemplateLibrary, pool: [Pair]) {
        self.study = study
        self.library = library
        self.pool = pool
    }

    /// - Parameters:
    ///   - exampleSeed: the examples' draw (default: the split's seed).
    ///   - draw: a search's draw number, shown in the default name.
    ///   - unique: a name made twice is an error (a study's variants); otherwise the caller sorts it out.
    public mutating func make(_ spec: Study.VariantSpec, exampleSeed: UInt64? = nil, draw: Int? = nil, unique: Bool = true) throws -> [Variant] {
        var variants: [Variant] = []
        let judges = Dictionary(study.judges.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let severalJudges = study.judges.count > 1
        let template = try library.template(named: spec.template, file: study.file, line: spec.line, field: spec.field + ".template")
        if let rubric = spec.rubric, spec.rubricText == nil, library.rubrics[rubric] == nil {
            throw InputError(file: study.file, line: spec.line, field: spec.field + ".rubric",
                             "unknown rubric '\(rubric.excerpt())' (available: none, \(library.rubricNames.joined(separator: ", ")))")
        }
        // Who answers: a baseline's own judge, the judge named, or the study's only judge.
        var judge: JudgeSettings
        if let baseline = spec.baseline {
            judge = JudgeSettings(name: baseline.judgeName, provider: .baseline)
            judge.baseline = baseline
            judge.model = "baseline"
        } else if let name = spec.judge {
            guard let named = judges[name] else {
                throw InputError(file: study.file, line: spec.line, field: spec.field + ".judge",
                                 "unknown judge '\(name.excerpt())' (the study's judges: \(study.judges.map(\.name).joined(separator: ", ")))")
            }
            judge = named
        } else if study.judges.count == 1 {
            judge = study.judges[0]
        } else {
            throw InputError(file: study.file, line: spec.line, field: spec.field + ".judge",
                             "the study has \(study.judges.count) judges (\(study.judges.map(\.name).joined(separator: ", "))): name one with 'judge'")
        }
        if spec.output == .jsonSchema, template.replySchema == nil {
            throw InputError(file: study.file, line: spec.line, field: spec.field + ".output",
                             "template '\(template.name.excerpt())' declares no reply schema (schema.json): it cannot be asked for json_schema output")
        }
        if spec.reason != nil, let schema = template.replySchema, ReplySchema.reasonPlacement(of: schema) == nil {
            throw InputError(file: study.file, line: spec.reasonLine ?? spec.line, field: spec.field + ".reason",
                             "template '\(template.name.excerpt())' has no 'reason' in its reply schema: nothing to place")
        }
        if spec.output == .jsonSchema, judge.provider.isLocal {
            throw InputError(file: study.file, line: spec.line, field: spec.field + ".output",
                             "judge '\(judge.name.excerpt())' answers in the process: json_schema output needs a model endpoint")
        }
        if spec.verdict == .logprobs, !judge.provider.returnsLogprobs {
            throw InputError(file: study.file, line: spec.line, field: spec.field + ".verdict",
                             "judge '\(judge.name.excerpt())' (\(judge.provider.rawValue)) returns no token log probabilities: verdict: logprobs needs an OpenAI-compatible endpoint (provider openai)")
        }
        if let reason = judge.provider.cannotServe(template) {
            throw InputError(file: study.file, line: spec.line, field: spec.field + ".judge", "judge '\(judge.name.excerpt())': \(reason)")
        }
        // A pointwise template judges each answer alone, whatever order the spec asks for.
        let order = template.isPointwise ? OrderPolicy.pointwise : spec.order
        if let scale = template.scale, spec.verdict == .logprobs, !(scale.lowerBound >= 0 && scale.upperBound <= 9) {
            throw InputError(file: study.file, line: spec.line, field: spec.field + ".verdict",
                             "template '\(template.name.excerpt())' scores \(scale.lowerBound.shortText)..\(scale.upperBound.shortText): an expected score is read from single-digit score tokens (a scale within 0..9, such as criterion-1to5's); use verdict: parsed")
        }
        let models = spec.model.map { [$0] } ?? judge.model.map { [$0] } ?? (judge.models.isEmpty ? (judge.provider == .replay ? ["replay"] : []) : judge.models)
        guard !models.isEmpty else {
            throw InputError(file: study.file, line: spec.line, field: spec.field + ".model", "no model: name one here or as the model of judge '\(judge.name.excerpt())'")
        }
        let samples = spec.samples ?? 1
        if samples > 1, template.isPointwise {
            throw InputError(file: study.file, line: spec.samplesLine ?? spec.line, field: spec.field + ".samples",
                             "template '\(template.name.excerpt())' scores answers one at a time: repeated samples are of pairs (not supported for pointwise variants yet)")
        }
        for model in models {
            let temperature = spec.temperature ?? template.temperature ?? 0
            if samples > 1, temperature <= 0 {
                throw InputError(file: study.file, line: spec.samplesLine ?? spec.line, field: spec.field + ".samples",
                                 "samples: \(samples) at temperature 0 asks for one answer \(samples) times: give the variant a temperature above 0")
            }
            let name = spec.name.map { models.count > 1 ? "\($0).\(model)" : $0 }
                ?? Variant.defaultName(template: template.name, shots: spec.shots, selection: spec.selection, rubric: spec.rubric, order: order,
                                       model: model, temperature: temperature, judge: severalJudges && spec.baseline == nil ? judge.name : nil,
                                       output: spec.output, verdict: spec.verdict, reason: spec.reason, draw: draw)
                + (spec.tieBand.map { ".tie\($0.lo.shortText)-\($0.hi.shortText)" } ?? "")
                + (spec.name == nil && samples > 1 ? ".s\(samples)" : "")
            // A grid's order axis makes one pointwise variant several times: it is judged once.
            if unique, template.isPointwise, spec.name == nil, let first = lineOfName[name], first == spec.line { continue }
            if unique, let first = lineOfName[name] {
                throw InputError(file: study.file, line: spec.line, field: spec.field,
                                 "duplicate variant name '\(name.excerpt())'\(first.map { " (first from line \($0))" } ?? "")")
            }
            lineOfName[name] = spec.line
            let examples = try FewShotSelector.choose(k: spec.shots, from: pool, selection: spec.selection,
                                                      fixedIDs: study.fewShotIDs ?? [], allowsTie: template.allowsTie,
                                                      seed: exampleSeed ?? study.splitSeed, hardIDs: hardIDs[template.name],
                                                      file: study.file, variant: name)
            var variant = Variant(name: name, template: template, shots: spec.shots, selection: spec.selection, rubric: spec.rubric,
                                  order: order, model: model, temperature: temperature,
                                  maxTokens: spec.maxTokens ?? (spec.output == .jsonSchema ? template.schemaMaxTokens : nil) ?? template.maxTokens ?? 512,
                                  examples: examples)
            variant.judge = judge.name
            variant.output = spec.output
            variant.reason = spec.reason
            variant.verdict = spec.verdict
            variant.tieBand = spec.tieBand
            variant.samples = samples
            variant.rubricText = spec.rubricText
            if spec.selection == .nearest, spec.shots > 0 {
                variant.nearest = NearestExamples(k: spec.shots, pool: template.allowsTie ? pool : pool.filter { $0.humanVerdict() != .tie })
            }
            variants.append(variant)
        }
        return variants
    }
}
