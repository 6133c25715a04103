// `judgelab label`: a variant measured on its study, then judging the pairs to label; the
// preference files and the datasheet written.
import Foundation

/// What a label run did: the datasheet (nil when it stopped before the files), and its status.
public struct LabelOutcome: Sendable {
    public var datasheet: Datasheet?
    /// 0 done, 1 requests failed for good, 3 stopped at the budget, 130 interrupted.
    public var status: Int32
}

public enum LabelJob {
    /// - Parameters:
    ///   - plan: the variant's study; `chosen` its variant.
    ///   - pairs: the pairs to label.
    ///   - messages: write prompt, chosen and rejected as chat messages (TRL's conversational form).
    public static func run(plan: StudyPlan, chosen: Variant, pairs: [Pair], ties: LabelPolicy, inconsistent: LabelPolicy,
                           messages: Bool, runID: String, session: RunSession) async throws -> LabelOutcome {
        let layout = session.layout
        // 1. The variant on its study's labelled items: what its labels are worth.
        let studyStore = try session.store(layout.labelStudyStore)
        let studyTasks = try Runner.tasks(variants: [chosen], items: plan.items, library: plan.library, settings: session.settings, file: plan.study.file)
        let measured = try await session.judge(studyTasks, into: studyStore)
        if measured.cancelled || measured.stoppedForBudget { return LabelOutcome(datasheet: nil, status: measured.exitStatus) }
        let studyJudgments = try studyStore.judgments()
        let analysis = Analysis(dataset: Dataset(source: plan.dataset.source, pairs: plan.items), judgments: studyJudgments,
                                options: { var o = AnalysisOptions(); if let band = chosen.tieBand { o.judgeTieBands[chosen.name] = band }; return o }())
        let studyLabels = PairLabel.labels(plan.items, judgments: studyJudgments, judgeBand: chosen.tieBand)

        // 2. The pairs to label.
        let store = try session.store()
        let tasks = try Runner.tasks(variants: [chosen], items: pairs, library: plan.library, settings: session.settings, file: plan.study.file)
        let summary = try await session.judge(tasks, into: store)
        if summary.cancelled || summary.stoppedForBudget { return LabelOutcome(datasheet: nil, status: summary.exitStatus) }
        let judgments = try store.judgments()
        let labels = PairLabel.labels(pairs, judgments: judgments, judgeBand: chosen.tieBand)

        // 3. The files: preferences, the policies' own files, the datasheet.
        let parts = PreferenceExport.partition(labels)
        func jsonl(_ list: [PairLabel]) -> String {
            list.map { PreferenceExport.record($0, messages: messages, variant: chosen.name, judge: chosen.judge, runID: runID).compactText + "\n" }.joined()
        }
        try AtomicFile.write(jsonl(parts.exported), to: layout.preferences)
        for (path, list, policy) in [(layout.ties, parts.ties, ties), (layout.inconsistent, parts.inconsistent, inconsistent)] {
            if policy == .separate { try AtomicFile.write(jsonl(list), to: path) } else { try? FileManager.default.removeItem(atPath: path) }
        }
        try AtomicFile.write(JudgmentsFile.text(judgments), to: layout.judgments)
        try AtomicFile.write(NativeFormat.text(pairs), to: layout.dataset)
        let datasheet = Datasheet(study: plan.study.name, variant: chosen.name, judge: chosen.judge, runID: runID, metrics: analysis.metrics(of: chosen.name),
                                  studyLabels: studyLabels, labels: labels, ties: ties, inconsistent: inconsistent)
        try AtomicFile.write(String(decoding: try datasheet.encoded(), as: UTF8.self) + "\n", to: layout.datasheet)
        try AtomicFile.write(HTMLReport.renderDatasheet(datasheet), to: layout.datasheetPage)
        return LabelOutcome(datasheet: datasheet, status: summary.failed > 0 || measured.failed > 0 ? 1 : 0)
    }
}
