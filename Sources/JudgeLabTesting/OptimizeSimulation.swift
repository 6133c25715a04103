// How well the search picks, measured against a judge whose prompts' qualities are known:
// seeded trials of `judgelab optimize` on synthetic items with `SimulatedJudge`, through the
// runner, against the full grid (every candidate on every dev item, then the best: what
// DSPy's random-search few-shot optimizer does).
import JudgeLab
import Foundation

public enum OptimizeSimulation {
    public enum Strategy: String, CaseIterable, Sendable {
        /// Racing with elimination (JudgeLab's search).
        case race
        /// Every candidate on every dev item, then the dev leader.
        case fullGrid = "full_grid"
    }

    public struct Setup: Sendable {
        public var candidates = 32
        public var pool = 60
        public var dev = 1000
        public var test = 300
        public var firstRound = 50
        public var growth = 50
        public var alpha = 0.05
        public var indifference = 0.01
        /// The population's shares of human verdicts: prefers 1, prefers 2 (the rest ties).
        public var shareOfAnswer1 = 0.45
        public var shareOfAnswer2 = 0.45
        public init() {}
    }

    public struct Trial: Sendable {
        public var seed: UInt64
        public var strategy: Strategy
        public var winner: String
        public var winnerAgreement: Double
        public var bestAgreement: Double
        /// The winner's rank by true agreement among the candidates (1: the best).
        public var winnerRank: Int
        public var raceJudgments: Int
        public var fullGridJudgments: Int
        public var rounds: Int
        public var stop: String
        public var candidates: Int
        public var withinOnePoint: Bool { bestAgreement - winnerAgreement <= 0.01 + 1e-12 }
        public var share: Double { Double(raceJudgments) / Double(fullGridJudgments) }
    }

    /// The trial's items: ids `s<seed>-<n>`, five categories, human winners drawn with the setup's shares.
    public static func items(seed: UInt64, setup: Setup) -> [Pair] {
        var generator = SeededGenerator(seed: SeededGenerator.mix(seed, 0x17E45))
        let total = setup.pool + setup.dev + setup.test
        return (0..<total).map { n in
            let u = generator.unit()
            let verdict: Verdict = u < setup.shareOfAnswer1 ? .answer1 : u < setup.shareOfAnswer1 + setup.shareOfAnswer2 ? .answer2 : .tie
            var pair = Pair(id: "s\(seed)-\(n)", question: "Question \(n) of trial \(seed): which of the two answers is better?",
                            answer1: "The first answer to question \(n).", answer2: "The second answer to question \(n), in other words.",
                            label: .winner(verdict))
            pair.category = "topic-\(n % 5)"
            return pair
        }
    }

    /// Writes a trial's data (`data.jsonl`) and study (`study.yaml`) into `directory`; returns the study's path.
    @discardableResult
    public static func writeTrial(seed: UInt64, setup: Setup, strategy: Strategy = .race, directory: String, baseURL: String = "http://127.0.0.1:9/v1",
                                  templates: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pairs = items(seed: seed, setup: setup)
        try AtomicFile.write(NativeFormat.text(pairs), to: FilePath.join(directory, "data.jsonl"))
        let alpha = strategy == .race ? JSONValue.format(number: setup.alpha) : "1e-300"
        let yaml = """
        # A simulated search: synthetic items, a judge whose prompts' qualities are hidden (SimulatedJudge).
        name: sim-\(seed)
        dataset: data.jsonl
        templates: \(templates)
        split: {fewshot_fraction: \(Double(setup.pool) / Double(pairs.count)), seed: \(seed)}
        judge: {provider: openai, base_url: "\(baseURL)", model: sim-judge, concurrency: 32, max_attempts: 3}
        search:
          seed: \(seed)
          candidates: \(setup.candidates)
          split: {test: \(setup.test)}
          space:
            template: choice-ab
            shots: [0, 1, 2, 3, 4, 5, 6]
            selection: [random, balanced, diverse]
            example_sets: 5
            rubric: [none, short, expanded]
            temperature: [0, 0.3, 0.7]
            order: original
          racing: {mode: significance, first_round: \(setup.firstRound), growth: \(setup.growth), alpha: \(alpha), indifference: \(strategy == .race ? JSONValue.format(number: setup.indifference) : "0"), finalists: 3}

        """
        let path = FilePath.join(directory, "study.yaml")
        try AtomicFile.write(yaml, to: path)
        return path
    }

    /// Each candidate's expected agreement, from its prompt's static part.
    public static func trueAgreements(plan: OptimizePlan, salt: UInt64, setup: Setup) throws -> [String: Double] {
        var truth: [String: Double] = [:]
        let item = plan.split.dev[0]
        for variant in plan.candidates {
            let messages = try PromptBuilder(variant: variant, library: plan.library).messages(for: item, order: .original)
            let system = messages.first { $0.role == "system" }?.content ?? ""
            truth[variant.name] = SimulatedJudge.trueAgreement(system: system, model: variant.model, temperature: variant.temperature, salt: salt,
                                                              shareOfAnswer1: setup.shareOfAnswer1)
        }
        return truth
    }

    /// Scores a finished search of the trial whose study is at `studyPath`.
    public static func score(plan: OptimizePlan, summary: OptimizeSummary, seed: UInt64, strategy: Strategy, setup: Setup) throws -> Trial {
        let truth = try trueAgreements(plan: plan, salt: seed, setup: setup)
        let ranked = truth.values.sorted(by: >)
        let winner = truth[summary.winner] ?? 0
        return Trial(seed: seed, strategy: strategy, winner: summary.winner, winnerAgreement: winner, bestAgreement: ranked[0],
                     winnerRank: 1 + ranked.count { $0 > winner }, raceJudgments: summary.raceJudgments, fullGridJudgments: summary.fullGridJudgments,
                     rounds: summary.rounds.count, stop: summary.stop, candidates: summary.candidates)
    }

    /// An engine for `plan`'s search in the process: the runner over an in-memory store and the
    /// simulated judge (8 workers), which also answers as the proposer in a world of criteria.
    public static func engine(_ plan: OptimizePlan, seed: UInt64, world: CriteriaWorld? = nil, priced: Bool = false) throws -> RunnerEngine {
        let settings = try SearchJob.settings(plan, environment: [:])
        var limits = JudgeLimits()
        limits.concurrency = 8
        let judge = SimulatedJudge(name: settings.judges[0].name, salt: seed, pairs: plan.dataset.pairs, limits: limits, priced: priced, criteria: world)
        return RunnerEngine(library: plan.library, settings: settings, store: InMemoryRunStore(), judges: [judge], file: plan.study.file)
    }

    /// One trial in the process: the search through the runner, an in-memory store and the simulated judge.
    public static func run(seed: UInt64, setup: Setup, strategy: Strategy, directory: String, templates: String) async throws -> Trial {
        let path = try writeTrial(seed: seed, setup: setup, strategy: strategy, directory: directory, templates: templates)
        var study = try Study.load(path: path)
        if strategy == .fullGrid { study.search?.alpha = 0 }
        let plan = try OptimizePlan(study: study)
        let result = try await Optimizer(plan: plan).run(engine: try engine(plan, seed: seed))
        let test = Analysis(dataset: Dataset(source: path, pairs: plan.split.test), judgments: result.testJudgments)
        let summary = OptimizeSummary(result: result, plan: plan, paidUSD: 0, testAnalysis: test)
        return try score(plan: plan, summary: summary, seed: seed, strategy: strategy, setup: setup)
    }
}
