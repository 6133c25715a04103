// The demo: offline, on recorded judges and baselines, through the same path as a live run.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct DemoTests {
    @Test func theDemoPublishesReportsWhoseNumbersEqualAnalyze() throws {
        let folder = try TemporaryFolder()
        let out = folder.path + "/demo"
        let result = try JudgeLabBinary.run(["demo", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("GPT-4/CoT"))
        // The known outcome on LLMBar Natural: CoT 3.7 points behind Vanilla, not significant.
        #expect(result.stdout.contains("No significant difference between GPT-4/CoT and GPT-4/Vanilla: -3.7 points"), "\(result.stdout)")
        for study in ["llmbar-natural", "pandalm"] {
            let dir = out + "/" + study
            for file in ["report.html", "report.xml", "metrics.json", "judgments.jsonl", "run.sqlite"] {
                #expect(FileManager.default.fileExists(atPath: dir + "/" + file), "\(study)/\(file)")
            }
            #expect(result.stdout.contains(dir + "/report.html"))
            // The demo's numbers for the recorded configs equal `judgelab analyze` on the same judgments.
            let analyze = try JudgeLabBinary.run(["analyze", "--dataset", dir + "/dataset.jsonl", "--judgments", dir + "/judgments.jsonl", "--format", "json"])
            let expected = try JSONValue.parse(Data(analyze.stdout.utf8))
            var published = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: dir + "/metrics.json")))
            if case let .object(m) = published { published = .object(m.filter { $0.0 != "comparisons" }) }
            #expect(published == expected, "\(study)")
            // And each variant's agreement equals the independent implementation's.
            let reference = try ReferenceImplementationTests.referenceAgreements(dir)
            guard case let .array(variants)? = published["variants"] else {
                Issue.record("\(study): metrics.json has no variants")
                continue
            }
            #expect(reference.count == variants.count && !reference.isEmpty, "\(study)")
            for variant in variants {
                let name = variant["variant"]?.stringValue ?? "?"
                #expect(abs((variant["agreement"]?.numberValue ?? -1) - (reference[name] ?? -2)) < 1e-9, "\(study): \(name)")
            }
        }
        // LLMBar Natural and Adversarial with a jury, a naive and a calibrated cascade, priced.
        for study in ["llmbar-natural-cascade", "llmbar-adversarial-cascade"] {
            let dir = out + "/" + study
            let metrics = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: dir + "/metrics.json")))
            guard case let .array(cascades)? = metrics["cascades"], case let .array(variants)? = metrics["variants"] else {
                Issue.record("\(study): no cascades")
                continue
            }
            #expect(cascades.compactMap { $0["name"]?.stringValue } == ["naive", "calibrated"])
            #expect(variants.contains { $0["variant"] == "jury/ChatGPT×3" })
            #expect(variants.allSatisfy { ($0["cost_usd"]?.numberValue ?? 0) > 0 }, "\(study): every variant priced")
            let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
            #expect(html.contains("id=\"cascades\"") && html.contains("jury/ChatGPT×3"))
            // In report.xml too (checked against its schema when written).
            let xml = try String(contentsOfFile: dir + "/report.xml", encoding: .utf8)
            #expect(xml.contains("<cascade name=\"naive\" fitted=\"false\"") && xml.contains("<cascade name=\"calibrated\" fitted=\"true\""))
            if Browser.isInstalled { #expect(try Browser.pageIsQuiet(dir + "/report.html", shots: folder.path + "/shots-" + study)) }
        }
        // The naive cascade collapses on Adversarial; the calibrated one abstains rather than claim it.
        let adversarial = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: out + "/llmbar-adversarial-cascade/metrics.json")))
        if case let .array(cascades)? = adversarial["cascades"], cascades.count == 2 {
            #expect((cascades[0]["agreement"]?.numberValue ?? 1) < 0.5)
            #expect(cascades[1]["selective_agreement"] == .null || (cascades[1]["selective_agreement"]?.numberValue ?? 0) >= 0.8)
        }
        #expect(result.stdout.contains("Cascades, on the"))
    }

    /// SummEval both ways: pointwise and pairwise variants in one leaderboard, each pointwise
    /// variant judging the 60 summaries once where a pairwise one sends 300 requests; every
    /// agreement equals the independent implementation's; the page passes the browser checks.
    @Test func theDemoJudgesSummEvalPointwiseAndPairwise() throws {
        let folder = try TemporaryFolder()
        let out = folder.path + "/demo"
        let result = try JudgeLabBinary.run(["demo", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("== summeval-both-ways: pointwise against pairwise"))
        #expect(result.stdout.contains("- baseline-longer: 300 requests") && result.stdout.contains("- baseline-longer.criterion-1to5: 60 requests"), "\(result.stdout)")
        let dir = out + "/summeval-both-ways"
        let metrics = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: dir + "/metrics.json")))
        guard case let .array(variants)? = metrics["variants"] else {
            Issue.record("metrics.json has no variants")
            return
        }
        #expect(variants.count == 5)
        let pointwise = variants.filter { $0["order_policy"]?.stringValue == "pointwise" }
        #expect(pointwise.count == 3)
        #expect(pointwise.allSatisfy { $0["n_judgments"]?.numberValue == 60 && $0["spearman"]?.numberValue != nil && $0["human_ceiling_spearman"]?.numberValue != nil })
        #expect(variants.allSatisfy { $0["n_items"]?.numberValue == 150 })
        let reference = try ReferenceImplementationTests.referenceAgreements(dir)
        #expect(reference.count == 5)
        for variant in variants {
            let name = variant["variant"]?.stringValue ?? "?"
            #expect(abs((variant["agreement"]?.numberValue ?? -1) - (reference[name] ?? -2)) < 1e-9, "\(name)")
        }
        // Each pointwise variant's answers, its scores against the raters' means, drawn.
        let page = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        #expect(page.components(separatedBy: "Pointwise scores against the raters").count - 1 == 3)
        if Browser.isInstalled { #expect(try Browser.pageIsQuiet(dir + "/report.html", shots: folder.path + "/shots")) }
    }

    @Test func baselinesBehaveAsDefined() throws {
        let folder = try TemporaryFolder()
        let out = folder.path + "/demo"
        #expect(try JudgeLabBinary.run(["demo", "--out", out]).status == 0)
        let metrics = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: out + "/pandalm/metrics.json")))
        guard case let .array(variants)? = metrics["variants"] else { Issue.record("no variants"); return }
        func variant(_ name: String) -> JSONValue? { variants.first { $0["variant"]?.stringValue == name } }
        #expect(variant("baseline-first")?["first_position_rate"] == 1)
        #expect(variant("baseline-tie")?["tie_rate"] == 1)
        #expect(variant("baseline-tie")?["agreement"] == variant("baseline-tie")?["human_tie_rate"])
        #expect(variant("baseline-longer")?["position_consistency"] == 1)  // length does not depend on the order
        #expect(variant("baseline-coin")?["cost_usd"] == 0)
        // The coin is seeded: a second demo flips the same coins.
        let again = folder.path + "/again"
        #expect(try JudgeLabBinary.run(["demo", "--out", again]).status == 0)
        let judgments = { (dir: String) in try JudgmentsFile.load(path: dir + "/pandalm/judgments.jsonl").filter { $0.variant == "baseline-coin" }.map(\.reading) }
        #expect(try judgments(out) == judgments(again))
    }

    /// The demo's search: LLMBar's recorded configurations raced on dev and confirmed on test.
    /// The authors' own figures say GPT-4 agrees with humans on 91-95% of the Natural set and
    /// ChatGPT on 63-77%, so the winner must be a GPT-4 configuration.
    @Test func theDemoSearchesTheRecordedJudgesAndConfirmsTheWinnerOnTest() throws {
        let folder = try TemporaryFolder()
        let out = folder.path + "/demo"
        let result = try JudgeLabBinary.run(["demo", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        let dir = out + "/llmbar-natural-search"
        #expect(result.stdout.contains("== llmbar-natural-search"))
        #expect(result.stdout.contains("of the full grid's 1200"))
        #expect(result.stdout.contains(dir + "/report.html"))
        let summary = try JSONDecoder().decode(OptimizeSummary.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/optimize.json")))
        #expect(summary.winner.contains(".GPT-4/"), "\(summary.winner)")
        #expect(summary.confirmed)
        // Which to keep, said plainly: here the winner beat the baseline on test.
        #expect(summary.winnerBeatBaseline)
        #expect(result.stdout.contains("keep the winner, \(summary.winner) (winner.yaml): it beat the baseline on test"), "\(result.stdout)")
        #expect(!(try String(contentsOfFile: dir + "/winner.yaml", encoding: .utf8)).contains("did not beat"))
        // Had it not (the same search, its test figures changed): the baseline, and why.
        var lost = summary
        lost.winnerAgainstBaseline?.delta = -0.02
        lost.winnerAgainstBaseline?.p = 0.7
        #expect(!lost.winnerBeatBaseline)
        #expect(lost.advice == "keep the baseline, \(summary.baseline): the winner did not beat it on test (-2.0 points); winner.yaml is written for inspection only")
        lost.winnerAgainstBaseline?.delta = 0.03
        lost.winnerAgainstBaseline?.p = 0.4
        #expect(lost.advice.hasPrefix("keep the baseline, \(summary.baseline): the winner's lead on test (+3.0 points, p = 0.4) is not significant"))
        // One cost on the page: the headline's is the search's, as its section says.
        let page = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        #expect(page.contains(String(format: "$%.4f paid for the whole search", summary.paidUSD)))
        #expect(page.contains("Which to keep:</strong> keep the winner"))
        #expect(summary.candidates == 18 && summary.devItems == 50 && summary.testItems == 50)
        #expect(summary.raceJudgments < summary.fullGridJudgments)
        // Every round's standings: the candidates that went in, each with its record so far, and
        // a dropped candidate in no later round; each candidate's last standing is its row's.
        for (index, round) in summary.rounds.enumerated() {
            let standings = round.standings ?? []
            #expect(standings.count == round.survivorsBefore)
            #expect(standings.allSatisfy { $0.items == round.items })
            for later in summary.rounds[(index + 1)...] {
                #expect(Set((later.standings ?? []).map(\.name)).isDisjoint(with: round.dropped))
            }
        }
        for row in summary.candidateRows {
            let mine = summary.rounds.flatMap { round in (round.standings ?? []).filter { $0.name == row.name } }
            #expect(mine.last?.items == row.devItems, "\(row.name)")
            #expect(mine.last.map { Double($0.agreements) } == (row.devAgreement ?? -1) * Double(row.devItems), "\(row.name)")
        }
        // The standings equal the dev judgments recounted: each candidate's agreements on the
        // dev items it was judged on, from dev-judgments.jsonl and the humans' labels.
        let dev = try JudgmentsFile.load(path: dir + "/dev-judgments.jsonl")
        let pairs = Dictionary(uniqueKeysWithValues: try DatasetLoader.load(path: Paths.samples + "/llmbar-natural.jsonl").pairs.map { ($0.id, $0) })
        for row in summary.candidateRows {
            var byItem: [String: [Judgment]] = [:]
            for judgment in dev where judgment.variant == row.name { byItem[judgment.item, default: []].append(judgment) }
            #expect(byItem.count == row.devItems, "\(row.name)")
            let agreements = byItem.filter { item, judgments in
                // Both orders must name the human's answer (no ties in LLMBar); one order must too.
                let verdicts = judgments.map { $0.verdict(tieBand: .standard) }
                return verdicts.allSatisfy { $0 != nil && $0 == pairs[item]!.humanVerdict() }
            }.count
            #expect(Double(agreements) == (row.devAgreement ?? -1) * Double(row.devItems), "\(row.name)")
        }
        // The race picture: a line per candidate, a cross per drop (and one in the key).
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        let figure = try #require(html.range(of: #"<figure class="race">.*?</figure>"#, options: .regularExpression).map { String(html[$0]) })
        #expect(figure.components(separatedBy: "class=\"race-line\"").count - 1 == summary.candidateRows.count)
        #expect(figure.components(separatedBy: "stroke=\"#a8434b\"").count - 1 == summary.candidateRows.count { $0.droppedIn != nil } + 1)
        if Browser.isInstalled { #expect(try Browser.pageIsQuiet(dir + "/report.html", shots: folder.path + "/shots")) }
        // The winner's study replays the winner's test figures.
        let winnerRun = try JudgeLabBinary.run(["run", dir + "/winner.yaml", "--out", folder.path + "/winner", "--quiet"])
        #expect(winnerRun.status == 0, "\(winnerRun.stdout)\(winnerRun.stderr)")
        let metrics = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: folder.path + "/winner/metrics.json")))
        let winner = try #require(summary.confirmation.first { $0.role == "winner" })
        guard case let .array(variants)? = metrics["variants"] else { Issue.record("no variants in the winner's metrics.json"); return }
        #expect(variants.count == 1)
        #expect(variants.first?["agreement"]?.numberValue == winner.testAgreement)
    }

    @Test func onlyAReplayJudgeHasARecordedVariant() throws {
        let folder = try TemporaryFolder()
        let study = try folder.write("study.yaml", """
        name: wrong
        dataset: \(Paths.samples)/llmbar-natural.jsonl
        judge: {provider: openai, base_url: "http://127.0.0.1:9/v1", model: m, recorded_variant: GPT-4/CoT}
        variants: {list: [{template: choice-ab}]}
        """)
        let result = try JudgeLabBinary.run(["run", study, "--out", folder.path + "/out"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(study):3"), "\(result.stderr)")
        #expect(result.stderr.contains("only a replay judge has a recorded variant"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))
    }

    @Test func aReplayWithoutARecordingFailsClearly() throws {
        let folder = try TemporaryFolder()
        let samples = Paths.samples
        try FileManager.default.copyItem(atPath: samples + "/llmbar-natural.jsonl", toPath: folder.path + "/data.jsonl")
        // Recordings of GPT-4/CoT for all but the first item.
        let recorded = try String(contentsOfFile: samples + "/llmbar-natural-recorded.jsonl", encoding: .utf8)
            .split(separator: "\n").filter { $0.contains("\"GPT-4/CoT\"") && !$0.contains("\"llmbar-natural-0\"") }.joined(separator: "\n") + "\n"
        try folder.write("recorded.jsonl", recorded)
        let study = try folder.write("study.yaml", """
        name: replay
        dataset: data.jsonl
        templates: \(Paths.root)/PromptTemplates
        sample: {first: 10}
        judge: {provider: replay, recordings: recorded.jsonl}
        variants:
          list:
            - {name: GPT-4/CoT, template: choice-ab, order: both}
        """)
        let result = try JudgeLabBinary.run(["run", study, "--out", folder.path + "/Results/run", "--quiet"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("2 requests failed for good"))
        #expect(result.stdout.contains("no recording for variant 'GPT-4/CoT', item 'llmbar-natural-0'"))
        #expect(try JudgmentsFile.load(path: folder.path + "/Results/run/judgments.jsonl").count == 18)
    }
}
