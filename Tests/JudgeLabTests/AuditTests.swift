// `judgelab audit`'s estimate against an independent implementation (Tests/Reference/
// audit_reference.py) on random cases, and the command on a reviewed label run.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct AuditTests {
    static func reference(_ exported: [(String, Verdict)], _ reviewed: [(String, Verdict, Bool)]) throws -> JSONValue {
        let input = JSONValue.object([
            ("exported", .array(exported.map { .array([.string($0.0), .string($0.1.rawValue)]) })),
            ("reviewed", .array(reviewed.map { .array([.string($0.0), .string($0.1.rawValue), .bool($0.2)]) })),
        ]).compactText
        let (status, data) = try PythonScript.run(Paths.root + "/Tests/Reference/audit_reference.py", input: input)
        #expect(status == 0)
        return try JSONValue.parse(data)
    }

    @Test(arguments: 0..<30)
    func theEstimateMatchesTheReference(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed) &+ 77)
        let n = 5 + random.uniform(below: 200)
        let exported = (0..<n).map { ("x\($0)", random.unit() < 0.6 ? Verdict.answer1 : .answer2) }
        let truth = exported.map { label -> Verdict in
            let u = random.unit()
            return u < 0.75 ? label.1 : (u < 0.9 ? label.1.flipped : .tie)
        }
        var reviewed: [(String, Verdict, Bool)] = []
        for i in 0..<n {
            let u = random.unit()
            if u < 0.1 { reviewed.append((exported[i].0, truth[i], false)) } else if u < 0.1 + 0.3 * random.unit() { reviewed.append((exported[i].0, truth[i], true)) }
        }
        if seed % 7 == 3 { reviewed.append(("not-exported", .answer1, true)) }  // ignored by both
        let mine = AuditEstimate(exported: exported, reviewed: reviewed)
        let theirs = try Self.reference(exported, reviewed)
        func close(_ a: Double?, _ b: JSONValue?) -> Bool {
            guard let a else { return b == .null || b == nil }
            guard let b = b?.numberValue else { return false }
            return abs(a - b) < 1e-9
        }
        #expect(close(mine.accuracy, theirs["accuracy"]), "seed \(seed): \(String(describing: mine.accuracy)) against \(theirs.compactText)")
        #expect(close(mine.shareAnswer1, theirs["share_answer_1"]) && close(mine.correctedShareAnswer1, theirs["corrected_share_answer_1"]))
        if let interval = mine.interval, case let .array(bounds)? = theirs["interval"] {
            #expect(close(interval[0], bounds[0]) && close(interval[1], bounds[1]), "seed \(seed)")
        } else {
            #expect(mine.interval == nil && theirs["interval"] == .null)
        }
    }

    @Test func aReviewedLabelRunIsAudited() throws {
        // Exported labels 1 (x0..x5) and 2 (x6..x9); a targeted census of x0 and x6 (one wrong),
        // and random checks of x1, x2 (right), x7 (wrong).
        let exported: [(String, Verdict)] = (0..<10).map { ("x\($0)", $0 < 6 ? .answer1 : .answer2) }
        let reviewed: [(String, Verdict, Bool)] = [("x0", .answer1, false), ("x6", .answer1, false), ("x1", .answer1, true), ("x2", .answer1, true), ("x7", .tie, true)]
        let estimate = AuditEstimate(exported: exported, reviewed: reviewed)
        // (1 right of the census + 5 × 2/2 for verdict 1 + 3 × 0/1 for verdict 2) / 10.
        #expect(estimate.accuracy == 0.6)
        #expect(estimate.targetedReviewed == 2 && estimate.targetedRight == 1 && estimate.randomReviewed == 3 && estimate.randomRight == 2)
        #expect(estimate.interval!.allSatisfy { (0...1).contains($0) } && estimate.interval![0] < 0.6 && estimate.interval![1] > 0.6)
        // No random check of verdict 2: undefined, not a guess.
        let partial = AuditEstimate(exported: exported, reviewed: [("x1", .answer1, true)])
        #expect(partial.accuracy == nil && partial.interval == nil)
    }
}
