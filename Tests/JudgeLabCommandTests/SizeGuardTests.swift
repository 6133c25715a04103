// Size guards: a prompt over its judge's input limit is refused (or skipped, counted) before
// anything is sent, and a budget stop caused by one dear request says so.
import Foundation
import JudgeLab
import JudgeLabTesting
import JudgeLabTestSupport
import Testing

@Suite struct SizeGuardTests {
    /// Ten pairs, the fourth with an answer of 600,000 bytes: about 150,000 tokens, over
    /// gpt-4o-mini's 128,000-token context.
    static func study(in folder: TemporaryFolder, server: FakeJudgeServer, judge: String = "", extra: String = "") throws -> String {
        var data = ""
        for i in 0..<10 {
            let long = i == 3 ? String(repeating: "very long answer ", count: 600_000 / 17) : "answer \(i) one"
            data += JSONValue.object([("id", .string("p\(i)")), ("question", .string("Question \(i)?")), ("answer_1", .string(long)),
                                      ("answer_2", .string("answer \(i) two")), ("winner", .string(["1", "2", "tie"][i % 3]))]).compactText + "\n"
        }
        try folder.write("data.jsonl", data)
        return try folder.write("study.yaml", """
        name: sizes
        dataset: data.jsonl
        templates: \(Paths.root)/PromptTemplates
        judge:
          base_url: \(server.baseURL)
          model: gpt-4o-mini
        \(judge)
        \(extra)
        variants:
          list:
            - {template: choice-ab, order: both}
        """)
    }

    /// Before: the 600 KB prompt was estimated, sent and paid for like any other (a 50 MB one
    /// made a 52 MB report); now it is one located error, in the estimate as in the run.
    @Test func aPromptOverTheModelsContextIsRefusedBeforeAnythingIsSent() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let study = try Self.study(in: folder, server: server)
        let out = folder.path + "/Results/run"
        for arguments in [["estimate", study], ["run", study, "--out", out, "--quiet"]] {
            let result = try JudgeLabBinary.run(arguments)
            #expect(result.status == 2, "\(arguments[0]): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.hasPrefix("error: \(study):5: field 'judge.max_input_tokens': item 'p3' (variant '"), "\(result.stderr)")
            #expect(result.stderr.contains("over judge 'openai''s limit of 127990 (model 'gpt-4o-mini''s context of 128000 tokens less max_tokens 10); nothing was sent"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        #expect(try await server.stats()["requests"]!.int == 0)
        #expect(!FileManager.default.fileExists(atPath: out))  // a refused start leaves nothing
    }

    @Test func skippedPromptsAreLeftOutAndCounted() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let study = try Self.study(in: folder, server: server, judge: "  oversized: skip")
        let estimate = try JudgeLabBinary.run(["estimate", study])
        #expect(estimate.status == 0, "\(estimate.stderr)")
        #expect(estimate.stdout.contains("skipped             2 judgments over their judge's input limit (oversized: skip): not sent"), "\(estimate.stdout)")
        #expect(estimate.stdout.contains("requests to send    18 (before retries)"), "\(estimate.stdout)")
        let out = folder.path + "/Results/run"
        let run = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("18 of 20 judgments recorded"), "\(run.stdout)")
        #expect(run.stdout.contains("2 judgments skipped, not sent: their prompts are over their judge's input limit (oversized: skip)"))
        #expect(try await server.stats()["requests"]!.int == 18)
        #expect(try JudgmentsFile.load(path: out + "/judgments.jsonl").allSatisfy { $0.item != "p3" })

        // A judge's own limit: every prompt here is over 50 tokens.
        let tight = try folder.write("tight.yaml", try String(contentsOfFile: study, encoding: .utf8)
            .replacingOccurrences(of: "  oversized: skip", with: "  max_input_tokens: 50"))
        let refused = try JudgeLabBinary.run(["estimate", tight])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("over judge 'openai''s limit of 50 (its max_input_tokens)"), "\(refused.stderr)")
    }

    /// Before: a stop caused by one request dearer than the whole cap advised raising
    /// --max-cost, as if the run had simply spent its budget.
    @Test func aBudgetStopCausedByOneItemNamesIt() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        // The long item's prompt costs about $0.30 at these prices; the cap is $0.10.
        let study = try Self.study(in: folder, server: server, judge: "  max_input_tokens: 1000000",
                                   extra: "prices:\n  gpt-4o-mini: {input: 2, output: 2}\nbudget: {max_cost_usd: 0.10}")
        let out = folder.path + "/Results/run"
        let run = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet", "--concurrency", "1"])
        #expect(run.status == 3, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("stopped at the budget: the next request (item 'p3', variant '"), "\(run.stdout)")
        #expect(run.stdout.contains("on its own, more than the whole $0.10 cap: shorten that item or lower max_tokens"), "\(run.stdout)")
        #expect(!run.stdout.contains("raise --max-cost"))
    }
}
