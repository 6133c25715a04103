// `judgelab optimize`: search a study's space of judge prompts, race the candidates on dev,
// confirm the finalists on test, and write the winner out as a study of its own.
import ArgumentParser
import Foundation
import JudgeLab

struct OptimizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Search the study's `search:` space for the judge prompt that agrees best with humans, spending a fraction of the full grid.",
        discussion: """
        Candidates are raced on a growing, stratified batch of dev items; those significantly worse \
        than the leader (McNemar's exact test, Holm across candidates) are dropped after each round. \
        The finalists and a baseline are then judged on the test split, which nothing the search \
        decides reads. Every judgment goes through the runner, its journal, cache and budget: after \
        a crash or Ctrl-C the same command continues and reaches the same decisions. Writes \
        winner.yaml, a study `judgelab run` accepts as it is. Exit status: 0 done; 1 requests failed \
        for good; 2 bad input; 3 stopped at the budget before the confirmation; 130 interrupted.
        """)

    @Argument(help: "The study file (with a `search:` section).") var study: String
    @Option(help: "The search's folder (default: Results/<study>-optimize-<hash>).") var out: String?
    @Option(parsing: .unconditional, help: "Never spend more than this many US dollars (overrides the study's budget).") var maxCost: Double?
    @Option(parsing: .unconditional, help: "How many requests at once, per judge.") var concurrency: Int?
    @Flag(help: "Say what the search would spend at most, and stop.") var estimate = false
    @Flag(help: "Neither read nor write the response cache (by default, the user's: $JUDGELAB_CACHE or ~/.cache/judgelab).") var noCache = false
    @Flag(help: "No progress output.") var quiet = false

    func run() async throws {
        var exitCode: Int32 = 0
        try await reportingInputErrorsAsync {
            exitCode = try await Self.search(study: study, out: out, maxCost: maxCost, concurrency: concurrency, estimate: estimate,
                                              quiet: quiet, noCache: noCache).status
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    /// Runs a study's search into its folder (`out`, or Results/<run id>) and publishes its
    /// reports; returns the exit status and, when the search ran, its summary and folder.
    static func search(study: String, out: String?, maxCost: Double?, concurrency: Int?, estimate: Bool,
                       quiet: Bool, noCache: Bool = false) async throws -> (status: Int32, summary: OptimizeSummary?, layout: RunLayout) {
        let loaded = try Study.load(path: study)
        let plan = try OptimizePlan(study: loaded)
        var settings = try SearchJob.settings(plan, environment: ProcessInfo.processInfo.environment)
        try settings.override(maxCost: maxCost, concurrency: concurrency, noCache: noCache)
        let runID = RunLayout.searchRunID(plan: plan, settings: settings)
        let layout = RunLayout(directory: out ?? "Results/\(runID)")
        print(try plan.describe(settings: settings))
        fflush(nil)
        if estimate { return (0, nil, layout) }

        let context = CommandContext(quiet: quiet)
        let session = try context.session(layout, settings: settings, pairs: plan.dataset.pairs, seed: loaded.sampleSeed)
        defer { session.close() }
        let events: (@Sendable (OptimizeEvent) -> Void)? = quiet ? nil : { @Sendable event in
            context.pause()
            FileHandle.standardError.write(Data((event.description + "\n").utf8))
        }
        let outcome = try await SearchJob.run(plan, runID: runID, session: session, events: events)
        context.finish()
        guard let report = outcome.report, let summary = report.optimize else {
            print("interrupted: run the same command to continue where it stopped")
            return (outcome.status, nil, layout)
        }
        if !quiet { print(Leaderboard.text(report.analysis, limit: 10, judges: report.judgesShown)) }
        print(summary.conclusion(layout: layout))
        return (outcome.status, summary, layout)
    }
}
