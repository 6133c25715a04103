// report.xml's content: the same facts as the HTML page, for machines, under schema version 1.
import Foundation

/// Sends the XML report to a sink (schema: JudgeLabXML's `report-1.xsd`), one item at a time.
public enum XMLReport {
    public static let schemaVersion = "1"

    public static func write(_ report: RunReport, to sink: any XMLEventSink) throws {
        let analysis = report.analysis
        let pareto = Set(analysis.pareto)
        let run = XMLTree("run", [("id", report.runID), ("study", report.title), ("dataset", report.datasetSource)], children: [
            XMLTree("sample", text: report.sampleDesign),
            XMLTree("models", children: report.judgeModels.map { XMLTree("model", text: $0) }),
        ] + (report.totalCost.map { [XMLTree("total-cost-usd", text: JSONValue.format(number: $0))] } ?? []))
        let settings = XMLTree("settings", [
            ("tie-band-lo", JSONValue.format(number: analysis.options.tieBand.lo)), ("tie-band-hi", JSONValue.format(number: analysis.options.tieBand.hi)),
            ("bootstrap", "\(analysis.options.bootstrapResamples)"), ("seed", "\(analysis.options.seed)"),
        ])
        let variants = XMLTree("variants", children: analysis.variants.enumerated().map { rank, m in
            let info = report.variants[m.variant]
            var metrics: [XMLTree] = []
            for (name, value) in MetricsJSON.metrics(m) {
                switch value {
                case let .number(n): metrics.append(XMLTree("metric", [("name", name), ("value", JSONValue.format(number: n))]))
                case .null: metrics.append(XMLTree("metric", [("name", name)]))
                case let .array(bounds) where name == "agreement_ci" && bounds.count == 2:
                    metrics.append(XMLTree("interval", [("name", name), ("lo", JSONValue.format(number: bounds[0].numberValue ?? 0)),
                                                        ("hi", JSONValue.format(number: bounds[1].numberValue ?? 0))]))
                default: continue  // names, histograms and breakdowns live in metrics.json
                }
            }
            return XMLTree("variant", [("name", m.variant), ("rank", "\(rank + 1)"), ("pareto", pareto.contains(m.variant) ? "true" : "false"),
                                       ("order-policy", m.orderPolicy)],
                           children: (info?.settings ?? []).map { XMLTree("setting", [("name", $0.name), ("value", $0.value)]) }
                               + (info?.examples ?? []).map { XMLTree("example", [("item", $0)]) }
                               + [XMLTree("metrics", children: metrics)])
        })
        let all = (report.headToHead.map { [$0] } ?? []) + report.comparisons
        let comparisons = XMLTree("comparisons", children: all.map { c in
            XMLTree("comparison", [("a", c.a), ("b", c.b), ("n-items", "\(c.nItems)"), ("delta", c.delta.map { JSONValue.format(number: $0) }),
                                   ("delta-lo", c.deltaCI.map { JSONValue.format(number: $0.lo) }), ("delta-hi", c.deltaCI.map { JSONValue.format(number: $0.hi) }),
                                   ("a-only", "\(c.aOnly)"), ("b-only", "\(c.bOnly)"), ("p", JSONValue.format(number: c.p)),
                                   ("a-beats-b", c.aBeatsB ? "true" : "false"), ("b-beats-a", c.bBeatsA ? "true" : "false")],
                    children: [XMLTree("sentence", text: c.sentence)])
        })
        let root = XMLTree("report", [("version", schemaVersion), ("tool", "judgelab \(JudgeLabVersion.text)"),
                                      ("created", ISO8601DateFormatter().string(from: report.created))])
        try sink.start(root.name, attributes: root.attributes)
        for part in [run, settings, variants, comparisons] + (report.optimize.map { [search($0)] } ?? []) + cascades(report) { try sink.emit(part) }
        try sink.start("items", attributes: [])
        try forEachItem(analysis) { outcomes in try sink.emit(item(outcomes)) }
        try sink.end()
        try sink.end()
    }

    /// The study's cascades, when it has any: each with its stages' thresholds and what they kept.
    static func cascades(_ report: RunReport) -> [XMLTree] {
        guard !report.cascades.isEmpty else { return [] }
        func n(_ x: Double?) -> String? { x.map { JSONValue.format(number: $0) } }
        let front = CascadeReport.front(report.cascades)
        return [XMLTree("cascades", children: report.cascades.map { c in
            XMLTree("cascade", [("name", c.spec.name), ("fitted", c.spec.isFitted ? "true" : "false"), ("alpha", c.spec.isFitted ? n(c.spec.alpha) : nil),
                                ("delta", c.spec.isFitted ? n(c.spec.delta) : nil), ("n-calibration", "\(c.calibrationItems)"), ("n-items", "\(c.evaluatedItems)"),
                                ("coverage", n(c.outcome.coverage)), ("selective-agreement", n(c.outcome.selectiveAgreement)), ("agreement", n(c.outcome.agreement)),
                                ("cost-usd", n(c.outcome.costUSD)), ("cost-share", n(c.outcome.costShare)), ("abstained", "\(c.abstained.count)"),
                                ("pareto", front.contains(c.spec.name) ? "true" : "false")],
                    children: c.stages.enumerated().map { k, s in
                XMLTree("stage", [("variant", s.variant), ("threshold", n(s.threshold)), ("reach", n(c.outcome.reach[k])), ("kept", "\(s.kept)"),
                                  ("kept-agreement", n(s.keptAgreement)), ("alone-agreement", n(s.aloneAgreement)), ("alone-cost-usd", n(s.aloneCostUSD)),
                                  ("judged", s.judgedReached ? "reached" : "all")])
            })
        })]
    }

    static func search(_ s: OptimizeSummary) -> XMLTree {
        func n(_ x: Double?) -> String? { x.map { JSONValue.format(number: $0) } }
        let rounds = s.rounds.map { r in
            XMLTree("round", [("number", "\(r.number)"), ("dev-items", "\(r.items)"), ("candidates-in", "\(r.survivorsBefore)"), ("leader", r.leader),
                              ("judgments", "\(r.judgments)"), ("paid-usd", n(r.paidUSD))],
                    children: r.dropped.map { XMLTree("dropped", [("candidate", $0)]) })
        }
        let candidates = s.candidateRows.map { c in
            XMLTree("candidate", [("name", c.name), ("dev-items", "\(c.devItems)"), ("dev-agreement", n(c.devAgreement)), ("judgments", "\(c.judgments)"),
                                  ("cost-usd", n(c.costUSD)), ("origin", c.origin), ("dropped-in", c.droppedIn.map(String.init))],
                    children: c.evidence.map { e in
                        [XMLTree("evidence", [("leader", e.leader), ("items", "\(e.items)"), ("agreements", "\(e.agreements)"),
                                              ("leader-agreements", "\(e.leaderAgreements)"), ("leader-only", "\(e.leaderOnly)"),
                                              ("candidate-only", "\(e.candidateOnly)"), ("p", n(e.p)), ("threshold", n(e.threshold))])]
                    } ?? [])
        }
        let confirmation = s.confirmation.map { c in
            XMLTree("confirmation", [("variant", c.name), ("role", c.role), ("dev-agreement", n(c.devAgreement)), ("test-agreement", n(c.testAgreement)),
                                     ("test-lo", n(c.testCI?[0])), ("test-hi", n(c.testCI?[1])), ("test-items", "\(c.testItems)")])
        }
        // Each proposal: its parent, fate, the items shown, and its rubric's text.
        let proposals = (s.proposals ?? []).map { p in
            XMLTree("proposal", [("number", "\(p.number + 1)"), ("after-round", "\(p.afterRound)"), ("kind", p.kind), ("parent", p.parent),
                                 ("candidate", p.candidate), ("fate", p.fate), ("cost-usd", n(p.costUSD))],
                    children: p.shown.map { XMLTree("shown", [("item", $0)]) } + (p.text.map { [XMLTree("text", text: $0)] } ?? []))
        }
        return XMLTree("search", [("winner", s.winner), ("baseline", s.baseline), ("stop", s.stop), ("space-size", "\(s.spaceSize)"),
                                  ("candidates", "\(s.candidates)"), ("pool-items", "\(s.poolItems)"), ("dev-items", "\(s.devItems)"),
                                  ("test-items", "\(s.testItems)"), ("probe-judgments", "\(s.probeJudgments)"), ("race-judgments", "\(s.raceJudgments)"),
                                  ("confirmation-judgments", "\(s.confirmationJudgments)"), ("full-grid-judgments", "\(s.fullGridJudgments)"),
                                  ("paid-usd", n(s.paidUSD)), ("confirmed", s.confirmed ? "true" : "false"), ("mode", s.mode),
                                  ("proposer-cost-usd", n(s.proposerCostUSD)), ("feedback-items", s.feedbackItems.map(String.init))],
                       children: rounds + candidates + confirmation + proposals)
    }

    /// Each judged item, in data set order, with every variant's outcome in ranking order: a
    /// merge of the variants' outcome lists, which are each in data set order.
    static func forEachItem(_ analysis: Analysis, _ visit: ([(variant: String, outcome: ItemOutcome)]) throws -> Void) throws {
        let lists = analysis.variants.map { ($0.variant, analysis.outcomes[$0.variant] ?? []) }
        var cursors = [Int](repeating: 0, count: lists.count)
        while true {
            var next: Int?
            for (index, (_, outcomes)) in lists.enumerated() where cursors[index] < outcomes.count {
                let position = outcomes[cursors[index]].position
                if next.map({ position < $0 }) ?? true { next = position }
            }
            guard let position = next else { return }
            var row: [(variant: String, outcome: ItemOutcome)] = []
            for (index, (variant, outcomes)) in lists.enumerated() where cursors[index] < outcomes.count && outcomes[cursors[index]].position == position {
                row.append((variant, outcomes[cursors[index]]))
                cursors[index] += 1
            }
            try visit(row)
        }
    }

    static func item(_ outcomes: [(variant: String, outcome: ItemOutcome)]) -> XMLTree {
        let first = outcomes[0].outcome
        let pair = first.pair
        return XMLTree("item", [("id", pair.id), ("human", first.humanVerdict.rawValue), ("category", pair.category),
                                ("simulated-score", pair.simulatedScore.map { JSONValue.format(number: $0) })],
                       children: outcomes.map { variant, o in
            XMLTree("judgment", [("variant", variant), ("verdict", o.verdict?.rawValue ?? "none"),
                                 ("score", o.score.map { JSONValue.format(number: $0) }), ("agrees", o.agrees ? "true" : "false")],
                    children: o.judgments.map { j in
                let (reading, value): (String, String?) = switch j.reading {
                case let .score(s): ("score", JSONValue.format(number: s))
                case let .choice(c): ("choice", c.rawValue)
                case let .unparsed(_, reason): ("unparsed", reason)
                }
                return XMLTree("output", [("order", j.order.rawValue), ("reading", reading), ("value", value)])
            })
        })
    }
}
