// METRICS.md §7 (pointwise judgments) against an independent implementation
// (Tests/Reference/pointwise_reference.py) on random cases: ties in the judge's and the humans'
// scores, one rater and several, unparsed replies, constant sides.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct PointwiseReferenceTests {
    static let reference = Paths.root + "/Tests/Reference/pointwise_reference.py"

    struct Case {
        var judgeScale: ClosedRange<Double>
        var humanScale: ClosedRange<Double>
        var responses: [PointwiseMetrics.Response]

        var json: JSONValue {
            .object([
                ("judge_scale", .array([.number(judgeScale.lowerBound), .number(judgeScale.upperBound)])),
                ("human_scale", .array([.number(humanScale.lowerBound), .number(humanScale.upperBound)])),
                ("responses", .array(responses.map { r in
                    .object([("score", r.score.map { .number($0) } ?? .null), ("ratings", .array(r.ratings.map { .number($0) }))])
                })),
            ])
        }
    }

    /// A random case: integer judge scores on 1..10 or 1..5 (often tied), ratings on 1..5 or
    /// 0..4 from one to four raters (a response may have fewer, or none), some replies unparsed.
    static func randomCase(_ g: inout SeededGenerator) -> Case {
        let judgeScale: ClosedRange<Double> = g.uniform(below: 2) == 0 ? 1...10 : 1...5
        let humanScale: ClosedRange<Double> = g.uniform(below: 2) == 0 ? 1...5 : 0...4
        let raters = 1 + g.uniform(below: 4)
        let count = g.uniform(below: 4) == 0 ? g.uniform(below: 4) : 5 + g.uniform(below: 40)
        let constantJudge = g.uniform(below: 12) == 0
        let responses = (0..<count).map { _ -> PointwiseMetrics.Response in
            let score: Double? = g.uniform(below: 10) == 0 ? nil
                : constantJudge ? judgeScale.lowerBound + 2 : judgeScale.lowerBound + Double(g.uniform(below: Int(judgeScale.upperBound - judgeScale.lowerBound) + 1))
            let given = g.uniform(below: 8) == 0 ? g.uniform(below: raters + 1) : raters
            let ratings = (0..<given).map { _ in humanScale.lowerBound + Double(g.uniform(below: 5)) }
            return PointwiseMetrics.Response(score: score, ratings: ratings)
        }
        return Case(judgeScale: judgeScale, humanScale: humanScale, responses: responses)
    }

    static func ours(_ m: PointwiseMetrics) -> [(String, Double?)] {
        [("n_responses", Double(m.nResponses)), ("pearson", m.pearson), ("spearman", m.spearman), ("kendall_tau_b", m.kendallTauB),
         ("mae", m.mae), ("exact_pointwise", m.exact), ("within_1_pointwise", m.within1), ("qwk", m.qwk),
         ("krippendorff_alpha", m.krippendorffAlpha), ("human_ceiling_spearman", m.humanCeilingSpearman)]
    }

    @Test(.enabled(if: ReferenceImplementationTests.hasPython, "python3 is not installed: the independent implementation is a Python script"))
    func everyPointwiseMetricMatchesTheReference() throws {
        var g = SeededGenerator(seed: 7)
        let cases = (0..<300).map { _ in Self.randomCase(&g) }
        let (status, data) = try PythonScript.run(Self.reference, input: JSONValue.array(cases.map(\.json)).compactText)
        try #require(status == 0)
        guard case let .array(theirs) = try JSONValue.parse(data), theirs.count == cases.count else {
            Issue.record("the reference gave no list of \(cases.count) results")
            return
        }
        var compared = 0, defined = Set<String>(), undefined = Set<String>()
        for (index, (c, reference)) in zip(cases, theirs).enumerated() {
            let metrics = PointwiseMetrics(c.responses, judgeScale: c.judgeScale, humanScale: c.humanScale)
            for (name, mine) in Self.ours(metrics) {
                let expected = reference[name]
                switch (mine, expected) {
                case let (a?, .number(b)?):
                    #expect(abs(a - b) <= 1e-9, "case \(index) \(name): ours \(a), reference \(b)")
                    defined.insert(name)
                case (nil, .null?):
                    undefined.insert(name)
                default:
                    Issue.record("case \(index) \(name): ours \(mine.map { "\($0)" } ?? "null"), reference \(expected?.compactText ?? "absent")")
                }
                compared += 1
            }
        }
        #expect(compared == 300 * 10)
        // The cases reach every metric, and every metric's null.
        #expect(defined.count == 10, "\(defined)")
        #expect(undefined.isSuperset(of: ["pearson", "spearman", "kendall_tau_b", "mae", "qwk", "krippendorff_alpha", "human_ceiling_spearman"]), "\(undefined)")
    }

    /// Worked by hand: three responses on a 1..5 judge scale against 1..5 ratings.
    @Test func aSmallCaseByHand() {
        let m = PointwiseMetrics([.init(score: 1, ratings: [1, 2]), .init(score: 3, ratings: [3]), .init(score: 5, ratings: [4, 4]), .init(score: nil, ratings: [5])],
                                 judgeScale: 1...5, humanScale: 1...5)
        // j = 1, 3, 5 and h = 1.5, 3, 4: errors 0.5, 0, 1.
        #expect(m.nResponses == 4)
        #expect(abs(m.mae! - 0.5) < 1e-12)
        #expect(m.exact == 1.0 / 3 && m.within1 == 1)
        #expect(m.spearman == 1 && m.kendallTauB == 1)
        // α = 1 − 5 · 1.25 / (6 · Σ (v − v̄)²), v = 1, 3, 5, 1.5, 3, 4, v̄ = 17.5 / 6.
        let values = [1, 3, 5, 1.5, 3, 4.0], vbar = values.reduce(0, +) / 6
        let spread = values.reduce(0) { $0 + ($1 - vbar) * ($1 - vbar) }
        #expect(abs(m.krippendorffAlpha! - (1 - 5 * 1.25 / (6 * spread))) < 1e-12)
        #expect(m.humanCeilingSpearman == nil)  // no rater has three responses with another rating
    }
}
