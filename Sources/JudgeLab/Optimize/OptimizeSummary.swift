// optimize.json: what a search did and decided, for its reports and for people.
import Foundation

/// A search's record: the space, the rounds, every candidate's fate with its evidence, the
/// confirmation on test and what the race saved against the full grid. Written as
/// `optimize.json` beside the run's other files; the HTML and XML reports read it back.
public struct OptimizeSummary: Codable, Sendable, Equatable {
    public struct Round: Codable, Sendable, Equatable {
        public var number: Int
        public var items: Int
        public var survivorsBefore: Int
        public var leader: String
        public var dropped: [String]
        public var judgments: Int
        public var paidUSD: Double
        /// Each candidate that went into the round, with its dev record after it (the race
        /// picture's points); nil in a summary written before standings were kept.
        public var standings: [Standing]? = nil
        enum CodingKeys: String, CodingKey {
            case number, items, survivorsBefore = "survivors_before", leader, dropped, judgments, paidUSD = "paid_usd", standings
        }
    }

    /// A candidate's dev record after a round: the items it was judged on and its agreements.
    public struct Standing: Codable, Sendable, Equatable {
        public var name: String
        public var items: Int
        public var agreements: Int
        public init(name: String, items: Int, agreements: Int) {
            self.name = name
            self.items = items
            self.agreements = agreements
        }
    }

    public struct Evidence: Codable, Sendable, Equatable {
        public var leader: String
        public var items: Int
        public var agreements: Int
        public var leaderAgreements: Int
        public var leaderOnly: Int
        public var candidateOnly: Int
        public var p: Double
        public var threshold: Double
        enum CodingKeys: String, CodingKey {
            case leader, items, agreements, leaderAgreements = "leader_agreements", leaderOnly = "leader_only", candidateOnly = "candidate_only", p, threshold
        }
    }

    public struct CandidateRow: Codable, Sendable, Equatable {
        public var name: String
        public var devItems: Int
        public var devAgreement: Double?
        public var judgments: Int
        public var costUSD: Double
        /// A score template's tie band fitted on dev, [lo, hi]; nil for the standard band.
        public var tieBand: [Double]?
        /// For a candidate proposed during the race: when, from whom, what changed.
        public var origin: String?
        /// The round it was dropped in; nil for survivors.
        public var droppedIn: Int?
        public var evidence: Evidence?
        public var examples: [String]
        enum CodingKeys: String, CodingKey {
            case name, devItems = "dev_items", devAgreement = "dev_agreement", judgments, costUSD = "cost_usd", tieBand = "tie_band", origin, droppedIn = "dropped_in", evidence, examples
        }
    }

    /// A proposal written during the race, with its parent, its text's diff and its fate.
    public struct Proposal: Codable, Sendable, Equatable {
        public var number: Int
        public var afterRound: Int
        /// library, rubric or rules.
        public var kind: String
        public var parent: String
        public var candidate: String?
        /// The dev items (of the feedback subset) whose disagreements the proposer was shown.
        public var shown: [String]
        public var rationale: String?
        public var text: String?
        /// The proposal's rubric against its parent's, line by line ("  ", "- ", "+ ").
        public var diff: [String]
        /// What came of it: unusable (and why), or its fate in the race.
        public var fate: String
        public var costUSD: Double
        enum CodingKeys: String, CodingKey {
            case number, afterRound = "after_round", kind, parent, candidate, shown, rationale, text, diff, fate, costUSD = "cost_usd"
        }
    }

    public struct Confirmation: Codable, Sendable, Equatable {
        public var name: String
        /// winner, finalist or baseline.
        public var role: String
        /// Written during the race by a proposal (nil in a summary written before proposals).
        public var proposed: Bool? = nil
        public var devAgreement: Double?
        public var testAgreement: Double?
        public var testCI: [Double]?
        public var testItems: Int
        enum CodingKeys: String, CodingKey {
            case name, role, devAgreement = "dev_agreement", testAgreement = "test_agreement", testCI = "test_ci", testItems = "test_items"
        }
    }

    public struct Test: Codable, Sendable, Equatable {
        public var a: String
        public var b: String
        public var items: Int
        public var delta: Double?
        public var deltaCI: [Double]?
        public var p: Double
        public var sentence: String
        enum CodingKeys: String, CodingKey { case a, b, items, delta, deltaCI = "delta_ci", p, sentence }
    }

    public var study: String
    public var seed: UInt64
    public var spaceSize: Int
    public var candidates: Int
    public var poolItems: Int
    public var devItems: Int
    public var testItems: Int
    public var alpha: Double
    public var firstRound: Int
    public var growth: Int
    public var stop: String
    public var winner: String
    public var baseline: String
    public var finalists: [String]
    public var confirmed: Bool
    public var probeJudgments: Int
    public var raceJudgments: Int
    public var confirmationJudgments: Int
    public var fullGridJudgments: Int
    public var paidUSD: Double
    public var hardExamples: [String: [String]]
    public var rounds: [Round]
    public var candidateRows: [CandidateRow]
    public var confirmation: [Confirmation]
    /// The winner against the baseline on the test split (none when they are one variant).
    public var winnerAgainstBaseline: Test?
    /// Proposals written during the race (nil: none asked for), what the proposer's requests
    /// cost apart from the judges', and the dev items it could see.
    public var proposals: [Proposal]?
    /// The racing mode, significance or halving (nil in a summary written before halving).
    public var mode: String?
    public var proposerCostUSD: Double?
    public var feedbackItems: Int?

    enum CodingKeys: String, CodingKey {
        case study, seed, spaceSize = "space_size", candidates, poolItems = "pool_items", devItems = "dev_items", testItems = "test_items",
             alpha, firstRound = "first_round", growth, stop, winner, baseline, finalists, confirmed, probeJudgments = "probe_judgments",
             raceJudgments = "race_judgments", confirmationJudgments = "confirmation_judgments", fullGridJudgments = "full_grid_judgments",
             paidUSD = "paid_usd", hardExamples = "hard_examples", rounds, candidateRows = "candidate_rows", confirmation,
             winnerAgainstBaseline = "winner_against_baseline", proposals, proposerCostUSD = "proposer_cost_usd", feedbackItems = "feedback_items", mode
    }

    /// The race's judgments as a share of the full grid's.
    public var raceShare: Double { fullGridJudgments > 0 ? Double(raceJudgments) / Double(fullGridJudgments) : 0 }

    public init(result: OptimizeResult, plan: OptimizePlan, paidUSD: Double, testAnalysis: Analysis) {
        let spec = plan.spec
        study = plan.study.name
        seed = spec.seed
        spaceSize = result.spaceSize
        candidates = result.candidates.count { $0.origin == nil }
        poolItems = result.poolItems
        devItems = result.devItems
        testItems = result.testItems
        alpha = spec.alpha
        firstRound = spec.firstRound
        growth = spec.growth
        stop = result.stop.rawValue
        mode = spec.racingMode(dev: plan.split.dev.count).rawValue
        winner = result.winner
        baseline = result.baseline
        finalists = result.finalists
        confirmed = result.confirmed
        probeJudgments = result.probeJudgments
        raceJudgments = result.raceJudgments
        confirmationJudgments = result.confirmationJudgments
        fullGridJudgments = result.fullGridJudgments
        self.paidUSD = paidUSD
        hardExamples = result.hardIDs
        rounds = result.rounds
        let names = result.candidates.map(\.name)
        candidateRows = result.candidates.map { c in
            CandidateRow(name: c.name, devItems: c.devItems, devAgreement: c.devAgreement, judgments: c.judgments, costUSD: c.costUSD, tieBand: c.tieBand.map { [$0.lo, $0.hi] }, origin: c.origin, droppedIn: c.droppedIn,
                         evidence: c.evidence.map { e in
                             Evidence(leader: names[e.leader], items: e.items, agreements: e.agreements, leaderAgreements: e.leaderAgreements,
                                      leaderOnly: e.leaderOnly, candidateOnly: e.candidateOnly, p: e.p, threshold: e.threshold)
                         },
                         examples: c.variant.nearest != nil ? ["(nearest, per item)"] : c.variant.examples.map(\.id))
        }
        var rows: [Confirmation] = []
        var confirming = result.finalists
        if !confirming.contains(result.baseline) { confirming.append(result.baseline) }
        for name in confirming {
            let metrics = testAnalysis.metrics(of: name)
            let role = name == result.winner ? "winner" : name == result.baseline ? "baseline" : "finalist"
            rows.append(Confirmation(name: name, role: role, proposed: result.candidate(name)?.origin != nil, devAgreement: result.candidate(name)?.devAgreement,
                                     testAgreement: metrics?.agreement, testCI: metrics?.agreementCI.map { [$0.lo, $0.hi] }, testItems: metrics?.nItems ?? 0))
        }
        confirmation = rows
        if plan.spec.propose != nil {
            proposals = result.proposals.map { p in
                let record = p.candidate.flatMap { result.candidate($0) }
                let fate = p.unusable.map { "no candidate: \($0)" }
                    ?? (p.candidate == result.winner ? "winner"
                        : result.finalists.contains(p.candidate ?? "") ? "finalist"
                        : record?.droppedIn.map { "dropped in round \($0)" }
                        ?? (record?.origin?.contains("not raced") == true ? "not raced: the race ended before it caught up" : "survived, not a finalist"))
                return Proposal(number: p.number, afterRound: p.afterRound, kind: p.kind.rawValue, parent: p.parent, candidate: p.candidate, shown: p.shown,
                                rationale: p.rationale, text: p.text, diff: p.text.map { LineDiff.lines(from: p.parentText ?? "", to: $0) } ?? [],
                                fate: fate, costUSD: p.costUSD)
            }
            proposerCostUSD = result.proposerCostUSD
            feedbackItems = result.feedbackItems
        }
        if result.winner != result.baseline, let a = testAnalysis.outcomes[result.winner], let b = testAnalysis.outcomes[result.baseline] {
            let c = PairedComparison(a: result.winner, outcomesA: a, b: result.baseline, outcomesB: b,
                                     bootstrapResamples: testAnalysis.options.bootstrapResamples, seed: testAnalysis.options.seed)
            winnerAgainstBaseline = Test(a: c.a, b: c.b, items: c.nItems, delta: c.delta, deltaCI: c.deltaCI.map { [$0.lo, $0.hi] }, p: c.p, sentence: c.sentence)
        } else {
            winnerAgainstBaseline = nil
        }
    }

    public func encoded() throws -> Data {
        try prettyJSON()
    }

    public static func load(path: String) throws -> OptimizeSummary {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InputError(file: path, "cannot read the search record: \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(OptimizeSummary.self, from: data) } catch {
            throw InputError(file: path, "not a search record: \(error)")
        }
    }
}
