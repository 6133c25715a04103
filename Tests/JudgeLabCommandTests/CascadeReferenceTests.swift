// METRICS.md §9 (calibration) and §10 (cascades) against an independent implementation
// (Tests/Reference/cascade_reference.py) on random cases: one to three stages, confidences with
// many ties (order consistency is 0 or 1), thresholds walked past n < 30, stages that keep
// nothing, replies without a verdict, empty calibration and evaluation sets.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct CascadeReferenceTests {
    static let reference = Paths.root + "/Tests/Reference/cascade_reference.py"

    struct Case {
        var alpha: Double
        var delta: Double
        var calibration: (stages: [[Cascade.Reading]], human: [Verdict])
        var evaluation: (stages: [[Cascade.Reading]], human: [Verdict])
        var confidences: [(confidence: Double, correct: Bool)]
        var bounds: [(errors: Int, n: Int, tail: Double)]

        static func json(_ set: (stages: [[Cascade.Reading]], human: [Verdict])) -> JSONValue {
            .object([
                ("stages", .array(set.stages.map { stage in .array(stage.map { r in
                    .object([("verdict", r.verdict.map { .string($0.rawValue) } ?? .null), ("confidence", r.confidence.map { .number($0) } ?? .null),
                             ("cost", .number(r.cost))])
                }) })),
                ("human", .array(set.human.map { .string($0.rawValue) })),
            ])
        }

        var json: JSONValue {
            .object([
                ("alpha", .number(alpha)), ("delta", .number(delta)),
                ("calibration", Self.json(calibration)), ("evaluation", Self.json(evaluation)),
                ("confidences", .array(confidences.map { .array([.number($0.confidence), .bool($0.correct)]) })),
                ("bounds", .array(bounds.map { .array([.number(Double($0.errors)), .number(Double($0.n)), .number($0.tail)]) })),
            ])
        }
    }

    /// A stage's readings of `human`'s items: a judge right with probability 0.45 + 0.5·c (c its
    /// confidence, from a coarse grid or 0/1), one reply in twenty without a verdict.
    static func readings(_ human: [Verdict], skill: Double, cost: Double, binary: Bool, _ g: inout SeededGenerator) -> [Cascade.Reading] {
        human.map { truth in
            if g.uniform(below: 20) == 0 { return Cascade.Reading(verdict: nil, confidence: nil, cost: cost) }
            let c = binary ? Double(g.uniform(below: 2)) : Double(g.uniform(below: 21)) / 20
            let right = Double(g.uniform(below: 1000)) / 1000 < min(0.99, skill + 0.5 * c)
            let verdict = right ? truth : Verdict.allCases.filter { $0 != truth }[g.uniform(below: 2)]
            return Cascade.Reading(verdict: verdict, confidence: c, cost: cost)
        }
    }

    static func randomCase(_ g: inout SeededGenerator) -> Case {
        let stages = 1 + g.uniform(below: 3)
        let binary = (0..<stages).map { _ in g.uniform(below: 3) == 0 }
        let skills = (0..<stages).map { k in 0.35 + 0.15 * Double(k) + Double(g.uniform(below: 10)) / 100 }
        func set(_ count: Int) -> (stages: [[Cascade.Reading]], human: [Verdict]) {
            let human = (0..<count).map { _ in Verdict.allCases[g.uniform(below: 3)] }
            let readings = (0..<stages).map { k in Self.readings(human, skill: skills[k], cost: 0.001 * Double(1 + 10 * k), binary: binary[k], &g) }
            return (readings, human)
        }
        let calibrationSize = g.uniform(below: 10) == 0 ? g.uniform(below: 40) : 40 + g.uniform(below: 500)
        let calibration = set(calibrationSize)
        let evaluation = set(g.uniform(below: 10) == 0 ? 0 : 1 + g.uniform(below: 200))
        let confidences = (0..<g.uniform(below: 60)).map { _ in (confidence: Double(g.uniform(below: 1001)) / 1000, correct: g.uniform(below: 2) == 1) }
        let bounds = (0..<4).map { _ -> (errors: Int, n: Int, tail: Double) in
            let n = 1 + g.uniform(below: 600)
            return (g.uniform(below: n + 1), n, [0.1, 0.05, 1.0 / 30, 0.01][g.uniform(below: 4)])
        }
        return Case(alpha: [0.1, 0.2, 0.3][g.uniform(below: 3)], delta: [0.1, 0.05][g.uniform(below: 2)],
                    calibration: calibration, evaluation: evaluation, confidences: confidences, bounds: bounds)
    }

    static func close(_ ours: Double?, _ theirs: JSONValue?, _ what: String) {
        switch (ours, theirs) {
        case (nil, .null?), (nil, nil): break
        case let (a?, .number(b)?): #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(what): ours \(a), reference \(b)")
        default: Issue.record("\(what): ours \(ours.map { "\($0)" } ?? "null"), reference \(theirs?.compactText ?? "absent")")
        }
    }

    @Test(.enabled(if: ReferenceImplementationTests.hasPython, "python3 is not installed: the independent implementation is a Python script"))
    func thresholdsAndOutcomesMatchTheReference() throws {
        var g = SeededGenerator(seed: 10)
        let cases = (0..<200).map { _ in Self.randomCase(&g) }
        let (status, data) = try PythonScript.run(Self.reference, input: JSONValue.array(cases.map(\.json)).compactText)
        try #require(status == 0)
        guard case let .array(theirs) = try JSONValue.parse(data), theirs.count == cases.count else {
            Issue.record("the reference gave no list of \(cases.count) results")
            return
        }
        var fitted = 0, nothing = 0
        for (index, (c, reference)) in zip(cases, theirs).enumerated() {
            let thresholds = Cascade.fit(stages: c.calibration.stages, human: c.calibration.human, alpha: c.alpha, delta: c.delta)
            guard case let .array(expected)? = reference["thresholds"], expected.count == thresholds.count else {
                Issue.record("case \(index): no thresholds")
                continue
            }
            for (k, (ours, their)) in zip(thresholds, expected).enumerated() {
                if ours == Cascade.keepsNothing { nothing += 1; #expect(their == .null, "case \(index) stage \(k): ours keeps nothing, reference \(their.compactText)") } else {
                    fitted += 1
                    Self.close(ours, their, "case \(index) stage \(k) threshold")
                }
            }
            let outcome = Cascade.evaluate(stages: c.evaluation.stages, human: c.evaluation.human, thresholds: thresholds)
            let r = reference["outcome"]
            #expect(JSONValue.array(outcome.keptBy.map { $0.map { .number(Double($0)) } ?? .null }) == r?["kept_by"], "case \(index): kept by")
            #expect(JSONValue.array(outcome.verdicts.map { $0.map { .string($0.rawValue) } ?? .null }) == r?["verdicts"], "case \(index): verdicts")
            Self.close(outcome.coverage, r?["coverage"], "case \(index) coverage")
            Self.close(outcome.selectiveAgreement, r?["selective_agreement"], "case \(index) selective agreement")
            Self.close(outcome.agreement, r?["agreement"], "case \(index) agreement")
            Self.close(outcome.costUSD, r?["cost_usd"], "case \(index) cost")
            Self.close(outcome.costShare, r?["cost_share"], "case \(index) cost share")
            if case let .array(reach)? = r?["reach"] {
                #expect(reach.count == outcome.reach.count)
                for (k, value) in zip(outcome.reach, reach) { Self.close(k, value, "case \(index) reach") }
            } else { Issue.record("case \(index): no reach") }
            Self.close(Calibration.ece(c.confidences), reference["ece"], "case \(index) ece")
            Self.close(Calibration.brier(c.confidences), reference["brier"], "case \(index) brier")
            if case let .array(bounds)? = reference["bounds"] {
                for (b, value) in zip(c.bounds, bounds) {
                    Self.close(Cascade.clopperPearsonUpper(errors: b.errors, n: b.n, level: 1 - b.tail), value, "case \(index) bound \(b)")
                }
            }
        }
        // The cases walk to real thresholds and to stages that keep nothing, both.
        #expect(fitted > 50 && nothing > 50, "fitted \(fitted), nothing \(nothing)")
    }

    /// Known values: Clopper and Pearson's bound for 0 errors in n is 1 − tail^(1/n), and for
    /// 1 error in 10 at 95%, 0.3942 (the published table's one-sided 0.05 figure).
    @Test func theBoundHasItsKnownValues() {
        for n in [1, 30, 100, 1000] {
            #expect(abs(Cascade.clopperPearsonUpper(errors: 0, n: n, level: 0.95) - (1 - pow(0.05, 1 / Double(n)))) < 1e-12)
        }
        #expect(abs(Cascade.clopperPearsonUpper(errors: 1, n: 10, level: 0.95) - 0.3942) < 1e-4)
        #expect(Cascade.clopperPearsonUpper(errors: 5, n: 5, level: 0.9) == 1)
    }
}
