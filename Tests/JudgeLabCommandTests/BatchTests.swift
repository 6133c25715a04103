// Batch mode against the test server's batch APIs (OpenAI's Files + Batch API, Anthropic's
// Message Batches): the same judgments as a synchronous run at half the price, and kill -9 at
// every moment of a batch's life resumed without a batch made twice or a request paid twice.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTesting
@testable import JudgeLabStore
import JudgeLabHTTP
import JudgeLabTestSupport

@Suite(.serialized) struct BatchTests {
    enum API: String, CaseIterable { case openai, anthropic }

    /// A study of 3 variants × `items` items × both orders, through `api`'s batch API on `server`
    /// (or its synchronous API with `mode: sync`).
    static func study(in folder: TemporaryFolder, server: FakeJudgeServer, api: API, mode: String, items: Int = 40,
                      perBatch: Int = 25, extra: String = "") throws -> String {
        if !FileManager.default.fileExists(atPath: folder.path + "/data.jsonl") {
            try FileManager.default.copyItem(atPath: Paths.samples + "/pandalm-200.jsonl", toPath: folder.path + "/data.jsonl")
        }
        let judge = api == .openai
            ? "base_url: \(server.baseURL)\n  model: gpt-4o-mini"
            : "provider: anthropic\n  base_url: http://127.0.0.1:\(server.port)\n  model: claude-3-5-haiku-latest"
        return try TestStudy.write(in: folder, file: "study-\(api.rawValue)-\(mode).yaml", name: "batchtest", items: items, judge: """
          \(judge)
          mode: \(mode)
          batch_max_requests: \(perBatch)
          batch_poll_seconds: 0.02
          retry_base_seconds: 0.01
          max_attempts: 6
        """, extra: extra)
    }

    /// judgments.jsonl as records by key, without what differs between the two modes by design.
    static func judgments(_ out: String, dropping: Set<String> = ["latency_ms", "cost_usd"]) throws -> [String: JSONValue] {
        var records: [String: JSONValue] = [:]
        for line in try String(contentsOfFile: out + "/judgments.jsonl", encoding: .utf8).split(separator: "\n") {
            let value = try JSONValue.parse(Data(line.utf8))
            guard case let .object(members) = value else {
                Issue.record("\(out)/judgments.jsonl holds a line that is not an object: \(line.prefix(200))")
                continue
            }
            let key = ["variant", "item", "order"].map { value[$0]?.stringValue ?? "" }.joined(separator: "|")
            records[key] = .object(members.filter { !dropping.contains($0.0) })
        }
        return records
    }

    /// metrics.json without the cost and latency figures.
    static func metrics(_ out: String) throws -> JSONValue {
        func strip(_ value: JSONValue) -> JSONValue {
            switch value {
            case let .object(members):
                return .object(members.filter { !$0.0.contains("cost") && !$0.0.contains("latency") && !$0.0.contains("run_id") }.map { ($0.0, strip($0.1)) })
            case let .array(items): return .array(items.map(strip))
            default: return value
            }
        }
        return strip(try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json"))))
    }

    @Test(arguments: API.allCases)
    func batchRunsGiveTheSynchronousJudgmentsAtHalfThePrice(api: API) async throws {
        // Every fault the batch APIs have: failed and expired requests, a refused creation, a
        // cap on requests per batch, results in another order than the input.
        let server = try FakeJudgeServer(["--batch-polls", "3", "--batch-error-rate", "0.1", "--batch-expire-rate", "0.05",
                                          "--batch-create-429", "1", "--batch-max-requests", "25"])
        let folder = try TemporaryFolder()
        let syncOut = folder.path + "/sync/out", batchOut = folder.path + "/batch/out"  // each its own cache
        let sync = try JudgeLabBinary.run(["run", try Self.study(in: folder, server: server, api: api, mode: "sync"), "--out", syncOut, "--quiet"])
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        let batch = try JudgeLabBinary.run(["run", try Self.study(in: folder, server: server, api: api, mode: "batch"), "--out", batchOut, "--quiet"])
        #expect(batch.status == 0, "\(batch.stdout)\(batch.stderr)")

        let a = try Self.judgments(syncOut), b = try Self.judgments(batchOut)
        #expect(a.count == 3 * 40 * 2 && b.count == a.count)
        #expect(a.keys.sorted() == b.keys.sorted())
        #expect(a.keys.filter { a[$0] != b[$0] }.isEmpty, "judgments differ: \(a.keys.filter { a[$0] != b[$0] }.prefix(3))")
        #expect(try Self.metrics(syncOut) == Self.metrics(batchOut))
        // Each judgment at half its synchronous cost.
        let costs = try Self.judgments(syncOut, dropping: []), halves = try Self.judgments(batchOut, dropping: [])
        let mismatched = costs.keys.filter { key in
            guard let full = costs[key]?["cost_usd"]?.numberValue, let half = halves[key]?["cost_usd"]?.numberValue else { return true }
            return abs(half - full / 2) > 1e-12
        }
        #expect(mismatched.isEmpty, "\(mismatched.prefix(3))")

        let stats = try await server.stats()["batch"]!
        let distinct = try RunTests.entries(syncOut).filter { !$0.fromCache && $0.judgment != nil }.count
        #expect(stats["billed"]!.int == distinct, "every distinct request paid once: \(stats)")
        #expect(stats["refused"]!.int == 1)
        // Batches of at most 25 (the server refuses larger ones), retries in later batches.
        #expect(stats["batches"]!.int >= (distinct + 24) / 25 + 1)
        #expect(batch.stdout.contains("\(stats["batches"]!.int) batches created"))
        // Nothing left behind but the journal.
        #expect(try FileManager.default.contentsOfDirectory(atPath: batchOut + "/batches").isEmpty)
    }

    /// kill -9 at each moment of a batch's life, then the same command: as many batches created
    /// and requests billed as a run that was never stopped.
    @Test(arguments: API.allCases)
    func killedAtAnyMomentABatchIsNeverMadeOrPaidTwice(api: API) async throws {
        let folder = try TemporaryFolder()
        let reference = try FakeJudgeServer(["--batch-polls", "3"])
        let clean = try JudgeLabBinary.run(["run", try Self.study(in: folder, server: reference, api: api, mode: "batch", items: 30, perBatch: 60),
                                            "--out", folder.path + "/clean/out", "--quiet"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        let expected = try await reference.stats()["batch"]!
        let judgments = try Self.judgments(folder.path + "/clean/out")
        #expect(expected["batches"]!.int == 3, "\(expected)")
        reference.stop()

        // Anthropic has no upload: its file is written, then sent as the creation.
        let stages = api == .openai ? ["upload", "create-before", "create-after", "poll", "download"] : ["create-before", "create-after", "poll", "download"]
        for stage in stages {
            let server = try FakeJudgeServer(["--batch-polls", "3"])
            let study = try Self.study(in: folder, server: server, api: api, mode: "batch", items: 30, perBatch: 60)
            let out = folder.path + "/\(stage)/out"
            try server.control("hold", [("stage", .string(stage))])
            let process = try JudgeLabBinary.start(["run", study, "--out", out, "--quiet"])
            #expect(server.waitUntilHeld(stage), "never reached \(stage)")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try server.control("release", [])

            let resumed = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
            #expect(resumed.status == 0, "\(stage): \(resumed.stdout)\(resumed.stderr)")
            let stats = try await server.stats()["batch"]!
            #expect(stats["batches"]!.int == expected["batches"]!.int, "\(stage): \(stats)")
            #expect(stats["billed"]!.int == expected["billed"]!.int, "\(stage): \(stats)")
            #expect(try Self.judgments(out) == judgments, "\(stage)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/batches").isEmpty)
        }
    }

    @Test func aBudgetIsNeverExceededAndRaisingItFinishesTheRun() async throws {
        let server = try FakeJudgeServer(["--batch-polls", "2"])
        let folder = try TemporaryFolder()
        let study = try Self.study(in: folder, server: server, api: .openai, mode: "batch", items: 40, perBatch: 50)
        let out = folder.path + "/out"
        let capped = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet", "--max-cost", "0.001"])
        #expect(capped.status == 3, "\(capped.stdout)\(capped.stderr)")
        let paid = try SQLiteRunStore(runPath: out + "/run.sqlite", cachePath: folder.path + "/cache.sqlite").paidUSD()
        #expect(paid > 0 && paid <= 0.001)
        let finished = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet", "--max-cost", "1"])
        #expect(finished.status == 0, "\(finished.stdout)\(finished.stderr)")
        #expect(try Self.judgments(out).count == 3 * 40 * 2)
        let stats = try await server.stats()["batch"]!
        #expect(stats["billed"]!.int == stats["requests"]!.int)
    }

    @Test func everyStepIsJournaledAheadOnAStoreDouble() async throws {
        // A batch's record moves through every state in order; its file is written before the
        // batch is journaled, and removed once its results are recorded.
        let server = try FakeJudgeServer(["--batch-polls", "2"])
        let folder = try TemporaryFolder()
        let study = try Self.study(in: folder, server: server, api: .openai, mode: "batch", items: 5, perBatch: 100)
        let plan = try StudyPlan(study: try Study.load(path: study))
        let settings = try RunSettings.from(plan: plan, environment: [:])
        let store = RecordingStore()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let judge = settings.judges[0]
        let service = judge.provider.batchService(baseURL: judge.endpointURL, apiKey: nil, transport: transport, limits: judge.batch, timeout: 10)!
        let summary = try await BatchRunner.run(try TaskSource(plan: plan, settings: settings), judge: judge, service: service, settings: settings,
                                                context: BatchRunner.Context(store: store, folder: folder.path + "/batches"))
        #expect(summary.total == 30 && summary.failed == 0 && summary.batchesCreated == 1)
        #expect(store.states == ["written", "uploaded", "creating", "created", "ended", "done"], "\(store.states)")
        #expect(try store.answeredKeys().count == 30)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/batches").isEmpty)
    }

    @Test func estimateShowsBothPricesAndBatchIsHalf() throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let result = try JudgeLabBinary.run(["estimate", try Self.study(in: folder, server: server, api: .openai, mode: "sync"), "--out", folder.path + "/out"])
        #expect(result.status == 0, "\(result.stderr)")
        func range(_ label: String) -> [Double] {
            guard let line = result.stdout.split(separator: "\n").first(where: { $0.hasPrefix(label + " ") }) else { return [] }
            return line.split(separator: "$").dropFirst().compactMap { Double($0.prefix { $0.isNumber || $0 == "." }) }
        }
        let sync = range("dollars"), batch = range("dollars, batch API")
        #expect(sync.count == 2 && batch.count == 2, "\(result.stdout)")
        #expect(sync.count == 2 && batch.count == 2 && abs(batch[1] - sync[1] / 2) < 0.0002 && sync[1] > 0, "\(result.stdout)")
        let inBatch = try JudgeLabBinary.run(["estimate", try Self.study(in: folder, server: server, api: .openai, mode: "batch"), "--out", folder.path + "/out"])
        #expect(inBatch.stdout.contains("dollars, batch API (this run)"), "\(inBatch.stdout)")
    }

    @Test func judgmentsAreOrderedInPlaceAsTheyWereByCopy() throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let plan = try StudyPlan(study: try Study.load(path: try Self.study(in: folder, server: server, api: .openai, mode: "sync", items: 30)))
        var random = SystemRandomNumberGenerator()
        var judgments: [Judgment] = []
        for variant in plan.variants { for item in plan.items { for order in [PresentedOrder.original, .swapped] where Bool.random(using: &random) || order == .original {
            judgments.append(Judgment(item: item.id, variant: variant.name, order: order, reading: .choice(.first)))
        } } }
        judgments.shuffle(using: &random)
        let entries = judgments.map { JournalEntry(key: JudgmentKey(variant: $0.variant, item: $0.item, order: $0.order), requestHash: "", judgment: $0,
                                                   paidUSD: 0, attempts: 1, fromCache: false, finalError: nil) }
        let expected = RunLayout.orderedJudgments(entries, plan: plan)
        RunLayout.ordered(&judgments, plan: plan)
        #expect(judgments == expected && judgments.count > 90)
    }

    @Test func batchPricesAreReadAndCheckedWithTheirFileAndLine() throws {
        let folder = try TemporaryFolder()
        let good = try folder.write("good.yaml", "m: {input: 2, output: 8, batch_input: 1, batch_output: 4}\n")
        let table = try PriceTable.load(path: good)
        #expect(table.batchPrice(of: "m") == Price(input: 1, output: 4))
        #expect(try PriceTable.shipped().batchPrice(of: "gpt-4o-mini") == Price(input: 0.075, cachedInput: 0.0375, output: 0.3))
        let bad = try folder.write("bad.yaml", "m: {input: 2, output: 8}\nn: {input: 2, output: 8, batch_input: 1}\n")
        #expect { try PriceTable.load(path: bad) } throws: { "\($0)".contains("bad.yaml:2") && "\($0)".contains("batch_output") }
    }

    /// A study that sets a model's price without batch prices leaves it none: the shipped batch
    /// price went with the prices it replaced (the estimate's batch row used to mix the two:
    /// $0.0227 through the batch API against $0.60 a request at a time, for the same requests).
    @Test func aStudysPriceReplacesTheShippedBatchPriceToo() throws {
        let folder = try TemporaryFolder()
        let study = try PriceTable.load(path: try folder.write("p.yaml", "gpt-4o-mini: {input: 2, output: 2}\ngpt-4o: {input: 4, output: 4, batch_input: 2, batch_output: 2}\n"))
        let merged = try PriceTable.shipped().merging(study)
        #expect(merged.price(of: "gpt-4o-mini") == Price(input: 2, output: 2))
        #expect(merged.batchPrice(of: "gpt-4o-mini") == nil)
        #expect(merged.batchPrice(of: "gpt-4o") == Price(input: 2, output: 2))
        #expect(merged.batchPrice(of: "gpt-4.1") == (try PriceTable.shipped().batchPrice(of: "gpt-4.1")))
        #expect(merged.context(of: "gpt-4o-mini") == 128_000)
    }
}

/// The in-memory store, keeping the state of every batch update in order.
final class RecordingStore: BatchRunStore, @unchecked Sendable {
    let inner = InMemoryRunStore()
    private let lock = NSLock()
    private var seen: [String] = []
    var states: [String] { lock.withLock { seen } }

    func cachedReplies(forHashes hashes: [String]) throws -> [String: CachedReply] { try inner.cachedReplies(forHashes: hashes) }
    func record(replies: [FreshReply], entries: [JournalEntry]) throws { try inner.record(replies: replies, entries: entries) }
    func answeredKeys() throws -> Set<JudgmentKey> { try inner.answeredKeys() }
    func entries() throws -> [JournalEntry] { try inner.entries() }
    func paidUSD() throws -> Double { try inner.paidUSD() }
    func batchRecords() throws -> [BatchRecord] { try inner.batchRecords() }
    func addBatch(_ record: BatchRecord, members: [BatchMember]) throws {
        #expect(FileManager.default.fileExists(atPath: record.file), "the batch file is on disk before the batch is journaled")
        lock.withLock { seen.append(record.state.rawValue) }
        try inner.addBatch(record, members: members)
    }
    func addMembers(_ members: [BatchMember]) throws { try inner.addMembers(members) }
    func updateBatch(_ record: BatchRecord) throws {
        lock.withLock { if seen.last != record.state.rawValue { seen.append(record.state.rawValue) } }
        try inner.updateBatch(record)
    }
    func batchMembers(token: String) throws -> [BatchMember] { try inner.batchMembers(token: token) }
}
