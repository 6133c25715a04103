// The response cache is the user's: what was paid for once is not sent again, whatever folder
// the next run starts in or writes to.
import Foundation
import JudgeLab
import JudgeLabStore
import JudgeLabTesting
import JudgeLabTestSupport
import Testing

@Suite struct ResponseCacheTests {
    /// A user's environment with a home of its own and no cache setting: the default place.
    static func user(_ home: String) -> [String: String] {
        ["HOME": home, "XDG_CACHE_HOME": "", ResponseCache.variable: ""]
    }

    static func number(before label: String, in text: String) -> Int? {
        guard let range = text.range(of: " " + label) else { return nil }
        return Int(text[..<range.lowerBound].split(separator: " ").last ?? "")
    }

    /// Before, the cache sat beside the run folder (`Results/cache.sqlite`): the same study run
    /// from another folder sent and paid every request again.
    @Test func aSecondRunFromAnotherFolderSendsNoRequest() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let study = try RunTests.study(in: folder, server: server, items: 20)
        let home = folder.path + "/home"
        for name in ["a", "b", "c"] { try FileManager.default.createDirectory(atPath: folder.path + "/" + name, withIntermediateDirectories: true) }

        let first = try JudgeLabBinary.run(["run", study, "--quiet"], cwd: folder.path + "/a", environment: Self.user(home))
        #expect(first.status == 0, "\(first.stderr)")
        let sent = try await server.stats()["requests"]!.int
        #expect(sent > 0)
        #expect(FileManager.default.fileExists(atPath: home + "/.cache/judgelab/responses.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/a/Results/cache.sqlite"))

        // Another working folder, another run folder: every answer comes from the cache.
        let estimate = try JudgeLabBinary.run(["estimate", study, "--out", folder.path + "/elsewhere/run"], cwd: folder.path + "/b", environment: Self.user(home))
        #expect(estimate.stdout.contains(home + "/.cache/judgelab/responses.sqlite"), "\(estimate.stdout)")
        let second = try JudgeLabBinary.run(["run", study, "--out", folder.path + "/elsewhere/run", "--quiet"], cwd: folder.path + "/b", environment: Self.user(home))
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try await server.stats()["requests"]!.int == sent)
        let cached = Self.number(before: "from the cache", in: second.stdout)
        #expect(cached == 120, "\(second.stdout)")
        #expect(estimate.stdout.split(separator: "\n").contains { $0.hasPrefix("from the cache") && $0.contains(" 120 ") }, "\(estimate.stdout)")
        let again = try String(contentsOfFile: folder.path + "/elsewhere/run/metrics.json", encoding: .utf8)
        let original = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/a/Results").first { !$0.hasPrefix(".") }!
        #expect(again == (try String(contentsOfFile: folder.path + "/a/Results/\(original)/metrics.json", encoding: .utf8)))

        // --no-cache neither reads nor writes it: the requests are sent again.
        let bypass = try JudgeLabBinary.run(["run", study, "--no-cache", "--quiet"], cwd: folder.path + "/c", environment: Self.user(home))
        #expect(bypass.status == 0, "\(bypass.stderr)")
        #expect(try await server.stats()["requests"]!.int == 2 * sent)
        #expect(Self.number(before: "from the cache", in: bypass.stdout) == 0)
    }

    /// One judge, two models: each model gets its own requests and its own answers. With the
    /// model left out of the cache key, one request would answer both and be credited to each.
    @Test func twoModelsOfOneJudgeNeverShareAnAnswer() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Paths.samples + "/pandalm-200.jsonl", toPath: folder.path + "/data.jsonl")
        let study = try folder.write("models.yaml", """
        name: models
        dataset: data.jsonl
        templates: \(Paths.root)/PromptTemplates
        sample: {first: 30}
        judge: {base_url: \(server.baseURL), models: [gpt-4o-mini, gpt-4o]}
        variants:
          list:
            - {template: choice-ab, order: both}
        """)
        let out = folder.path + "/run"
        let run = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        #expect(judgments.count == 120)
        let byModel = Dictionary(grouping: judgments) { $0.variant.contains("gpt-4o-mini") ? "mini" : "4o" }
        #expect(byModel["mini"]?.count == 60 && byModel["4o"]?.count == 60)
        // Twice the requests of the same study with one model (the data's copies share theirs).
        let twoModels = try await server.stats()["requests"]!.int
        let single = try FakeJudgeServer()
        let one = try folder.write("one.yaml", try String(contentsOfFile: study, encoding: .utf8)
            .replacingOccurrences(of: "models: [gpt-4o-mini, gpt-4o]", with: "model: gpt-4o-mini").replacingOccurrences(of: server.baseURL, with: single.baseURL))
        #expect(try JudgeLabBinary.run(["run", one, "--out", folder.path + "/one", "--quiet"]).status == 0)
        let oneModel = try await single.stats()["requests"]!.int
        #expect(oneModel > 40 && twoModels == 2 * oneModel, "\(twoModels) requests for two models, \(oneModel) for one")
        // The fake judge's answer depends on the whole request, model included: they differ.
        let mini = Dictionary(uniqueKeysWithValues: byModel["mini"]!.map { ("\($0.item)|\($0.order.rawValue)", $0.output ?? "") })
        #expect(byModel["4o"]!.contains { mini["\($0.item)|\($0.order.rawValue)"] != $0.output })
    }

    /// $JUDGELAB_CACHE and the study's `cache:` move it; the study's wins.
    @Test func theEnvironmentAndTheStudyMoveIt() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Paths.samples + "/pandalm-200.jsonl", toPath: folder.path + "/data.jsonl")
        let study = try Study.load(path: try TestStudy.write(in: folder, file: "s.yaml", name: "s", items: 5, judge: "  base_url: http://127.0.0.1:9/v1\n  model: m", extra: ""))
        #expect(ResponseCache.path(study: study, environment: ["HOME": "/h"]) == "/h/.cache/judgelab/responses.sqlite")
        #expect(ResponseCache.path(study: study, environment: ["HOME": "/h", "XDG_CACHE_HOME": "/x"]) == "/x/judgelab/responses.sqlite")
        #expect(ResponseCache.path(study: study, environment: ["HOME": "/h", ResponseCache.variable: "/c/r.sqlite"]) == "/c/r.sqlite")
        #expect(ResponseCache.path(study: study, environment: [ResponseCache.variable: folder.path]) == folder.path + "/responses.sqlite")
        #expect(ResponseCache.path(study: study, environment: [:]) == nil)
        #expect(throws: InputError.self) { try ResponseCache.prepare(nil) }
        var own = study
        own.cachePath = "shared/"
        #expect(ResponseCache.path(study: own, environment: [ResponseCache.variable: "/c/r.sqlite"]) == folder.path + "/shared/responses.sqlite")
        // A run with no judge over HTTP needs none.
        let local = try folder.write("l.yaml", "dataset: data.jsonl\njudge: {provider: baseline, baseline: coin}\nvariants: {list: [{baseline: coin}]}\n")
        #expect(try RunSettings.from(plan: try StudyPlan(study: try Study.load(path: local)), environment: [:]).cachePath == ResponseCache.none)
    }

    /// A cache that cannot be made or opened is refused before the run folder is made.
    @Test func aCacheThatCannotBeOpenedIsRefusedBeforeTheRunFolder() throws {
        let folder = try TemporaryFolder()
        let study = try folder.write("s.yaml", "dataset: \(Paths.root)/Tests/Corpus/bad-input/good-data.jsonl\njudge: {model: gpt-4o-mini, base_url: 'http://127.0.0.1:9/v1'}\nvariants: {grid: {template: choice-ab}}\n")
        let file = try folder.write("a-file", "x")
        let out = folder.path + "/run"
        let underAFile = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"], environment: [ResponseCache.variable: file + "/responses.sqlite"])
        #expect(underAFile.status == 2)
        #expect(underAFile.stderr.hasSuffix("error: \(file): the response cache's folder is a file: set $JUDGELAB_CACHE to a writable place, or run with --no-cache\n"), "\(underAFile.stderr)")
        let text = try folder.write("notes.txt", String(repeating: "not a database. ", count: 64))
        let notADatabase = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"], environment: [ResponseCache.variable: text])
        #expect(notADatabase.status == 2)
        #expect(notADatabase.stderr.hasSuffix("error: \(text): SQLite error 26: file is not a database (the file is not a JudgeLab store: move it away or name another path)\n"), "\(notADatabase.stderr)")
        let noHome = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"], environment: ["HOME": "", "XDG_CACHE_HOME": "", ResponseCache.variable: ""])
        #expect(noHome.status == 2)
        #expect(noHome.stderr.contains("error: response cache: no place for it"), "\(noHome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// Two runs at once write the same cache (SQLite in WAL mode, with a busy timeout): both
    /// finish, the cache stays whole, and a third run of each sends nothing.
    @Test func concurrentRunsShareItSafely() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let study = try RunTests.study(in: folder, server: server, items: 40)
        let other = try folder.write("other.yaml", try String(contentsOfFile: study, encoding: .utf8)
            .replacingOccurrences(of: "name: runtest", with: "name: other").replacingOccurrences(of: "seed: 3", with: "seed: 4"))
        let cache = folder.path + "/cache/responses.sqlite"
        let environment = [ResponseCache.variable: cache]
        let outs = [folder.path + "/out0", folder.path + "/out1"]
        let runs = zip([study, other], outs).map { file, out in
            Task.detached { try JudgeLabBinary.run(["run", file, "--out", out, "--concurrency", "8", "--quiet"], environment: environment) }
        }
        for run in runs {
            let result = try await run.value
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        }
        #expect(try SQLiteRunStore(runPath: ":memory:", cachePath: cache).integrityCheck() == "journal: ok; cache: ok")
        let sent = try await server.stats()["requests"]!.int
        for (index, file) in [study, other].enumerated() {
            let again = try JudgeLabBinary.run(["run", file, "--out", folder.path + "/again\(index)", "--quiet"], environment: environment)
            #expect(again.status == 0)
        }
        #expect(try await server.stats()["requests"]!.int == sent)
    }
}
