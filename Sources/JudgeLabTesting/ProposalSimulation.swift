// Issue 29's measurements, with known ground truth:
// - proposals: does a search that writes rubrics (the simulated proposer, in a world where
//   what a rubric states matters: `CriteriaWorld`) confirm a winner better than every
//   hand-written candidate, and is its dev-minus-test gap (the winner's curse) like a
//   hand-written winner's?
// - budgets: at small dev splits, how close does a fixed budget of 30% of the full grid come
//   to judging the full grid: successive halving, and significance racing under the same
//   judgment budget?
import JudgeLab
import Foundation

public enum ProposalSimulation {
    /// One trial of the proposals experiment: the same items and hand-written candidates
    /// searched twice, with proposals and without.
    public struct Trial: Sendable {
        public var seed: UInt64
        public var dev: Int
        public var winner: String
        public var winnerProposed: Bool
        /// True agreements: the proposing search's winner, the best hand-written candidate
        /// (drawn), and the winner of the search without proposals.
        public var winnerTrue: Double
        public var bestHandWritten: Double
        public var plainWinnerTrue: Double
        /// Dev and test agreement of each search's winner.
        public var winnerDev: Double
        public var winnerTest: Double
        public var plainWinnerDev: Double
        public var plainWinnerTest: Double
        public var proposals: Int
        public var raced: Int
        /// The true agreement of the best proposal made.
        public var bestProposal: Double?
        public var gain: Double { winnerTrue - bestHandWritten }
    }

    /// The proposals experiment's setup at `dev` items: 12 hand-written candidates, a 300-item
    /// test split, rounds sized to the split.
    public static func setup(dev: Int, test: Int = 300) -> OptimizeSimulation.Setup {
        var setup = OptimizeSimulation.Setup()
        setup.candidates = 12
        setup.pool = 60
        setup.dev = dev
        setup.test = test
        setup.firstRound = dev >= 1000 ? 50 : dev >= 300 ? 30 : 20
        setup.growth = setup.firstRound
        return setup
    }

    /// The proposals each search writes: rubrics and rules in turn, one after a round, eight
    /// in all, from eight of the leader's disagreements on half of dev.
    public static func propose() -> ProposeSpec {
        var spec = ProposeSpec()
        spec.kinds = [.rubric, .rules]
        spec.total = 8
        spec.perRound = 1
        spec.feedbackShare = 0.5
        return spec
    }

    /// A variant's true agreement in the trial's world, from its system message.
    static func truth(_ variant: Variant, plan: OptimizePlan, seed: UInt64, setup: OptimizeSimulation.Setup, world: CriteriaWorld) throws -> Double {
        let messages = try PromptBuilder(variant: variant, library: plan.library).messages(for: plan.split.dev[0], order: .original)
        let system = messages.first { $0.role == "system" }?.content ?? ""
        return SimulatedJudge.trueAgreement(system: system, model: variant.model, temperature: variant.temperature, salt: seed,
                                            shareOfAnswer1: setup.shareOfAnswer1, world: world)
    }

    static func search(_ study: Study, seed: UInt64, world: CriteriaWorld) async throws -> (OptimizePlan, OptimizeResult, Analysis) {
        let plan = try OptimizePlan(study: study)
        let result = try await Optimizer(plan: plan).run(engine: try OptimizeSimulation.engine(plan, seed: seed, world: world))
        return (plan, result, Analysis(dataset: Dataset(source: study.file, pairs: plan.split.test), judgments: result.testJudgments))
    }

    /// - Parameter mode: the racing mode of both searches; nil: the default for the dev size.
    public static func run(seed: UInt64, dev: Int, mode: RacingMode? = .significance, directory: String, templates: String) async throws -> Trial {
        let setup = setup(dev: dev)
        let path = try OptimizeSimulation.writeTrial(seed: seed, setup: setup, directory: directory, templates: templates)
        let world = CriteriaWorld(salt: seed)
        var plain = try Study.load(path: path)
        plain.search!.mode = mode
        var proposing = plain
        proposing.search!.propose = propose()
        let (plan, result, test) = try await search(proposing, seed: seed, world: world)
        let (plainPlan, plainResult, plainTest) = try await search(plain, seed: seed, world: world)
        let handWritten = try plan.candidates.map { try truth($0, plan: plan, seed: seed, setup: setup, world: world) }
        let winner = try require(result.candidate(result.winner))
        let plainWinner = try require(plainResult.candidate(plainResult.winner))
        let proposed = result.candidates.filter { $0.origin != nil && $0.variant.rubricText != nil }
        let proposalTruths = try proposed.map { try truth($0.variant, plan: plan, seed: seed, setup: setup, world: world) }
        return Trial(seed: seed, dev: dev, winner: result.winner, winnerProposed: winner.origin != nil,
                     winnerTrue: try truth(winner.variant, plan: plan, seed: seed, setup: setup, world: world),
                     bestHandWritten: handWritten.max() ?? 0,
                     plainWinnerTrue: try truth(plainWinner.variant, plan: plainPlan, seed: seed, setup: setup, world: world),
                     winnerDev: winner.devAgreement ?? 0, winnerTest: test.metrics(of: result.winner)?.agreement ?? 0,
                     plainWinnerDev: plainWinner.devAgreement ?? 0, plainWinnerTest: plainTest.metrics(of: plainResult.winner)?.agreement ?? 0,
                     proposals: result.proposals.count, raced: result.proposals.count { $0.candidate != nil },
                     bestProposal: proposalTruths.max())
    }

    public static func json(_ t: Trial) -> JSONValue {
        .object([("experiment", .string("proposals")), ("seed", .number(Double(t.seed))), ("dev", .number(Double(t.dev))), ("winner", .string(t.winner)),
                 ("winner_proposed", .bool(t.winnerProposed)), ("winner_true", .number(t.winnerTrue)), ("best_hand_written", .number(t.bestHandWritten)),
                 ("plain_winner_true", .number(t.plainWinnerTrue)), ("winner_dev", .number(t.winnerDev)), ("winner_test", .number(t.winnerTest)),
                 ("plain_winner_dev", .number(t.plainWinnerDev)), ("plain_winner_test", .number(t.plainWinnerTest)),
                 ("proposals", .number(Double(t.proposals))), ("raced", .number(Double(t.raced))),
                 ("best_proposal", t.bestProposal.map { .number($0) } ?? .null)])
    }

    /// The proposals experiment's lines for one dev size.
    public static func summary(_ trials: [Trial]) -> String {
        guard let dev = trials.first?.dev else { return "" }
        let n = Double(trials.count)
        let beat3 = trials.count { $0.gain >= 0.03 - 1e-12 }
        let meanGain = trials.reduce(0) { $0 + $1.gain } / n
        let proposedWinners = trials.filter(\.winnerProposed)
        func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
        let proposedGap = mean(proposedWinners.map { $0.winnerDev - $0.winnerTest })
        let handGap = mean(trials.map { $0.plainWinnerDev - $0.plainWinnerTest })
        let plainGain = mean(trials.map { $0.plainWinnerTrue - $0.bestHandWritten })
        return String(format: "dev %d: %d trials; the winner beats the best hand-written candidate by 3 points or more in %d (%.1f%%), by %.2f points on average (the search without proposals: %.2f); proposed winners %d; dev − test: proposed winners %+.2f points, hand-written winners (the search without proposals) %+.2f, difference %+.2f; proposals %.1f a trial, %.1f raced",
                      dev, trials.count, beat3, 100 * Double(beat3) / n, 100 * meanGain, 100 * plainGain, proposedWinners.count,
                      100 * proposedGap, 100 * handGap, 100 * (proposedGap - handGap),
                      mean(trials.map { Double($0.proposals) }), mean(trials.map { Double($0.raced) }))
    }

    // MARK: Budgets at small sizes

    public enum BudgetStrategy: String, CaseIterable, Sendable {
        /// Every candidate on every dev item, then the best.
        case fullGrid = "full_grid"
        /// Successive halving at 30% of the full grid.
        case halving
        /// Significance racing stopped by a judgment budget of 30% of the full grid (and the confirmation).
        case significance
    }

    public struct BudgetTrial: Sendable {
        public var seed: UInt64
        public var dev: Int
        public var strategy: BudgetStrategy
        public var winner: String
        public var winnerTrue: Double
        public var bestTrue: Double
        public var raceJudgments: Int
        public var fullGridJudgments: Int
    }

    /// One search of a 32-candidate trial at `dev` items under `strategy`, scored by the
    /// prompts' hidden qualities (the plain simulated judge, as `OptimizeSimulation`).
    public static func budgetTrial(seed: UInt64, dev: Int, strategy: BudgetStrategy, share: Double = 0.3, directory: String, templates: String) async throws -> BudgetTrial {
        var setup = OptimizeSimulation.Setup()
        setup.dev = dev
        setup.test = 100
        setup.firstRound = dev >= 300 ? 30 : 20
        setup.growth = setup.firstRound
        let path = try OptimizeSimulation.writeTrial(seed: seed, setup: setup, strategy: strategy == .fullGrid ? .fullGrid : .race, directory: directory, templates: templates)
        var study = try Study.load(path: path)
        switch strategy {
        case .fullGrid:
            study.search!.alpha = 0
            study.search!.mode = .significance
        case .halving:
            study.search!.mode = .halving
            study.search!.budgetShare = share
        case .significance:
            study.search!.mode = .significance
        }
        var plan = try OptimizePlan(study: study)
        if strategy == .significance {
            // The same race judgments as halving's budget, the confirmation kept apart.
            let confirmation = (min(plan.spec.finalists, plan.candidates.count) + 1) * plan.split.test.count
            study.search!.maxJudgments = Int(share * Double(plan.fullGridJudgments)) + confirmation
            plan = try OptimizePlan(study: study)
        }
        let result = try await Optimizer(plan: plan).run(engine: try OptimizeSimulation.engine(plan, seed: seed))
        let truth = try OptimizeSimulation.trueAgreements(plan: plan, salt: seed, setup: setup)
        return BudgetTrial(seed: seed, dev: dev, strategy: strategy, winner: result.winner, winnerTrue: truth[result.winner] ?? 0,
                           bestTrue: truth.values.max() ?? 0, raceJudgments: result.raceJudgments, fullGridJudgments: result.fullGridJudgments)
    }

    public static func json(_ t: BudgetTrial) -> JSONValue {
        .object([("experiment", .string("budget")), ("seed", .number(Double(t.seed))), ("dev", .number(Double(t.dev))), ("strategy", .string(t.strategy.rawValue)),
                 ("winner", .string(t.winner)), ("winner_true", .number(t.winnerTrue)), ("best_true", .number(t.bestTrue)),
                 ("race_judgments", .number(Double(t.raceJudgments))), ("full_grid_judgments", .number(Double(t.fullGridJudgments)))])
    }

    /// The budget experiment's lines for one dev size: each budgeted strategy's pick against
    /// the full grid's, trial by trial.
    public static func budgetSummary(_ trials: [BudgetTrial]) -> String {
        guard let dev = trials.first?.dev else { return "" }
        let grid = Dictionary(trials.filter { $0.strategy == .fullGrid }.map { ($0.seed, $0) }, uniquingKeysWith: { a, _ in a })
        var lines: [String] = []
        for strategy in [BudgetStrategy.halving, .significance] {
            let list = trials.filter { $0.strategy == strategy }
            guard !list.isEmpty else { continue }
            let paired = list.compactMap { t in grid[t.seed].map { (t, $0) } }
            let within = paired.count { $0.0.winnerTrue >= $0.1.winnerTrue - 0.01 - 1e-12 }
            let meanLoss = paired.reduce(0) { $0 + ($1.1.winnerTrue - $1.0.winnerTrue) } / Double(max(1, paired.count))
            let share = Double(list.reduce(0) { $0 + $1.raceJudgments }) / Double(max(1, list.reduce(0) { $0 + $1.fullGridJudgments }))
            lines.append(String(format: "dev %d, %@: the pick within 1 point of the full grid's in %d of %d trials (%.1f%%), %.2f points below it on average; %.1f%% of the full grid's judgments",
                                dev, strategy.rawValue, within, paired.count, 100 * Double(within) / Double(max(1, paired.count)), 100 * meanLoss, 100 * share))
        }
        return lines.joined(separator: "\n")
    }
}

/// `#require` for code outside tests.
func require<T>(_ value: T?, _ what: @autoclosure () -> String = "a value") throws -> T {
    guard let value else { throw InputError(file: "simulation", "missing \(what())") }
    return value
}
