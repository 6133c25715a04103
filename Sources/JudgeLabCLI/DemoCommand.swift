// `judgelab demo`: the whole workbench offline, on recorded real judges and baselines.
import ArgumentParser
import Foundation
import JudgeLab

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the workbench offline on recorded real judges (LLMBar, PandaLM) and baseline judges, and publish the reports.",
        discussion: "No network and no API key: recorded outputs are replayed through the same runner, journal, parsers, metrics and reports as a live endpoint.")

    @Option(help: "The folder to write (default: Results/demo-<timestamp>, or Results/live-<timestamp> with --live).") var out: String?
    @Flag(help: "Judge with a real model instead: a llama.cpp server at --base-url or $JUDGELAB_LIVE_URL (`make live` starts one).")
    var live = false
    @Option(help: "With --live: the server's root URL, serving OpenAI chat completions and Anthropic Messages.") var baseURL: String?
    @Option(help: "With --live: items per human verdict (1, tie, 2), each judged in both orders by every variant.") var perStratum = 2

    func run() async throws {
        try await reportingInputErrorsAsync {
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyyMMdd-HHmmss"
            formatter.locale = Locale(identifier: "en_US_POSIX")
            let directory = out ?? "Results/\(live ? "live" : "demo")-\(formatter.string(from: Date()))"
            if live {
                try await runLive(into: directory)
                return
            }
            var reports: [String] = []
            let context = CommandContext(quiet: true)
            for entry in try DemoStudies.write(into: directory) {
                let study = try Study.load(path: entry.studyFile)
                let plan = try StudyPlan(study: study)
                let settings = try RunSettings.from(plan: plan, environment: [:])
                let layout = RunLayout(directory: FilePath.join(directory, entry.name))
                let session = try context.session(layout, settings: settings, pairs: plan.dataset.pairs, seed: study.sampleSeed)
                let outcome = try await StudyJob.run(plan, runID: entry.name, session: session, compare: entry.comparisons, notes: entry.notes)
                session.close()  // (on an error, released with the session)
                let (summary, report, recorded) = (outcome.summary, outcome.report, outcome.recorded)
                if summary.cancelled { throw ExitCode(130) }
                if entry.bothWays {
                    print("== \(entry.name): pointwise against pairwise on SummEval's expert ratings of 60 summaries (150 pairs within articles), \(recorded) judgments by baseline judges, $0 spent")
                } else {
                    print("== \(entry.name): \(plan.items.count) sampled items (stratified by human verdict, seed 1), \(recorded) judgments replayed through the runner, $0 spent")
                }
                if let report {
                    print(Leaderboard.text(report.analysis, judges: report.judgesShown))
                    for comparison in report.comparisons { print("- " + comparison.sentence) }
                    if !report.cascades.isEmpty { print(CascadeReport.text(report.cascades)) }
                }
                if entry.bothWays {
                    // What the formulations would cost with a model: requests, at a list price.
                    let model = "gpt-4o-mini"
                    for row in try DemoStudies.listPriceCost(plan, settings: settings, model: model) {
                        print(String(format: "- %@: %d requests; with %@ at its list input price, $%.4f", row.variant, row.requests, model, row.dollars))
                    }
                }
                if summary.failed > 0 { print("\(summary.failed) judgments had no recording: \(summary.failureReasons.keys.sorted().prefix(3).joined(separator: "; "))") }
                reports.append(layout.htmlReport)
                print("")
            }
            context.finish()
            // The search: the recorded configurations as the space, raced on dev, confirmed on test.
            let searchStudy = try DemoStudies.writeSearch(into: directory)
            print("== llmbar-natural-search: which recorded judge, in which answer order, agrees best with humans? Racing on dev, confirming on test, $0 spent")
            let search = try await OptimizeCommand.search(study: searchStudy, out: FilePath.join(directory, "llmbar-natural-search"),
                                                          maxCost: nil, concurrency: nil, estimate: false, quiet: true)
            if search.status != 0 { throw ExitCode(search.status) }
            reports.append(search.layout.htmlReport)
            print("")
            print("Reports (open in a browser; each folder also has report.xml and metrics.json):")
            for path in reports { print("  \(path)") }
        }
    }

    /// The live demo: SummEval pairs judged by a real model over both APIs, free and constrained.
    func runLive(into directory: String) async throws {
        guard let url = baseURL ?? ProcessInfo.processInfo.environment["JUDGELAB_LIVE_URL"], !url.isEmpty else {
            throw InputError(file: "--base-url", "demo --live needs a model server: run `make live` (it starts llama.cpp's server), or give --base-url")
        }
        guard perStratum > 0 else { throw ValidationError("--per-stratum must be at least 1") }
        let entry = try DemoStudies.writeLive(into: directory, baseURL: url, perStratum: perStratum)
        let study = try Study.load(path: entry.studyFile)
        let plan = try StudyPlan(study: study)
        // No key is read (the model server is on this machine); the answers go to the user's cache.
        var settings = try RunSettings.from(plan: plan, environment: [:])
        settings.cachePath = ResponseCache.path(study: study, environment: ProcessInfo.processInfo.environment)
        let layout = RunLayout(directory: FilePath.join(directory, entry.name))
        let context = CommandContext(quiet: false)
        let tasks = plan.items.count * plan.variants.reduce(0) { $0 + $1.order.orders.count * $1.samples }
        print("== live: \(plan.items.count) SummEval pairs (stratified by the experts' verdict), \(plan.variants.count) variants, \(tasks) judgments by a real model at \(url)")
        let session = try context.session(layout, settings: settings, pairs: plan.dataset.pairs, seed: study.sampleSeed)
        defer { session.close() }
        let outcome = try await StudyJob.run(plan, runID: entry.name, session: session, compare: entry.comparisons, notes: entry.notes)
        let (summary, report, recorded) = (outcome.summary, outcome.report, outcome.recorded)
        context.finish()
        if let report {
            print(Leaderboard.text(report.analysis, judges: report.judgesShown))
            print("")
            print("Free against constrained (output: json_schema), on the same items:")
            var rows = [["variant", "judgments", "unparsed", "parse failure rate", "agreement"]]
            for m in report.analysis.variants.sorted(by: { $0.variant < $1.variant }) {
                rows.append([m.variant, "\(m.nJudgments)", "\(m.parseFailures)",
                             Percent.text(m.parseFailureRate), Percent.text(m.agreement)])
            }
            print(TextTable.render(rows, header: true))
            for comparison in report.comparisons { print("- " + comparison.sentence) }
            // Repeated samples: how stable the model is between identical requests.
            for m in report.analysis.variants where m.flipRate != nil {
                print("- \(m.variant): \(m.nSamples ?? 0) samples; their verdicts differ within an item and order \(Percent.text(m.flipRate)) of the time (self-agreement \(Percent.text(m.selfAgreement)), vote confidence \(Percent.text(m.voteConfidence))); agreement \(Percent.text(m.agreement)) for \(m.outputTokens.map { "\($0) output tokens" } ?? "its tokens")")
            }
        }
        print(summary.describe(judgments: recorded, layout: layout))
        if summary.cancelled { throw ExitCode(130) }
        if summary.failed > 0 { throw ExitCode(1) }
        try await runLiveSearch(into: directory, url: url)
    }

    /// The live proposal round: a small search whose proposer is the model itself.
    func runLiveSearch(into directory: String, url: String) async throws {
        let study = try Study.load(path: try DemoStudies.writeLiveSearch(into: directory, baseURL: url))
        let plan = try OptimizePlan(study: study)
        var settings = try SearchJob.settings(plan, environment: [:])
        settings.cachePath = ResponseCache.path(study: study, environment: ProcessInfo.processInfo.environment)
        let layout = RunLayout(directory: FilePath.join(directory, "live-search"))
        print("")
        print("== live proposal round: SmolLM2 judges \(plan.split.dev.count) dev and \(plan.split.test.count) test SummEval pairs and writes rubrics from its own disagreements (a 135M model writes poor ones: this shows the plumbing)")
        let context = CommandContext(quiet: false)
        let session = try context.session(layout, settings: settings, pairs: plan.dataset.pairs, seed: study.sampleSeed)
        defer { session.close() }
        let events: @Sendable (OptimizeEvent) -> Void = { @Sendable event in
            context.pause()
            FileHandle.standardError.write(Data((event.description + "\n").utf8))
        }
        let outcome = try await SearchJob.run(plan, runID: "live-search", session: session, events: events)
        context.finish()
        guard let summary = outcome.report?.optimize else { throw ExitCode(outcome.status) }
        for p in summary.proposals ?? [] {
            print("- proposal \(p.number + 1) (\(p.kind), after round \(p.afterRound), from \(p.parent)): \(p.fate)")
            for line in p.diff where !line.hasPrefix("  ") { print("    " + line) }
        }
        print(summary.conclusion(layout: layout))
    }
}
