// `judgelab run` against a real HTTP server on 127.0.0.1 that the test starts: faults, crashes,
// Ctrl-C, secrets, estimates and budgets.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTesting
@testable import JudgeLabStore
import JudgeLabTestSupport

@Suite(.serialized) struct RunTests {
    /// A study of 3 variants × `items` items × both orders against `server`.
    static func study(in folder: TemporaryFolder, server: FakeJudgeServer, items: Int = 100, extra: String = "", judge: String = "") throws -> String {
        try FileManager.default.copyItem(atPath: Paths.samples + "/pandalm-200.jsonl", toPath: folder.path + "/data.jsonl")
        return try TestStudy.write(in: folder, file: "study.yaml", name: "runtest", items: items, judge: """
          base_url: \(server.baseURL)
          model: gpt-4o-mini
          timeout_seconds: 1.0
          retry_base_seconds: 0.02
          max_attempts: 8
        \(judge)
        """, extra: extra)
    }

    /// Waits until the run's journal holds at least `count` answered judgments (at most 20 s), so
    /// that a test interrupts a run in its middle however slow the machine. On this thread, not
    /// by awaiting: with the test pool's threads blocked in other suites' child processes, an
    /// awaiting poll may not resume until the run has finished.
    static func waitForProgress(_ out: String, atLeast count: Int = 1) {
        JudgesTests.waitForProgress(out, atLeast: count)
    }

    /// `judgelab run` of `study` into `out`, started in the background; its standard output goes
    /// to `stdout` (nowhere without one), its standard error nowhere. A concurrency of 0 keeps the
    /// study's own (each judge's).
    static func startRun(_ study: String, out: String, concurrency: Int, stdout: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: JudgeLabBinary.path)
        process.arguments = ["run", study, "--out", out, "--quiet"] + (concurrency > 0 ? ["--concurrency", "\(concurrency)"] : [])
        process.environment = JudgeLabBinary.environment(for: process.arguments ?? [], cwd: nil)
        process.standardOutput = stdout ?? FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func entries(_ out: String) throws -> [JournalEntry] {
        try SQLiteRunStore(runPath: out + "/run.sqlite", cachePath: FilePath.parent(out) + "/cache.sqlite").entries()
    }

    @Test func faultsLoseNothingAndRecordEveryJudgmentOnce() async throws {
        let server = try FakeJudgeServer(["--fault-rate", "0.1", "--stall-seconds", "2"])
        let folder = try TemporaryFolder()
        let study = try Self.study(in: folder, server: server)
        let out = folder.path + "/Results/run"
        let first = try JudgeLabBinary.run(["run", study, "--out", out, "--concurrency", "16", "--quiet"])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let entries = try Self.entries(out)
        let answered = entries.filter { $0.judgment != nil }
        #expect(answered.count == 600)
        #expect(Set(answered.map(\.key)).count == 600)
        let stats = try await server.stats()
        // The server's successful answers equal the journal's rows that were sent. (PandaLM holds
        // some identical pairs: an identical request is sent once and recorded for each judgment.)
        let sent = answered.filter { !$0.fromCache }
        #expect(stats["ok"]?.int == sent.count)
        #expect(stats["distinct_ok"]?.int == Set(answered.map(\.requestHash)).count)
        #expect(sent.count == Set(answered.map(\.requestHash)).count)
        #expect((stats["faults"].map { if case let .object(f) = $0 { f.reduce(0) { $0 + $1.1.int } } else { 0 } } ?? 0) > 20)
        #expect(try SQLiteRunStore(runPath: out + "/run.sqlite", cachePath: folder.path + "/Results/cache.sqlite").integrityCheck() == "journal: ok; cache: ok")
        #expect(try JudgmentsFile.load(path: out + "/judgments.jsonl").count == 600)

        let requestsBefore = try await server.stats()["requests"]?.int
        let second = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(second.status == 0)
        #expect(second.stdout.contains("0 HTTP requests"))
        #expect(try await server.stats()["requests"]?.int == requestsBefore)  // a second run sends nothing
    }

    @Test func killDashNineThenResumeEqualsAnUninterruptedRun() async throws {
        let server = try FakeJudgeServer(["--latency-ms", "20"])
        let folder = try TemporaryFolder()
        let study = try Self.study(in: folder, server: server)
        let out = folder.path + "/A/run"
        let process = try JudgeLabBinary.start(["run", study, "--out", out, "--concurrency", "4", "--quiet"])
        Self.waitForProgress(out, atLeast: 40)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = try Self.entries(out).filter { $0.judgment != nil }.count
        #expect(before > 0 && before < 600, "killed after \(before) judgments")
        let resumed = try JudgeLabBinary.run(["run", study, "--out", out, "--concurrency", "4", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("\(before) before this run"))
        let stats = try await server.stats()
        let distinct = Set(try Self.entries(out).compactMap { $0.judgment == nil ? nil : $0.requestHash }).count
        // Only requests in flight at the kill (at most the concurrency) could be answered twice.
        #expect(stats["ok"]!.int - distinct <= 4)
        #expect(stats["distinct_ok"]?.int == distinct)

        let clean = try FakeJudgeServer(["--latency-ms", "1"])
        let folderB = try TemporaryFolder()
        let studyB = try Self.study(in: folderB, server: clean)
        let outB = folderB.path + "/B/run"
        #expect(try JudgeLabBinary.run(["run", studyB, "--out", outB, "--concurrency", "16", "--quiet"]).status == 0)
        // Latency is measured, so it differs; everything else is identical.
        func comparable(_ path: String) throws -> [Judgment] {
            try JudgmentsFile.load(path: path).map { var j = $0; j.latencyMS = nil; return j }
        }
        let resumedJudgments = try comparable(out + "/judgments.jsonl")
        let cleanJudgments = try comparable(outB + "/judgments.jsonl")
        #expect(resumedJudgments.count == 600)
        #expect(resumedJudgments == cleanJudgments)
        #expect(try SQLiteRunStore(runPath: out + "/run.sqlite", cachePath: folder.path + "/A/cache.sqlite").integrityCheck() == "journal: ok; cache: ok")
    }

    @Test func controlCStopsCleanlyAndTheSameCommandContinues() async throws {
        let server = try FakeJudgeServer(["--latency-ms", "20"])
        let folder = try TemporaryFolder()
        let study = try Self.study(in: folder, server: server, items: 60)
        let out = folder.path + "/Results/run"
        let stdout = Pipe()
        let process = try Self.startRun(study, out: out, concurrency: 2, stdout: stdout)
        Self.waitForProgress(out, atLeast: 10)
        process.interrupt()
        let text = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(text.contains("interrupted: run the same command to continue"))
        let partial = try JudgmentsFile.load(path: out + "/judgments.jsonl").count
        #expect(partial > 0 && partial < 360)
        let rest = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(rest.status == 0)
        #expect(try JudgmentsFile.load(path: out + "/judgments.jsonl").count == 360)
    }

    @Test func aSecondRunOfTheSameFolderStopsAtOnceAndPaysForNothing() async throws {
        let server = try FakeJudgeServer(["--latency-ms", "20"])
        let folder = try TemporaryFolder()
        let study = try Self.study(in: folder, server: server, items: 30)
        let out = folder.path + "/Results/run"
        let process = try Self.startRun(study, out: out, concurrency: 1)
        Self.waitForProgress(out, atLeast: 5)
        // A run's async code has a thread of its own: no libdispatch root-queue worker ("…default-qos")
        // exists, whose first start would arm a timer waking the process every second.
        let tasks = "/proc/\(process.processIdentifier)/task"
        let threads = try FileManager.default.contentsOfDirectory(atPath: tasks).compactMap {
            try? String(contentsOfFile: tasks + "/" + $0 + "/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(threads.count >= 3, "\(threads)")
        #expect(!threads.contains { $0.hasSuffix("default-qos") }, "\(threads)")
        let second = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(second.status == 2)
        #expect(second.stderr.contains(out + "/run.lock"), "\(second.stderr)")
        #expect(second.stderr.contains("another judgelab run is judging into this folder (process \(process.processIdentifier))"), "\(second.stderr)")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // The first run finished alone: every judgment once, every answer paid for once.
        let answered = try Self.entries(out).filter { $0.judgment != nil }
        #expect(answered.count == 180)
        #expect(Set(answered.map(\.key)).count == 180)
        let stats = try await server.stats()
        #expect(stats["ok"]?.int == answered.filter { !$0.fromCache }.count)
        // The lock went with its run: the same command runs again (nothing left to send).
        let again = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("180 before this run"), "\(again.stdout)")
    }

    @Test func aRunLockIsHeldUntilReleased() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/run.lock"
        let first = try RunLock(path: path)
        #expect(throws: InputError.self) { try RunLock(path: path) }
        first.release()
        let second = try RunLock(path: path)
        second.release()
    }

    /// One Ctrl-C against a hung server stops the run within its grace (issue 28): before, the
    /// run said it was finishing the requests in flight and kept retrying them (timeout × attempts).
    @Test func oneCtrlCStopsARunAgainstAHungServerWithinItsGrace() throws {
        let server = try FakeJudgeServer(["--fault-rate", "1", "--faults", "stall", "--stall-seconds", "120", "--max-faults-per-request", "100"])
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Paths.samples + "/pandalm-200.jsonl", toPath: folder.path + "/data.jsonl")
        let study = try TestStudy.write(in: folder, file: "study.yaml", name: "hung", items: 10, judge: """
          base_url: \(server.baseURL)
          model: gpt-4o-mini
          concurrency: 4
          timeout_seconds: 60
          max_attempts: 6
        """, extra: "")
        let run = try JudgeLabBinary.start(["run", study, "--out", folder.path + "/out", "--quiet"])
        // Until its requests hang at the server.
        let deadline = Date().addingTimeInterval(30)
        while (try? server.blockingRequest("/stats")["requests"]?.int) ?? 0 < 4, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let inFlight = try server.blockingRequest("/stats")["requests"]!.int
        #expect(inFlight == 4, "requests at the server before the interrupt: \(inFlight)")
        let interrupted = Date()
        kill(run.processIdentifier, SIGINT)
        run.waitUntilExit()
        let took = Date().timeIntervalSince(interrupted)
        #expect(run.terminationStatus == 130)
        // The grace is 5 s; the bound leaves room for a loaded machine, and is far below the
        // timeout (60 s) a request in flight would otherwise take, let alone its retries.
        #expect(took < 20, "stopped after \(took) s")
        // Nothing new was sent after the interrupt, and nothing retried.
        #expect(try server.blockingRequest("/stats")["requests"]!.int == inFlight)
    }

    /// A refused key ends the judge's work at once: before, a wrong key sent every request of
    /// the study, each refused one by one (issue 28).
    @Test func aRefusedKeyEndsTheJudgesWorkAtOnce() async throws {
        let server = try FakeJudgeServer(["--require-key", "sk-right"])
        let folder = try TemporaryFolder()
        // 3 variants × 40 items × both orders: 240 requests, two at a time.
        let study = try Self.study(in: folder, server: server, items: 40, judge: "  api_key_env: JUDGELAB_TEST_KEY\n  concurrency: 2")
        let result = try JudgeLabBinary.run(["run", study, "--out", folder.path + "/out", "--quiet"], environment: ["JUDGELAB_TEST_KEY": "sk-wrong"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        // Nothing was answered, so no report was written, and none is named (issue 28: every message true).
        #expect(result.stdout.hasPrefix("0 of 240 judgments recorded in \(folder.path)/out (no report: nothing was answered)"), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out/report.html"))
        #expect(result.stdout.contains("judge 'openai': its endpoint refused the key (HTTP 401: Incorrect API key provided); check $JUDGELAB_TEST_KEY."),
                "\(result.stdout)")
        // At most the requests already in flight when the first refusal came back; none retried.
        let requests = try await server.stats()["requests"]!.int
        #expect(requests >= 1 && requests <= 2, "\(requests) requests sent")
        // The study's 240 judgments share fewer distinct requests (a request can serve two
        // judgments); all but those sent stayed unsent, and nothing says to retry them.
        let unsent = try #require(result.stdout.firstMatch(of: /Its (\d+) other requests were not sent; nothing was retried/).flatMap { Int($0.1) })
        #expect(unsent > 200 && unsent + requests <= 240, "\(result.stdout)")
        #expect(!result.stdout.contains("run the same command again"), "\(result.stdout)")
        let entries = try Self.entries(folder.path + "/out")
        #expect(entries.count >= requests && entries.count <= 2 * requests)
        #expect(entries.allSatisfy { $0.attempts == 1 && $0.finalError?.hasPrefix("HTTP 401") == true })
    }

    @Test func theAPIKeyIsNeverWrittenOrShown() async throws {
        let key = "sk-judgelab-TEST-5f1e9c2b7a"
        let server = try FakeJudgeServer(["--require-key", key, "--fault-rate", "0.05"])
        let folder = try TemporaryFolder()
        let study = try Self.study(in: folder, server: server, items: 20, judge: "  api_key_env: JUDGELAB_TEST_KEY")
        let results = folder.path + "/Results"
        // The user's response cache, outside the run folders: every file a run writes is read.
        let cache = folder.path + "/user-cache"
        let ok = try JudgeLabBinary.run(["run", study, "--out", results + "/ok"], environment: ["JUDGELAB_TEST_KEY": key, ResponseCache.variable: cache + "/"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try JudgmentsFile.load(path: results + "/ok/judgments.jsonl").count == 120)

        // A wrong key that the server echoes back in its error: the message is kept, the key is not.
        let echo = try FakeJudgeServer(["--require-key", key, "--echo-key"])
        let wrong = "sk-judgelab-WRONG-0d3a8e61f4"
        let folder2 = try TemporaryFolder()
        let study2 = try Self.study(in: folder2, server: echo, items: 5, judge: "  api_key_env: JUDGELAB_TEST_KEY")
        let failed = try JudgeLabBinary.run(["run", study2, "--out", results + "/wrong"], environment: ["JUDGELAB_TEST_KEY": wrong, ResponseCache.variable: cache + "/"])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("HTTP 401: Incorrect API key provided: [redacted]"))
        #expect(try SQLiteRunStore(runPath: results + "/wrong/run.sqlite", cachePath: ResponseCache.none).entries().allSatisfy { $0.finalError?.contains("[redacted]") == true })

        for (secret, outputs) in [(key, ok.stdout + ok.stderr), (wrong, failed.stdout + failed.stderr)] {
            #expect(!outputs.contains(secret))
            let files = [results, cache].flatMap { root in FileManager.default.enumerator(atPath: root)!.compactMap { $0 as? String }.map { root + "/" + $0 } }
            #expect(files.count >= 9)
            #expect(files.contains(cache + "/responses.sqlite"))
            for file in files {
                let data = FileManager.default.contents(atPath: file) ?? Data()
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(file) holds the key")
            }
        }
    }

    @Test func estimatePredictsTheRequestsExactly() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        // Warm the shared cache with the first 40 items.
        let warm = try Self.study(in: folder, server: server, items: 40)
        #expect(try JudgeLabBinary.run(["run", warm, "--out", folder.path + "/Results/warm", "--quiet"]).status == 0)
        let study = try folder.write("study100.yaml", try String(contentsOfFile: warm, encoding: .utf8).replacingOccurrences(of: "first: 40", with: "first: 100"))
        let estimate = try JudgeLabBinary.run(["estimate", study, "--out", folder.path + "/Results/full"])
        #expect(estimate.status == 0, "\(estimate.stderr)")
        let line = estimate.stdout.split(separator: "\n").first { $0.hasPrefix("requests to send") }!
        let predicted = Int(line.split(separator: " ").compactMap { Int($0) }.first!)
        let cachedLine = estimate.stdout.split(separator: "\n").first { $0.hasPrefix("from the cache") }!
        let cached = Int(cachedLine.split(separator: " ").compactMap { Int($0) }.first!)
        let shared = line.split(separator: ";").dropFirst().first.flatMap { $0.split(separator: " ").compactMap { Int($0) }.first } ?? 0
        // 600 judgments: 240 (items 1-40) were answered in the warm run, and identical pairs share
        // one request; every judgment is cached, or sent, or answered by the request it shares.
        #expect(cached >= 240)
        #expect(shared > 0)  // the data set holds identical pairs under other ids
        #expect(cached + predicted + shared == 600)
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/Results/full"))  // an estimate writes nothing
        let before = try await server.stats()["requests"]!.int
        let run = try JudgeLabBinary.run(["run", study, "--out", folder.path + "/Results/full", "--quiet"])
        #expect(run.status == 0)
        #expect(try await server.stats()["requests"]!.int - before == predicted)
        // The run counts as the estimate did (it used to count the shared ones as cached).
        #expect(run.stdout.contains("\(cached) from the cache"), "\(run.stdout)")
    }

    @Test func theBudgetIsNeverExceeded() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        // Dear prices make every request cost about a cent.
        let study = try Self.study(in: folder, server: server, items: 50, extra: "prices:\n  gpt-4o-mini: {input: 20, output: 20}")
        let out = folder.path + "/Results/run"
        let cap = 0.5
        let stopped = try JudgeLabBinary.run(["run", study, "--out", out, "--max-cost", "\(cap)", "--quiet"])
        #expect(stopped.status == 3, "\(stopped.stdout)\(stopped.stderr)")
        // The spend so far and the next request's most: raising the cap is the remedy here.
        #expect(stopped.stdout.contains("stopped at the budget: $0."), "\(stopped.stdout)")
        #expect(stopped.stdout.contains("spent of the $0.50 cap, and the next request (item '"))
        #expect(stopped.stdout.contains("raise --max-cost and run the same command to continue"))
        let store = try SQLiteRunStore(runPath: out + "/run.sqlite", cachePath: folder.path + "/Results/cache.sqlite")
        let paid = try store.paidUSD()
        #expect(paid <= cap)
        #expect(paid > cap * 0.5)
        let recorded = try store.entries().filter { $0.judgment != nil }.count
        #expect(recorded > 0 && recorded < 300)
        let more = try JudgeLabBinary.run(["run", study, "--out", out, "--max-cost", "10", "--quiet"])
        #expect(more.status == 0)
        #expect(try JudgmentsFile.load(path: out + "/judgments.jsonl").count == 300)
    }

    @Test func anthropicMessagesRunEndToEnd() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let study = try Self.study(in: folder, server: server, items: 10, judge: "  provider: anthropic\n  api_key_env: NO_SUCH_KEY")
        var text = try String(contentsOfFile: study, encoding: .utf8)
        text = text.replacingOccurrences(of: "base_url: \(server.baseURL)", with: "base_url: http://127.0.0.1:\(server.port)")
            .replacingOccurrences(of: "model: gpt-4o-mini", with: "model: claude-3-5-haiku-latest")
        try text.write(toFile: study, atomically: true, encoding: .utf8)
        let out = folder.path + "/Results/run"
        let result = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        #expect(judgments.count == 60)
        #expect(judgments.allSatisfy { $0.reading.isParsed && ($0.costUSD ?? 0) > 0 })
    }

    /// The journal's time stamp, built in Swift, reads as SQLite's own strftime writes it: now,
    /// and at 3,000 other moments from 1970 to 2242 (leap days and century years among them).
    @Test func journalTimestampsMatchSQLiteStrftime() throws {
        let folder = try TemporaryFolder()
        let db = try SQLiteDatabase(path: folder.path + "/t.sqlite")
        var sqliteNow = ""
        try db.query("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')") { sqliteNow = $0.text(0) ?? "" }
        let ours = SQLiteRunStore.timestamp()
        #expect(ours.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(ours)")
        #expect(ours >= sqliteNow && ours.prefix(15) == sqliteNow.prefix(15), "\(ours) \(sqliteNow)")

        var generator = SeededGenerator(seed: 7)
        let moments = [0, 59, 86_399, 86_400, 951_782_400, 951_868_799, 978_307_200, 1_709_164_800, 4_107_542_400]
            + (0..<3000).map { _ in Int.random(in: 0..<8_589_934_592, using: &generator) }
        for seconds in moments {
            let milliseconds = seconds % 1000
            var expected = ""
            try db.query("SELECT strftime('%Y-%m-%dT%H:%M:%S', ?, 'unixepoch')", [.int(Int64(seconds))]) { expected = $0.text(0) ?? "" }
            expected += "." + String(1000 + milliseconds).dropFirst() + "Z"
            #expect(SQLiteRunStore.timestamp(seconds: seconds, milliseconds: milliseconds) == expected)
        }
    }

    /// Text columns are bound where the strings hold them, not copied: long, short, empty and
    /// non-ASCII text must all come back as it went in, after reopening too.
    @Test func recordedTextReadsBackWhole() throws {
        let folder = try TemporaryFolder()
        let run = folder.path + "/run.sqlite", cache = folder.path + "/cache.sqlite"
        let texts = ["A", "", "Output (b) — “better”, naïve 😀", String(repeating: "long reason. ", count: 400)]
        let entries = texts.enumerated().map { index, text in
            let order: PresentedOrder = index % 2 == 0 ? .original : .swapped
            return JournalEntry(key: JudgmentKey(variant: "v\(index)", item: "item-\(index)", order: order),
                                requestHash: String(repeating: "\(index)", count: 64),
                                judgment: Judgment(item: "item-\(index)", variant: "v\(index)", order: order, output: text, reading: .choice(.first),
                                                   reason: text.isEmpty ? nil : text, inputTokens: 10, outputTokens: 2, costUSD: 0.5, latencyMS: 12.5),
                                paidUSD: 0.5, attempts: 1, fromCache: false, finalError: nil)
        }
        let replies = texts.enumerated().map { index, text in
            FreshReply(hash: "h\(index)", request: "{\"q\": \"\(index)\"}",
                       reply: CachedReply(text: text, usage: Usage(inputTokens: 10, outputTokens: 2), costUSD: 0.5, latencyMS: 12.5))
        }
        do {
            let store = try SQLiteRunStore(runPath: run, cachePath: cache)
            try store.record(replies: replies, entries: entries)
            #expect(try store.entries() == entries)
        }
        let reopened = try SQLiteRunStore(runPath: run, cachePath: cache)
        #expect(try reopened.integrityCheck() == "journal: ok; cache: ok")
        #expect(try reopened.entries() == entries)
        let cached = try reopened.cachedReplies(forHashes: replies.map(\.hash))
        #expect(replies.allSatisfy { cached[$0.hash] == $0.reply })
    }
}
