// Hand-checked metric cases, the statistics behind them, and the analyze command's gates.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct MetricsTests {
    static func pair(_ id: String, _ label: HumanLabel) -> Pair {
        Pair(id: id, question: "q", answer1: "a", answer2: "b", label: label)
    }

    @Test func bothOrdersCombineByMeanScoreAndByTheConservativeSwapRule() {
        let p = Self.pair("x", .winner(.answer1))
        let scoreOriginal = Judgment(item: "x", variant: "v", order: .original, reading: .score(3))
        let scoreSwapped = Judgment(item: "x", variant: "v", order: .swapped, reading: .score(6))  // normalised 4
        let mean = ItemOutcome(pair: p, original: scoreOriginal, swapped: scoreSwapped, tieBand: .standard)
        #expect(mean.score == 3.5)
        #expect(mean.verdict == .answer1)
        let firstOriginal = Judgment(item: "x", variant: "v", order: .original, reading: .choice(.first))
        let firstSwapped = Judgment(item: "x", variant: "v", order: .swapped, reading: .choice(.first))
        // "first" in both orders: answer 1, then answer 2 — inconsistent, so a tie.
        #expect(ItemOutcome(pair: p, original: firstOriginal, swapped: firstSwapped, tieBand: .standard).verdict == .tie)
        let secondSwapped = Judgment(item: "x", variant: "v", order: .swapped, reading: .choice(.second))
        #expect(ItemOutcome(pair: p, original: firstOriginal, swapped: secondSwapped, tieBand: .standard).verdict == .answer1)
        let failed = Judgment(item: "x", variant: "v", order: .swapped, reading: .unparsed(.choice, reason: "r"))
        #expect(ItemOutcome(pair: p, original: firstOriginal, swapped: failed, tieBand: .standard).verdict == .answer1)
        #expect(ItemOutcome(pair: p, original: nil, swapped: failed, tieBand: .standard).verdict == nil)
    }

    @Test func ratesWithNoDenominatorAreNull() {
        let outcomes = [ItemOutcome(pair: Self.pair("x", .winner(.answer1)), original: Judgment(item: "x", variant: "v", order: .original, reading: .unparsed(.score, reason: "r")), swapped: nil, tieBand: .standard)]
        let m = VariantMetrics(variant: "v", outcomes: outcomes)
        #expect(m.agreement == 0)  // no verdict counts as a disagreement
        #expect(m.tieRate == nil)
        #expect(m.kappa == nil)
        #expect(m.tieRecall == nil)
        #expect(m.firstPositionRate == nil)
        #expect(m.agreementDecisive == nil)
        #expect(m.positionConsistency == nil)
        #expect(m.costPer1k == nil)
        #expect(m.exact == nil)  // winners have no simulated score
        #expect(m.parseFailureRate == 1)
        #expect(m.parseFailureReasons.first?.reason == "r")
    }

    @Test func exactAndWithinOneAgainstRoundedSimulatedScores() {
        // sim = 5 + 0.4 * (8 - 3) = 7; judge 7 → exact; sim 5 + 0.4*1 = 5.4 → 5; judge 6 → within 1.
        let items = [
            ItemOutcome(pair: Self.pair("a", .scores(3, 8, scaleMax: 10)), original: Judgment(item: "a", variant: "v", order: .original, reading: .score(7)), swapped: nil, tieBand: .standard),
            ItemOutcome(pair: Self.pair("b", .scores(4, 5, scaleMax: 10)), original: Judgment(item: "b", variant: "v", order: .original, reading: .score(6)), swapped: nil, tieBand: .standard),
            // sim 4.5 rounds half away from zero to 5.
            ItemOutcome(pair: Self.pair("c", .humanScore(4.5)), original: Judgment(item: "c", variant: "v", order: .original, reading: .score(5)), swapped: nil, tieBand: .standard),
        ]
        let m = VariantMetrics(variant: "v", outcomes: items)
        #expect(m.exact == 2.0 / 3)
        #expect(m.within1 == 1)
    }

    @Test func mcNemarExactKnownValues() {
        #expect(PairedComparison.mcNemarExact(0, 0) == 1)
        #expect(abs(PairedComparison.mcNemarExact(0, 5) - 0.0625) < 1e-12)
        #expect(abs(PairedComparison.mcNemarExact(10, 2) - 0.03857421875) < 1e-12)
        #expect(PairedComparison.mcNemarExact(7, 7) == 1)
        let large = PairedComparison.mcNemarExact(10_000, 10_500)
        #expect(large > 0 && large < 0.001)
        #expect(PairedComparison.mcNemarExact(50_000, 50_000) == 1)
    }

    @Test func bootstrapIsSeededAndBracketsTheMean() throws {
        let values = (0..<100).map { Double($0 % 3 == 0 ? 1 : 0) }
        let a = try #require(Bootstrap.interval(values, resamples: 500, seed: 4))
        let b = try #require(Bootstrap.interval(values, resamples: 500, seed: 4))
        let c = try #require(Bootstrap.interval(values, resamples: 500, seed: 5))
        #expect(a == b)
        #expect(a != c)
        let mean = values.reduce(0, +) / 100
        #expect(a.lo < mean && mean < a.hi)
        #expect(Bootstrap.interval([], resamples: 10, seed: 1) == nil)
        #expect(Bootstrap.interval([1], resamples: 10, seed: 1)! == (1, 1))
    }

    @Test func rankingBreaksTiesByTieRateGapThenCost() {
        func metrics(_ name: String, agree: Int, ties: Int, cost: Double?) -> VariantMetrics {
            let items = (0..<10).map { i in
                ItemOutcome(pair: Self.pair("\(i)", .winner(i < 2 ? .tie : .answer1)),
                            original: Judgment(item: "\(i)", variant: name, order: .original,
                                               reading: .choice(i < ties ? .tie : (i < agree + 2 ? .first : .second)), costUSD: cost),
                            swapped: nil, tieBand: .standard)
            }
            return VariantMetrics(variant: name, outcomes: items, bootstrapResamples: 0)
        }
        let ranked = Ranking.order([metrics("cheap", agree: 6, ties: 2, cost: 0.001), metrics("dear", agree: 6, ties: 2, cost: 0.01),
                                    metrics("tieless", agree: 6, ties: 0, cost: 0.0001), metrics("best", agree: 8, ties: 2, cost: 0.05)])
        #expect(ranked.map(\.variant) == ["best", "cheap", "dear", "tieless"])
        // "Beats on both" is strict: dear ties cheap on agreement, so nothing beats it on both.
        #expect(Ranking.paretoFront(ranked).map(\.variant) == ["best", "cheap", "dear", "tieless"])
        let worse = metrics("worse", agree: 5, ties: 2, cost: 0.02)
        #expect(!Ranking.paretoFront(ranked + [worse]).map(\.variant).contains("worse"))
    }

    @Test func failUnderGatesTheBestVariant() throws {
        let folder = try TemporaryFolder()
        try JudgeLabBinary.run(["import", "llmbar", Paths.testData + "/llmbar/Dataset/LLMBar/Natural", "--out", folder.path]).status.expect(0)
        let args = ["analyze", "--dataset", folder.path + "/dataset.jsonl", "--judgments", folder.path + "/judgments.jsonl", "--bootstrap", "0"]
        #expect(try JudgeLabBinary.run(args + ["--fail-under", "agreement=0.9"]).status == 0)
        let failing = try JudgeLabBinary.run(args + ["--fail-under", "agreement=0.95"])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("GPT-4/Vanilla agreement 0.93 is under 0.95"))
        #expect(try JudgeLabBinary.run(args + ["--fail-under", "agreement=0.6", "--variant", "ChatGPT/CoT"]).status == 1)
        #expect(try JudgeLabBinary.run(args + ["--fail-under", "nonsense=1"]).status == 2)
    }

    @Test func judgmentsAboutUnknownItemsOrMalformedAreLocated() throws {
        let folder = try TemporaryFolder()
        let judgments = try folder.write("j.jsonl", """
        {"item":"h-01","variant":"v","order":"original","score":3}
        {"item":"h-02","variant":"v","order":"sideways","score":3}
        """)
        let result = try JudgeLabBinary.run(["analyze", "--dataset", Paths.samples + "/scored-handmade.jsonl", "--judgments", judgments])
        #expect(result.status == 2)
        #expect(result.stderr == "error: \(judgments):2: field 'order': 'sideways' is not an order: expected \"original\" or \"swapped\" (or 'answer' for a pointwise judgment)\n")
        // A pointwise judgment names its answer, and no order; a variant judges one way.
        let mixed = try folder.write("m.jsonl", """
        {"item":"h-01","variant":"v","answer":"1","score":3}
        {"item":"h-01","variant":"v","answer":"2","score":7}
        {"item":"h-02","variant":"v","order":"original","score":3}
        {"item":"h-03","variant":"w","answer":"3","score":3}
        """)
        let third = try JudgeLabBinary.run(["analyze", "--dataset", Paths.samples + "/scored-handmade.jsonl", "--judgments", mixed])
        #expect(third.stderr == "error: \(mixed):3: field 'order': variant 'v' has pointwise judgments (with 'answer') and pairwise ones (with 'order'): one variant judges one way\n")
        let unknown = try folder.write("u.jsonl", #"{"item":"nope","variant":"v","order":"original","choice":"first"}"#)
        let second = try JudgeLabBinary.run(["analyze", "--dataset", Paths.samples + "/scored-handmade.jsonl", "--judgments", unknown])
        #expect(second.status == 2)
        #expect(second.stderr.contains(":1: field 'item': 'nope' is not an item of the data set"))
        let outputOnly = try folder.write("o.jsonl", #"{"item":"h-01","variant":"v","order":"original","output":"{\"score\": 4}"}"#)
        #expect(try JudgeLabBinary.run(["analyze", "--dataset", Paths.samples + "/scored-handmade.jsonl", "--judgments", outputOnly]).status == 2)
        let parsed = try JudgeLabBinary.run(["analyze", "--dataset", Paths.samples + "/scored-handmade.jsonl", "--judgments", outputOnly,
                                             "--parser", "json-score", "--format", "json", "--bootstrap", "0"])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(try JSONValue.parse(Data(parsed.stdout.utf8))["variants"].flatMap { if case let .array(v) = $0 { v.first?["exact"] } else { nil } } == .number(0))
    }
}

extension Int32 {
    func expect(_ value: Int32) { #expect(self == value) }
}

@Suite struct ReweightingTests {
    @Test func agreementIsReweightedToThePopulationsStrata() {
        // Population: 80 prefer-1, 20 ties. Sample: 10 of each; the judge gets all prefer-1 right, no ties.
        let pairs = (0..<100).map { Pair(id: "\($0)", question: "q", answer1: "a", answer2: "b", label: .winner($0 < 80 ? .answer1 : .tie)) }
        let sampled = Array(pairs[0..<10]) + Array(pairs[80..<90])
        let judgments = sampled.map { Judgment(item: $0.id, variant: "v", order: .original, reading: .choice(.first)) }
        var options = AnalysisOptions()
        options.bootstrapResamples = 0
        options.reweightBy = .verdict
        let analysis = Analysis(dataset: Dataset(source: "t", pairs: pairs), judgments: judgments, options: options)
        #expect(analysis.metrics(of: "v")?.agreement == 0.5)  // the raw sample
        #expect(abs(analysis.reweightedAgreement["v"]! - 0.8) < 1e-12)  // 0.8 · 1 + 0.2 · 0
    }

    @Test func aJudgmentKeepsAbsentAndZeroAmountsApart() {
        var j = Judgment(item: "x", variant: "v", order: .original, reading: .choice(.tie))
        #expect(j.inputTokens == nil && j.outputTokens == nil && j.costUSD == nil && j.latencyMS == nil)
        j.inputTokens = 0
        j.outputTokens = 1_234_567
        j.costUSD = 0
        j.latencyMS = 12.5
        #expect(j.inputTokens == 0 && j.outputTokens == 1_234_567 && j.costUSD == 0 && j.latencyMS == 12.5)
        #expect(j != Judgment(item: "x", variant: "v", order: .original, reading: .choice(.tie)))
        #expect(j == Judgment(item: "x", variant: "v", order: .original, reading: .choice(.tie), inputTokens: 0, outputTokens: 1_234_567,
                              costUSD: 0, latencyMS: 12.5))
        j.costUSD = nil
        #expect(j.costUSD == nil)
        #expect(MemoryLayout<Judgment>.stride <= 128)
    }
}
