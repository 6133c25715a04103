// `judgelab simulate`: how often the search picks a prompt within a point of the best, and
// what it spends, on a simulated judge whose prompts' qualities are known.
import ArgumentParser
import Foundation
import JudgeLab
import JudgeLabTesting

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Measure the search on seeded trials with a simulated judge: pick quality and spend, racing against the full grid.",
        discussion: """
        Each trial writes synthetic items and a study with a `search:` space of 32 candidates, and \
        runs `judgelab optimize`'s search through the runner with an in-process simulated judge \
        whose prompts' qualities are hidden from it (see SimulatedJudge). --write-trial writes one \
        trial's files for a run over HTTP against the test server's --simulate mode; --score \
        scores such a run's folder.
        """)

    @Option(help: "How many trials.") var trials = 200
    @Option(help: "The first trial's seed; trial i has seed first + i.") var firstSeed: UInt64 = 1
    @Option(help: "race, full_grid or both.") var strategy = "both"
    @Option(help: "Where the trials' files go.") var work = ".build/simulate"
    @Option(help: "Write every trial's outcome here as JSON lines.") var json: String?
    @Option(help: "Write one trial's data and study into this folder, for a run over HTTP, and stop.") var writeTrial: String?
    @Option(help: "With --write-trial: the simulated endpoint's base URL.") var baseURL = "http://127.0.0.1:9/v1"
    @Option(help: "Score the optimize folder of a trial written with --write-trial (give its study with --study).") var score: String?
    @Option(help: "With --score: the trial's study.") var study: String?
    @Option(help: "With --write-trial and --score: the trial's seed.") var seed: UInt64 = 1
    @Option(help: "Dev items per trial.") var dev = OptimizeSimulation.Setup().dev
    @Option(help: "Dev items in the first round.") var firstRound = OptimizeSimulation.Setup().firstRound
    @Option(help: "Dev items added each round.") var growth = OptimizeSimulation.Setup().growth
    @Option(help: "The race's alpha.") var alpha = OptimizeSimulation.Setup().alpha
    @Option(help: "The race's indifference zone.") var indifference = OptimizeSimulation.Setup().indifference
    @Option(help: "search (racing against the full grid), proposals (rubrics written during the search, in a world where criteria matter) or budget (halving and significance at 30% of the full grid against the full grid).")
    var experiment = "search"
    @Option(help: "With --experiment proposals or budget: the dev sizes, comma-separated.") var sizes = "100,300,1000"
    @Option(help: "With --experiment proposals: the racing mode, significance, halving or auto (the default for the dev size).") var racing = "significance"

    func run() async throws {
        try await reportingInputErrorsAsync {
            var setup = OptimizeSimulation.Setup()
            setup.dev = dev
            setup.firstRound = firstRound
            setup.growth = growth
            setup.alpha = alpha
            setup.indifference = indifference
            let templates = try TemplateLibrary.locateShipped()
            if experiment != "search" {
                try await runExperiment(templates: templates)
                return
            }
            if let writeTrial {
                print(try OptimizeSimulation.writeTrial(seed: seed, setup: setup, directory: writeTrial, baseURL: baseURL, templates: templates))
                return
            }
            if let score {
                guard let study else { throw ValidationError("--score needs the trial's --study") }
                let plan = try OptimizePlan(study: try Study.load(path: study))
                let summary = try OptimizeSummary.load(path: RunLayout(directory: score).searchSummary)
                let trial = try OptimizeSimulation.score(plan: plan, summary: summary, seed: seed, strategy: .race, setup: setup)
                print(Self.describe(trial))
                print(Self.json(trial).compactText)
                return
            }
            let strategies: [OptimizeSimulation.Strategy] = strategy == "both" ? [.race, .fullGrid] : try [OptimizeSimulation.Strategy(rawValue: strategy)
                ?? { throw ValidationError("--strategy: race, full_grid or both") }()]
            var lines = ""
            var outcomes: [OptimizeSimulation.Strategy: [OptimizeSimulation.Trial]] = [:]
            let started = Date()
            for i in 0..<trials {
                let seed = firstSeed + UInt64(i)
                for strategy in strategies {
                    let trial = try await OptimizeSimulation.run(seed: seed, setup: setup, strategy: strategy,
                                                                 directory: FilePath.join(work, "trial-\(seed)-\(strategy.rawValue)"), templates: templates)
                    outcomes[strategy, default: []].append(trial)
                    lines += Self.json(trial).compactText + "\n"
                }
                try? FileManager.default.removeItem(atPath: FilePath.join(work, "trial-\(seed)-race"))
                try? FileManager.default.removeItem(atPath: FilePath.join(work, "trial-\(seed)-full_grid"))
                if (i + 1) % 10 == 0 {
                    FileHandle.standardError.write(Data(String(format: "%d/%d trials, %.0f s\n", i + 1, trials, Date().timeIntervalSince(started)).utf8))
                }
            }
            if let json { try AtomicFile.write(lines, to: json) }
            for strategy in strategies {
                let list = outcomes[strategy] ?? []
                let within = list.count { $0.withinOnePoint }
                let best = list.count { $0.winnerRank == 1 }
                let judged = list.reduce(0) { $0 + $1.raceJudgments }, grid = list.reduce(0) { $0 + $1.fullGridJudgments }
                let gap = list.map { $0.bestAgreement - $0.winnerAgreement }
                print(String(format: "%@: %d trials; winner within 1 point of the true best in %d (%.1f%%), the true best in %d (%.1f%%); mean gap %.2f points, worst %.2f; dev judgments %d of the full grid's %d (%.1f%%)",
                             strategy.rawValue, list.count, within, 100 * Double(within) / Double(max(1, list.count)), best, 100 * Double(best) / Double(max(1, list.count)),
                             100 * gap.reduce(0, +) / Double(max(1, gap.count)), 100 * (gap.max() ?? 0), judged, grid, 100 * Double(judged) / Double(max(1, grid))))
            }
        }
    }

    /// Issue 29's experiments: each dev size's trials, a summary line each.
    func runExperiment(templates: String) async throws {
        let devSizes = try sizes.split(separator: ",").map { text -> Int in
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n > 0 else { throw ValidationError("--sizes: whole numbers, comma-separated") }
            return n
        }
        guard experiment == "proposals" || experiment == "budget" else { throw ValidationError("--experiment: search, proposals or budget") }
        var lines = ""
        var summaries: [String] = []
        let started = Date()
        for dev in devSizes {
            var proposalTrials: [ProposalSimulation.Trial] = []
            var budgetTrials: [ProposalSimulation.BudgetTrial] = []
            for i in 0..<trials {
                let seed = firstSeed + UInt64(i)
                let directory = FilePath.join(work, "\(experiment)-\(dev)-\(seed)")
                if experiment == "proposals" {
                    guard racing == "auto" || RacingMode(rawValue: racing) != nil else { throw ValidationError("--racing: significance, halving or auto") }
                    let trial = try await ProposalSimulation.run(seed: seed, dev: dev, mode: RacingMode(rawValue: racing), directory: directory, templates: templates)
                    proposalTrials.append(trial)
                    lines += ProposalSimulation.json(trial).compactText + "\n"
                } else {
                    for strategy in ProposalSimulation.BudgetStrategy.allCases {
                        let trial = try await ProposalSimulation.budgetTrial(seed: seed, dev: dev, strategy: strategy, directory: directory + "-" + strategy.rawValue, templates: templates)
                        budgetTrials.append(trial)
                        lines += ProposalSimulation.json(trial).compactText + "\n"
                        try? FileManager.default.removeItem(atPath: directory + "-" + strategy.rawValue)
                    }
                }
                try? FileManager.default.removeItem(atPath: directory)
                if (i + 1) % 10 == 0 {
                    FileHandle.standardError.write(Data(String(format: "dev %d: %d/%d trials, %.0f s\n", dev, i + 1, trials, Date().timeIntervalSince(started)).utf8))
                }
            }
            let summary = experiment == "proposals" ? ProposalSimulation.summary(proposalTrials) : ProposalSimulation.budgetSummary(budgetTrials)
            print(summary)
            fflush(nil)
            summaries.append(summary)
            if let json { try AtomicFile.write(lines, to: json) }
        }
    }

    static func json(_ t: OptimizeSimulation.Trial) -> JSONValue {
        .object([("seed", .number(Double(t.seed))), ("strategy", .string(t.strategy.rawValue)), ("winner", .string(t.winner)),
                 ("winner_agreement", .number(t.winnerAgreement)), ("best_agreement", .number(t.bestAgreement)), ("winner_rank", .number(Double(t.winnerRank))),
                 ("within_one_point", .bool(t.withinOnePoint)), ("race_judgments", .number(Double(t.raceJudgments))),
                 ("full_grid_judgments", .number(Double(t.fullGridJudgments))), ("rounds", .number(Double(t.rounds))), ("stop", .string(t.stop)),
                 ("candidates", .number(Double(t.candidates)))])
    }

    static func describe(_ t: OptimizeSimulation.Trial) -> String {
        String(format: "trial %llu: winner %@ (true agreement %.2f%%, rank %d of %d; the best %.2f%%): %@ 1 point; %d of %d dev judgments (%.1f%%), stopped: %@",
               t.seed, t.winner, 100 * t.winnerAgreement, t.winnerRank, t.candidates, 100 * t.bestAgreement, t.withinOnePoint ? "within" : "not within",
               t.raceJudgments, t.fullGridJudgments, 100 * t.share, t.stop)
    }
}
