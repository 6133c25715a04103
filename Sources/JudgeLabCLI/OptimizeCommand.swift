// `judgelab optimize`: search a study's space of judge prompts, race the candidates on dev,
// confirm the finalists on test, and write the winner out as a study of its own.
import ArgumentParser
import Foundation
import JudgeLab
import JudgeLabHTTP
import JudgeLabStore
import JudgeLabXML

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
    @Option(help: "Never spend more than this many US dollars (overrides the study's budget).") var maxCost: Double?
    @Option(help: "How many requests at once, per judge.") var concurrency: Int?
    @Flag(help: "Say what the search would spend at most, and stop.") var estimate = false
    @Flag(help: "No progress output.") var quiet = false

    func run() async throws {
        var exitCode: Int32 = 0
        try await reportingInputErrorsAsync {
            exitCode = try await Self.search(study: study, out: out, maxCost: maxCost, concurrency: concurrency, estimate: estimate, quiet: quiet).status
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    /// Runs a study's search into its folder (`out`, or Results/<run id>) and publishes its
    /// reports; returns the exit status and, when the search ran, its summary and folder.
    static func search(study: String, out: String?, maxCost: Double?, concurrency: Int?, estimate: Bool,
                       quiet: Bool) async throws -> (status: Int32, summary: OptimizeSummary?, layout: OptimizeLayout) {
            let loaded = try Study.load(path: study)
            let plan = try OptimizePlan(study: loaded)
            var settings = try RunSettings.from(plan: plan.studyPlan(variants: plan.candidates + [plan.baseline] + plan.probes(), items: plan.split.dev),
                                                environment: ProcessInfo.processInfo.environment)
            if let concurrency {
                guard concurrency > 0 else { throw ValidationError("--concurrency must be at least 1") }
                settings.setConcurrency(concurrency)
            }
            if let maxCost { settings.maxCostUSD = maxCost }
            let runID = OptimizeLayout.runID(plan: plan, settings: settings)
            let layout = OptimizeLayout(directory: out ?? "Results/\(runID)")
            print(try Self.describe(plan, settings: settings))
            fflush(nil)
            if estimate { return (0, nil, layout) }

            try FileManager.default.createDirectory(atPath: layout.directory, withIntermediateDirectories: true)
            let lock = try RunLock(path: layout.run.lock)
            defer { lock.release() }
            let store = try SQLiteRunStore(runPath: layout.run.store, cachePath: layout.run.sharedCache)
            let curl = settings.httpJudges.isEmpty ? nil : CurlTransport()
            defer { curl?.shutdown() }
            let judges = try StudyRun.judges(settings, transport: curl, pairs: plan.dataset.pairs, seed: loaded.sampleSeed)
            let cancel = CancellationFlag()
            let interrupt = Interrupt(cancel: cancel)
            let printer = ProgressPrinter(quiet: quiet)
            let update = printer.update
            let progress: (@Sendable (String, RunProgress) -> Void)? = quiet ? nil : { @Sendable (_: String, p: RunProgress) in update(p) }
            let engine = RunnerEngine(library: plan.library, settings: settings, store: store, judges: judges, file: loaded.file, cancel: cancel,
                                      progress: progress)
            let result: OptimizeResult
            do {
                let events: @Sendable (OptimizeEvent) -> Void = { event in
                    guard !quiet else { return }
                    printer.finish()
                    FileHandle.standardError.write(Data((Self.line(event) + "\n").utf8))
                }
                result = try await Optimizer(plan: plan).run(engine: engine, events: events)
            } catch is CancellationError {
                interrupt.stop()
                printer.finish()
                print("interrupted: run the same command to continue where it stopped")
                return (130, nil, layout)
            }
            interrupt.stop()
            printer.finish()
            let templates = try loaded.templatesPath.map(loaded.resolve) ?? TemplateLibrary.locateShipped()
            let report = try OptimizeOutput.write(result, plan: plan, settings: settings, layout: layout, runID: runID,
                                                  paidUSD: try store.paidUSD(), templatesPath: templates)
            try ReportPublisher.publish(report, to: layout.directory, xml: LibXML2ReportWriter())
            if !quiet { print(Leaderboard.text(report.analysis, limit: 10, judges: report.judgesShown)) }
            print(Self.conclusion(report.optimize!, layout: layout))
            return (result.confirmed ? 0 : 3, report.optimize, layout)
    }

    /// The space, the splits and the most the search can spend, before anything is spent.
    static func describe(_ plan: OptimizePlan, settings: RunSettings) throws -> String {
        let most = plan.maximumJudgments
        var rows = [
            ["space", "\(plan.space.size) candidates (\(plan.spec.templates.count) templates × \(plan.space.radices.dropFirst().map(String.init).joined(separator: " × ")))"],
            ["drawn", "\(plan.candidates.count) candidates (seed \(plan.spec.seed))"],
            ["splits", "few-shot pool \(plan.split.pool.count), dev \(plan.split.dev.count), test \(plan.split.test.count) items"],
            ["racing", "first \(plan.spec.firstRound) dev items, then \(plan.spec.growth) more a round; alpha \(plan.spec.alpha) a step (Holm), \(plan.spec.finalists) finalists"],
            ["judgments at most", "\(most.total) (probe \(most.probe), race \(most.race), confirmation \(most.confirmation)\(plan.spec.maxJudgments.map { "; budget \($0)" } ?? ""))"],
            ["full grid", "\(plan.fullGridJudgments) judgments (every candidate on every dev item)"],
        ]
        // Dollars at most: the probe, every candidate on every dev item, and the dearest
        // finalists and the baseline on test, at every output token.
        func tasks(_ variants: [Variant], _ items: [Pair]) throws -> [RunTask] {
            try Runner.tasks(variants: variants, items: items, library: plan.library, settings: settings, file: plan.study.file)
        }
        func dollars(_ tasks: [RunTask]) -> Double { tasks.reduce(0.0) { $0 + ($1.maximumCost ?? 0) } }
        let probe = try plan.probes().flatMap { try tasks([$0], plan.probeItems($0.template.name)) }
        let race = try tasks(plan.candidates, plan.split.dev)
        let finalists = try plan.candidates.map { dollars(try tasks([$0], plan.split.test)) }.sorted(by: >).prefix(plan.spec.finalists).reduce(0, +)
        let baseline = try tasks([plan.baseline], plan.split.test)
        let unpriced = Set((probe + race + baseline).filter { $0.maximumCost == nil }.map(\.request.model))
        let dearest = try plan.candidates.map { dollars(try tasks([$0], plan.split.dev)) }.max() ?? 0
        let total = dollars(probe) + dollars(race) + Double(plan.spec.proposals) * dearest + finalists + dollars(baseline)
        rows.append(["dollars at most", String(format: "$%.4f", total) + (plan.spec.proposals > 0 ? " (each proposal at the dearest candidate's cost)" : "") + (unpriced.isEmpty ? "" : " (no price for \(unpriced.sorted().joined(separator: ", ")))")
                     + (settings.maxCostUSD.map { String(format: "; budget $%.2f", $0) } ?? "")])
        return TextTable.render(rows)
    }

    static func line(_ event: OptimizeEvent) -> String {
        switch event {
        case let .probe(template, items):
            return "probe: \(template) zero-shot on \(items) pool items, to find the hard examples"
        case let .round(number, items, survivors, candidates, judgments, paid):
            return String(format: "round %d: %d dev items, %d of %d candidates left, %d judgments, $%.4f spent", number, items, survivors, candidates, judgments, paid)
        case let .dropped(name, _, e):
            return String(format: "  dropped %@: %d of %d against the leader's %d (p = %.2g < %.2g)", name, e.agreements, e.items, e.leaderAgreements, e.p, e.threshold)
        case let .proposed(name, origin):
            return "  proposed \(name): \(origin)"
        case let .confirming(variants, items):
            return "confirmation: \(variants.count) variants on \(items) test items"
        }
    }

    static func conclusion(_ s: OptimizeSummary, layout: OptimizeLayout) -> String {
        let winner = s.confirmation.first { $0.role == "winner" }
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
        var lines = [
            "winner: \(s.winner) (dev \(pct(winner?.devAgreement)), test \(pct(winner?.testAgreement))\(winner?.testCI.map { " [\(pct($0[0])), \(pct($0[1]))]" } ?? ""))",
            "race: \(s.rounds.count) rounds, stopped: \(s.stop.replacingOccurrences(of: "_", with: " ")); \(s.raceJudgments) judgments, "
                + String(format: "%.0f%% of the full grid's %d", s.raceShare * 100, s.fullGridJudgments)
                + "; \(s.probeJudgments + s.raceJudgments + s.confirmationJudgments) judgments in all, " + String(format: "$%.4f", s.paidUSD),
        ]
        if let t = s.winnerAgainstBaseline { lines.append("on test: \(t.sentence)") }
        if !s.confirmed { lines.append("stopped at the budget before the confirmation was complete: raise --max-cost and run the same command to continue") }
        lines.append("wrote \(layout.winnerStudy) (run it with `judgelab run \(layout.winnerStudy)`), \(layout.summary), \(layout.run.htmlReport)")
        return lines.joined(separator: "\n")
    }
}
