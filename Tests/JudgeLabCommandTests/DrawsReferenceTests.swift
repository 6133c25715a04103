// Which items each seeded draw picks, against an independent implementation of the draws
// (Tests/Reference/draws_reference.py): the sample, the few-shot pool and optimize's dev/test
// split. Repeatability alone would not notice a changed draw (a generator reseeded for every
// stratum draws other items, repeatably), and a published run could no longer be reproduced
// from its seed.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct DrawsReferenceTests {
    static let reference = Paths.root + "/Tests/Reference/draws_reference.py"

    /// A data set of `seed`'s own: 60 to 150 pairs of random verdicts, about one in six a copy
    /// of an earlier pair under another id (answers swapped in half of them), and some siblings
    /// that share one answer with an earlier pair.
    static func dataset(seed: UInt64, in folder: TemporaryFolder) throws -> (path: String, pairs: [Pair]) {
        var g = SeededGenerator(seed: seed &* 7919)
        let count = 60 + g.uniform(below: 91)
        var rows: [(String, String, String, String, String)] = []
        for i in 0..<count {
            let verdict = ["1", "tie", "2"][g.uniform(below: 3)]
            if i > 5, g.uniform(below: 6) == 0 {
                let original = rows[g.uniform(below: rows.count)]
                let swap = g.uniform(below: 2) == 1
                rows.append(("copy\(i)", original.1, swap ? original.3 : original.2, swap ? original.2 : original.3, verdict))
            } else if i > 5, g.uniform(below: 8) == 0 {
                // A sibling: an earlier pair's question and one of its answers against a new one
                // (the same answer judged in two pairs, as in response items or MT-Bench).
                let original = rows[g.uniform(below: rows.count)]
                let kept = g.uniform(below: 2) == 1 ? original.2 : original.3
                let fresh = "another answer \(i)", keptFirst = g.uniform(below: 2) == 1
                rows.append(("sibling\(i)", original.1, keptFirst ? kept : fresh, keptFirst ? fresh : kept, verdict))
            } else {
                rows.append(("item\(i)", "Question \(i) of \(seed)?", "first answer \(i)", "second answer \(i)", verdict))
            }
        }
        let text = rows.map { row in
            JSONValue.object([("id", .string(row.0)), ("question", .string(row.1)), ("answer_1", .string(row.2)), ("answer_2", .string(row.3)),
                              ("winner", .string(row.4))]).compactText
        }.joined(separator: "\n") + "\n"
        let path = try folder.write("data-\(seed).jsonl", text)
        return (path, try DatasetLoader.load(path: path, format: .native, mapping: FieldMapping()).pairs)
    }

    static func reference(_ arguments: [String]) throws -> JSONValue {
        let (status, data) = try PythonScript.run(reference, arguments)
        #expect(status == 0, "draws_reference.py \(arguments.joined(separator: " "))")
        return try JSONValue.parse(data)
    }

    static func ids(_ value: JSONValue?) -> [String] {
        guard case let .array(items)? = value else { return [] }
        return items.compactMap(\.stringValue)
    }

    @Test(arguments: Array(UInt64(1)...12))
    func theSampleDrawsTheReferencesItems(seed: UInt64) throws {
        let folder = try TemporaryFolder()
        let (path, pairs) = try Self.dataset(seed: seed, in: folder)
        let equal = try Sampler.draw(pairs, by: .verdict, allocation: .equal(perStratum: 9), seed: seed)
        #expect(equal.ids == Self.ids(try Self.reference(["sample", path, "--seed", "\(seed)", "--per-stratum", "9"])))
        let proportional = try Sampler.draw(pairs, by: .verdict, allocation: .proportional(total: 25), seed: seed + 100)
        #expect(proportional.ids == Self.ids(try Self.reference(["sample", path, "--seed", "\(seed + 100)", "--total", "25"])))
        let sizes = Dictionary(grouping: pairs, by: { $0.humanVerdict() }).values.map(\.count)
        #expect(equal.ids.count == sizes.reduce(0) { $0 + min(9, $1) } && proportional.ids.count == 25)
    }

    @Test(arguments: Array(UInt64(1)...12))
    func thePoolAndTheSearchSplitsDrawTheReferencesItems(seed: UInt64) throws {
        let folder = try TemporaryFolder()
        let (path, pairs) = try Self.dataset(seed: seed, in: folder)
        let split = try PoolSplit(pairs, fraction: 0.15, ids: nil, seed: seed)
        let theirs = try Self.reference(["pool", path, "--fraction", "0.15", "--seed", "\(seed)"])
        #expect(split.fewShot.map(\.id) == Self.ids(theirs["pool"]))
        #expect(split.evaluation.map(\.id) == Self.ids(theirs["evaluation"]))
        let search = try SearchSplit(pool: split.fewShot, evaluation: split.evaluation, test: 0.3, by: .verdict, seed: seed + 7, file: "s")
        let reference = try Self.reference(["search", path, "--fraction", "0.15", "--split-seed", "\(seed)", "--test", "0.3", "--seed", "\(seed + 7)"])
        #expect(search.dev.map(\.id) == Self.ids(reference["dev"]), "dev, in race order")
        #expect(search.test.map(\.id) == Self.ids(reference["test"]))
        #expect(!search.dev.isEmpty && !search.test.isEmpty)
        // No answer is on two sides: not shown as an example and judged, not on dev and on test.
        func answers(_ side: [Pair]) -> Set<PairContent.Answer> {
            Set(side.flatMap { [PairContent.Answer(question: $0.question, answer: $0.answer1), PairContent.Answer(question: $0.question, answer: $0.answer2)] })
        }
        #expect(answers(split.fewShot).isDisjoint(with: answers(split.evaluation)))
        #expect(answers(search.dev).isDisjoint(with: answers(search.test)))
        #expect(pairs.contains { $0.id.hasPrefix("sibling") }, "the data holds pairs that share an answer")
    }
}
