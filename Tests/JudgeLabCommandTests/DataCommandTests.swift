// `judgelab data …` run as a user runs it: the real binary, its output and its exit status.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct DataCommandTests {
    @Test func statsAsJSONHasTheDocumentedKeys() throws {
        let result = try JudgeLabBinary.run(["data", "stats", Paths.samples + "/pandalm-200.jsonl", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONValue.parse(Data(result.stdout.utf8))
        #expect(json["pairs"] == 200)
        #expect(json["label_form"] == "votes")
        #expect(json["verdicts"] == ["1": 81, "tie": 29, "2": 90] as JSONValue)
    }

    @Test func statsTableOfScoredData() throws {
        let result = try JudgeLabBinary.run(["data", "stats", Paths.samples + "/scored-handmade.jsonl"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("with simulated score   12"))
        #expect(result.stdout.contains("label form             scores"))
    }

    @Test func badInputExitsTwoWithOneLineAndWritesNothing() throws {
        let folder = try TemporaryFolder()
        let bad = try folder.write("bad.jsonl", Fixtures.goodPair + "\n" + #"{"id":"b","question":"Q","answer_1":"x","answer_2":"y","winner":"3"}"# + "\n")
        let out = folder.path + "/out.jsonl"
        let result = try JudgeLabBinary.run(["data", "convert", bad, "--out", out])
        #expect(result.status == 2)
        #expect(result.stderr == "error: \(bad):2: field 'winner': '3' is not a verdict: expected \"1\", \"2\" or \"tie\"\n")
        #expect(result.stdout.isEmpty)
        #expect(folder.files == ["bad.jsonl"])
    }

    @Test func convertLeavesAnExistingOutputUntouchedOnError() throws {
        let folder = try TemporaryFolder()
        let out = try folder.write("out.jsonl", "previous\n")
        let bad = try folder.write("bad.csv", "id,question,answer_1,answer_2,winner\nx,Q,a,b\n")
        let result = try JudgeLabBinary.run(["data", "convert", bad, "--out", out])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.csv:2:"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "previous\n")
        #expect(folder.files == ["bad.csv", "out.jsonl"])
    }

    @Test func convertsAMappedCSVToNative() throws {
        let folder = try TemporaryFolder()
        let csv = try folder.write("in.csv", "prompt,left,right,pref,why\nWhat?,A,B,right,B is better\nHow?,C,D,left,\n")
        let out = folder.path + "/out.jsonl"
        let result = try JudgeLabBinary.run([
            "data", "convert", csv, "--out", out, "--id-field", "-", "--question-field", "prompt",
            "--answer1-field", "left", "--answer2-field", "right", "--label-form", "winner", "--label-field", "pref",
            "--explanation-field", "why", "--verdict-values", "left=1,right=2",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let pairs = try DatasetLoader.load(path: out).pairs
        #expect(pairs.map(\.id) == ["row-1", "row-2"])
        #expect(pairs[0].label == .winner(.answer2))
        #expect(pairs[0].explanation == "B is better")
        #expect(pairs[1].explanation == nil)
    }

    @Test func aBadOptionIsAUsageError() throws {
        let result = try JudgeLabBinary.run(["data", "stats", Paths.samples + "/pandalm-200.jsonl", "--label-field", "x"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--label-field needs --label-form"))
        // Every bad argument is exit status 2, as the README says, and says what is wrong (issue 28).
        #expect(try JudgeLabBinary.run(["data", "stats", "--no-such-option"]).status == 2)
    }

    /// estimate says when the budget cannot cover the run, before anything is spent (issue 28).
    @Test func theEstimateSaysWhenTheBudgetCannotCoverTheRun() throws {
        let folder = try TemporaryFolder()
        try JudgeLabBinary.run(["init", folder.path + "/s"]).status.expect(0)
        let study = folder.path + "/s/study.yaml"
        let covered = try JudgeLabBinary.run(["estimate", study])
        #expect(covered.status == 0 && covered.stdout.contains("budget              $2.00\n"), "\(covered.stdout)")
        let text = try String(contentsOfFile: study, encoding: .utf8)
        try AtomicFile.write(text.replacingOccurrences(of: "max_cost_usd: 2.00", with: "max_cost_usd: 0.05"), to: study)
        let short = try JudgeLabBinary.run(["estimate", study])
        #expect(short.status == 0)
        // The most the run may cost is the estimate's upper bound, said again against the budget.
        let most = try #require(short.stdout.firstMatch(of: /dollars +\$[0-9.]+ to (\$[0-9.]+)/)?.1)
        #expect(short.stdout.contains("$0.05: this run may cost up to \(most), so it may stop at the budget before it is done"), "\(short.stdout)")
    }

    /// Non-finite and negative overrides are one clear error before anything is read or sent.
    @Test func badCostsAndConcurrenciesAreOneClearError() throws {
        let folder = try TemporaryFolder()
        try JudgeLabBinary.run(["init", folder.path + "/s"]).status.expect(0)
        let study = folder.path + "/s/study.yaml"
        for (arguments, says) in [(["--max-cost", "nan"], "--max-cost: must be a number of dollars, 0 or more (not nan)"),
                                  (["--max-cost=-5"], "--max-cost: must be a number of dollars, 0 or more (not -5.0)"),
                                  (["--max-cost", "-5"], "--max-cost: must be a number of dollars, 0 or more (not -5.0)"),
                                  (["--concurrency", "-1"], "--concurrency: must be at least 1 (not -1)"),
                                  (["--concurrency", "0"], "--concurrency: must be at least 1 (not 0)")] {
            for command in ["run", "optimize"] {
                let result = try JudgeLabBinary.run([command, study, "--out", folder.path + "/out"] + arguments)
                #expect(result.status == 2, "\(command) \(arguments): \(result.stderr)")
                #expect(result.stderr == "error: \(says)\n", "\(command) \(arguments)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"), "a refused start leaves nothing behind")
    }
}
