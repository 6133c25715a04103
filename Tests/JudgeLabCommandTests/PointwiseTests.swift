// Pointwise judging beside pairwise (METRICS.md §7): response items, the MT-Bench / Arena
// importer, and a study of both formulations against the test server, killed and resumed.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabStore
import JudgeLabXML
import JudgeLabTesting
import JudgeLabTestSupport

@Suite struct PointwiseTests {
    static let mtbench = Paths.testData + "/mtbench"
    static let responses = Paths.samples + "/summeval-responses.jsonl"

    /// A study of the shipped SummEval responses (relevance) against `server`.
    static func study(in folder: TemporaryFolder, server: FakeJudgeServer, variants: String) throws -> String {
        try folder.write("study.yaml", """
        name: both-ways
        dataset: {path: \(responses), criterion: relevance}
        templates: \(Paths.root)/PromptTemplates
        judge:
          base_url: \(server.baseURL)
          model: gpt-4o-mini
          timeout_seconds: 2.0
          retry_base_seconds: 0.02
        variants:
          list:
        \(variants)
        """)
    }

    static let bothWays = """
        - {template: choice-ab, order: both}
        - {template: rating-1to9, order: both}
        - {template: criterion-1to5, rubric: relevance}
        - {template: score-1to10}
    """

    @Test func responseItemsArePairedWithinTheirGroupsAndKeepTheirRatings() throws {
        let all = try DatasetLoader.load(path: Self.responses, mapping: { var m = FieldMapping(); m.criterion = "relevance"; return m }())
        // Ten articles, six summaries each: 15 pairs an article.
        #expect(all.pairs.count == 150)
        let first = all.pairs[0]
        #expect(first.ratings?.count == 2 && first.ratings?[0].count == 3)
        guard case let .scores(s1, s2, low, high) = first.label else {
            Issue.record("a response pair is labelled with its two mean ratings")
            return
        }
        #expect(low == 1 && high == 5)
        #expect(abs(s1 - first.ratings![0].reduce(0, +) / 3) < 1e-12 && abs(s2 - first.ratings![1].reduce(0, +) / 3) < 1e-12)
        // 60 distinct summaries behind the 150 pairs.
        let answers = Set(all.pairs.flatMap { [PairContent.Answer(question: $0.question, answer: $0.answer1), PairContent.Answer(question: $0.question, answer: $0.answer2)] })
        #expect(answers.count == 60)

        // Several criteria and none named: one located error, nothing written.
        let folder = try TemporaryFolder()
        let refused = try JudgeLabBinary.run(["data", "convert", Self.responses, "--out", folder.path + "/out.jsonl"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("summeval-responses.jsonl:7: field 'criterion'"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out.jsonl"))
        // Named: the pairs, with their ratings, round-trip through the native format.
        let once = try JudgeLabBinary.run(["data", "convert", Self.responses, "--criterion", "coherence", "--out", folder.path + "/a.jsonl"])
        #expect(once.status == 0, "\(once.stderr)")
        let twice = try JudgeLabBinary.run(["data", "convert", folder.path + "/a.jsonl", "--out", folder.path + "/b.jsonl"])
        #expect(twice.status == 0, "\(twice.stderr)")
        let a = try String(contentsOfFile: folder.path + "/a.jsonl", encoding: .utf8)
        #expect(a == (try String(contentsOfFile: folder.path + "/b.jsonl", encoding: .utf8)))
        #expect(a.contains("\"ratings\":[["))
        #expect(try DatasetLoader.load(path: folder.path + "/a.jsonl").pairs == (try DatasetLoader.load(path: Self.responses, mapping: { var m = FieldMapping(); m.criterion = "coherence"; return m }()).pairs))
    }

    @Test func mtBenchsHumanJudgmentsBecomePairsWithVotesAndTies() throws {
        let folder = try TemporaryFolder()
        let out = folder.path + "/mtbench.jsonl"
        let result = try JudgeLabBinary.run(["data", "convert", Self.mtbench + "/human_judgments-q82.jsonl",
                                             "--answers", Self.mtbench + "/answers-q82.jsonl", "--questions", Self.mtbench + "/questions-q82.jsonl", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        let pairs = try DatasetLoader.load(path: out).pairs
        // 29 judges' votes on 11 pairs of the six models (a pair in either order is one pair).
        #expect(pairs.count == 11)
        let votes = pairs.map { pair -> [Verdict] in
            if case let .votes(v) = pair.label { return v }
            return []
        }
        #expect(votes.reduce(0) { $0 + $1.count } == 29)
        #expect(votes.map(\.count).max() == 5)
        #expect(votes.joined().count { $0 == .tie } == 3)
        let claude = try #require(pairs.first { $0.id == "mtbench-82-claude-v1-vs-gpt-4" })
        // claude-v1 against gpt-4, five judges: model_a twice and model_b twice as written, and
        // author_5's "gpt-4 vs claude-v1, model_a" (gpt-4), turned to the pair's order.
        #expect(claude.label == .votes([.answer1, .answer1, .answer2, .answer1, .answer1]))
        #expect(claude.question.hasPrefix("Draft a professional email seeking your supervisor's feedback"))
        #expect(claude.answer1.hasPrefix("Here is a draft:") && claude.answer2.hasSuffix("[Your Designation]"))
        #expect(claude.category == "writing")
        // Round trip through the native format.
        #expect(try JudgeLabBinary.run(["data", "convert", out, "--out", folder.path + "/again.jsonl"]).status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == (try String(contentsOfFile: folder.path + "/again.jsonl", encoding: .utf8)))

        // LMSYS's other layout: the conversations in each line, several turns, `tie (bothbad)`.
        let conversations = try DatasetLoader.load(path: Self.mtbench + "/arena-conversations-madeup.jsonl").pairs
        #expect(conversations.map(\.id) == ["mtbench-901-model-x-vs-model-y", "mtbench-901-model-x-vs-model-y-turn2"])
        #expect(conversations[0].label == .votes([.tie, .answer1]))
        #expect(conversations[1].question == "[Turn 1]\nName a prime number.\n\n[Turn 2]\nAnd an even one?")
        #expect(conversations[1].answer2 == "[Turn 1]\nNine.\n\n[Turn 2]\nSeven.")
    }

    @Test func aModelWithoutItsAnswerIsOneLocatedError() throws {
        let folder = try TemporaryFolder()
        let answers = try String(contentsOfFile: Self.mtbench + "/answers-q82.jsonl", encoding: .utf8)
            .split(separator: "\n").filter { !$0.contains("vicuna-13b-v1.2") }.joined(separator: "\n") + "\n"
        let partial = try folder.write("answers.jsonl", answers)
        let out = folder.path + "/out.jsonl"
        let result = try JudgeLabBinary.run(["data", "convert", Self.mtbench + "/human_judgments-q82.jsonl", "--answers", partial,
                                             "--questions", Self.mtbench + "/questions-q82.jsonl", "--out", out])
        #expect(result.status == 2)
        // Line 3 is alpaca-13b against vicuna-13b-v1.2.
        #expect(result.stderr.contains("human_judgments-q82.jsonl:3: field 'model_b': model 'vicuna-13b-v1.2' has no answer to question 82"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: out))
        let noQuestions = try JudgeLabBinary.run(["data", "convert", Self.mtbench + "/human_judgments-q82.jsonl", "--answers", Self.mtbench + "/answers-q82.jsonl", "--out", out])
        #expect(noQuestions.status == 2)
        #expect(noQuestions.stderr.contains("human_judgments-q82.jsonl:1: field 'question_id': question 82 has no text"), "\(noQuestions.stderr)")
    }

    /// Pointwise variants judge each distinct summary once, however many pairs share it: the
    /// server answers 60 requests a variant for 150 pairs (300 judgments).
    @Test func aPointwiseVariantSendsOneRequestPerDistinctAnswer() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let study = try Self.study(in: folder, server: server, variants: """
            - {template: criterion-1to5, rubric: relevance}
            - {template: score-1to10}
        """)
        let estimate = try JudgeLabBinary.run(["estimate", study])
        #expect(estimate.status == 0, "\(estimate.stderr)")
        #expect(estimate.stdout.contains("120 (before retries); 480 more judgments share one of them"), "\(estimate.stdout)")
        let out = folder.path + "/Results/run"
        let run = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try await server.stats()["ok"]?.int == 120)
        #expect(try JudgmentsFile.load(path: out + "/judgments.jsonl").count == 600)
        let metrics = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json")))
        guard case let .array(variants)? = metrics["variants"] else {
            Issue.record("metrics.json has no variants")
            return
        }
        for variant in variants {
            #expect(variant["order_policy"]?.stringValue == "pointwise")
            #expect(variant["n_items"]?.numberValue == 150)
            #expect(variant["n_judgments"]?.numberValue == 60)
            #expect(variant["n_responses"]?.numberValue == 60)
            #expect(variant["spearman"]?.numberValue != nil && variant["qwk"]?.numberValue != nil)
            #expect(variant["position_consistency"] == .null && variant["first_position_rate"] == .null)
        }
        // Each variant's scores are read on its template's scale: the run's report says what
        // `analyze` says when told the scale, and not what it says on the humans' 1..5.
        for (prefix, scale) in [("criterion-1to5", "1,5"), ("score-1to10", "1,10")] {
            let told = try JudgeLabBinary.run(["analyze", "--dataset", out + "/dataset.jsonl", "--judgments", out + "/judgments.jsonl",
                                               "--judge-scale", scale, "--format", "json"])
            let theirs = try JSONValue.parse(Data(told.stdout.utf8))
            guard case let .array(rows)? = theirs["variants"], let row = rows.first(where: { $0["variant"]?.stringValue?.hasPrefix(prefix) == true }),
                  let mine = variants.first(where: { $0["variant"]?.stringValue?.hasPrefix(prefix) == true }) else {
                Issue.record("no \(prefix) variant")
                continue
            }
            for key in ["mae", "qwk", "krippendorff_alpha", "exact_pointwise", "spearman"] { #expect(mine[key] == row[key], "\(prefix) \(key)") }
        }
        let untold = try JudgeLabBinary.run(["analyze", "--dataset", out + "/dataset.jsonl", "--judgments", out + "/judgments.jsonl", "--format", "json"])
        guard case let .array(rows)? = try JSONValue.parse(Data(untold.stdout.utf8))["variants"] else { return }
        let onHumanScale = rows.first { $0["variant"]?.stringValue?.hasPrefix("score-1to10") == true }
        #expect(onHumanScale?["mae"] != variants.first { $0["variant"]?.stringValue?.hasPrefix("score-1to10") == true }?["mae"])
    }

    /// Both formulations in one study on the shipped SummEval sample: killed with kill -9 in the
    /// middle, the same command finishes it without asking twice for what was answered, and the
    /// result equals an uninterrupted run's, both formulations in one leaderboard.
    @Test func bothFormulationsRunResumeAfterKillDashNineAndShareOneLeaderboard() async throws {
        let server = try FakeJudgeServer(["--latency-ms", "15"])
        let folder = try TemporaryFolder()
        let study = try Self.study(in: folder, server: server, variants: Self.bothWays)
        let out = folder.path + "/A/run"
        let process = try JudgeLabBinary.start(["run", study, "--out", out, "--concurrency", "4", "--quiet"])
        JudgesTests.waitForProgress(out, atLeast: 150)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let entries = { try SQLiteRunStore(runPath: out + "/run.sqlite", cachePath: folder.path + "/A/cache.sqlite").entries() }
        let before = try entries().filter { $0.judgment != nil }.count
        #expect(before > 0 && before < 1200, "killed after \(before) judgments")
        let resumed = try JudgeLabBinary.run(["run", study, "--out", out, "--concurrency", "4", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("\(before) before this run"))
        let answered = try entries().filter { $0.judgment != nil }
        #expect(answered.count == 1200)
        let distinct = Set(answered.map(\.requestHash)).count
        // 300 pairs' orders for each pairwise variant, 60 summaries for each pointwise one.
        #expect(distinct == 2 * 300 + 2 * 60)
        let stats = try await server.stats()
        #expect(stats["distinct_ok"]?.int == distinct)
        #expect(stats["ok"]!.int - distinct <= 4)  // only what was in flight at the kill

        let clean = try FakeJudgeServer()
        let other = try TemporaryFolder()
        let cleanStudy = try Self.study(in: other, server: clean, variants: Self.bothWays)
        #expect(try JudgeLabBinary.run(["run", cleanStudy, "--out", other.path + "/B/run", "--concurrency", "8", "--quiet"]).status == 0)
        func comparable(_ path: String) throws -> [Judgment] {
            try JudgmentsFile.load(path: path).map { var j = $0; j.latencyMS = nil; return j }
        }
        #expect(try comparable(out + "/judgments.jsonl") == (try comparable(other.path + "/B/run/judgments.jsonl")))

        let metrics = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json")))
        guard case let .array(ranking)? = metrics["ranking"], case let .array(variants)? = metrics["variants"] else {
            Issue.record("metrics.json has no ranking")
            return
        }
        #expect(ranking.count == 4)
        let policies = Set(variants.compactMap { $0["order_policy"]?.stringValue })
        #expect(policies == ["both", "pointwise"])
        // Ranked together by agreement on the same 150 pairs.
        #expect(variants.allSatisfy { $0["n_items"]?.numberValue == 150 })
        let report = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(report.contains("Spearman") && report.contains("criterion-1to5.k0.rubric-relevance.pointwise"))
    }

    /// A search whose space holds both formulations: pointwise candidates race, are confirmed on
    /// test and can win; the winner's study reproduces its test figures from the cache alone.
    @Test func aSearchRacesPointwiseAgainstPairwiseAndItsWinnerReproduces() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let study = try folder.write("study.yaml", """
        name: formulations
        dataset: {path: \(Self.responses), criterion: relevance}
        templates: \(Paths.root)/PromptTemplates
        judge: {base_url: "\(server.baseURL)", model: gpt-4o-mini, retry_base_seconds: 0.02}
        search:
          seed: 4
          split: {test: 0.4, by: verdict}
          space:
            template: [choice-ab, rating-1to9, criterion-1to5, score-1to10]
            rubric: [none, relevance]
            order: [original, both]
          racing: {first_round: 20, growth: 20}
          baseline: {template: choice-ab, order: original}
        """)
        let out = folder.path + "/search"
        let optimized = try JudgeLabBinary.run(["optimize", study, "--out", out, "--quiet"], cwd: folder.path)
        #expect(optimized.status == 0, "\(optimized.stdout)\(optimized.stderr)")
        let layout = RunLayout(directory: out)
        let summary = try OptimizeSummary.load(path: layout.searchSummary)
        // The order axis does not multiply a pointwise candidate: 2 pairwise templates × 2
        // rubrics × 2 orders, and 2 pointwise templates × 2 rubrics.
        #expect(summary.candidates == 12, "\(summary.candidates)")
        let judgments = try JudgmentsFile.load(path: layout.devJudgments)
        #expect(judgments.contains { $0.order.isPointwise } && judgments.contains { !$0.order.isPointwise })
        #expect(try XMLReportWriter.validate(file: layout.xmlReport).isEmpty)

        let requestsBefore = try await server.stats()["requests"]!.int
        let run = try JudgeLabBinary.run(["run", layout.winnerStudy, "--out", folder.path + "/winner", "--quiet"], cwd: folder.path)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try await server.stats()["requests"]!.int == requestsBefore, "not one request sent")
        let metrics = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: folder.path + "/winner/metrics.json")))
        let row = try #require(summary.confirmation.first { $0.role == "winner" })
        guard case let .array(variants)? = metrics["variants"], let variant = variants.first else {
            Issue.record("no variants in the winner's metrics.json")
            return
        }
        #expect(variant["variant"]?.stringValue == summary.winner)
        #expect(variant["agreement"]?.numberValue == row.testAgreement)
    }

    /// Recorded per-answer scores (a reward model's, here a made-up length score with decimals,
    /// in CSV) become pointwise judgments of every pair, and replay through a study like a
    /// recorded pairwise judge: the replayed run's figures equal `analyze` on the import.
    @Test func recordedPointwiseScoresImportAndReplay() throws {
        let folder = try TemporaryFolder()
        let pairs = try DatasetLoader.load(path: Self.responses, mapping: { var m = FieldMapping(); m.criterion = "relevance"; return m }()).pairs
        var seen = Set<PairContent.Answer>()
        var csv = "question,answer,score\n"
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        for pair in pairs {
            for text in [pair.answer1, pair.answer2] where seen.insert(PairContent.Answer(question: pair.question, answer: text)).inserted {
                let words = Double(text.split(separator: " ").count)
                csv += "\(quoted(pair.question)),\(quoted(text)),\(JSONValue.format(number: min(10, max(1, words / 8))))\n"
            }
        }
        #expect(seen.count == 60)
        let scores = try folder.write("rm-scores.csv", csv)
        let dir = folder.path + "/imported"
        let imported = try JudgeLabBinary.run(["import", "scores", scores, "--dataset", Self.responses, "--criterion", "relevance", "--variant", "length-rm", "--out", dir])
        #expect(imported.status == 0, "\(imported.stderr)")
        let judgments = try JudgmentsFile.load(path: dir + "/judgments.jsonl")
        #expect(judgments.count == 300 && judgments.allSatisfy { $0.order.isPointwise && $0.variant == "length-rm" })
        let analyzed = try JudgeLabBinary.run(["analyze", "--dataset", dir + "/dataset.jsonl", "--judgments", dir + "/judgments.jsonl", "--judge-scale", "1,10", "--format", "json"])
        guard case let .array(rows)? = try JSONValue.parse(Data(analyzed.stdout.utf8))["variants"], let expected = rows.first else {
            Issue.record("analyze gave no variants: \(analyzed.stderr)")
            return
        }
        #expect(expected["n_responses"]?.numberValue == 60)

        let study = try folder.write("study.yaml", """
        name: replayed-rm
        dataset: imported/dataset.jsonl
        templates: \(Paths.root)/PromptTemplates
        judge: {provider: replay, recordings: imported/judgments.jsonl}
        variants:
          list:
            - {name: length-rm, template: score-1to10}
        """)
        let run = try JudgeLabBinary.run(["run", study, "--out", folder.path + "/replayed", "--quiet"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        guard case let .array(replayed)? = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: folder.path + "/replayed/metrics.json")))["variants"],
              let row = replayed.first else {
            Issue.record("the replayed run has no metrics")
            return
        }
        for key in ["agreement", "kappa", "tie_rate", "n_judgments", "parse_failures", "spearman", "kendall_tau_b", "pearson", "mae", "qwk", "krippendorff_alpha"] {
            #expect(row[key] == expected[key], "\(key)")
        }
    }

    /// Response items in CSV: `ratings` as a list in one cell; pairs formed within the group.
    @Test func responseItemsInCSV() throws {
        let folder = try TemporaryFolder()
        let csv = try folder.write("r.csv", "id,question,answer,ratings,group\nr1,\"Q, one\",A,4;5,g\nr2,\"Q, one\",BB,2;3,g\nr3,\"Q, one\",CCC,5,g\n")
        let out = folder.path + "/r.jsonl"
        let result = try JudgeLabBinary.run(["data", "convert", csv, "--from", "responses", "--scale-min", "1", "--scale-max", "5", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        let pairs = try DatasetLoader.load(path: out).pairs
        #expect(pairs.map(\.id) == ["r1~r2", "r3~r1", "r2~r3"])
        #expect(pairs[1].label == .scores(5, 4.5, scaleMin: 1, scaleMax: 5) && pairs[1].ratings == [[5], [4, 5]])
    }

    /// G-Eval's reading: a pointwise score from the score tokens' probabilities, Σ s·p(s) over the
    /// template's scale, kept with its distribution; a scale beyond single digits is refused.
    @Test func aPointwiseScoreFromLogprobsIsTheExpectedScore() throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let study = try Self.study(in: folder, server: server, variants: "    - {template: criterion-1to5, rubric: relevance, verdict: logprobs}")
        let out = folder.path + "/run"
        let run = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        #expect(judgments.count == 300)
        var fractional = 0
        for judgment in judgments {
            guard let score = judgment.pointwiseScore, let distribution = judgment.distribution else {
                Issue.record("\(judgment.item): no expected score")
                continue
            }
            let expected = distribution.probabilities.reduce(0) { $0 + Double($1.verdict)! * $1.probability }
            #expect(abs(score - expected) < 1e-12 && (1...5).contains(score))
            #expect(distribution.probabilities.allSatisfy { (1...5).contains(Int($0.verdict)!) })
            if score != score.rounded() { fractional += 1 }
        }
        #expect(fractional > 100)

        let refused = try Self.study(in: folder, server: server, variants: "    - {template: score-1to10, verdict: logprobs}")
        let result = try JudgeLabBinary.run(["variants", refused])
        #expect(result.status == 2)
        #expect(result.stderr.contains("field 'variants.list[0].verdict': template 'score-1to10' scores 1..10"), "\(result.stderr)")
    }
}
