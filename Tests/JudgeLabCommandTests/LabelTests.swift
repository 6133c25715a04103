// `judgelab label`: preference data TRL can train on, with a datasheet measured on the study.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTesting
import JudgeLabTestSupport

/// Hugging Face's `datasets` in `make label-deps`'s virtual environment.
enum PreferenceLoader {
    static let python = Paths.root + "/.build/labels/bin/python"

    /// Why the loading check cannot run here, in one line; nil when it can.
    static let unavailable: String? = {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            return "the datasets library's virtual environment is missing (make label-deps installs it)"
        }
        return (try? JudgeLabBinary.runShell("'\(python)' -c 'import datasets'")) == 0 ? nil : "the datasets library is not installed in .build/labels"
    }()

    /// Loads a preference JSONL with `datasets.load_dataset("json", ...)`; its rows and column names, or the error.
    static func load(_ path: String, conversational: Bool) throws -> (status: Int32, output: String) {
        let script = """
        import datasets, json, sys
        ds = datasets.load_dataset("json", data_files=sys.argv[1], split="train")
        assert {"prompt", "chosen", "rejected"} <= set(ds.column_names), ds.column_names
        for row in ds:
            for key in ("prompt", "chosen", "rejected"):
                value = row[key]
                if sys.argv[2] == "1":
                    assert isinstance(value, list) and value and {"role", "content"} <= set(value[0]), (key, value)
                else:
                    assert isinstance(value, str), (key, value)
            assert row["chosen"] != row["rejected"]
        print(json.dumps({"rows": ds.num_rows, "columns": ds.column_names}))
        """
        return try Program.run(python, ["-c", script, path, conversational ? "1" : "0"])
    }
}

@Suite struct LabelTests {
    /// The example study against the test server, and 40 of its data set's pairs without their labels.
    static func setUp(_ folder: TemporaryFolder, server: FakeJudgeServer) throws -> (study: String, input: String, variant: String) {
        #expect(try JudgeLabBinary.run(["init", folder.path + "/ex"]).status == 0)
        let study = folder.path + "/ex/study.yaml"
        let text = try String(contentsOfFile: study, encoding: .utf8).replacingOccurrences(of: "http://127.0.0.1:8080/v1", with: server.baseURL)
        try AtomicFile.write(text, to: study)
        let pairs = try DatasetLoader.load(path: Paths.samples + "/pandalm-200.jsonl").pairs.prefix(40).map { pair -> Pair in
            var unlabelled = pair
            unlabelled.id = "u-" + pair.id
            unlabelled.label = .none
            return unlabelled
        }
        let lines = pairs.map { pair -> String in
            var object = NativeFormat.object(pair)
            if case let .object(members) = object { object = .object(members.filter { $0.0 != "votes" }) }
            return object.compactText
        }
        let input = try folder.write("unlabelled.jsonl", lines.joined(separator: "\n") + "\n")
        return (study, input, "rating-1to9.k3-balanced.rubric-none.both.gpt-4o-mini.t0.3")
    }

    @Test func labelsLoadAsAPreferenceDataSetAndTheDatasheetAgreesWithAnalyze() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let (study, input, variant) = try Self.setUp(folder, server: server)
        let out = folder.path + "/Results/labels"
        let labelled = try JudgeLabBinary.run(["label", study, "--variant", variant, "--input", input, "--out", out, "--ties", "separate", "--quiet"], cwd: folder.path)
        #expect(labelled.status == 0, "\(labelled.stdout)\(labelled.stderr)")

        // Every pair is accounted for: exported, or set apart by a policy, or unparsed.
        let sheet = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: out + "/datasheet.json")))
        let exported = sheet["exported"]!.int, ties = sheet["ties"]!.int, inconsistent = sheet["inconsistent"]!.int, unparsed = sheet["unparsed"]!.int
        #expect(sheet["pairs"]!.int == 40 && exported + ties + inconsistent + unparsed == 40)
        #expect(exported > 0)
        let records = try String(contentsOfFile: out + "/preferences.jsonl", encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(Data($0.utf8)) }
        #expect(records.count == exported)
        let page = try String(contentsOfFile: out + "/datasheet.html", encoding: .utf8)
        #expect(page.contains("What the labels are worth") && page.contains(variant) && !page.contains("<script"), "the datasheet's page")
        #expect(try String(contentsOfFile: out + "/ties.jsonl", encoding: .utf8).split(separator: "\n").count == ties)
        #expect(!FileManager.default.fileExists(atPath: out + "/inconsistent.jsonl"), "dropped, not written")
        let pairs = Dictionary(uniqueKeysWithValues: try DatasetLoader.load(path: Paths.samples + "/pandalm-200.jsonl").pairs.map { ("u-" + $0.id, $0) })
        for record in records {
            let pair = try #require(pairs[record["id"]!.stringValue!])
            let verdict = record["verdict"]!.stringValue
            #expect(verdict == "1" || verdict == "2")
            #expect(record["chosen"]!.stringValue == (verdict == "1" ? pair.answer1 : pair.answer2))
            #expect(record["rejected"]!.stringValue == (verdict == "1" ? pair.answer2 : pair.answer1))
            #expect(record["prompt"]!.stringValue == pair.question)
            #expect(record["position_consistent"] != .bool(false) && record["variant"]!.stringValue == variant)
            #expect(record["confidence"]!.numberValue.map { (0...1).contains($0) } ?? false, "a score margin for a 1-9 variant")
        }

        // The datasheet's agreement is `analyze`'s for the variant on its study's run.
        let run = try JudgeLabBinary.run(["run", study, "--out", folder.path + "/Results/study", "--quiet"], cwd: folder.path)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let analyzed = try JudgeLabBinary.run(["analyze", "--dataset", folder.path + "/Results/study/dataset.jsonl",
                                               "--judgments", folder.path + "/Results/study/judgments.jsonl", "--format", "json"])
        #expect(analyzed.status == 0, "\(analyzed.stderr)")
        guard case let .array(variants)? = try JSONValue.parse(Data(analyzed.stdout.utf8))["variants"],
              let row = variants.first(where: { $0["variant"]?.stringValue == variant }) else {
            Issue.record("no \(variant) in analyze's output")
            return
        }
        #expect(row["agreement"]?.numberValue == sheet["agreement"]?.numberValue)
        #expect(row["n_items"]?.numberValue == sheet["study_items"]?.numberValue)
        // And as the independent implementation computes it.
        let reference = try ReferenceImplementationTests.referenceAgreements(folder.path + "/Results/study")
        #expect(abs((sheet["agreement"]?.numberValue ?? -1) - (reference[variant] ?? -2)) < 1e-9, "the datasheet against the reference")

        // The same command again sends nothing: every judgment is journaled.
        let before = try await server.stats()["requests"]!.int
        let again = try JudgeLabBinary.run(["label", study, "--variant", variant, "--input", input, "--out", out, "--ties", "separate", "--quiet"], cwd: folder.path)
        let after = try await server.stats()["requests"]!.int
        #expect(again.status == 0 && after == before, "\(after - before) requests sent again")

    }

    /// Hugging Face's datasets reads the export as TRL's preference data, in both forms.
    @Test(.enabled(if: PreferenceLoader.unavailable == nil, Comment(rawValue: PreferenceLoader.unavailable ?? "")))
    func theExportLoadsAsTRLPreferenceData() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let (study, input, variant) = try Self.setUp(folder, server: server)
        let out = folder.path + "/Results/labels"
        let first = try JudgeLabBinary.run(["label", study, "--variant", variant, "--input", input, "--out", out, "--quiet"], cwd: folder.path)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let exported = try String(contentsOfFile: out + "/preferences.jsonl", encoding: .utf8).split(separator: "\n").count
        #expect(exported > 0)
        let plain = try PreferenceLoader.load(out + "/preferences.jsonl", conversational: false)
        #expect(plain.status == 0 && plain.output.contains("\"rows\": \(exported)"), "\(plain.output)")
        let chat = folder.path + "/Results/chat"
        #expect(try JudgeLabBinary.run(["label", study, "--variant", variant, "--input", input, "--out", chat, "--messages", "--quiet"], cwd: folder.path).status == 0)
        let conversational = try PreferenceLoader.load(chat + "/preferences.jsonl", conversational: true)
        #expect(conversational.status == 0 && conversational.output.contains("\"rows\": \(exported)"), "\(conversational.output)")
    }

    /// Two critics on the same pairs, side by side, and against a reviewer's labels.
    @Test func criticsSideBySide() throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let (study, input, first) = try Self.setUp(folder, server: server)
        let second = "choice-ab.k0.rubric-none.both.gpt-4o-mini.t0"
        var verdicts: [[String: String]] = []
        for (index, variant) in [first, second].enumerated() {
            let out = folder.path + "/Results/critic\(index)"
            let result = try JudgeLabBinary.run(["label", study, "--variant", variant, "--input", input, "--out", out, "--quiet"], cwd: folder.path)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let records = try String(contentsOfFile: out + "/preferences.jsonl", encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(Data($0.utf8)) }
            verdicts.append(Dictionary(uniqueKeysWithValues: records.map { ($0["id"]!.stringValue!, $0["verdict"]!.stringValue!) }))
        }
        // The reviewer prefers answer 1 on the first 20 pairs.
        let reviewedIDs = (0..<20).map { "u-pandalm-\($0)" }
        let labels = try folder.write("reviewed.jsonl", reviewedIDs.map { "{\"id\": \"\($0)\", \"winner\": \"1\"}" }.joined(separator: "\n") + "\n")
        let result = try JudgeLabBinary.run(["critics", folder.path + "/Results/critic0", folder.path + "/Results/critic1", "--labels", labels, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let figures = try JSONValue.parse(Data(result.stdout.utf8))
        guard case let .array(critics)? = figures["critics"], case let .array(pairings)? = figures["pairings"], critics.count == 2, pairings.count == 1 else {
            Issue.record("\(result.stdout)")
            return
        }
        for (critic, own) in zip(critics, verdicts) {
            let onReviewed = reviewedIDs.filter { own[$0] != nil }
            #expect(critic["exported"]!.int == own.count && critic["reviewed"]!.int == onReviewed.count)
            #expect(critic["right"]!.int == onReviewed.count { own[$0] == "1" })
        }
        let both = verdicts[0].keys.filter { verdicts[1][$0] != nil }
        #expect(pairings[0]["shared"]!.int == both.count && pairings[0]["same"]!.int == both.count { verdicts[0][$0] == verdicts[1][$0] })
        #expect(figures["common_pairs"]!.int == 40)
    }

    @Test func badInputsAreOneClearErrorEach() throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let (study, input, variant) = try Self.setUp(folder, server: server)
        func error(_ arguments: [String]) throws -> String {
            let result = try JudgeLabBinary.run(["label", study] + arguments + ["--out", folder.path + "/Results/bad"], cwd: folder.path)
            #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.path + "/Results/bad/preferences.jsonl"), "nothing half-written")
            return result.stderr
        }
        let unknown = try error(["--variant", "no-such-variant", "--input", input])
        #expect(unknown.contains("no-such-variant") && unknown.split(separator: "\n").count == 1, "\(unknown)")
        let noAnswer = try folder.write("no-answer.jsonl", "{\"id\": \"x\", \"question\": \"Q?\", \"answer_1\": \"A\"}\n")
        let missing = try error(["--variant", variant, "--input", noAnswer])
        #expect(missing.contains("no-answer.jsonl:1") && missing.contains("answer_2"), "\(missing)")
        let absent = try error(["--variant", variant, "--input", folder.path + "/nothing.jsonl"])
        #expect(absent.contains("nothing.jsonl"), "\(absent)")
    }
}
