// Wires a study's run together: the run folder, the store, the transports and the reports.
// (The composition root: every edge meets here; the logic lives in the library.)
import Foundation
import JudgeLab
import JudgeLabHTTP
import JudgeLabStore
import JudgeLabXML

struct StudyRun {
    var plan: StudyPlan
    var settings: RunSettings
    var layout: RunLayout
    var runID: String

    /// The run's judges, each made once: those over HTTP share one libcurl transport (one event loop).
    static func judges(_ settings: RunSettings, transport: CurlTransport?, pairs: [Pair], seed: UInt64) throws -> [any Judge] {
        try settings.judges.map { judge -> any Judge in
            let recordings = try judge.recordings.map { try JudgmentsFile.load(path: $0, parser: .choice) } ?? []
            return judge.makeJudge(transport: transport!, pairs: pairs, recordings: recordings, seed: seed)
        }
    }

    /// Runs the plan into its folder and publishes the reports; returns the summary and the report.
    func execute(cancel: CancellationFlag, progress: (@Sendable (RunProgress) -> Void)?,
                 compare: [(String, String)] = [], notes: [String] = []) async throws -> (RunSummary, RunReport?, Int) {
        do {
            try FileManager.default.createDirectory(atPath: layout.directory, withIntermediateDirectories: true)
        } catch {
            throw InputError(file: layout.directory, "cannot create the run folder: \(String(cString: strerror(errno))) (\(error.localizedDescription))")
        }
        // Before anything in the folder is written: a second run of the same study stops here.
        let lock = try RunLock(path: layout.lock)
        defer { lock.release() }
        let record = try StudyRecord(plan: plan, settings: settings, runID: runID, notes: notes)
        try AtomicFile.write(String(decoding: try record.encoded(), as: UTF8.self) + "\n", to: layout.studyRecord)
        let items = RunLayout.items(of: plan)
        try AtomicFile.write(NativeFormat.text(items), to: layout.dataset)
        let store = try SQLiteRunStore(runPath: layout.store, cachePath: layout.sharedCache)
        // Tasks are made as they are needed: a batch judge's million judgments are never all in memory.
        let source = try TaskSource(plan: plan, settings: settings)
        let batchJudges = Set(settings.batchJudges.map(\.name))
        var tasks: [RunTask] = []
        for index in 0..<source.count where !batchJudges.contains(source.judge(at: index)) { tasks.append(try source.task(at: index)) }

        // The judges, each made once: those over HTTP share one libcurl transport (one event loop).
        let curl = settings.httpJudges.isEmpty ? nil : CurlTransport()
        defer { curl?.shutdown() }
        let judges = try Self.judges(settings, transport: curl, pairs: plan.dataset.pairs, seed: plan.study.sampleSeed)
        var summary = try await Runner.run(tasks, judges: judges, settings: settings, store: store, cancel: cancel, progress: progress)
        tasks = []
        for judge in settings.batchJudges where !cancel.isSet {
            guard let curl, let service = judge.kind.batchService(baseURL: judge.baseURL, apiKey: judge.apiKey, transport: curl,
                                                                   limits: judge.batch, timeout: judge.limits.timeout) else { continue }
            var context = BatchRunner.Context(store: store, folder: layout.batches)
            context.cancel = cancel
            context.progress = progress
            summary.merge(try await BatchRunner.run(source, judge: judge, service: service, settings: settings, context: context))
        }

        // What the judging freed goes back to the system before the files and reports are made.
        _ = releaseFreedMemory(0)
        var judgments = try store.judgments()
        RunLayout.ordered(&judgments, plan: plan)
        try JudgmentsFile.write(judgments, to: layout.judgments)
        guard !judgments.isEmpty else { return (summary, nil, 0) }
        // Built from what is in memory: the same items and judgments that were just written.
        let report = try RunReport(dataset: Dataset(source: plan.dataset.source, pairs: items), judgments: judgments,
                                   record: record, runID: runID, compare: compare)
        try ReportPublisher.publish(report, to: layout.directory, xml: LibXML2ReportWriter())
        return (summary, report, judgments.count)
    }
}

/// glibc's malloc_trim: freed pages handed back to the system (Swift's Glibc module leaves it out).
@_silgen_name("malloc_trim") private func releaseFreedMemory(_ pad: Int) -> Int32
