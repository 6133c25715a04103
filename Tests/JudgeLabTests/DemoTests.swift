// The demo: offline, on recorded judges and baselines, through the same path as a live run.
import Foundation
import Testing
@testable import JudgeLab

@Suite struct DemoTests {
    @Test func theDemoPublishesReportsWhoseNumbersEqualAnalyze() throws {
        let folder = try TemporaryFolder()
        let out = folder.path + "/demo"
        let result = try JudgeLabBinary.run(["demo", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("GPT-4/CoT"))
        #expect(result.stdout.contains("No significant difference between GPT-4/CoT and GPT-4/Vanilla") || result.stdout.contains("agrees with humans more often"))
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
        }
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
