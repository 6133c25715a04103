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

    public init(study: Study, templatesFallback: String? = nil) throws {
        self.study = study
        let datasetPath = study.resolve(study.datasetPath)
        guard FileManager.default.fileExists(atPath: datasetPath) else {
            throw InputError(file: study.file, line: study.datasetLine, field: "dataset", "cannot read '\(datasetPath.excerpt(200))' (does it exist?)")
        }
        dataset = try DatasetLoader.load(path: datasetPath, format: study.datasetFormat, mapping: study.mapping)
        let templatesPath = try study.templatesPath.map(study.resolve) ?? templatesFallback ?? TemplateLibrary.locateShipped()
        library = try TemplateLibrary(directory: templatesPath)
        split = try PoolSplit(dataset.pairs, fraction: study.fewShotFraction, ids: study.fewShotIDs, seed: study.splitSeed, file: study.file)
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

        var variants: [Variant] = []
        var lineOfName: [String: Int?] = [:]
        for spec in study.variants {
            let template = try library.template(named: spec.template, file: study.file, line: spec.line, field: spec.field + ".template")
            if let rubric = spec.rubric, library.rubrics[rubric] == nil {
                throw InputError(file: study.file, line: spec.line, field: spec.field + ".rubric",
                                 "unknown rubric '\(rubric.excerpt())' (available: none, \(library.rubricNames.joined(separator: ", ")))")
            }
            guard let model = spec.baseline.map({ _ in "baseline" }) ?? spec.model ?? study.judge.model ?? (study.judge.provider == "replay" ? "replay" : nil) else {
                throw InputError(file: study.file, line: spec.line, field: spec.field + ".model", "no model: name one here or as judge.model")
            }
            let temperature = spec.temperature ?? template.temperature ?? 0
            let name = spec.name ?? Variant.defaultName(template: template.name, shots: spec.shots, selection: spec.selection,
                                                        rubric: spec.rubric, order: spec.order, model: model, temperature: temperature)
            if let first = lineOfName[name] {
                throw InputError(file: study.file, line: spec.line, field: spec.field,
                                 "duplicate variant name '\(name.excerpt())'\(first.map { " (first from line \($0))" } ?? "")")
            }
            lineOfName[name] = spec.line
            let examples = try FewShotSelector.choose(k: spec.shots, from: split.fewShot, selection: spec.selection,
                                                      fixedIDs: study.fewShotIDs ?? [], allowsTie: template.allowsTie,
                                                      seed: study.splitSeed, file: study.file, variant: name)
            var variant = Variant(name: name, template: template, shots: spec.shots, selection: spec.selection, rubric: spec.rubric,
                                  order: spec.order, model: model, temperature: temperature,
                                  maxTokens: spec.maxTokens ?? template.maxTokens ?? 512, examples: examples)
            variant.source = spec.baseline.map(JudgeSource.baseline) ?? (study.judge.provider == "replay" ? .replay : .live)
            variants.append(variant)
        }
        self.variants = variants
        // The pools never overlap: no evaluated item is ever an example.
        let evaluated = Set(items.map(\.id))
        for variant in variants {
            if let overlap = variant.examples.first(where: { evaluated.contains($0.id) }) {
                throw InputError(file: study.file, field: "split", "item '\(overlap.id.excerpt())' is both an example of \(variant.name) and evaluated")
            }
        }
    }

    public func variant(named name: String) throws -> Variant {
        guard let variant = variants.first(where: { $0.name == name }) else {
            throw InputError(file: study.file, field: "variant", "no variant named '\(name.excerpt())' (see `judgelab variants`)")
        }
        return variant
    }
}
