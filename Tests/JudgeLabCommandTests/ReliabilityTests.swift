// The reliability suite. `make test` runs it small; `make reliability` (JUDGELAB_RELIABILITY=full)
// runs it at full scale: 100,000 judgments through 10% faults, 20 kill -9 with resumes.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTesting
@testable import JudgeLabStore
import JudgeLabXML
import JudgeLabTestSupport

@Suite(.serialized) struct ReliabilityTests {
    static let full = ProcessInfo.processInfo.environment["JUDGELAB_RELIABILITY"] == "full"
    static var isRoot: Bool { getuid() == 0 }

    /// Whether this process may mount (root with CAP_SYS_ADMIN): tried once on a scratch folder.
    static let canMount: Bool = {
        guard isRoot, let folder = try? TemporaryFolder() else { return false }
        guard (try? shell("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder.path)) == 0 else { return false }
        _ = try? shell("umount", folder.path)
        return true
    }()
    static let cannotMount = "mounting is not allowed here (it takes root with CAP_SYS_ADMIN): the full-disk and read-only checks need a tmpfs and a bind mount"

    /// A synthetic study of `items` items, one choice variant in both orders.
    static func study(_ folder: TemporaryFolder, server: FakeJudgeServer, items: Int, timeout: Double = 2) throws -> String {
        var data = ""
        for i in 0..<items {
            data += JSONValue.object([("id", .string("r\(i)")), ("question", .string("Reliability question \(i)?")),
                                      ("answer_1", .string(String(repeating: "first ", count: 2 + i % 9))),
                                      ("answer_2", .string(String(repeating: "second ", count: 1 + i % 13))),
                                      ("winner", .string(["1", "2", "tie"][i % 3]))]).compactText + "\n"
        }
        try folder.write("data.jsonl", data)
        return try folder.write("study.yaml", """
        name: reliability
        dataset: data.jsonl
        templates: \(Paths.root)/PromptTemplates
        judge: {base_url: \(server.baseURL), model: gpt-4o-mini, timeout_seconds: \(timeout), retry_base_seconds: 0.01, max_attempts: 10}
        variants:
          list:
            - {template: choice-ab, order: both, name: judge}
        """)
    }

    static func store(_ out: String, cache: String? = nil) throws -> SQLiteRunStore {
        try SQLiteRunStore(runPath: out + "/run.sqlite", cachePath: cache ?? FilePath.parent(out) + "/cache.sqlite")
    }

    @Test func faultsAtScaleLoseNothingAndPayOnce() async throws {
        let items = Self.full ? 50_000 : 150
        // A 4 s timeout and 5 s stalls: a timeout that fires while a slow but good answer is on its
        // way would count as paid twice (the server served it, the client gave up and asked again),
        // and at C = 128 this Python server can take over 2 s to answer.
        let server = try FakeJudgeServer(["--fault-rate", "0.1", "--stall-seconds", "5", "--max-faults-per-request", "3"])
        let folder = try TemporaryFolder()
        let study = try Self.study(folder, server: server, items: items, timeout: 4)
        let out = folder.path + "/Results/run"
        // The user's response cache, as a user has one: outside every run folder.
        let user = [ResponseCache.variable: folder.path + "/user-cache/"]
        let started = Date()
        let result = try JudgeLabBinary.run(["run", study, "--out", out, "--concurrency", Self.full ? "128" : "32", "--quiet"], environment: user)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let entries = try Self.store(out, cache: folder.path + "/user-cache/responses.sqlite").entries()
        let answered = entries.filter { $0.judgment != nil }
        #expect(answered.count == 2 * items)                              // 0 lost
        #expect(Set(answered.map(\.key)).count == 2 * items)              // 0 recorded twice
        let stats = try await server.stats()
        #expect(stats["ok"]?.int == answered.filter { !$0.fromCache }.count)  // 0 paid twice
        #expect(entries.allSatisfy { $0.judgment != nil || $0.finalError != nil })
        let faults = stats["faults"].map { if case let .object(f) = $0 { f.reduce(0) { $0 + $1.1.int } } else { 0 } } ?? 0
        #expect(faults > items / 10)
        if Self.full {
            print("reliability: \(2 * items) judgments, \(faults) injected faults, \(stats["requests"]!.int) requests, \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        }
        // The same study from another working folder, into another run folder: no request is
        // sent (the cache used to sit beside the run folder, and all were sent and paid again).
        let elsewhere = folder.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let again = try JudgeLabBinary.run(["run", study, "--quiet"], cwd: elsewhere, environment: user)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        let sentAgain = try await server.stats()["requests"]!.int - stats["requests"]!.int
        #expect(sentAgain == 0)
        #expect(again.stdout.contains("\(2 * items) from the cache"), "\(again.stdout)")
        if Self.full { print("reliability: a second run from another folder: \(sentAgain) requests sent, \(2 * items) judgments from the cache") }
    }

    @Test func repeatedKillDashNineThenResumeEqualsAnUninterruptedRun() async throws {
        let kills = Self.full ? 20 : 3
        let items = Self.full ? 600 : 120
        let server = try FakeJudgeServer(["--latency-ms", "15", "--fault-rate", "0.05"])
        let folder = try TemporaryFolder()
        let study = try Self.study(folder, server: server, items: items)
        let out = folder.path + "/A/run"
        var generator = SeededGenerator(seed: 20)
        var recordedAtKill: [Int] = []
        for _ in 0..<kills {
            let process = try JudgeLabBinary.start(["run", study, "--out", out, "--concurrency", "8", "--quiet"])
            try await Task.sleep(for: .milliseconds(150 + generator.uniform(below: 350)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let store = try Self.store(out)
            #expect(try store.integrityCheck() == "journal: ok; cache: ok")
            recordedAtKill.append(try store.answeredKeys().count)
        }
        #expect(recordedAtKill == recordedAtKill.sorted())  // nothing recorded is ever lost
        let last = try JudgeLabBinary.run(["run", study, "--out", out, "--concurrency", "8", "--quiet"])
        #expect(last.status == 0, "\(last.stderr)")

        let clean = try FakeJudgeServer()
        let folderB = try TemporaryFolder()
        let studyB = try Self.study(folderB, server: clean, items: items)
        let outB = folderB.path + "/B/run"
        #expect(try JudgeLabBinary.run(["run", studyB, "--out", outB, "--concurrency", "32", "--quiet"]).status == 0)
        func withoutLatency(_ dir: String) throws -> [Judgment] {
            try JudgmentsFile.load(path: dir + "/judgments.jsonl").map { var j = $0; j.latencyMS = nil; return j }
        }
        #expect(try withoutLatency(out) == withoutLatency(outB))
        // The metrics agree too, but for latency, which is measured.
        func metrics(_ dir: String) throws -> JSONValue {
            let m = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: dir + "/metrics.json")))
            guard case let .array(variants)? = m["variants"] else { return .null }
            return .array(variants.map { $0.withoutLatency() })
        }
        #expect(try metrics(out) == metrics(outB))
        if Self.full { print("reliability: \(kills) kill -9, judgments recorded at each kill \(recordedAtKill)") }
    }

    @Test(.enabled(if: canMount, Comment(rawValue: cannotMount))) func aFullDiskIsAClearErrorAndTheStoreStaysSound() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let study = try Self.study(folder, server: server, items: 400)
        let disk = folder.path + "/tiny"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        try #require(try Self.shell("mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", disk) == 0, "mount a 200 KB tmpfs")
        defer { _ = try? Self.shell("umount", disk) }
        let out = disk + "/run"
        let result = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        // The known outcome for this data: the journal's next page does not fit (a store error,
        // not bad input: exit 1), said with the system's reason and what to do.
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: \(out)/run.sqlite: SQLite error 13: database or disk is full"), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("(free some space and run the same command again: nothing already recorded is lost)\n"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        if FileManager.default.fileExists(atPath: out + "/run.sqlite") {
            let recorded = try Self.store(out).answeredKeys().count
            #expect(try Self.store(out).integrityCheck() == "journal: ok; cache: ok")
            // Moved to a disk with room, the same run finishes from where it stopped.
            let moved = folder.path + "/big"
            try FileManager.default.createDirectory(atPath: moved, withIntermediateDirectories: true)
            for file in try FileManager.default.contentsOfDirectory(atPath: disk) {
                try FileManager.default.copyItem(atPath: disk + "/" + file, toPath: moved + "/" + file)
            }
            let resumed = try JudgeLabBinary.run(["run", study, "--out", moved + "/run", "--quiet"])
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stdout.contains("\(recorded) before this run"))
            #expect(try JudgmentsFile.load(path: moved + "/run/judgments.jsonl").count == 800)
        }
    }

    @Test(.enabled(if: canMount, Comment(rawValue: cannotMount))) func aReadOnlyResultsFolderIsAClearError() throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let study = try Self.study(folder, server: server, items: 5)
        let results = folder.path + "/Results"
        let user = [ResponseCache.variable: folder.path + "/cache/"]  // the user's cache, elsewhere
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        // A finished run, then the folder turns read-only: a rerun reads, and says it cannot write.
        #expect(try JudgeLabBinary.run(["run", study, "--out", results + "/run", "--quiet"], environment: user).status == 0)
        let inside = [ResponseCache.variable: results + "/cache.sqlite"]
        #expect(try JudgeLabBinary.run(["run", study, "--out", folder.path + "/beside", "--quiet"], environment: inside).status == 0)
        try #require(try Self.shell("mount", "--bind", "-o", "ro", results, results) == 0, "a read-only bind mount")
        var mounted = true
        defer { if mounted { _ = try? Self.shell("umount", results) } }
        let fresh = try JudgeLabBinary.run(["run", study, "--out", results + "/other", "--quiet"], environment: user)
        #expect(fresh.status == 2)
        #expect(fresh.stderr.contains("cannot create the run folder: Read-only file system"), "\(fresh.stderr)")
        let again = try JudgeLabBinary.run(["run", study, "--out", results + "/run", "--quiet"], environment: user)
        #expect(again.status != 0)
        #expect(again.stderr.hasPrefix("error: "))
        #expect(again.stderr.split(separator: "\n").count == 1, "\(again.stderr)")
        // A cache in the read-only folder: one line naming it, before any run folder is made.
        let cacheRefused = try JudgeLabBinary.run(["run", study, "--out", folder.path + "/elsewhere", "--quiet"], environment: inside)
        #expect(cacheRefused.status == 2)
        #expect(cacheRefused.stderr.hasPrefix("error: \(results)/cache.sqlite: SQLite error"), "\(cacheRefused.stderr)")
        #expect(cacheRefused.stderr.split(separator: "\n").count == 1, "\(cacheRefused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/elsewhere"))
        _ = try Self.shell("umount", results)
        mounted = false
        #expect(try Self.store(results + "/run", cache: folder.path + "/cache/responses.sqlite").integrityCheck() == "journal: ok; cache: ok")
        #expect(try JudgmentsFile.load(path: results + "/run/judgments.jsonl").count == 10)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "chromium is not installed (apt-get install chromium; make test does it as root)"))
    func scriptPayloadsNeverRunInABrowser() throws {
        let payloads = ["<script>console.log('xss-1')</script>", "\"><img src=x onerror=console.log('xss-2')>", "</textarea><svg onload=console.log('xss-3')>",
                        "{{mustache}}", "javascript:console.log('xss-4')", "<iframe src=\"http://127.0.0.1:9/\"></iframe>"]
        let pairs = payloads.enumerated().map { i, p in
            Pair(id: "x\(i)\(p)", question: p, answer1: p, answer2: p + p, label: .winner(.answer1), category: p, explanation: p)
        }
        let judgments = pairs.flatMap { pair in OrderPolicy.both.orders.map {
            Judgment(item: pair.id, variant: "v\(pair.id.prefix(3))\(payloads[0])", order: $0, output: "Output (a) \(pair.question)", reading: .choice(.first), reason: pair.answer1)
        } }
        let folder = try TemporaryFolder()
        let dir = try ReportTests.runFolder(folder, pairs: pairs, judgments: judgments)
        try ReportPublisher.publish(try RunReport.load(runDirectory: dir), to: dir, xml: LibXML2ReportWriter())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.root + "/Tests/Support/report_screenshots.sh")
        process.arguments = [dir + "/report.html", folder.path + "/shots"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(!text.contains("xss-"))
    }

    static func shell(_ arguments: String...) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

extension JSONValue {
    /// The value without keys that depend on measured latency.
    func withoutLatency() -> JSONValue {
        guard case let .object(members) = self else { return self }
        return .object(members.filter { !$0.0.hasPrefix("latency") })
    }
}
