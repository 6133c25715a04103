// `judgelab demo`: the whole workbench offline, on recorded real judges and baselines.
import ArgumentParser
import Foundation
import JudgeLab

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the workbench offline on recorded real judges (LLMBar, PandaLM) and baseline judges, and publish the reports.",
        discussion: "No network and no API key: recorded outputs are replayed through the same runner, journal, parsers, metrics and reports as a live endpoint.")

    @Option(help: "The folder to write (default: Results/demo-<timestamp>).") var out: String?

    func run() async throws {
        try await reportingInputErrorsAsync {
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyyMMdd-HHmmss"
            formatter.locale = Locale(identifier: "en_US_POSIX")
            let directory = out ?? "Results/demo-\(formatter.string(from: Date()))"
            var reports: [String] = []
            for entry in try DemoStudies.write(into: directory) {
                let study = try Study.load(path: entry.studyFile)
                let plan = try StudyPlan(study: study)
                let settings = try RunSettings.from(plan: plan, environment: [:])
                let layout = RunLayout(directory: FilePath.join(directory, entry.name))
                let (summary, report, recorded) = try await StudyRun(plan: plan, settings: settings, layout: layout, runID: entry.name)
                    .execute(cancel: CancellationFlag(), progress: nil, compare: entry.comparisons, notes: entry.notes)
                print("== \(entry.name): \(plan.items.count) sampled items (stratified by human verdict, seed 1), \(recorded) judgments replayed through the runner, $0 spent")
                if let report {
                    print(Leaderboard.text(report.analysis, judges: report.judgesShown))
                    for comparison in report.comparisons { print("- " + comparison.sentence) }
                }
                if summary.failed > 0 { print("\(summary.failed) judgments had no recording: \(summary.failureReasons.keys.sorted().prefix(3).joined(separator: "; "))") }
                reports.append(layout.htmlReport)
                print("")
            }
            print("Reports (open in a browser; each folder also has report.xml and metrics.json):")
            for path in reports { print("  \(path)") }
        }
    }
}
