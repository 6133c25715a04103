// Repeated samples (METRICS.md §8): k judgments per item and order, numbered, each its own
// request; folded into one judgment per order for every other metric; their flips, agreement and
// vote confidence reported, the same from the run as from its judgments file.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabStore
import JudgeLabTesting
import JudgeLabTestSupport

@Suite struct SamplesTests {
    static func study(_ folder: TemporaryFolder, _ server: FakeJudgeServer, extra: String = "") throws -> String {
        try folder.write("study.yaml", """
        name: samples
        dataset: \(Paths.samples)/pandalm-200.jsonl
        templates: \(Paths.root)/PromptTemplates
        sample: {first: 80}
        judge: {base_url: "\(server.baseURL)", model: gpt-4o-mini, retry_base_seconds: 0.02}
        prices: {gpt-4o-mini: {input: 0.15, output: 0.6}}
        variants:
          list:
            - {name: once, template: choice-ab, order: both, temperature: 0.7}
            - {name: thrice, template: choice-ab, order: both, temperature: 0.7, samples: 3}
            - {template: rating-1to9, order: original, temperature: 1.0, samples: 4}
        \(extra)
        """)
    }

    @Test func eachSampleIsItsOwnRequestAndTheirStabilityIsReported() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let path = try Self.study(folder, server, extra: """
        calibration: {share: 0.5}
        cascades:
          - {name: sampled-first, stages: [thrice, once], alpha: 0.5, delta: 0.2, judging: all}
        """)
        let out = folder.path + "/run"
        let result = try JudgeLabBinary.run(["run", path, "--out", out])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        // 80 items: once 160 judgments, thrice 480, the 1-9 variant 320; each a request of its own.
        #expect(result.stdout.contains("960 of 960 judgments recorded"))
        // (Items with another's content ask the same questions, once.)
        let distinct = Set(try SQLiteRunStore(runPath: out + "/run.sqlite", cachePath: folder.path + "/cache.sqlite").entries().map(\.requestHash)).count
        #expect(distinct > 900)
        let stats = try await server.stats()
        #expect(stats["distinct_ok"]?.int == distinct && stats["ok"]?.int == distinct)
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        let thrice = judgments.filter { $0.variant == "thrice" }
        #expect(thrice.count == 480 && Set(thrice.compactMap(\.sample)) == [0, 1, 2])
        // In the file, each item and order's samples in their numbers' order, whatever order they were answered in.
        #expect(thrice.compactMap(\.sample) == Array(repeating: [0, 1, 2], count: 160).flatMap { $0 })
        #expect(judgments.filter { $0.variant == "once" }.allSatisfy { $0.sample == nil })
        #expect(judgments.filter { $0.variant.hasPrefix("rating-1to9") }.count == 320)

        let metrics = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json")))
        guard case let .array(variants)? = metrics["variants"] else { Issue.record("no variants"); return }
        let row = { (name: String) in variants.first { $0["variant"]?.stringValue?.hasPrefix(name) == true } }
        let sampled = try #require(row("thrice"))
        #expect(sampled["n_samples"]?.numberValue == 480)
        #expect(sampled["n_judgments"]?.numberValue == 160)  // one folded judgment per item and order
        let flips = try #require(sampled["flip_rate"]?.numberValue)
        #expect(flips > 0 && flips < 1)
        #expect(sampled["self_agreement"]?.numberValue.map { $0 > 0.3 && $0 < 1 } == true)
        #expect(sampled["ece"]?.numberValue != nil && sampled["brier"]?.numberValue != nil)
        #expect(row("once")?["flip_rate"] == .null && row("once")?["ece"] == .null)
        #expect(row("rating-1to9")?["flip_rate"]?.numberValue != nil)
        // Priced as its samples: three times the single variant, near enough.
        let costs = (sampled["cost_usd"]?.numberValue ?? 0) / (row("once")?["cost_usd"]?.numberValue ?? 1)
        #expect(costs > 2.9 && costs < 3.1, "cost ratio \(costs)")
        // The file alone gives the same figures.
        let analyzed = try JudgeLabBinary.run(["analyze", "--dataset", out + "/dataset.jsonl", "--judgments", out + "/judgments.jsonl", "--format", "json"])
        let fromFile = try JSONValue.parse(Data(analyzed.stdout.utf8))
        guard case let .array(again)? = fromFile["variants"] else { Issue.record("analyze gave no variants"); return }
        for key in ["flip_rate", "self_agreement", "vote_confidence", "agreement", "ece", "n_samples"] {
            #expect(again.first { $0["variant"] == "thrice" }?[key] == sampled[key], "\(key)")
        }
        // The report draws the sampled variant's reliability and its least stable items.
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("Reliability diagram") && html.contains("Least stable items"))
        // A sampled stage keeps items by its vote confidence.
        guard case let .array(cascades)? = metrics["cascades"] else { Issue.record("no cascades"); return }
        #expect(cascades.count == 1)
        // A resumed run asks for nothing.
        let again2 = try JudgeLabBinary.run(["run", path, "--out", out])
        #expect(again2.status == 0)
        #expect(try await server.stats()["ok"]?.int == distinct)
    }

    @Test func foldingTakesTheMajorityOfTheParsedSamples() {
        func j(_ sample: Int, _ reading: JudgeReading, order: PresentedOrder = .original) -> Judgment {
            var judgment = Judgment(item: "a", variant: "v", order: order, reading: reading, costUSD: 0.5)
            judgment.sample = sample
            return judgment
        }
        let groups = RepeatedSamples.groups([j(0, .choice(.first)), j(1, .choice(.second)), j(2, .choice(.first)), j(3, .unparsed(.choice, reason: "r")),
                                            j(0, .choice(.second), order: .swapped), j(1, .choice(.tie), order: .swapped)])
        #expect(groups.count == 2)
        let original = RepeatedSamples.fold(groups[0], band: .standard)
        #expect(original.reading == .choice(.first) && original.costUSD == 2 && original.sample == nil)
        // Swapped: one "second" (= answer 1) and one tie: no majority of two, a tie.
        #expect(RepeatedSamples.fold(groups[1], band: .standard).reading == .choice(.tie))
        let s = RepeatedSamples.stability(groups, verdicts: ["a": .answer1], band: .standard)
        // Both (item, order) flip; pairs agree 1 of 3 (original: first, second, first) and 0 of 1.
        #expect(s.flipRate == 1 && abs((s.selfAgreement ?? 0) - (1.0 / 3 + 0) / 2) < 1e-12)
        // Pooled: answer 1 from original samples 0 and 2, and swapped sample 0 ("second" shown second): 3 of 5.
        #expect(s.voteConfidence["a"] == 3.0 / 5 && s.samples == 6 && s.unparsed == 1)
    }
}
