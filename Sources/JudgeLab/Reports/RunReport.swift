// Everything a report shows about a run, gathered from its folder.
import Foundation

/// A run's facts for its reports: the analysis, the head-to-head test, each variant's prompt and
/// settings, and the items behind the disagreements.
public struct RunReport: Sendable {
    public struct VariantInfo: Sendable {
        /// Settings to show, in order.
        public var settings: [(name: String, value: String)]
        /// The exact messages for one item, when the run rendered them.
        public var prompt: [ChatMessage]
        public var promptItem: String?
        public var examples: [String]
    }

    public var runID: String
    public var title: String
    public var datasetSource: String
    /// The sample design in words, e.g. "stratified by verdict, seed 1: 1 10/134, tie 10/29, 2 10/146".
    public var sampleDesign: String
    public var judgeModels: [String]
    public var created: Date
    public var analysis: Analysis
    /// The best variant against the runner-up, paired on their common items.
    public var headToHead: PairedComparison?
    /// Further A/B comparisons asked for.
    public var comparisons: [PairedComparison]
    public var variants: [String: VariantInfo]
    public var pairs: [String: Pair]
    public var notes: [String]
    /// The judge of each variant, as the study record names it (empty for runs recorded elsewhere).
    public var judgeOfVariant: [String: String] = [:]
    /// The search behind the run, for `judgelab optimize`'s folders (optimize.json).
    public var optimize: OptimizeSummary?
    /// The study's cascades, fitted on its calibration items and read on the others (§10).
    public var cascades: [CascadeReport] = []
    /// The names of the run's juries.
    public var juries: Set<String> = []

    /// The judges, when the run had more than one: then the leaderboards name each variant's.
    public var judgesShown: [String: String] {
        Set(judgeOfVariant.values).count > 1 ? judgeOfVariant : [:]
    }

    /// What the run paid: every variant's cost, juries left out (they cost what their members did).
    public var totalCost: Double? {
        let costs = analysis.variants.filter { !juries.contains($0.variant) }.compactMap(\.costUSD)
        return costs.isEmpty ? nil : costs.reduce(0, +)
    }

    /// Reads `dataset.jsonl`, `judgments.jsonl` and (when present) `study.json` from a run folder.
    public static func load(runDirectory: String, options: AnalysisOptions = AnalysisOptions(),
                            compare extra: [(String, String)] = [], created: Date = Date()) throws -> RunReport {
        let layout = RunLayout(directory: runDirectory)
        let dataset = try DatasetLoader.load(path: layout.dataset, format: .native)
        let judgments = try JudgmentsFile.load(path: layout.judgments, items: Set(dataset.pairs.map(\.id)))
        let record = FileManager.default.fileExists(atPath: layout.studyRecord) ? try StudyRecord.load(path: layout.studyRecord) : nil
        var report = try RunReport(dataset: dataset, judgments: judgments, record: record, runID: record?.runID ?? FilePath.name(runDirectory),
                                   options: options, compare: extra, created: created)
        let search = RunLayout(directory: runDirectory).searchSummary
        if FileManager.default.fileExists(atPath: search) { report.optimize = try OptimizeSummary.load(path: search) }
        return report
    }

    public init(dataset: Dataset, judgments: [Judgment], record: StudyRecord?, runID: String, options: AnalysisOptions = AnalysisOptions(),
                compare extra: [(String, String)] = [], created: Date = Date()) throws {
        self.runID = runID
        self.created = created
        title = record?.study ?? runID
        datasetSource = record?.dataset ?? dataset.source
        var options = options
        for v in record?.variants ?? [] where options.judgeTieBands[v.name] == nil {
            if let band = v.tieBand, band.count == 2 { options.judgeTieBands[v.name] = TieBand(lo: band[0], hi: band[1]) }
        }
        for v in record?.variants ?? [] where options.judgeScales[v.name] == nil {
            if let scale = v.scale, scale.count == 2, scale[0] < scale[1] { options.judgeScales[v.name] = scale[0]...scale[1] }
        }
        // Stages judged only where a cascade reached them are read inside their cascades, not
        // ranked on the items they happened to judge.
        let partial = CascadeSpec.partialStages(record?.cascades ?? [], juries: record?.juries ?? [])
        analysis = Analysis(dataset: dataset, judgments: partial.isEmpty ? judgments : judgments.filter { !partial.contains($0.variant) }, options: options)
        pairs = dataset.index()
        notes = record?.notes ?? []
        var stageOutcomes = analysis.outcomes
        if !partial.isEmpty {
            var quick = options
            quick.bootstrapResamples = 0
            stageOutcomes.merge(Analysis(dataset: dataset, judgments: judgments.filter { partial.contains($0.variant) }, options: quick).outcomes) { a, _ in a }
        }
        cascades = CascadeReport.all(record: record, outcomes: stageOutcomes, options: options, pairs: pairs)
        juries = Set((record?.juries ?? []).map(\.name))

        var design = "all \(analysis.judgedItemCount) judged items"
        if let sample = record?.sample, !sample.strata.isEmpty {
            design = "stratified by \(sample.by ?? "verdict"), seed \(sample.seed ?? 0): "
                + sample.strata.map { stratum in
                    let label = ["1": "prefers 1", "2": "prefers 2"][stratum.name] ?? stratum.name
                    return "\(label): \(stratum.sampled) of \(stratum.population)"
                }.joined(separator: ", ")
        } else if let text = record?.sampleDesign {
            design = text
        }
        sampleDesign = design

        var infos: [String: VariantInfo] = [:]
        var models: [String] = []
        for v in record?.variants ?? [] {
            if !models.contains(v.model) { models.append(v.model) }
            if let judge = v.judge { judgeOfVariant[v.name] = judge }
            infos[v.name] = VariantInfo(settings: v.settings, prompt: v.examplePrompt?.messages.map { ChatMessage(role: $0.role, content: $0.content) } ?? [],
                                        promptItem: v.examplePrompt?.item, examples: v.examples)
        }
        variants = infos
        if models.isEmpty {
            // Imported recordings name their judge first: GPT-4/CoT.
            models = Array(Set(analysis.variants.map { v -> String in v.variant.split(separator: "/").first.map(String.init) ?? v.variant })).sorted()
        }
        judgeModels = models

        let ranked = analysis.variants
        if ranked.count >= 2, let a = analysis.outcomes[ranked[0].variant], let b = analysis.outcomes[ranked[1].variant] {
            headToHead = PairedComparison(a: ranked[0].variant, outcomesA: a, b: ranked[1].variant, outcomesB: b,
                                          bootstrapResamples: options.bootstrapResamples, seed: options.seed)
        } else {
            headToHead = nil
        }
        let analysis = self.analysis
        comparisons = try extra.map { a, b in
            guard let oa = analysis.outcomes[a] else { throw InputError(file: "compare", "no variant '\(a.excerpt())' in the run") }
            guard let ob = analysis.outcomes[b] else { throw InputError(file: "compare", "no variant '\(b.excerpt())' in the run") }
            return PairedComparison(a: a, outcomesA: oa, b: b, outcomesB: ob, bootstrapResamples: options.bootstrapResamples, seed: options.seed)
        }
    }

    /// metrics.json: the analysis, with the head-to-head test and any other comparisons.
    public var metricsJSON: JSONValue {
        var document = MetricsJSON.document(analysis, comparisons: (headToHead.map { [$0] } ?? []) + comparisons)
        if !cascades.isEmpty, case var .object(members) = document {
            let front = CascadeReport.front(cascades)
            members.append(("cascades", .array(cascades.map(\.json))))
            members.append(("cascade_pareto", .array(front.sorted().map(JSONValue.string))))
            document = .object(members)
        }
        return document
    }
}
