// `judgelab analyze` and `compare` against an independent implementation of METRICS.md
// (Tests/Reference/metrics_reference.py) on random cases: every metric to 1e-9.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct ReferenceImplementationTests {
    static let reference = Paths.root + "/Tests/Reference/metrics_reference.py"
    static var hasPython: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/python3") }

    static func python(_ arguments: [String]) throws -> String {
        let (status, data) = try PythonScript.run(reference, arguments)
        #expect(status == 0)
        return String(decoding: data, as: UTF8.self)
    }

    /// Each variant's agreement with humans as the independent implementation computes it from
    /// a folder's dataset.jsonl and judgments.jsonl: the expected values of the checks that
    /// compare what a report publishes with `analyze` (which runs the same code as the report).
    static func referenceAgreements(_ dir: String) throws -> [String: Double] {
        let theirs = try JSONValue.parse(Data(try python(["analyze", dir + "/dataset.jsonl", dir + "/judgments.jsonl", "--bootstrap", "10", "--seed", "1"]).utf8))
        guard case let .array(variants)? = theirs["variants"] else {
            Issue.record("the reference gave no variants for \(dir)")
            return [:]
        }
        var agreements: [String: Double] = [:]
        for variant in variants {
            if let name = variant["variant"]?.stringValue, let agreement = variant["agreement"]?.numberValue { agreements[name] = agreement }
        }
        return agreements
    }

    /// Compares two JSON values, numbers to 1e-9; records each difference under its path.
    static func expectClose(_ ours: JSONValue?, _ theirs: JSONValue, _ path: String) {
        switch (ours, theirs) {
        case let (.number(a)?, .number(b)):
            #expect(abs(a - b) <= 1e-9, "\(path): ours \(a), reference \(b)")
        case let (.array(a)?, .array(b)):
            #expect(a.count == b.count, "\(path): lengths")
            for (i, (x, y)) in zip(a, b).enumerated() { expectClose(x, y, "\(path)[\(i)]") }
        default:
            #expect(ours == theirs, "\(path): ours \(ours.map(\.compactText) ?? "absent"), reference \(theirs.compactText)")
        }
    }

    @Test(.enabled(if: hasPython, "python3 is not installed: the independent implementation is a Python script"), arguments: Array(100..<124) as [Int])
    func analyzeMatchesTheReference(seed: Int) throws {
        let folder = try TemporaryFolder()
        _ = try Self.python(["generate", "\(seed)", folder.path])
        let band = seed % 4 == 0 ? ["--tie-band", "4,6"] : []
        // Every third seed holds pointwise variants (METRICS.md §7), scored on 1..10.
        let common = ["--bootstrap", "200", "--seed", "\(seed)", "--judge-scale", "1,10"] + band
        let theirs = try JSONValue.parse(Data(try Self.python(["analyze", folder.path + "/dataset.jsonl", folder.path + "/judgments.jsonl"] + common).utf8))
        let result = try JudgeLabBinary.run(["analyze", "--dataset", folder.path + "/dataset.jsonl",
                                             "--judgments", folder.path + "/judgments.jsonl", "--format", "json"] + common)
        #expect(result.status == 0, "\(result.stderr)")
        let ours = try JSONValue.parse(Data(result.stdout.utf8))
        guard case let .array(referenceVariants)? = theirs["variants"], case let .array(ourVariants)? = ours["variants"] else {
            Issue.record("no variants")
            return
        }
        #expect(referenceVariants.count == ourVariants.count)
        for reference in referenceVariants {
            let name = reference["variant"]!
            let mine = ourVariants.first { $0["variant"] == name }
            guard case let .object(members) = reference else {
                Issue.record("the reference's row for \(name.compactText) is not an object: \(reference.compactText.prefix(200))")
                continue
            }
            for (key, value) in members { Self.expectClose(mine?[key], value, "\(name.compactText).\(key)") }
        }
        #expect(ours["ranking"] == theirs["ranking"])
        #expect(ours["pareto"] == theirs["pareto"])
    }

    @Test(.enabled(if: hasPython, "python3 is not installed: the independent implementation is a Python script"), arguments: [3, 7, 11, 20, 33, 41] as [Int])
    func compareMatchesTheReference(seed: Int) throws {
        let folder = try TemporaryFolder()
        _ = try Self.python(["generate", "\(seed)", folder.path])
        let judgments = try JudgmentsFile.load(path: folder.path + "/judgments.jsonl")
        let (a, b) = (judgments.first!.variant, judgments.last!.variant)
        let theirs = try JSONValue.parse(Data(try Self.python(["compare", folder.path + "/dataset.jsonl", folder.path + "/judgments.jsonl", a, b,
                                                              "--bootstrap", "300", "--seed", "9"]).utf8))
        let result = try JudgeLabBinary.run(["compare", a, b, "--dataset", folder.path + "/dataset.jsonl",
                                             "--judgments", folder.path + "/judgments.jsonl", "--bootstrap", "300", "--seed", "9", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let ours = try JSONValue.parse(Data(result.stdout.utf8))
        guard case let .object(members) = theirs else {
            Issue.record("the reference's comparison is not an object: \(theirs.compactText.prefix(200))")
            return
        }
        for (key, value) in members { Self.expectClose(ours[key], value, key) }
    }

    /// On public data with real judges: PandaLM's 200 shipped pairs (three votes each, so the
    /// human ceiling and the leave-one-out agreement are defined) with GPT-3.5's and PandaLM-7B's
    /// recorded verdicts, and LLMBar Natural with GPT-4's and ChatGPT's in both orders (so the
    /// consistent agreement is): every metric, the five added with the judge seam's successors
    /// among them, equals the reference's.
    @Test(.enabled(if: hasPython, "python3 is not installed: the independent implementation is a Python script"), arguments: [("pandalm-200.jsonl", "pandalm-200-recorded.jsonl"), ("llmbar-natural.jsonl", "llmbar-natural-recorded.jsonl")])
    func publicDataMatchesTheReference(dataset: String, recorded: String) throws {
        let data = Paths.samples + "/" + dataset, judgments = Paths.samples + "/" + recorded
        let common = ["--bootstrap", "200", "--seed", "5"]
        let theirs = try JSONValue.parse(Data(try Self.python(["analyze", data, judgments] + common).utf8))
        let result = try JudgeLabBinary.run(["analyze", "--dataset", data, "--judgments", judgments, "--format", "json"] + common)
        #expect(result.status == 0, "\(result.stderr)")
        let ours = try JSONValue.parse(Data(result.stdout.utf8))
        guard case let .array(referenceVariants)? = theirs["variants"], case let .array(ourVariants)? = ours["variants"] else {
            Issue.record("no variants")
            return
        }
        var defined = Set<String>()
        for reference in referenceVariants {
            let name = reference["variant"]!
            let mine = ourVariants.first { $0["variant"] == name }
            guard case let .object(members) = reference else {
                Issue.record("the reference's row for \(name.compactText) is not an object: \(reference.compactText.prefix(200))")
                continue
            }
            for (key, value) in members {
                Self.expectClose(mine?[key], value, "\(name.compactText).\(key)")
                if value != .null { defined.insert(key) }
            }
        }
        // The data gives each of the new metrics something to measure.
        let expected: Set<String> = dataset.hasPrefix("pandalm") ? ["human_ceiling", "agreement_loo", "longer_preference_rate", "human_longer_preference_rate"]
            : ["consistent_agreement", "longer_preference_rate", "human_longer_preference_rate"]
        #expect(expected.isSubset(of: defined), "\(expected.subtracting(defined))")
    }
}
