// Several judges in one study, each over its own API on its own loopback server; Gemini end to
// end; and the study errors that name a judge.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTesting
@testable import JudgeLabStore
import JudgeLabTestSupport

@Suite(.serialized) struct JudgesTests {
    /// A study of two judges (OpenAI-compatible on `gpt`, Anthropic on `claude`) and a judge axis.
    static func twoJudgeStudy(in folder: TemporaryFolder, gpt: FakeJudgeServer, claude: FakeJudgeServer, items: Int) throws -> String {
        try FileManager.default.copyItem(atPath: Paths.samples + "/pandalm-200.jsonl", toPath: folder.path + "/data.jsonl")
        return try folder.write("study.yaml", """
        name: two-judges
        dataset: data.jsonl
        templates: \(Paths.root)/PromptTemplates
        split: {fewshot_fraction: 0.1, seed: 3}
        sample: {first: \(items)}
        judges:
          gpt:
            provider: openai
            base_url: \(gpt.baseURL)
            model: gpt-4o-mini
            concurrency: 2
            retry_base_seconds: 0.02
          claude:
            provider: anthropic
            base_url: http://127.0.0.1:\(claude.port)
            model: claude-3-5-haiku-latest
            concurrency: 3
            retry_base_seconds: 0.02
        variants:
          grid:
            template: [rating-1to9, choice-ab]
            judge: [gpt, claude]
            order: [both]
        """)
    }

    @Test func twoJudgesOnTwoProvidersEachGetOnlyTheirOwnRequestsAndResumeAfterKill() async throws {
        // Slow enough (a judge of 2 slots at 50 ms takes about 6 s for its 240 requests) that the
        // kill lands mid-run on a loaded machine.
        let gpt = try FakeJudgeServer(["--latency-ms", "50"])
        let claude = try FakeJudgeServer(["--latency-ms", "50"])
        let folder = try TemporaryFolder()
        let study = try Self.twoJudgeStudy(in: folder, gpt: gpt, claude: claude, items: 60)
        let out = folder.path + "/Results/run"
        let process = try RunTests.startRun(study, out: out, concurrency: 0)
        Self.waitForProgress(out, atLeast: 30)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = try RunTests.entries(out).filter { $0.judgment != nil }.count
        #expect(before >= 30 && before < 480, "killed after \(before)")

        let resumed = try JudgeLabBinary.run(["run", study, "--out", out])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("\(before) before this run"))
        // The leaderboard names each variant's judge.
        #expect(resumed.stdout.contains("judge") && resumed.stdout.contains(" claude ") && resumed.stdout.contains(" gpt "))
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        #expect(judgments.count == 4 * 60 * 2)
        #expect(Set(judgments.map { JudgmentKey(variant: $0.variant, item: $0.item, order: $0.order) }).count == 480)
        #expect(judgments.allSatisfy { $0.reading.isParsed })

        // Each server heard only its own judge's API, never more at once than that judge's concurrency.
        let a = try await gpt.stats(), b = try await claude.stats()
        #expect(a["by_api"]?["openai"]?.int ?? 0 > 0 && a["by_api"]?["anthropic"] == nil)
        #expect(b["by_api"]?["anthropic"]?.int ?? 0 > 0 && b["by_api"]?["openai"] == nil)
        #expect(a["max_in_flight"]!.int <= 2 && b["max_in_flight"]!.int <= 3)
        #expect(b["max_in_flight"]!.int >= 2)
        // Variants of each judge went to its server alone: the requests answered equal the distinct
        // requests of its variants (give or take those in flight at the kill).
        let entries = try RunTests.entries(out).filter { $0.judgment != nil }
        let gptHashes = Set(entries.filter { $0.key.variant.contains(".gpt.") }.map(\.requestHash))
        let claudeHashes = Set(entries.filter { $0.key.variant.contains(".claude.") }.map(\.requestHash))
        #expect(a["distinct_ok"]?.int == gptHashes.count && b["distinct_ok"]?.int == claudeHashes.count)

        // The record and the reports name the judge of every variant.
        let record = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: out + "/study.json")))
        guard case let .array(variants)? = record["variants"] else { Issue.record("no variants in study.json"); return }
        #expect(variants.compactMap { $0["judge"]?.stringValue }.sorted() == ["claude", "claude", "gpt", "gpt"])
        #expect(record["judges"].map { if case let .array(j) = $0 { j.count } else { 0 } } == 2)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("<th>Judge</th>") && html.contains("data-metric=\"judge\">claude</td>"))

        // compare and estimate name the judges too.
        let names = variants.compactMap { $0["name"]?.stringValue }
        let byGPT = try #require(names.first { $0.contains(".gpt.") }), byClaude = try #require(names.first { $0.contains(".claude.") })
        let compare = try JudgeLabBinary.run(["compare", byGPT, byClaude, "--dataset", out + "/dataset.jsonl", "--judgments", out + "/judgments.jsonl"])
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(compare.stdout.contains("(\(byGPT) is judged by gpt; \(byClaude) by claude)"), "\(compare.stdout)")
        let estimate = try JudgeLabBinary.run(["estimate", study, "--out", out])
        #expect(estimate.status == 0, "\(estimate.stderr)")
        let rows = estimate.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.contains { $0.first == "gpt" && $0.contains("openai") && $0.contains("2") })
        #expect(rows.contains { $0.first == "claude" && $0.contains("anthropic") && $0.contains("3") })
        #expect(estimate.stdout.contains("answered before"))
    }

    /// Waits, on this thread, until the run's journal holds `count` answered judgments (at most
    /// 20 s). Not `await`: with every worker of the test pool blocked in other suites' child
    /// processes, an awaiting poll may not be resumed until the run has finished.
    static func waitForProgress(_ out: String, atLeast count: Int) {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: out + "/run.sqlite"),
               let answered = try? SQLiteRunStore(runPath: out + "/run.sqlite", cachePath: FilePath.parent(out) + "/cache.sqlite").answeredKeys().count,
               answered >= count { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    @Test func aJudgeOnTwoEndpointsLosesOneMidRunAndLosesNoJudgment() async throws {
        // Two servers of one judge, 3 slots each; one is killed with SIGKILL in the middle: its
        // requests in flight fail, it is taken out, and their retries go to the other.
        let first = try FakeJudgeServer(["--latency-ms", "20"]), second = try FakeJudgeServer(["--latency-ms", "20"])
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Paths.samples + "/pandalm-200.jsonl", toPath: folder.path + "/data.jsonl")
        let study = try folder.write("study.yaml", """
        name: two-endpoints
        dataset: data.jsonl
        templates: \(Paths.root)/PromptTemplates
        split: {fewshot_fraction: 0.1, seed: 3}
        sample: {first: 100}
        judge:
          endpoints:
            - {base_url: \(first.baseURL), concurrency: 3}
            - {base_url: \(second.baseURL), concurrency: 3}
          model: gpt-4o-mini
          timeout_seconds: 10
          retry_base_seconds: 0.02
          max_attempts: 6
        variants:
          list:
            - {template: rating-1to9, order: both}
            - {template: choice-ab, order: both}
            - {template: rating-1to9, shots: 2, selection: balanced, order: both}
        """)
        let out = folder.path + "/out"
        let process = try JudgeLabBinary.start(["run", study, "--out", out, "--quiet"])
        Self.waitForProgress(out, atLeast: 120)
        first.stop()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let entries = try RunTests.entries(out)
        let answered = entries.filter { $0.judgment != nil }
        #expect(answered.count == 600 && entries.count == 600, "every judgment recorded once: \(answered.count) of \(entries.count)")
        #expect(Set(answered.map(\.key)).count == 600)
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        #expect(judgments.count == 600)
        // The survivor answered what the other left, never more at once than its own slots.
        let b = try await second.stats()
        let distinct = entries.filter { !$0.fromCache }.count
        #expect(b["ok"]!.int >= distinct / 2 && b["ok"]!.int < distinct, "\(b)")
        #expect(b["max_in_flight"]!.int <= 3, "\(b)")
        let record = try String(contentsOfFile: out + "/study.json", encoding: .utf8)
        #expect(record.contains("concurrency 3") && record.contains("\(second.port)"))
    }

    @Test func geminiVariantsRunEndToEnd() async throws {
        let server = try FakeJudgeServer(["--require-key", "g-secret-key"])
        let folder = try TemporaryFolder()
        let study = try Self.study("""
        judge:
          provider: gemini
          base_url: http://127.0.0.1:\(server.port)/v1beta
          model: gemini-2.0-flash
          api_key_env: JUDGELAB_GEMINI_KEY
          json_response_format: true
        prices:
          gemini-2.0-flash: {input: 0.1, cached_input: 0.025, output: 0.4}
        variants:
          grid: {template: [rating-1to9, choice-ab], order: [both]}
        """, items: 12, in: folder)
        let out = folder.path + "/Results/run"
        let result = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"], environment: ["JUDGELAB_GEMINI_KEY": "g-secret-key"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        #expect(judgments.count == 48)
        #expect(judgments.allSatisfy { $0.reading.isParsed && ($0.costUSD ?? 0) > 0 && ($0.inputTokens ?? 0) > 0 })
        let stats = try await server.stats()
        #expect(stats["by_api"]?["gemini"]?.int == stats["requests"]?.int)
        // The key went in its header only: the server checked it, and no file holds it.
        for file in try FileManager.default.contentsOfDirectory(atPath: out) {
            let data = try Data(contentsOf: URL(fileURLWithPath: out + "/" + file))
            #expect(data.range(of: Data("g-secret-key".utf8)) == nil, "\(file)")
        }
        // Without the key: the server refuses, and the run says so.
        // (A Results folder of its own: the first run's cache would answer.)
        let refused = try JudgeLabBinary.run(["run", study, "--out", folder.path + "/Other/nokey", "--quiet"],
                                             environment: ["JUDGELAB_GEMINI_KEY": "wrong-key"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("HTTP 401"))
    }

    /// A study of the first `items` items of the shipped PandaLM sample, with `yaml` after its
    /// data, templates and sample keys.
    static func study(_ yaml: String, items: Int = 4, in folder: TemporaryFolder) throws -> String {
        try FileManager.default.copyItem(atPath: Paths.samples + "/pandalm-200.jsonl", toPath: folder.path + "/data.jsonl")
        return try folder.write("study.yaml", "name: s\ndataset: data.jsonl\ntemplates: \(Paths.root)/PromptTemplates\nsample: {first: \(items)}\n" + yaml)
    }

    /// The study's error for `yaml`, written beside a small data set.
    static func studyError(_ yaml: String, environment: [String: String] = [:]) throws -> String {
        let folder = try TemporaryFolder()
        let study = try Self.study(yaml, in: folder)
        let result = try JudgeLabBinary.run(["estimate", study], environment: environment)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty)
        return result.stderr
    }

    @Test func studyErrorsNameTheJudge() throws {
        let two = """
        judges:
          gpt: {provider: openai, base_url: "http://127.0.0.1:9/v1", model: m}
          hosted: {provider: anthropic, model: claude, api_key_env: JUDGELAB_NO_SUCH_KEY}

        """
        let unknown = try Self.studyError(two + "variants:\n  list:\n    - {template: choice-ab, judge: nobody}\n")
        #expect(unknown.contains("study.yaml:10: field 'variants.list[0].judge': unknown judge 'nobody' (the study's judges: gpt, hosted)"), "\(unknown)")
        let unnamed = try Self.studyError(two + "variants:\n  grid: {template: [choice-ab]}\n")
        #expect(unnamed.contains("the study has 2 judges (gpt, hosted): name one with 'judge'"), "\(unnamed)")
        let key = try Self.studyError(two + "variants:\n  grid: {template: [choice-ab], judge: [gpt, hosted]}\n")
        #expect(key.contains("study.yaml:7: field 'judges.hosted.api_key_env': judge 'hosted': $JUDGELAB_NO_SUCH_KEY is not set"), "\(key)")
        // An unused judge needs no key.
        let folder = try TemporaryFolder()
        let fine = try Self.study(two + "variants:\n  grid: {template: [choice-ab], judge: [gpt]}\n", in: folder)
        #expect(try JudgeLabBinary.run(["estimate", fine]).status == 0)

        let baseline = try Self.studyError("judge: {provider: baseline, baseline: longer}\nvariants:\n  grid: {template: [rating-1to9]}\n")
        #expect(baseline.contains("judge 'baseline-longer': a baseline judge answers A, B or tie: it cannot serve template 'rating-1to9'"), "\(baseline)")
        let both = try Self.studyError("judge: {model: m}\njudges:\n  a: {model: m}\nvariants:\n  grid: {template: [choice-ab]}\n")
        #expect(both.contains("give either 'judge' (one judge) or 'judges' (named judges), not both"), "\(both)")
        let provider = try Self.studyError("judges:\n  a: {provider: bard, model: m}\nvariants:\n  grid: {template: [choice-ab]}\n")
        #expect(provider.contains("unknown provider 'bard' (expected one of: openai, anthropic, gemini, replay, baseline)"), "\(provider)")
    }

    /// Replay answers by the judgment itself, not by a header: an id with a tab or a line break
    /// replays like any other (the old header tunnel split on tabs and failed such items for good).
    @Test func replayedItemsMayHaveAnyIdAndBaselinesAnswerInTheProcess() throws {
        let folder = try TemporaryFolder()
        let ids = ["plain", "with\ttab", "with\nbreak|and|bars"]
        let data = ids.enumerated().map { i, id in
            JSONValue.object([("id", .string(id)), ("question", .string("q\(i)")), ("answer_1", "short"), ("answer_2", "much longer answer"), ("winner", "2")]).compactText
        }.joined(separator: "\n") + "\n"
        try folder.write("data.jsonl", data)
        let recorded = ids.flatMap { id in ["original", "swapped"].map { order in
            JSONValue.object([("item", .string(id)), ("variant", "rec"), ("order", .string(order)), ("output", .string(order == "original" ? "B" : "A"))]).compactText
        } }.joined(separator: "\n") + "\n"
        try folder.write("recorded.jsonl", recorded)
        let study = try folder.write("study.yaml", """
        name: ids
        dataset: data.jsonl
        templates: \(Paths.root)/PromptTemplates
        judge: {provider: replay, recordings: recorded.jsonl}
        variants:
          list:
            - {name: rec, template: choice-ab, order: both}
            - {baseline: longer}
        """)
        let out = folder.path + "/Results/run"
        let result = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        #expect(judgments.count == 12)
        #expect(Set(judgments.map(\.item)) == Set(ids))
        #expect(judgments.allSatisfy { $0.reading.isParsed && $0.costUSD == 0 })
        // The recordings and the longer-answer baseline both prefer answer 2, in either order.
        let analysis = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json")))
        guard case let .array(variants)? = analysis["variants"] else { Issue.record("no variants"); return }
        #expect(variants.allSatisfy { $0["agreement"]?.numberValue == 1 })
    }

    @Test func aJudgeWithSeveralModelsMakesAVariantForEach() throws {
        let folder = try TemporaryFolder()
        let study = try Self.study("""
        judges:
          local: {base_url: "http://127.0.0.1:9/v1", models: [small, large], concurrency: 2}
          other: {base_url: "http://127.0.0.1:10/v1", model: small}
        variants:
          grid: {template: [choice-ab], judge: [local, other]}
        """, in: folder)
        let plan = try StudyPlan(study: try Study.load(path: study))
        #expect(plan.variants.map(\.name) == ["choice-ab.k0.rubric-none.original.local.small.t0", "choice-ab.k0.rubric-none.original.local.large.t0",
                                              "choice-ab.k0.rubric-none.original.other.small.t0"])
        #expect(plan.variants.map(\.judge) == ["local", "local", "other"])
        let settings = try RunSettings.from(plan: plan, environment: [:])
        #expect(settings.judges.map(\.name) == ["local", "other"])
        #expect(settings.judge(named: "local")?.limits.concurrency == 2)
        // The same model on two endpoints: two requests, kept apart in the cache.
        let tasks = try Runner.tasks(for: plan, settings: settings)
        let small = tasks.filter { $0.key.variant.hasSuffix(".local.small.t0") }, other = tasks.filter { $0.key.variant.hasSuffix(".other.small.t0") }
        #expect(small.count == 4 && other.count == 4)
        #expect(zip(small, other).allSatisfy { $0.key.item == $1.key.item && $0.hash != $1.hash && $0.judge == "local" && $1.judge == "other" })
    }
}
