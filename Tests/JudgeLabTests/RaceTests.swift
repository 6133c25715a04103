// The race's elimination step (Race.eliminate) on hand-made evidence, each p and threshold
// worked out from the definitions: McNemar's exact test against the leader, Holm's step-down.
import Testing
@testable import JudgeLab

@Suite struct RaceTests {
    /// 40 items; the leader right on the first 30. A candidate with the leader's record but for
    /// `leaderOnly` of its right items wrong, and `candidateOnly` of its wrong ones right.
    static func candidate(leaderOnly: Int, candidateOnly: Int) -> [Bool] {
        var row = (0..<40).map { $0 < 30 }
        for i in 0..<leaderOnly { row[i] = false }
        for i in 30..<(30 + candidateOnly) { row[i] = true }
        return row
    }

    @Test func holmDropsWhileEachPIsUnderItsShareOfAlpha() {
        let agrees: [Int: [Bool]] = [
            0: Self.candidate(leaderOnly: 0, candidateOnly: 0),    // the leader: 30 of 40
            1: Self.candidate(leaderOnly: 10, candidateOnly: 0),   // p = 2 · 1/2^10 = 0.001953125
            2: Self.candidate(leaderOnly: 8, candidateOnly: 1),    // p = 2 · (1 + 9)/2^9 = 0.0390625
            3: Self.candidate(leaderOnly: 6, candidateOnly: 1),    // p = 2 · (1 + 7)/2^7 = 0.125
        ]
        let (leader, dropped) = Race.eliminate(agrees, alpha: 0.05)
        #expect(leader == 0)
        // Sorted by p, the first is compared with 0.05 / 3 and dropped; the second with 0.05 / 2
        // (0.025) and kept, which stops the step: the third is not tested.
        #expect(dropped.map(\.candidate) == [1])
        #expect(abs(dropped[0].p - 0.001953125) < 1e-12)
        #expect(abs(dropped[0].threshold - 0.05 / 3) < 1e-15)
        #expect(dropped[0].leaderOnly == 10 && dropped[0].candidateOnly == 0 && dropped[0].items == 40)
        // At alpha 0.1 the second's threshold is 0.05 and its p 0.039: dropped too; the third's
        // 0.1 against p 0.125: kept.
        #expect(Race.eliminate(agrees, alpha: 0.1).dropped.map(\.candidate) == [1, 2])
        #expect(abs(Race.eliminate(agrees, alpha: 0.1).dropped[1].threshold - 0.05) < 1e-15)
    }

    /// A p exactly at its threshold is not under it: kept.
    @Test func aPAtItsThresholdIsKept() {
        // One comparison: the threshold is alpha itself; p = 0.0390625 for 8 against 1.
        let agrees: [Int: [Bool]] = [0: Self.candidate(leaderOnly: 0, candidateOnly: 0), 1: Self.candidate(leaderOnly: 8, candidateOnly: 1)]
        #expect(Race.eliminate(agrees, alpha: 0.0390625).dropped.isEmpty)
        #expect(Race.eliminate(agrees, alpha: 0.0390626).dropped.map(\.candidate) == [1])
    }
}
