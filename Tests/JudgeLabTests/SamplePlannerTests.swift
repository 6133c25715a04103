// The planner's claim, checked by simulation with known ground truth: with the items it asks for,
// McNemar's exact test finds the difference about 80% of the time.
import Foundation
import Testing
@testable import JudgeLab

@Suite struct SamplePlannerTests {
    /// Paired items where A alone is right with probability (pd + d) / 2 and B alone (pd − d) / 2:
    /// how often McNemar's exact test at `alpha` says A beats B, over `trials` seeded trials.
    static func power(n: Int, d: Double, pd: Double, alpha: Double, trials: Int, seed: UInt64) -> Double {
        var generator = SeededGenerator(seed: seed)
        var found = 0
        for _ in 0..<trials {
            var b = 0, c = 0
            for _ in 0..<n {
                let u = generator.unit()
                if u < (pd + d) / 2 { b += 1 } else if u < pd { c += 1 }
            }
            if b > c, PairedComparison.mcNemarExact(b, c) < alpha { found += 1 }
        }
        return Double(found) / Double(trials)
    }

    @Test(arguments: [(0.05, 0.2), (0.10, 0.2), (0.05, 0.1), (0.10, 0.3), (0.03, 0.1)] as [(Double, Double)])
    func theItemsItAsksForFindTheDifferenceFourTimesInFive(d: Double, pd: Double) throws {
        let n = try #require(SamplePlanner.itemsNeeded(difference: d, discordance: pd, alpha: 0.05))
        let measured = Self.power(n: n, d: d, pd: pd, alpha: 0.05, trials: 2000, seed: UInt64(d * 1000 + pd * 100))
        // Connor's formula targets 80%; the exact test is a little conservative. Measured (these seeds): 0.772–0.794.
        #expect(measured >= 0.74 && measured <= 0.86, "d \(d), pd \(pd): n \(n), power \(measured)")
        // Half as many items find it much less often.
        #expect(Self.power(n: n / 2, d: d, pd: pd, alpha: 0.05, trials: 500, seed: 7) < 0.65)
    }

    @Test func theDetectableDifferenceInvertsTheItemsNeeded() throws {
        let d = try #require(SamplePlanner.detectableDifference(items: 300, discordance: 0.2, alpha: 0.05))
        let need = try #require(SamplePlanner.itemsNeeded(difference: d, discordance: 0.2, alpha: 0.05))
        #expect(need <= 300 && need > 290)
        #expect(SamplePlanner.itemsNeeded(difference: 0.3, discordance: 0.2, alpha: 0.05) == nil)  // more than the discordance
        #expect(SamplePlanner.detectableDifference(items: 5, discordance: 0.2, alpha: 0.05) == nil)
    }
}
