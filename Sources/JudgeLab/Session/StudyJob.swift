// A study's run: its plan judged into its folder, the judgments written, the reports published.
import Foundation

/// What a study's run did: the runner's summary, the report (nil when nothing was judged) and
/// the judgments recorded.
public struct StudyOutcome: Sendable {
    public var summary: RunSummary
    public var report: RunReport?
    public var recorded: Int
}

/// `judgelab run` (and the demo's studies): the study record and items written first, every
/// variant × item × order judged (batch judges through their providers' batch APIs), then
/// judgments.jsonl and the three report files.
public enum StudyJob {
    public static func run(_ plan: StudyPlan, runID: String, session: RunSession,
                           compare: [(String, String)] = [], notes: [String] = []) async throws -> StudyOutcome {
        let layout = session.layout, settings = session.settings
        let record = try StudyRecord(plan: plan, settings: settings, runID: runID, notes: notes)
        try AtomicFile.write(String(decoding: try record.encoded(), as: UTF8.self) + "\n", to: layout.studyRecord)
        let items = RunLayout.items(of: plan)
        try AtomicFile.write(NativeFormat.text(items), to: layout.dataset)
        let store = try session.store()
        // Tasks are made as they are needed: a batch judge's million judgments are never all in memory.
        let source = try TaskSource(plan: plan, settings: settings)
        let batchJudges = Set(settings.batchJudges.map(\.name))
        var tasks: [RunTask] = []
        // A later stage of a cascade judged `reached` waits for the items that reach it.
        let escalation = Escalation(plan: plan)
        for index in 0..<source.count where !batchJudges.contains(source.judge(at: index)) && !escalation.defers(source.key(at: index)) {
            tasks.append(try source.task(at: index))
        }
        // A batch judge's prompts are made as its batches are written: their sizes are checked
        // first, so that a prompt over its judge's limit stops the run before any batch is sent.
        for index in 0..<source.count where batchJudges.contains(source.judge(at: index)) { _ = try source.checkInputLimit(at: index) }
        var summary = try await session.judge(tasks, into: store)
        tasks = []
        for judge in settings.batchJudges where !session.cancel.isSet {
            guard let transport = session.transport,
                  let service = judge.provider.batchService(baseURL: judge.endpointURL, apiKey: judge.apiKey, transport: transport,
                                                        limits: judge.batch, timeout: judge.limits.timeout) else { continue }
            var context = BatchRunner.Context(store: store, folder: layout.batches)
            context.cancel = session.cancel
            context.progress = session.progress
            summary.merge(try await BatchRunner.run(source, judge: judge, service: service, settings: settings, context: context))
        }

        // Then each later stage judges the evaluated items the stages before it did not keep.
        if escalation.isNeeded && !session.cancel.isSet && !summary.stoppedForBudget {
            summary.merge(try await escalation.run(source: source, plan: plan, session: session, store: store))
        }

        // What the judging freed goes back to the system before the files and reports are made.
        _ = releaseFreedMemory(0)
        var judgments = try store.judgments()
        RunLayout.ordered(&judgments, plan: plan)
        // Juries send nothing: their judgments are their members', combined.
        let members = RepeatedSamples.folded(judgments), judged = judgments.count
        for jury in plan.study.juries { judgments += Jury.judgments(jury, from: members, tieBand: .standard) }
        try JudgmentsFile.write(judgments, to: layout.judgments)
        guard !judgments.isEmpty else { return StudyOutcome(summary: summary, report: nil, recorded: 0) }
        // Built from what is in memory: the same items and judgments that were just written.
        let report = try RunReport(dataset: Dataset(source: plan.dataset.source, pairs: items), judgments: judgments,
                                   record: record, runID: runID, compare: compare)
        try ReportPublisher.publish(report, to: layout.directory, xml: session.edges.xml)
        return StudyOutcome(summary: summary, report: report, recorded: judged)
    }
}

/// glibc's malloc_trim: freed pages handed back to the system (Swift's Glibc module leaves it out).
@_silgen_name("malloc_trim") private func releaseFreedMemory(_ pad: Int) -> Int32
