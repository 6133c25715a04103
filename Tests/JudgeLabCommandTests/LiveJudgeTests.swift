// A real judge: llama.cpp's own server with SmolLM2-135M, over both APIs, free and constrained; a
// server killed mid-run; a generation slower than the timeout; usage as the server reports it.
import Foundation
import Testing
@testable import JudgeLab
@testable import JudgeLabStore
import JudgeLabTestSupport

@Suite(.serialized, .enabled(if: LiveJudgeServer.unavailable == nil, Comment(rawValue: LiveJudgeServer.unavailable ?? "")))
struct LiveJudgeTests {
    static func study(_ judges: String, variants: String, items: Int, in folder: TemporaryFolder) throws -> String {
        try JudgesTests.study(judges + "\nvariants:\n" + variants, items: items, in: folder)
    }

    @Test func realJudgmentsOverBothAPIsFreeAndConstrained() throws {
        let server = try LiveJudgeServer()
        let folder = try TemporaryFolder()
        let study = try Self.study("""
        judges:
          oai: {provider: openai, base_url: "\(server.openAIURL)", model: smollm2, concurrency: 4, timeout_seconds: 120}
          ant: {provider: anthropic, base_url: "\(server.anthropicURL)", model: smollm2, concurrency: 4, timeout_seconds: 120}
        """, variants: "  grid: {template: [choice-ab], judge: [oai, ant], output: [free, json_schema], order: [both]}", items: 3, in: folder)
        let out = folder.path + "/Results/run"
        let result = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        #expect(judgments.count == 4 * 3 * 2)
        // Real usage from the real server on every judgment.
        #expect(judgments.allSatisfy { ($0.inputTokens ?? 0) > 50 && ($0.outputTokens ?? 0) > 0 })
        // Constrained through the OpenAI API, the grammar holds: every reply parses.
        let constrained = judgments.filter { $0.variant.hasSuffix(".oai.smollm2.t0.json_schema") }
        #expect(constrained.count == 6 && constrained.allSatisfy { $0.reading.isParsed })
        // Free replies' failures are counted and shown, never dropped.
        let metrics = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json")))
        guard case let .array(variants)? = metrics["variants"] else { Issue.record("no variants"); return }
        for variant in variants {
            let name = variant["variant"]?.stringValue ?? ""
            let unparsed = judgments.filter { $0.variant == name && !$0.reading.isParsed }.count
            #expect(variant["parse_failures"]?.numberValue == Double(unparsed), "\(name)")
            #expect(variant["n_judgments"]?.numberValue == 6)
        }
        // llama.cpp reuses a slot's prompt prefix: the cache holds the cached prompt tokens it reported.
        let cache = try SQLiteDatabase(path: folder.path + "/Results/cache.sqlite")
        var cached = 0
        try cache.query("SELECT max(cached_input_tokens) FROM responses") { cached = Int($0.int(0) ?? 0) }
        #expect(cached > 0)
    }

    /// Pointwise on SummEval pairs with the real model: each distinct summary judged once, the
    /// grammar holding its 1–5 score, and G-Eval's expected score read from its probabilities.
    @Test func pointwiseScoresFromTheRealServer() throws {
        let server = try LiveJudgeServer()
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Paths.samples + "/summeval-pairs.jsonl", toPath: folder.path + "/data.jsonl")
        let study = try folder.write("study.yaml", """
        name: live-pointwise
        dataset: data.jsonl
        templates: \(Paths.root)/PromptTemplates
        sample: {first: 3}
        judge: {provider: openai, base_url: "\(server.openAIURL)", model: smollm2, concurrency: 4, timeout_seconds: 120}
        variants:
          list:
            - {template: criterion-1to5, rubric: relevance, output: json_schema}
            - {template: criterion-1to5, rubric: relevance, output: json_schema, verdict: logprobs}
        """)
        let out = folder.path + "/Results/run"
        let result = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let pairs = try DatasetLoader.load(path: folder.path + "/data.jsonl").pairs.prefix(3)
        let answers = Set(pairs.flatMap { [PairContent.Answer(question: $0.question, answer: $0.answer1), PairContent.Answer(question: $0.question, answer: $0.answer2)] })
        let entries = try RunTests.entries(out).filter { $0.judgment != nil }
        #expect(entries.count == 2 * 6)
        // One request per distinct summary and variant.
        #expect(Set(entries.map(\.requestHash)).count == 2 * answers.count)
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        let constrained = judgments.filter { $0.variant.hasSuffix(".json_schema") }
        // (A free reply of this small model rarely writes its score where a verdict is read: the
        // expected score is read from constrained replies, whose grammar puts it there.)
        #expect(constrained.count == 6 && constrained.allSatisfy { ($0.pointwiseScore).map { (1...5).contains($0) } ?? false }, "\(constrained.map(\.reading))")
        let expected = judgments.filter { $0.variant.hasSuffix(".logprobs") }
        #expect(expected.count == 6 && expected.allSatisfy { $0.distribution?.expectedScore != nil && $0.distribution?.expectedScore == $0.pointwiseScore },
                "\(expected.map(\.reading))")
        let metrics = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json")))
        guard case let .array(variants)? = metrics["variants"] else { Issue.record("no variants"); return }
        #expect(variants.allSatisfy { $0["order_policy"]?.stringValue == "pointwise" && $0["n_responses"]?.numberValue == Double(answers.count) })
    }

    @Test func logprobVerdictsFromTheRealServer() throws {
        let server = try LiveJudgeServer()
        let folder = try TemporaryFolder()
        let study = try Self.study("""
        judge: {provider: openai, base_url: "\(server.openAIURL)", model: smollm2, concurrency: 4, timeout_seconds: 120}
        """, variants: "  grid: {template: [choice-ab, rating-1to9], output: [free, json_schema], verdict: [logprobs], order: [both], temperature: [0]}", items: 2, in: folder)
        // Greedy decoding (temperature 0), and the shipped templates as they are (their schemas bound
        // the reason): sampled, a 135M model now and then writes its score where no digit is among
        // the top alternatives.
        let out = folder.path + "/Results/run"
        let result = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        #expect(judgments.count == 4 * 2 * 2)
        for judgment in judgments where judgment.reading.isParsed {
            // A confidence for every parsed judgment, and the verdict is the most probable token's.
            let d = try #require(judgment.distribution, "\(judgment.variant): parsed without a confidence")
            #expect(judgment.reading == d.reading && d.confidence > 0 && d.confidence <= 1)
        }
        // Constrained, the verdict's place is always there: every judgment has its probabilities.
        let constrained = judgments.filter { $0.variant.contains(".json_schema") }
        #expect(constrained.count == 8 && constrained.allSatisfy { $0.distribution != nil }, "\(constrained.map { "\($0.reading)" })")
    }

    /// A proposal round with the real model as judge and proposer (`make live` runs the same
    /// study): the proposer's prompts go to llama.cpp's server held to the reply's schema, each
    /// reply is journaled once and becomes a raced candidate or a counted, shown reason; the
    /// winner is confirmed on test. (SmolLM2-135M writes poor rubrics: the plumbing is tested.)
    @Test func aProposalRoundFromTheRealServer() throws {
        let server = try LiveJudgeServer()
        let folder = try TemporaryFolder()
        let study = try DemoStudies.writeLiveSearch(into: folder.path, baseURL: server.anthropicURL)
        let out = folder.path + "/Results/search"
        let result = try JudgeLabBinary.run(["optimize", study, "--out", out])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let summary = try OptimizeSummary.load(path: RunLayout(directory: out).searchSummary)
        let proposals = try #require(summary.proposals)
        #expect(proposals.count == 2 && proposals.map(\.kind) == ["rubric", "rules"], "\(proposals.map(\.fate))")
        for p in proposals {
            #expect(p.candidate != nil || p.fate.hasPrefix("no candidate: "), "\(p.fate)")
            #expect(!p.shown.isEmpty && p.shown.count <= 3)
        }
        #expect(result.stdout.contains("proposals: 2 written"), "\(result.stdout)")
        let entries = try SQLiteRunStore(runPath: out + "/run.sqlite", cachePath: folder.path + "/Results/cache.sqlite").entries()
        let asked = entries.filter { $0.key.variant == RunnerEngine.proposerVariant }
        #expect(asked.count == 2 && asked.allSatisfy { ($0.judgment?.inputTokens ?? 0) > 100 }, "the real server answered each proposal once")
        #expect(summary.confirmed && summary.confirmation.contains { $0.role == "winner" })
    }

    /// Repeated samples and a jury from the real server: each sample its own request (its own
    /// seed), numbered, their stability reported; the jury's verdicts folded from its members.
    @Test func repeatedSamplesAndAJuryFromTheRealServer() throws {
        let server = try LiveJudgeServer()
        let folder = try TemporaryFolder()
        let study = try Self.study("""
        judge: {provider: openai, base_url: "\(server.openAIURL)", model: smollm2, concurrency: 4, timeout_seconds: 120}
        """, variants: """
          list:
            - {name: sampled, template: choice-ab, output: json_schema, order: both, temperature: 0.9, samples: 3}
            - {name: greedy, template: choice-ab, output: json_schema, order: both}
            - {name: free, template: choice-ab, order: both}
        juries:
          - {name: panel, members: [sampled, greedy, free]}
        """, items: 3, in: folder)
        let out = folder.path + "/Results/run"
        let result = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        let sampled = judgments.filter { $0.variant == "sampled" }
        #expect(sampled.count == 3 * 2 * 3 && Set(sampled.compactMap(\.sample)) == [0, 1, 2])
        #expect(sampled.allSatisfy { $0.reading.isParsed }, "constrained samples parse")
        #expect(judgments.filter { $0.variant == "panel" }.count == 3 * 2)
        let metrics = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json")))
        guard case let .array(variants)? = metrics["variants"] else { Issue.record("no variants"); return }
        let row = variants.first { $0["variant"] == "sampled" }
        #expect(row?["n_samples"]?.numberValue == 18 && row?["flip_rate"]?.numberValue != nil && row?["vote_confidence"]?.numberValue != nil)
    }

    @Test func aServerKilledMidRunAndTheSameCommandResumes() async throws {
        var server = try LiveJudgeServer(slots: 2)
        let folder = try TemporaryFolder()
        let study = try Self.study("""
        judge: {provider: openai, base_url: "\(server.openAIURL)", model: smollm2, concurrency: 2, timeout_seconds: 60, max_attempts: 2, retry_base_seconds: 0.05}
        """, variants: "  grid: {template: [choice-ab], order: [both]}", items: 8, in: folder)
        let out = folder.path + "/Results/run"
        let run = try RunTests.startRun(study, out: out, concurrency: 0)
        JudgesTests.waitForProgress(out, atLeast: 2)
        server.stop()
        run.waitUntilExit()
        let before = try RunTests.entries(out).filter { $0.judgment != nil }.count
        #expect(run.terminationStatus == 1, "the requests left should have failed for good")
        #expect(before >= 2 && before < 16, "\(before) answered before the kill")

        server = try LiveJudgeServer(slots: 2)
        let resumed = try JudgeLabBinary.run(["run", study, "--out", out, "--base-url", server.openAIURL, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("\(before) before this run"))
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        #expect(judgments.count == 16)
        #expect(Set(judgments.map { "\($0.item)|\($0.order.rawValue)" }).count == 16)
    }

    @Test func aGenerationSlowerThanTheTimeoutIsRetriedThenRecordedAsTimedOut() throws {
        let server = try LiveJudgeServer(slots: 1)
        let folder = try TemporaryFolder()
        let study = try Self.study("""
        judge: {provider: openai, base_url: "\(server.openAIURL)", model: smollm2, timeout_seconds: 0.3, max_attempts: 2, retry_base_seconds: 0.05}
        """, variants: "  list:\n    - {template: rating-1to9, max_tokens: 300}", items: 1, in: folder)
        let out = folder.path + "/Results/run"
        let result = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("timed out"))
        let entry = try #require(try RunTests.entries(out).first)
        #expect(entry.judgment == nil)
        #expect(entry.attempts == 2)
        #expect(entry.finalError?.hasPrefix("timed out") == true && entry.finalError?.hasSuffix("(after 2 attempts)") == true, "\(entry.finalError ?? "")")
        // The server is still there and answers the next request.
        #expect(server.isRunning)
    }

    /// `live_server.py -- COMMAND`, as `make live` runs it: the command's status, the server's URL
    /// the command was given, and whether anything still listens there afterwards.
    static func launch(_ command: [String], interruptAfter: Double? = nil) throws -> (status: Int32, url: String, listening: Bool) {
        let folder = try TemporaryFolder()
        let urlFile = folder.path + "/url"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: LiveJudgeServer.python)
        // The command first writes the URL it was given, then does what the test asks.
        let script = "printf %s \"$JUDGELAB_LIVE_URL\" > \(urlFile); " + command.joined(separator: " ")
        process.arguments = [Paths.root + "/Tests/Support/live_server.py", "--slots", "1", "--log", folder.path + "/server.log", "--", "/bin/sh", "-c", script]
        process.environment = JudgeLabBinary.environment(for: [], cwd: folder.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let interruptAfter {
            // What a terminal's Ctrl-C does: SIGINT to the launcher and to its command.
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: urlFile), Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            Thread.sleep(forTimeInterval: interruptAfter)
            kill(process.processIdentifier, SIGINT)
            _ = try? JudgeLabBinary.runShell("pkill -INT -P \(process.processIdentifier)")
        }
        process.waitUntilExit()
        let url = (try? String(contentsOfFile: urlFile, encoding: .utf8)) ?? ""
        var listening = false
        if let port = URL(string: url)?.port {
            let socket = LoopbackProbe()
            listening = socket.connects(to: UInt16(port))
        }
        return (process.terminationStatus, url, listening)
    }

    @Test func theServerNeverOutlivesTheLauncherWhateverTheExit() throws {
        // The command fails: its status is the launcher's, and the server is gone.
        let failed = try Self.launch(["exit", "3"])
        #expect(failed.status == 3 && failed.url.hasPrefix("http://127.0.0.1:"))
        #expect(!failed.listening)
        // Ctrl-C: 130, and the server is gone.
        let interrupted = try Self.launch(["exec", "sleep", "30"], interruptAfter: 0.5)
        #expect(interrupted.status == 130, "\(interrupted)")
        #expect(!interrupted.listening)
        // kill -9 of the launcher: the server lived in its process.
        let server = try LiveJudgeServer(slots: 1)
        let port = server.port
        server.stop()
        #expect(!LoopbackProbe().connects(to: UInt16(port)))
    }
}

/// A TCP connect to 127.0.0.1, to see whether anything listens on a port.
struct LoopbackProbe {
    func connects(to port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
