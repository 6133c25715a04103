import Foundation
// Racing: candidates judged on the same growing batch of dev items, the significantly worse
// dropped after each round.

/// One elimination step over the survivors' paired outcomes on the same items.
///
/// The leader is the survivor with the most agreements (the earliest candidate on equal
/// counts). Each other survivor c is tested against the leader L on the items both judged,
/// with b items only L got right and c' items only c got right, n items in all:
/// - with no indifference zone (δ = 0): is c worse than L? McNemar's exact test (p = 1 when c
///   agrees no less often than L);
/// - with δ > 0: is c not better than L by δ or more (H0: agreement(c) − agreement(L) ≥ δ)?
///   Then picking L over c costs less than δ. The paired difference d̄ = (c' − b) / n, its
///   variance ((b + c' + 1) / n − d̄²) / n (one discordant item added, so that a run of
///   concordant items is not certainty), and p = Φ((d̄ − δ) / √variance).
/// Holm's step-down procedure
/// at `alpha` over the m = survivors − 1 comparisons: sorted by p (then candidate), the j-th
/// (from 0) is dropped while p < alpha / (m − j); the first that is not stops the step.
public enum Race {
    public struct Evidence: Sendable, Equatable {
        public var candidate: Int
        public var leader: Int
        public var items: Int
        public var agreements: Int
        public var leaderAgreements: Int
        /// Items only the leader got right, and only the candidate.
        public var leaderOnly: Int
        public var candidateOnly: Int
        public var p: Double
        /// What p had to be below.
        public var threshold: Double
    }

    /// - Parameter agrees: for each survivor (by candidate index), one Bool per shared item.
    public static func eliminate(_ agrees: [Int: [Bool]], alpha: Double, indifference: Double = 0) -> (leader: Int, dropped: [Evidence]) {
        let survivors = agrees.keys.sorted()
        let counts = agrees.mapValues { $0.count { $0 } }
        let leader = survivors.max { counts[$0]! != counts[$1]! ? counts[$0]! < counts[$1]! : $0 > $1 }!
        let lead = agrees[leader]!
        var tests: [Evidence] = []
        for candidate in survivors where candidate != leader {
            let row = agrees[candidate]!
            let n = min(row.count, lead.count)
            var leaderOnly = 0, candidateOnly = 0
            for i in 0..<n where lead[i] != row[i] {
                if lead[i] { leaderOnly += 1 } else { candidateOnly += 1 }
            }
            let p: Double
            if indifference > 0, n > 0 {
                let mean = Double(candidateOnly - leaderOnly) / Double(n)
                let variance = max(1e-12, (Double(leaderOnly + candidateOnly + 1) / Double(n) - mean * mean) / Double(n))
                p = normalCDF((mean - indifference) / variance.squareRoot())
            } else {
                p = leaderOnly > candidateOnly ? PairedComparison.mcNemarExact(leaderOnly, candidateOnly) : 1
            }
            tests.append(Evidence(candidate: candidate, leader: leader, items: n, agreements: counts[candidate]!, leaderAgreements: counts[leader]!,
                                  leaderOnly: leaderOnly, candidateOnly: candidateOnly, p: p, threshold: 0))
        }
        tests.sort { $0.p != $1.p ? $0.p < $1.p : $0.candidate < $1.candidate }
        var dropped: [Evidence] = []
        let m = tests.count
        for (j, var test) in tests.enumerated() {
            test.threshold = alpha / Double(m - j)
            guard test.p < test.threshold else { break }
            dropped.append(test)
        }
        return (leader, dropped)
    }

    static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// The cumulative dev items judged after each round: `first`, then `growth` more each
    /// round, up to `available`.
    /// Successive halving's rounds: the dev items every survivor has been judged on after each.
    /// The survivors entering the rounds are n, ⌈n/2⌉, … while more than `keep`; each round
    /// gets an equal share of what is left of `budget` judgments, spread over its survivors
    /// (`orders` judgments an item each) in whole items, at least one; what whole items leave
    /// goes to the later rounds; rounds that would add no item are left out.
    public static func halvingSchedule(candidates n: Int, keep: Int, orders: Int, budget: Int, available: Int) -> [Int] {
        guard available > 0 else { return [] }
        var sizes: [Int] = []
        var s = n
        while s > max(1, keep) {
            sizes.append(s)
            s = max(keep, (s + 1) / 2)
        }
        if sizes.isEmpty { sizes = [n] }
        // What a round's whole items leave of its share goes to the rounds after it.
        var remaining = budget
        var targets: [Int] = []
        var judged = 0
        for (round, size) in sizes.enumerated() {
            let share = remaining / (sizes.count - round)
            let items = max(1, share / max(1, size * orders))
            let end = min(available, judged + items)
            remaining -= (end - judged) * size * orders
            if end > judged {
                targets.append(end)
                judged = end
            }
        }
        return targets
    }

    public static func schedule(available: Int, first: Int, growth: Int) -> [Int] {
        guard available > 0 else { return [] }
        var sizes = [min(first, available)]
        while sizes.last! < available { sizes.append(min(sizes.last! + growth, available)) }
        return sizes
    }
}
