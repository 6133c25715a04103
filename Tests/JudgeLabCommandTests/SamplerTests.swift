// The seeded, stratified sampler: reproducible, exact stratum sizes, pools kept out.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct SamplerTests {
    static let pairs: [Pair] = (0..<300).map { i in
        let verdict: Verdict = i % 10 < 4 ? .answer1 : (i % 10 < 5 ? .tie : .answer2)  // 120 / 30 / 150
        return Pair(id: "p\(i)", question: "q", answer1: "a", answer2: "b", label: .winner(verdict), category: i % 3 == 0 ? "math" : "facts")
    }

    @Test func theSameSeedGivesTheSameSample() throws {
        let a = try Sampler.draw(Self.pairs, by: .verdict, allocation: .equal(perStratum: 20), seed: 42)
        let b = try Sampler.draw(Self.pairs, by: .verdict, allocation: .equal(perStratum: 20), seed: 42)
        let c = try Sampler.draw(Self.pairs, by: .verdict, allocation: .equal(perStratum: 20), seed: 43)
        #expect(a.ids == b.ids)
        #expect(a.ids != c.ids)
        #expect(a.ids.count == 60)
        #expect(Set(a.ids).count == 60)
    }

    @Test func theGeneratorIsTheDocumentedSplitMix64() {
        // Reference values of SplitMix64 from seed 1234567 (as in Vigna's splitmix64.c).
        var g = SeededGenerator(seed: 1_234_567)
        #expect(g.next() == 6_457_827_717_110_365_317)
        #expect(g.next() == 3_203_168_211_198_807_973)
        var h = SeededGenerator(seed: 7)
        for bound in [1, 2, 3, 10, 1000, 1 << 40] { #expect((0..<bound).contains(h.uniform(below: bound))) }
    }

    @Test func equalAllocationTakesExactlyNFromEachStratumOrAllWithAWarning() throws {
        let sample = try Sampler.draw(Self.pairs, by: .verdict, allocation: .equal(perStratum: 40), seed: 1)
        #expect(sample.strata == [.init(name: "1", population: 120, sampled: 40), .init(name: "tie", population: 30, sampled: 30),
                                  .init(name: "2", population: 150, sampled: 40)])
        #expect(sample.warnings.count == 1)
        let index = Dictionary(uniqueKeysWithValues: Self.pairs.map { ($0.id, $0) })
        #expect(sample.ids.count { index[$0]!.humanVerdict() == .tie } == 30)
        #expect(sample.ids.count { index[$0]!.humanVerdict() == .answer2 } == 40)
        // Ids come back in data set order.
        #expect(sample.ids == sample.ids.sorted { Int($0.dropFirst())! < Int($1.dropFirst())! })
    }

    @Test func proportionalAllocationAddsUpExactly() throws {
        for total in [1, 7, 50, 101, 299, 300] {
            let sample = try Sampler.draw(Self.pairs, by: .verdictCategory, allocation: .proportional(total: total), seed: 5)
            #expect(sample.ids.count == total)
            #expect(sample.strata.reduce(0) { $0 + $1.sampled } == total)
        }
        #expect(Sampler.largestRemainder(total: 10, sizes: [120, 30, 150]) == [4, 1, 5])
        #expect(Sampler.largestRemainder(total: 7, sizes: [1, 1, 1]) == [3, 2, 2])
    }

    @Test func excludedItemsAreNeverSampled() throws {
        let pool = Set(Self.pairs.prefix(50).map(\.id))
        let sample = try Sampler.draw(Self.pairs, by: .verdict, allocation: .proportional(total: 250), seed: 3, excluding: pool)
        #expect(sample.ids.count == 250)
        #expect(pool.isDisjoint(with: sample.ids))
    }

    @Test func binsNeedSimulatedScores() throws {
        #expect(throws: InputError.self) { try Sampler.draw(Self.pairs, by: .bins, allocation: .equal(perStratum: 1), seed: 1) }
        let scored = (0..<20).map { Pair(id: "s\($0)", question: "q", answer1: "a", answer2: "b", label: .scores(Double($0 % 11), 5, scaleMax: 10)) }
        let sample = try Sampler.draw(scored, by: .bins, allocation: .equal(perStratum: 1), seed: 1)
        #expect(sample.strata.map(\.name).allSatisfy { $0.hasPrefix("sim-") })
    }

    @Test func sampleCommandPrintsTheDocumentedJSON() throws {
        let result = try JudgeLabBinary.run(["sample", "--dataset", Paths.samples + "/pandalm-200.jsonl", "--per-stratum", "10", "--seed", "9", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONValue.parse(Data(result.stdout.utf8))
        #expect(json["seed"] == 9)
        #expect(json["strata"]?["tie"] == ["population": 29, "sampled": 10] as JSONValue)
        guard case let .array(ids)? = json["ids"] else { Issue.record("no ids"); return }
        #expect(ids.count == 30)
        let again = try JudgeLabBinary.run(["sample", "--dataset", Paths.samples + "/pandalm-200.jsonl", "--per-stratum", "10", "--seed", "9", "--format", "json"])
        #expect(again.stdout == result.stdout)
    }
}


