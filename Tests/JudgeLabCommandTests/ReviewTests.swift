// `judgelab review` and `data merge`: the queue, the offline page driven in headless Chromium
// through its DevTools protocol, and its export merged back as human labels.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTesting
import JudgeLabTestSupport

@Suite struct ReviewTests {
    static func pair(_ n: Int, _ verdict: Verdict) -> Pair {
        Pair(id: "p\(n)", question: "Q\(n)", answer1: "one \(n)", answer2: "two \(n)", label: .winner(verdict))
    }

    static func judgment(_ item: String, _ order: PresentedOrder, _ score: Double) -> Judgment {
        Judgment(item: item, variant: "v", order: order, output: "\(score)", reading: .score(score))
    }

    @Test func labelledRunsQueueDisagreementsFirstThenARandomShare() {
        // Items 0..<10 prefer 1; the judge says 2 (score 8 both orders) on 0, 3 and 6.
        let pairs = (0..<10).map { Self.pair($0, .answer1) }
        let labels = pairs.enumerated().map { n, pair -> PairLabel in
            let score: Double = [0, 3, 6].contains(n) ? 8 : 2
            return PairLabel(pair: pair, original: Self.judgment(pair.id, .original, score), swapped: Self.judgment(pair.id, .swapped, 10 - score))
        }
        let queue = ReviewQueue.build(labels, labelled: true, count: 5, seed: 3)
        #expect(queue.map(\.pair.id).prefix(3) == ["p0", "p3", "p6"])
        #expect(queue.prefix(3).allSatisfy { $0.reason.contains("disagrees") })
        #expect(queue.suffix(1).allSatisfy { $0.reason == "a random check" }, "a fifth of 5 is one random check")
        #expect(Set(queue.map(\.pair.id)).count == 5)
        #expect(ReviewQueue.build(labels, labelled: true, count: 5, seed: 3).map(\.pair.id) == queue.map(\.pair.id), "seeded")
    }

    @Test func labelRunsQueueInconsistentThenLowConfidence() {
        let pairs = (0..<8).map { Self.pair($0, .tie) }
        // p1 inconsistent (8 then 8: the orders disagree); others consistent with margins by n.
        let labels = pairs.enumerated().map { n, pair -> PairLabel in
            n == 1 ? PairLabel(pair: pair, original: Self.judgment(pair.id, .original, 8), swapped: Self.judgment(pair.id, .swapped, 8))
                : PairLabel(pair: pair, original: Self.judgment(pair.id, .original, 9 - Double(n % 4)), swapped: Self.judgment(pair.id, .swapped, 1 + Double(n % 4)))
        }
        let queue = ReviewQueue.build(labels, labelled: false, count: 4, seed: 1)
        #expect(queue[0].pair.id == "p1" && queue[0].reason == "the two orders disagree")
        let confidences = queue.dropFirst().prefix(2).compactMap(\.label.confidence)
        #expect(confidences == confidences.sorted() && confidences.allSatisfy { $0 <= 0.5 }, "\(confidences)")
    }

    /// The page in headless Chromium: keys pressed, a note typed, its stored state read, reloaded
    /// (work kept), the export read back and merged; no console message and no request leaves
    /// the page.
    @Test(.enabled(if: Browser.isInstalled, "chromium is not installed (make test installs it as root)"))
    func thePageLabelsKeepsWorkAcrossAReloadAndExportsLabelsThatMerge() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let (study, input, variant) = try LabelTests.setUp(folder, server: server)
        let out = folder.path + "/Results/labels"
        #expect(try JudgeLabBinary.run(["label", study, "--variant", variant, "--input", input, "--out", out, "--quiet"], cwd: folder.path).status == 0)
        let review = try JudgeLabBinary.run(["review", out, "--count", "10"])
        #expect(review.status == 0 && review.stdout.contains("10 items to review"), "\(review.stdout)\(review.stderr)")
        let csv = try String(contentsOfFile: out + "/review/review.csv", encoding: .utf8)
        #expect(csv.hasPrefix("id,reason,question,answer_a,answer_b,a_is_answer\n"))

        let (status, data) = try PythonScript.run(Paths.root + "/Tests/Support/review_page_check.py",
                                                  [out + "/review/review.html", "1t2", "checked <b>by</b> hand"])
        #expect(status == 0)
        let result = try JSONValue.parse(data)
        #expect(result["before"]?.stringValue == "3 of 10 labelled" && result["after"]?.stringValue == "3 of 10 labelled", "work kept across the reload: \(result.compactText)")
        // What the page stored before the reload: the three labels, the note with the first.
        let stored = try JSONValue.parse(Data((result["stored"]?.stringValue ?? "").utf8))
        guard case let .object(entries)? = stored["labels"] else { Issue.record("nothing stored: \(result.compactText)"); return }
        #expect(entries.count { $0.1["verdict"] != nil } == 3, "\(stored.compactText)")
        #expect(entries.contains { $0.1["note"]?.stringValue == "checked <b>by</b> hand" }, "\(stored.compactText)")
        #expect(result["console"] == .array([]) && result["requests"] == .array([]), "\(result.compactText)")
        let export = try #require(result["export"]?.stringValue)
        let labelsFile = try folder.write("review-labels.jsonl", export)

        // The keys map back through the page's order: 1 and 2 name the answers as shown.
        guard case let .array(flipped)? = result["flipped"], let queue = result["ids"]?.strings as [String]?, queue.count == 10 else {
            Issue.record("no queue in the page: \(result.compactText)")
            return
        }
        #expect(queue.allSatisfy { csv.contains("\"\($0)\",") }, "the CSV holds the page's items")
        let exported = try ReviewLabels.load(path: labelsFile, items: Set(queue))
        #expect(exported.map(\.id) == Array(queue.prefix(3)))
        let expected: [Verdict] = zip(["1", "t", "2"], flipped.prefix(3)).map { key, flip in
            key == "t" ? .tie : ((key == "1") != (flip == .bool(true)) ? .answer1 : .answer2)
        }
        #expect(exported.map(\.verdict) == expected)
        #expect(exported.first?.note == "checked <b>by</b> hand" && exported.dropFirst().first?.note.isEmpty == true)

        let merged = folder.path + "/merged.jsonl"
        let merge = try JudgeLabBinary.run(["data", "merge", out + "/dataset.jsonl", "--labels", labelsFile, "--out", merged, "--reviewed-only"])
        #expect(merge.status == 0, "\(merge.stderr)")
        let reviewed = try DatasetLoader.load(path: merged).pairs
        #expect(reviewed.map(\.id) == exported.map(\.id) && reviewed.map { $0.humanVerdict() } == expected)

        // Without its random checks a review cannot be audited; with them it can.
        let refused = try JudgeLabBinary.run(["audit", out, "--labels", labelsFile])
        #expect(refused.status == 2 && refused.stderr.contains("random checks"), "\(refused.stdout)\(refused.stderr)")
        let reasons = result["reasons"]?.strings ?? []
        let all = zip(queue, reasons).map { id, reason in
            JSONValue.object([("id", .string(id)), ("winner", .string("1")), ("note", .string("")), ("reason", .string(reason))]).compactText
        }.joined(separator: "\n") + "\n"
        let full = try folder.write("review-all.jsonl", all)
        let audit = try JudgeLabBinary.run(["audit", out, "--labels", full])
        #expect(audit.status == 0 && audit.stdout.contains("accuracy of the exported labels"), "\(audit.stdout)\(audit.stderr)")
        let estimate = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: out + "/audit.json")))
        #expect(estimate["random_reviewed"]!.int >= 0 && estimate["exported"]!.int > 0)
    }

    @Test func labelsForOtherItemsAreOneClearError() throws {
        let folder = try TemporaryFolder()
        let data = try folder.write("pairs.jsonl", NativeFormat.text((0..<3).map { Self.pair($0, .answer1) }))
        let labels = try folder.write("labels.jsonl", "{\"id\": \"p1\", \"winner\": \"2\"}\n{\"id\": \"elsewhere-7\", \"winner\": \"1\"}\n")
        let result = try JudgeLabBinary.run(["data", "merge", data, "--labels", labels, "--out", folder.path + "/out.jsonl"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("labels.jsonl:2") && result.stderr.contains("'id'") && result.stderr.contains("elsewhere-7"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out.jsonl"))
        let bad = try folder.write("bad.jsonl", "{\"id\": \"p1\", \"winner\": \"maybe\"}\n")
        let badWinner = try JudgeLabBinary.run(["data", "merge", data, "--labels", bad, "--out", folder.path + "/out.jsonl"])
        #expect(badWinner.status == 2 && badWinner.stderr.contains("bad.jsonl:1") && badWinner.stderr.contains("winner"), "\(badWinner.stderr)")
    }
}
