// `judgelab label`: a study's variant judges unlabelled pairs, and the verdicts become
// preference data (TRL's DPO and reward formats) with a datasheet of their measured accuracy.
import ArgumentParser
import Foundation
import JudgeLab
import JudgeLabHTTP
import JudgeLabStore

struct LabelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Label unlabelled pairs with a study's variant: preference JSONL for DPO and reward training, and a datasheet of its accuracy.",
        discussion: """
        The variant is first judged on its study's own labelled items (from the cache when the study \
        has run), which gives the datasheet its agreement with humans and the accuracy of its labels \
        by confidence; then on every input pair, in the variant's orders. Both go through the runner, \
        its journal, cache and budget: after a crash the same command continues. Writes \
        preferences.jsonl (prompt, chosen, rejected, and each label's verdicts, consistency and \
        confidence), ties.jsonl and inconsistent.jsonl when those policies say `separate`, and \
        datasheet.json. Exit status as for `run`.
        """)

    @Argument(help: "The study the variant comes from.") var study: String
    @Option(help: "The variant (see `judgelab variants`).") var variant: String
    @Option(help: "The pairs to label: native JSONL without labels, or any format `judgelab data` reads.") var input: String
    @OptionGroup var inputOptions: DatasetInputOptions
    @Option(help: "The output folder (default: Results/<study>-label-<hash>).") var out: String?
    @Flag(help: "Write prompt, chosen and rejected as chat messages (TRL's conversational form).") var messages = false
    @Option(help: "Ties: drop, or separate (ties.jsonl).") var ties: String = "drop"
    @Option(help: "Order-inconsistent pairs: drop, or separate (inconsistent.jsonl).") var inconsistent: String = "drop"
    @Option(help: "Never spend more than this many US dollars (overrides the study's budget).") var maxCost: Double?
    @Flag(help: "No progress output.") var quiet = false

    func run() async throws {
        var code: Int32 = 0
        try await reportingInputErrorsAsync { code = try await execute() }
        if code != 0 { throw ExitCode(code) }
    }

    func execute() async throws -> Int32 {
        guard let tiePolicy = LabelPolicy(rawValue: ties) else { throw ValidationError("--ties: drop or separate") }
        guard let inconsistentPolicy = LabelPolicy(rawValue: inconsistent) else { throw ValidationError("--inconsistent: drop or separate") }
        let plan = try StudyPlan(study: try Study.load(path: study))
        let chosen = try plan.variant(named: variant)
        var mapping = try inputOptions.mapping()
        mapping.labelsOptional = true
        guard FileManager.default.fileExists(atPath: input) else { throw InputError(file: input, "cannot read the pairs to label (does the file exist?)") }
        let pairs = try DatasetLoader.load(path: input, format: inputOptions.from, mapping: mapping).pairs
        guard !pairs.isEmpty else { throw InputError(file: input, "no pairs to label") }
        let one = StudyPlan(study: plan.study, dataset: plan.dataset, library: plan.library, split: plan.split, items: plan.items, variants: [chosen])
        var settings = try RunSettings.from(plan: one, environment: ProcessInfo.processInfo.environment)
        if let maxCost { settings.maxCostUSD = maxCost }

        let runID = RunLayout.labelRunID(plan: one, settings: settings, pairs: pairs)
        let folder = out ?? "Results/\(runID)"
        let layout = RunLayout(directory: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lock = try RunLock(path: layout.lock)
        defer { lock.release() }
        let curl = settings.httpJudges.isEmpty ? nil : CurlTransport()
        defer { curl?.shutdown() }
        let judges = try StudyRun.judges(settings, transport: curl, pairs: plan.dataset.pairs + pairs, seed: plan.study.sampleSeed)
        let cancel = CancellationFlag()
        let interrupt = Interrupt(cancel: cancel)
        defer { interrupt.stop() }
        let printer = ProgressPrinter(quiet: quiet)

        // 1. The variant on its study's labelled items: what its labels are worth.
        let studyStore = try SQLiteRunStore(runPath: FilePath.join(folder, "study.sqlite"), cachePath: layout.sharedCache)
        let studyTasks = try Runner.tasks(variants: [chosen], items: plan.items, library: plan.library, settings: settings, file: plan.study.file)
        let measured = try await Runner.run(studyTasks, judges: judges, settings: settings, store: studyStore, cancel: cancel,
                                            progress: quiet ? nil : printer.update)
        printer.finish()
        if let stop = Self.stopped(measured) { return stop }
        let studyJudgments = try studyStore.entries().compactMap(\.judgment)
        let analysis = Analysis(dataset: Dataset(source: plan.dataset.source, pairs: plan.items), judgments: studyJudgments,
                                options: { var o = AnalysisOptions(); if let band = chosen.tieBand { o.judgeTieBands[chosen.name] = band }; return o }())
        let studyLabels = PairLabel.labels(plan.items, judgments: studyJudgments, judgeBand: chosen.tieBand)

        // 2. The pairs to label.
        let store = try SQLiteRunStore(runPath: layout.store, cachePath: layout.sharedCache)
        let tasks = try Runner.tasks(variants: [chosen], items: pairs, library: plan.library, settings: settings, file: plan.study.file)
        let summary = try await Runner.run(tasks, judges: judges, settings: settings, store: store, cancel: cancel, progress: quiet ? nil : printer.update)
        printer.finish()
        if let stop = Self.stopped(summary) { return stop }
        let judgments = try store.entries().compactMap(\.judgment)
        let labels = PairLabel.labels(pairs, judgments: judgments, judgeBand: chosen.tieBand)

        // 3. The files: preferences, the policies' own files, the datasheet.
        let parts = PreferenceExport.partition(labels)
        func jsonl(_ list: [PairLabel]) -> String {
            list.map { PreferenceExport.record($0, messages: messages, variant: chosen.name, judge: chosen.judge, runID: runID).compactText + "\n" }.joined()
        }
        try AtomicFile.write(jsonl(parts.exported), to: FilePath.join(folder, "preferences.jsonl"))
        for (name, list, policy) in [("ties.jsonl", parts.ties, tiePolicy), ("inconsistent.jsonl", parts.inconsistent, inconsistentPolicy)] {
            let path = FilePath.join(folder, name)
            if policy == .separate { try AtomicFile.write(jsonl(list), to: path) } else { try? FileManager.default.removeItem(atPath: path) }
        }
        try AtomicFile.write(JudgmentsFile.text(judgments), to: layout.judgments)
        try AtomicFile.write(NativeFormat.text(pairs), to: layout.dataset)
        let datasheet = Datasheet(study: plan.study.name, variant: chosen.name, judge: chosen.judge, runID: runID, metrics: analysis.metrics(of: chosen.name),
                                  studyLabels: studyLabels, labels: labels, ties: tiePolicy, inconsistent: inconsistentPolicy)
        try AtomicFile.write(String(decoding: try datasheet.encoded(), as: UTF8.self) + "\n", to: FilePath.join(folder, "datasheet.json"))
        try AtomicFile.write(HTMLReport.renderDatasheet(datasheet), to: FilePath.join(folder, "datasheet.html"))
        print(Self.describe(datasheet, folder: folder))
        return summary.failed > 0 || measured.failed > 0 ? 1 : 0
    }

    static func stopped(_ summary: RunSummary) -> Int32? {
        if summary.cancelled {
            print("interrupted: run the same command to continue where it stopped")
            return 130
        }
        if summary.stoppedForBudget {
            print("stopped at the budget: raise --max-cost and run the same command to continue")
            return 3
        }
        return nil
    }

    static func describe(_ d: Datasheet, folder: String) -> String {
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
        var lines = [
            "\(d.exported) of \(d.pairs) pairs labelled as preferences in \(folder)/preferences.jsonl "
                + "(\(d.ties) ties \(d.tiePolicy == "drop" ? "dropped" : "in ties.jsonl"), \(d.inconsistent) order-inconsistent \(d.inconsistentPolicy == "drop" ? "dropped" : "in inconsistent.jsonl"), \(d.unparsed) unparsed)",
            "\(d.variant) agrees with humans on \(pct(d.agreement))\(d.agreementCI.map { " [\(pct($0[0])), \(pct($0[1]))]" } ?? "") of its study's \(d.studyItems) items; "
                + "its exportable labels there are right \(pct(d.exportedAccuracy)) of the time",
        ]
        for band in d.bands where band.items > 0 || band.exported > 0 {
            let range = band.lo.map { String(format: "confidence %g–%g", $0, band.hi!) } ?? "no confidence"
            lines.append("  \(range): \(pct(band.accuracy)) right on \(band.items) study items; \(band.exported) exported here")
        }
        lines.append("datasheet: \(folder)/datasheet.json")
        return lines.joined(separator: "\n")
    }
}
