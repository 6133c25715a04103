// `judgelab run` and `judgelab estimate`: judge a study over HTTP, or say what that would take.
import ArgumentParser
import Foundation
import JudgeLab
import JudgeLabHTTP
import JudgeLabStore
import JudgeLabXML

/// The overrides `run` and `estimate` share.
struct RunTarget: ParsableArguments {
    @Argument(help: "The study file.") var study: String
    @Option(help: "The endpoint, overriding the base_url of the study's one judge over HTTP.") var baseURL: String?
    @Option(help: "The judge model for every variant, overriding the study (for a study of one judge).") var model: String?
    @Option(help: "The run folder (default: Results/<run-id>).") var out: String?

    func load() throws -> (StudyPlan, RunSettings, RunLayout, String) {
        var loaded = try Study.load(path: study)
        if baseURL != nil || model != nil {
            guard loaded.judges.count == 1 else {
                throw InputError(file: study, line: loaded.judgesLine, field: "judges",
                                 "--base-url and --model override a study of one judge; this one has \(loaded.judges.count) (\(loaded.judges.map(\.name).joined(separator: ", ")))")
            }
        }
        if let baseURL { loaded.judges[0].baseURL = baseURL }
        if let model {
            loaded.judges[0].model = model
            loaded.judges[0].models = []
            for i in loaded.variants.indices { loaded.variants[i].model = nil }
        }
        let plan = try StudyPlan(study: loaded)
        let settings = try RunSettings.from(plan: plan, environment: ProcessInfo.processInfo.environment)
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
    @Option(help: "How many requests at once.") var concurrency: Int?
    @Option(help: "Never spend more than this many US dollars (overrides the study's budget).") var maxCost: Double?
    @Flag(help: "Send every judge over HTTP through its provider's batch API (OpenAI, Anthropic): half price, answered within 24 hours; the same command resumes a run's batches after any stop.") var batch = false
    @Flag(help: "No progress output.") var quiet = false

    func run() async throws {
        var outcome: RunSummary?
        try await reportingInputErrorsAsync {
            var (plan, settings, layout, runID) = try target.load()
            if let concurrency {
                guard concurrency > 0 else { throw ValidationError("--concurrency must be at least 1") }
                settings.setConcurrency(concurrency)
            }
            if let maxCost { settings.maxCostUSD = maxCost }
            if batch { try settings.setBatchMode(file: target.study) }
            for judge in settings.httpJudges where judge.apiKey == nil && !quiet {
                FileHandle.standardError.write(Data("note: judge '\(judge.name)': $\(judge.apiKeyVariable ?? "?") is not set: sending requests to \(judge.baseURL) without an API key\n".utf8))
            }
            let cancel = CancellationFlag()
            let interrupt = Interrupt(cancel: cancel)
            let printer = ProgressPrinter(quiet: quiet)
            let (summary, report, recorded) = try await StudyRun(plan: plan, settings: settings, layout: layout, runID: runID)
                .execute(cancel: cancel, progress: quiet ? nil : printer.update)
            interrupt.stop()
            printer.finish()
            if let report, !quiet { print(Leaderboard.text(report.analysis, limit: 10, judges: report.judgesShown)) }
            print(Self.describe(summary, judgments: recorded, layout: layout))
            outcome = summary
        }
        guard let outcome else { return }
        if outcome.cancelled { throw ExitCode(130) }
        if outcome.stoppedForBudget { throw ExitCode(3) }
        if outcome.failed > 0 { throw ExitCode(1) }
    }

    static func describe(_ s: RunSummary, judgments: Int, layout: RunLayout) -> String {
        var lines = ["\(judgments) of \(s.total) judgments recorded in \(layout.directory) (report: \(layout.htmlReport)) " +
                     "(\(s.answeredBefore) before this run, \(s.fromCache) from the cache, \(s.answered) answered now; " +
                     "\(s.requestsSent) HTTP requests, \(s.retries) retries, $\(String(format: "%.4f", s.paidUSD)) spent in all; " +
                     String(format: "judged in %.2f s wall, %.3f s CPU)", s.seconds, s.cpuSeconds)]
        if s.batchesCreated > 0 || s.ignoredResults > 0 {
            lines.append("\(s.batchesCreated) batches created" + (s.ignoredResults > 0 ? "; \(s.ignoredResults) batch results ignored (for no request of their batch: sent again)" : ""))
        }
        if s.failed > 0 {
            lines.append("\(s.failed) requests failed for good; run the same command again to retry them:")
            lines += s.failureReasons.sorted { $0.value > $1.value }.prefix(5).map { "  \($0.value) × \($0.key)" }
        }
        if s.stoppedForBudget {
            lines.append("stopped at the budget: the next request could have taken the spend past the cap; raise --max-cost and run the same command to continue")
        }
        if s.cancelled { lines.append("interrupted: run the same command to continue where it stopped") }
        return lines.joined(separator: "\n")
    }
}

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Say how many requests, tokens and dollars a run still needs, before anything is spent.")

    @OptionGroup var target: RunTarget
    @Flag(help: "Estimate a run with --batch (through the providers' batch APIs).") var batch = false

    func run() throws {
        try reportingInputErrors {
            var (plan, settings, layout, _) = try target.load()
            if batch { try settings.setBatchMode(file: target.study) }
            let tasks = try Runner.tasks(for: plan, settings: settings)
            let manager = FileManager.default
            // Read only what exists: an estimate creates no run folder.
            let store: SQLiteRunStore? = manager.fileExists(atPath: layout.sharedCache) || manager.fileExists(atPath: layout.store)
                ? try SQLiteRunStore(runPath: manager.fileExists(atPath: layout.store) ? layout.store : ":memory:",
                                     cachePath: manager.fileExists(atPath: layout.sharedCache) ? layout.sharedCache : ":memory:")
                : nil
            let (answered, cached, toSend) = try Runner.estimate(tasks, store: store)
            let input = toSend.reduce(0) { $0 + $1.request.estimatedInputTokens }
            let output = toSend.reduce(0) { $0 + $1.request.maxTokens }
            var rows = [
                ["judgments", "\(tasks.count) (\(plan.variants.count) variants × \(plan.items.count) items × their orders)"],
                ["answered before", "\(answered)"],
                ["from the cache", "\(cached)"],
                ["requests to send", "\(toSend.count) (before retries)"],
                ["input tokens", "about \(input) (UTF-8 bytes / 4)"],
                ["output tokens", "at most \(output)"],
            ]
            // Both prices for the judges with a batch API: one request at a time, and through the
            // provider's batch API (half price, within 24 hours). The run's own mode comes first.
            let judgeOf = Dictionary(settings.judges.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            func dollars(batch: Bool) -> String {
                var input = 0.0, maximum = 0.0
                var unpriced = Set<String>()
                for task in toSend {
                    guard let judge = judgeOf[task.judge], !judge.kind.isLocal else { continue }
                    let useBatch = batch && judge.kind.hasBatchAPI
                    guard let price = useBatch ? settings.prices.batchPrice(of: task.request.model) : settings.prices.price(of: task.request.model) else {
                        unpriced.insert(task.request.model)
                        continue
                    }
                    input += Double(task.request.estimatedInputTokens) * price.input / 1_000_000
                    maximum += price.maximumCost(inputTokens: task.request.estimatedInputTokens, maxOutputTokens: task.request.maxTokens)
                }
                return String(format: "$%.4f to $%.4f (input only, to every output token used)", input, maximum)
                    + (unpriced.isEmpty ? "" : "; no \(batch ? "batch " : "")price for \(unpriced.sorted().joined(separator: ", "))")
            }
            let batchMode = !settings.batchJudges.isEmpty
            let hasBatchAPI = settings.judges.contains { $0.kind.hasBatchAPI }
            let syncRow = ["dollars" + (batchMode ? ", one request at a time" : ""), dollars(batch: false)]
            let batchRow = ["dollars, batch API" + (batchMode ? " (this run)" : ""), dollars(batch: true) + " within 24 hours"]
            rows += batchMode ? [batchRow, syncRow] : hasBatchAPI ? [syncRow, batchRow] : [syncRow]
            if let cap = settings.maxCostUSD { rows.append(["budget", String(format: "$%.2f", cap)]) }
            print(TextTable.render(rows))
            // Each judge's share, when there are several: who is sent what, at what concurrency.
            if settings.judges.count > 1 {
                var perJudge = [["judge", "provider", "endpoint", "variants", "requests to send", "at most $", "concurrency"]]
                for judge in settings.judges {
                    let sending = toSend.filter { $0.judge == judge.name }
                    perJudge.append([judge.name, judge.kind.rawValue, judge.baseURL.isEmpty ? "in process" : judge.baseURL,
                                     "\(plan.variants.count { $0.judge == judge.name })", "\(sending.count)",
                                     String(format: "%.4f", sending.reduce(0.0) { $0 + ($1.maximumCost ?? 0) }), "\(judge.limits.concurrency)"])
                }
                print("")
                print(TextTable.render(perJudge, header: true))
            }
        }
    }
}

/// Turns Ctrl-C into a clean stop: the first one stops new requests, the second ends at once.
final class Interrupt: @unchecked Sendable {
    private let source: DispatchSourceSignal
    private var count = 0

    init(cancel: CancellationFlag) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in
            self.count += 1
            if self.count > 1 { exit(130) }
            cancel.set()
            FileHandle.standardError.write(Data("\nstopping: finishing the requests in flight (Ctrl-C again to quit at once)\n".utf8))
        }
        source.resume()
    }

    func stop() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}

/// Progress: a live line on a terminal, a plain line every ten seconds otherwise.
final class ProgressPrinter: @unchecked Sendable {
    private let quiet: Bool
    private let terminal = isatty(STDERR_FILENO) != 0
    private let lock = NSLock()
    private var lastPrinted = -1.0
    private var last: RunProgress?

    init(quiet: Bool) {
        self.quiet = quiet
    }

    var update: @Sendable (RunProgress) -> Void {
        { [self] progress in
            guard !quiet else { return }
            lock.withLock {
                last = progress
                guard terminal || progress.seconds - lastPrinted >= 10 || lastPrinted < 0 else { return }
                lastPrinted = progress.seconds
                let line = Self.line(progress)
                FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[2K" + line : line + "\n").utf8))
            }
        }
    }

    func finish() {
        guard !quiet else { return }
        lock.withLock {
            if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }

    static func line(_ p: RunProgress) -> String {
        let rate = p.seconds > 0 ? Double(p.done) / p.seconds : 0
        let eta = rate > 0 ? Double(p.total - p.done) / rate : 0
        return String(format: "%d/%d judgments (%.0f%%), %.1f/s, ETA %@, $%.4f spent, %d retries, %d errors",
                      p.done, p.total, p.total > 0 ? Double(p.done) / Double(p.total) * 100 : 100, rate,
                      eta > 0 ? Self.duration(eta) : "—", p.paidUSD, p.retries, p.failed)
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.0fs", seconds) : String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60)
    }
}
