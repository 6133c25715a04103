// `judgelab run` and `judgelab estimate`: judge a study over HTTP, or say what that would take.
import ArgumentParser
import Foundation
import JudgeLab

/// The overrides `run` and `estimate` share.
struct RunTarget: ParsableArguments {
    @Argument(help: "The study file.") var study: String
    @Option(help: "The endpoint, overriding the base_url of the study's one judge over HTTP.") var baseURL: String?
    @Option(help: "The judge model for every variant, overriding the study (for a study of one judge).") var model: String?
    @Option(help: "The run folder (default: Results/<run-id>).") var out: String?
    @Flag(help: "Neither read nor write the response cache (by default, the user's: $JUDGELAB_CACHE or ~/.cache/judgelab).") var noCache = false

    func load() throws -> (StudyPlan, RunSettings, RunLayout, String) {
        var loaded = try Study.load(path: study)
        if baseURL != nil || model != nil {
            guard loaded.judges.count == 1 else {
                throw InputError(file: study, line: loaded.judgesLine, field: "judges",
                                 "--base-url and --model override a study of one judge; this one has \(loaded.judges.count) (\(loaded.judges.map(\.name).joined(separator: ", ")))")
            }
        }
        if let baseURL {
            if let problem = BaseURL.problem(baseURL) { throw InputError(file: "--base-url", problem) }
            loaded.judges[0].baseURL = baseURL
        }
        if let model {
            loaded.judges[0].model = model
            loaded.judges[0].models = []
            for i in loaded.variants.indices { loaded.variants[i].model = nil }
        }
        let plan = try StudyPlan(study: loaded)
        var settings = try RunSettings.from(plan: plan, environment: ProcessInfo.processInfo.environment)
        try settings.override(maxCost: nil, concurrency: nil, noCache: noCache)
        let runID = RunLayout.runID(plan: plan, settings: settings)
        return (plan, settings, RunLayout(directory: out ?? "Results/\(runID)"), runID)
    }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Judge every variant × item × order of a study against its endpoint, recording every answer.",
        discussion: """
        Answers are cached (an identical request is never sent twice, across runs and studies) and \
        journaled as they arrive: after a crash or Ctrl-C, the same command continues where it stopped. \
        Exit status: 0 all answered; 1 some requests failed for good (recorded with their reasons); \
        2 bad input; 3 stopped at the budget; 130 interrupted.
        """)

    @OptionGroup var target: RunTarget
    @Option(parsing: .unconditional, help: "How many requests at once.") var concurrency: Int?
    @Option(parsing: .unconditional, help: "Never spend more than this many US dollars (overrides the study's budget).") var maxCost: Double?
    @Flag(help: "Send every judge over HTTP through its provider's batch API (OpenAI, Anthropic): half price, answered within 24 hours; the same command resumes a run's batches after any stop.") var batch = false
    @Flag(help: "No progress output.") var quiet = false

    func run() async throws {
        var status: Int32 = 0
        try await reportingInputErrorsAsync {
            var (plan, settings, layout, runID) = try target.load()
            try settings.override(maxCost: maxCost, concurrency: concurrency)
            if batch { try settings.setBatchMode(file: target.study) }
            if let note = plan.splitNote, !quiet { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
            for judge in settings.httpJudges where judge.apiKey == nil && !quiet {
                FileHandle.standardError.write(Data("note: judge '\(judge.name)': $\(judge.apiKeyVariable ?? "?") is not set: sending requests to \(judge.endpointURL) without an API key\n".utf8))
            }
            let context = CommandContext(quiet: quiet)
            let session = try context.session(layout, settings: settings, pairs: plan.dataset.pairs, seed: plan.study.sampleSeed)
            defer { session.close() }
            let outcome = try await StudyJob.run(plan, runID: runID, session: session)
            context.finish()
            if let report = outcome.report, !quiet {
                print(Leaderboard.text(report.analysis, limit: 10, judges: report.judgesShown))
                if !report.cascades.isEmpty { print(CascadeReport.text(report.cascades)) }
            }
            print(outcome.summary.describe(judgments: outcome.recorded, layout: layout))
            status = outcome.summary.exitStatus
        }
        if status != 0 { throw ExitCode(status) }
    }
}
