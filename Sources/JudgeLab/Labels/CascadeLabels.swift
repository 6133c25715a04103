// `judgelab label --cascade`: labels from a cascade (METRICS.md §10). Its stages are judged on the
// study's labelled items, which fit the thresholds; then each pair to label goes to the first
// stage, and on to the next only when no earlier stage kept it; the kept labels are exported, the
// abstentions queued for human review, and the datasheet states the guarantee.
import Foundation

/// What a cascade's label run found.
public struct CascadeDatasheet: Codable, Sendable, Equatable {
    public struct Stage: Codable, Sendable, Equatable {
        public var name: String
        /// nil: keeps nothing.
        public var threshold: Double?
        /// Pairs to label that reached it, and those it kept.
        public var reached: Int
        public var kept: Int
    }

    public var study: String
    public var cascade: String
    public var runID: String
    public var alpha: Double?
    public var delta: Double?
    /// The labelled study items the thresholds were fitted on.
    public var calibrationItems: Int
    public var guarantee: String
    public var stages: [Stage]
    public var pairs: Int
    public var exported: Int
    public var ties: Int
    public var abstained: Int
    public var tiePolicy: String
    /// On the study's items the thresholds were fitted on (in sample, so optimistic): the share
    /// kept and their agreement with humans.
    public var studyCoverage: Double?
    public var studySelectiveAgreement: Double?

    enum CodingKeys: String, CodingKey {
        case study, cascade, runID = "run_id", alpha, delta, calibrationItems = "calibration_items", guarantee, stages, pairs, exported, ties
        case abstained, tiePolicy = "tie_policy", studyCoverage = "study_coverage", studySelectiveAgreement = "study_selective_agreement"
    }

    public func encoded() throws -> Data { try prettyJSON() }
}

public struct CascadeLabelOutcome: Sendable {
    public var datasheet: CascadeDatasheet?
    public var status: Int32
}

extension LabelJob {
    public static func runCascade(plan: StudyPlan, cascade: CascadeSpec, pairs: [Pair], ties: LabelPolicy, messages: Bool,
                                  runID: String, session: RunSession) async throws -> CascadeLabelOutcome {
        let layout = session.layout
        // Each stage's variants: itself, or a jury's members.
        let stageVariants: [[Variant]] = try cascade.stages.map { stage in
            if let jury = plan.study.juries.first(where: { $0.name == stage }) { return try jury.members.map(plan.variant(named:)) }
            return [try plan.variant(named: stage)]
        }
        var options = AnalysisOptions()
        options.bootstrapResamples = 0
        for variant in plan.variants { if let band = variant.tieBand { options.judgeTieBands[variant.name] = band } }
        func outcomes(_ items: [Pair], _ judgments: [Judgment]) -> [String: [ItemOutcome]] {
            var all = judgments
            let folded = RepeatedSamples.folded(judgments)
            for jury in plan.study.juries where cascade.stages.contains(jury.name) { all += Jury.judgments(jury, from: folded, tieBand: .standard) }
            return Analysis(dataset: Dataset(source: plan.dataset.source, pairs: items), judgments: all, options: options).outcomes
        }
        let everyVariant = stageVariants.flatMap { $0 }.reduce(into: [Variant]()) { list, v in if !list.contains(where: { $0.name == v.name }) { list.append(v) } }

        // 1. Every stage on the study's labelled items: the thresholds are fitted on all of them.
        let studyStore = try session.store(layout.labelStudyStore)
        let measured = try await session.judge(try Runner.tasks(variants: everyVariant, items: plan.items, library: plan.library, settings: session.settings, file: plan.study.file), into: studyStore)
        if measured.cancelled || measured.stoppedForBudget { return CascadeLabelOutcome(datasheet: nil, status: measured.exitStatus) }
        let studyOutcomes = outcomes(plan.items, try studyStore.judgments())
        let thresholds = CascadeReport.thresholds(cascade, outcomes: studyOutcomes, calibration: plan.items, humanBand: options.tieBand, bands: options.judgeTieBands)
        let inSample = Cascade.evaluate(stages: CascadeReport.readings(stages: cascade.stages, outcomes: studyOutcomes, items: plan.items,
                                                                       humanBand: options.tieBand, bands: options.judgeTieBands),
                                        human: plan.items.map { $0.humanVerdict(tieBand: options.tieBand) }, thresholds: thresholds)

        // 2. The pairs to label, stage by stage: each judges only the pairs no earlier stage kept.
        let store = try session.store()
        var reaching = Array(pairs.indices)
        var keptBy = [Int?](repeating: nil, count: pairs.count)
        var stages: [CascadeDatasheet.Stage] = []
        var summary = RunSummary()
        var pairOutcomes: [String: [ItemOutcome]] = [:]
        for (k, variants) in stageVariants.enumerated() {
            let items = reaching.map { pairs[$0] }
            if !items.isEmpty {
                let done = try await session.judge(try Runner.tasks(variants: variants, items: items, library: plan.library, settings: session.settings, file: plan.study.file), into: store)
                summary.merge(done)
                if done.cancelled || done.stoppedForBudget { return CascadeLabelOutcome(datasheet: nil, status: done.exitStatus) }
            }
            pairOutcomes = outcomes(pairs, try store.judgments())
            let readings = CascadeReport.readings(stages: [cascade.stages[k]], outcomes: pairOutcomes, items: pairs, humanBand: options.tieBand, bands: options.judgeTieBands)[0]
            let kept = reaching.filter { Cascade.keeps(readings[$0], thresholds[k]) }
            for index in kept { keptBy[index] = k }
            stages.append(CascadeDatasheet.Stage(name: cascade.stages[k], threshold: thresholds[k].isFinite ? thresholds[k] : nil, reached: reaching.count, kept: kept.count))
            let keptSet = Set(kept)
            reaching = reaching.filter { !keptSet.contains($0) }
        }

        // 3. The files: the kept labels, the abstentions for review, the datasheet.
        var labels: [(label: PairLabel, stage: String)] = []
        for (index, stage) in keptBy.enumerated() {
            guard let stage else { continue }
            let name = cascade.stages[stage]
            let outcome = pairOutcomes[name]?.first { $0.pair.id == pairs[index].id }
            labels.append((PairLabel(pair: pairs[index], original: outcome?.original, swapped: outcome?.swapped, judgeBand: options.judgeTieBands[name]), name))
        }
        let judgeOf = Dictionary(plan.variants.map { ($0.name, $0.judge) }, uniquingKeysWith: { a, _ in a })
        func jsonl(_ list: [(label: PairLabel, stage: String)]) -> String {
            list.map { PreferenceExport.record($0.label, messages: messages, variant: $0.stage, judge: judgeOf[$0.stage] ?? "jury", runID: runID).compactText + "\n" }.joined()
        }
        let exported = labels.filter { $0.label.verdict != nil && $0.label.verdict != .tie }
        let tied = labels.filter { $0.label.verdict == .tie }
        try AtomicFile.write(jsonl(exported), to: layout.preferences)
        if ties == .separate { try AtomicFile.write(jsonl(tied), to: layout.ties) } else { try? FileManager.default.removeItem(atPath: layout.ties) }
        let abstained = keptBy.indices.filter { keptBy[$0] == nil }.map { pairs[$0] }
        try AtomicFile.write(NativeFormat.text(abstained), to: layout.abstained)
        // Every abstention queued for review, in the data's order, its answers in a seeded order.
        var generator = SeededGenerator(seed: 1)
        let review = abstained.map { pair in
            ReviewItem(pair: pair, reason: "no stage of the cascade was confident enough", flipped: generator.next() & 1 == 1,
                       label: PairLabel(pair: pair, original: nil, swapped: nil))
        }
        let reviewLayout = RunLayout(directory: FilePath.join(layout.directory, "review"))
        try FileManager.default.createDirectory(atPath: reviewLayout.directory, withIntermediateDirectories: true)
        try AtomicFile.write(ReviewQueue.csv(review), to: reviewLayout.reviewSheet)
        try AtomicFile.write(HTMLReport.renderReview(review, title: cascade.name, runID: runID), to: reviewLayout.reviewPage)
        try AtomicFile.write(JudgmentsFile.text(try store.judgments()), to: layout.judgments)
        try AtomicFile.write(NativeFormat.text(pairs), to: layout.dataset)
        let guarantee = cascade.isFitted
            ? String(format: "With probability at least %g%%, the labels the cascade keeps agree with human labels at least %g%% of the time, for pairs drawn like the study's %d labelled items its thresholds were fitted on (fixed-sequence testing with Clopper–Pearson bounds, METRICS.md §10); the %d pairs it abstained on are queued for review.",
                     100 * (1 - cascade.delta), 100 * (1 - cascade.alpha), plan.items.count, abstained.count)
            : "Thresholds given by hand: no guarantee on the labels' agreement with humans."
        let datasheet = CascadeDatasheet(study: plan.study.name, cascade: cascade.name, runID: runID, alpha: cascade.isFitted ? cascade.alpha : nil,
                                         delta: cascade.isFitted ? cascade.delta : nil, calibrationItems: plan.items.count, guarantee: guarantee, stages: stages,
                                         pairs: pairs.count, exported: exported.count, ties: tied.count, abstained: abstained.count, tiePolicy: ties.rawValue,
                                         studyCoverage: inSample.coverage, studySelectiveAgreement: inSample.selectiveAgreement)
        try AtomicFile.write(String(decoding: try datasheet.encoded(), as: UTF8.self) + "\n", to: layout.datasheet)
        return CascadeLabelOutcome(datasheet: datasheet, status: summary.failed > 0 || measured.failed > 0 ? 1 : 0)
    }
}
