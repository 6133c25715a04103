// Whether a cascade's guarantee holds (METRICS.md §10), measured two ways: on recorded judges,
// over many random calibration/evaluation splits of their items; and in a simulation whose
// true disagreement rates are known, over many trials.
import Foundation

public enum CascadeCheck {
    /// What a cascade did over many splits or trials.
    public struct Summary: Sendable {
        public var runs: Int
        /// Runs whose kept items agreed with humans less often than 1 − α (on the evaluated
        /// items; in the simulation, in truth).
        public var failures: Int
        /// Runs in which the cascade kept nothing (a guarantee holds vacuously there).
        public var keptNothing: Int
        public var meanCoverage: Double
        /// Over the runs that kept something.
        public var meanSelectiveAgreement: Double?
        public var meanAgreement: Double
        public var meanCostShare: Double?

        public var failureRate: Double { runs > 0 ? Double(failures) / Double(runs) : 0 }
    }

    /// Re-splits recorded readings `splits` times at random (a share to calibration, the rest
    /// evaluated), fits the cascade on each calibration part and reads it on the rest.
    /// - Parameter stages: `stages[k][i]`: stage k's reading of item i.
    public static func resplit(stages: [[Cascade.Reading]], human: [Verdict], share: Double, splits: Int,
                               alpha: Double, delta: Double, seed: UInt64) -> Summary {
        var generator = SeededGenerator(seed: seed)
        var outcomes: [(Cascade.Outcome, failed: Bool)] = []
        let n = human.count, calibrationSize = Int((Double(n) * share).rounded())
        for _ in 0..<splits {
            var order = Array(0..<n)
            generator.shuffle(&order)
            let calibration = Array(order.prefix(calibrationSize)), evaluated = Array(order.dropFirst(calibrationSize))
            let thresholds = Cascade.fit(stages: stages.map { s in calibration.map { s[$0] } }, human: calibration.map { human[$0] }, alpha: alpha, delta: delta)
            let outcome = Cascade.evaluate(stages: stages.map { s in evaluated.map { s[$0] } }, human: evaluated.map { human[$0] }, thresholds: thresholds)
            outcomes.append((outcome, outcome.selectiveAgreement.map { $0 < 1 - alpha } ?? false))
        }
        return summary(outcomes)
    }

    /// `cascade-check --simulate`'s two stages: a cheap one (confidence 0.5–1.0, right 60–97% of
    /// the time, cost 1) and a strong one (right 70–99%, cost 20).
    public static let simulatedStages = [
        SimulatedStage(levels: [0.5, 0.6, 0.7, 0.8, 0.9, 1.0], accuracy: [0.6, 0.7, 0.8, 0.88, 0.93, 0.97], cost: 1),
        SimulatedStage(levels: [0.5, 0.6, 0.7, 0.8, 0.9, 1.0], accuracy: [0.7, 0.8, 0.88, 0.93, 0.97, 0.99], cost: 20),
    ]

    /// A simulated stage: its confidence takes one of `levels` values (equally likely), and its
    /// verdict is right with probability `accuracy[level]`, independently of other stages.
    public struct SimulatedStage: Sendable {
        public var levels: [Double]
        public var accuracy: [Double]
        public var cost: Double

        public init(levels: [Double], accuracy: [Double], cost: Double) {
            self.levels = levels
            self.accuracy = accuracy
            self.cost = cost
        }

        /// True disagreement rate and probability of the items it keeps at `lambda`.
        func kept(at lambda: Double) -> (probability: Double, errors: Double) {
            var p = 0.0, e = 0.0
            for (level, c) in levels.enumerated() where c >= lambda {
                p += 1 / Double(levels.count)
                e += (1 - accuracy[level]) / Double(levels.count)
            }
            return (p, e)
        }
    }

    /// `trials` simulated calibrations of `calibration` items each: the thresholds fitted, then
    /// the cascade's TRUE agreement on what it keeps (from the stages' known accuracies) against
    /// 1 − α; coverage and agreement are true values too.
    public static func simulate(stages: [SimulatedStage], calibration: Int, trials: Int, alpha: Double, delta: Double, seed: UInt64) -> Summary {
        var generator = SeededGenerator(seed: seed)
        var outcomes: [(Cascade.Outcome, failed: Bool)] = []
        for _ in 0..<trials {
            let human = (0..<calibration).map { _ in Verdict.allCases[generator.uniform(below: 3)] }
            let readings = stages.map { stage in
                human.map { truth -> Cascade.Reading in
                    let level = generator.uniform(below: stage.levels.count)
                    let right = generator.unit() < stage.accuracy[level]
                    let verdict = right ? truth : Verdict.allCases.filter { $0 != truth }[generator.uniform(below: 2)]
                    return Cascade.Reading(verdict: verdict, confidence: stage.levels[level], cost: stage.cost)
                }
            }
            let thresholds = Cascade.fit(stages: readings, human: human, alpha: alpha, delta: delta)
            // The truth: an item reaches stage k with the probability that no earlier stage kept it.
            var reach = 1.0, kept = 0.0, errors = 0.0, cost = 0.0
            var reachShares: [Double] = []
            for (k, stage) in stages.enumerated() {
                reachShares.append(reach)
                cost += reach * stage.cost
                let (p, e) = thresholds[k].isFinite ? stage.kept(at: thresholds[k]) : (0, 0)
                kept += reach * p
                errors += reach * e
                reach *= 1 - p
            }
            let selective = kept > 0 ? 1 - errors / kept : nil
            let outcome = Cascade.Outcome(keptBy: [], verdicts: [], coverage: kept, selectiveAgreement: selective, agreement: kept - errors,
                                          reach: reachShares, costUSD: cost, costShare: stages.last.map { cost / $0.cost })
            outcomes.append((outcome, selective.map { $0 < 1 - alpha } ?? false))
        }
        return summary(outcomes)
    }

    static func summary(_ outcomes: [(outcome: Cascade.Outcome, failed: Bool)]) -> Summary {
        let runs = outcomes.count
        let kept = outcomes.compactMap(\.outcome.selectiveAgreement)
        let shares = outcomes.compactMap(\.outcome.costShare)
        func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
        return Summary(runs: runs, failures: outcomes.count(where: \.failed), keptNothing: runs - kept.count,
                       meanCoverage: mean(outcomes.compactMap(\.outcome.coverage)), meanSelectiveAgreement: kept.isEmpty ? nil : mean(kept),
                       meanAgreement: mean(outcomes.compactMap(\.outcome.agreement)), meanCostShare: shares.isEmpty ? nil : mean(shares))
    }
}
