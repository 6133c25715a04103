// The search section of a report: what a search spent and saved, its race as a picture, its
// rounds, its candidates, dev against test.
import Foundation

extension HTMLReport {
    /// The search's section: what was spent and saved, dev against test, rounds and candidates.
    static func searchView(_ s: OptimizeSummary) -> [String: Any] {
        let pct: (Double?) -> String = Percent.text
        let stop = [
            "separated": "one candidate was left", "dev_exhausted": "every dev item was judged",
            "judgment_budget": "the judgment budget was reached", "dollar_budget": "the dollar budget was reached",
            "halved": "successive halving's fixed budget had run its rounds down to the finalists",
        ][s.stop] ?? s.stop
        return [
            "winner": s.winner,
            "spend": String(format: "The race judged %d candidates with %d judgments, %.0f%% of the %d the full grid (every candidate on every dev item) takes, and stopped when %@; %d judgments in all with the probe and the confirmation, $%.4f.",
                            s.candidates, s.raceJudgments, s.raceShare * 100, s.fullGridJudgments, stop, s.probeJudgments + s.raceJudgments + s.confirmationJudgments, s.paidUSD),
            "design": "\(s.candidates) candidates drawn from a space of \(s.spaceSize) (seed \(s.seed))"
                + (s.candidateRows.contains { $0.origin != nil } ? ", \(s.candidateRows.count { $0.origin != nil }) more proposed from the leaders during the race" : "")
                + "; few-shot pool \(s.poolItems) items (examples only), dev \(s.devItems) (the race's only evidence), test \(s.testItems) (confirmation only). "
                + (s.mode == "halving"
                    ? "Successive halving: a fixed budget of judgments split evenly over the rounds; after each, the better half by dev agreement went on, down to the finalists."
                    : "Rounds of \(s.firstRound) dev items, then \(s.growth) more; after each, the candidates significantly worse than the leader are dropped (Holm at \(JSONValue.format(number: s.alpha)) over the step's comparisons, split over the rounds planned)."),
            "raceChart": SVGChart.race(s, caption: "Each candidate's dev agreement after each round it raced in, with its 95% interval; a cross where it was dropped.").map { [$0] } ?? [],
            "versus": s.winnerAgainstBaseline.map { [$0.sentence] } ?? [],
            "confirmed": s.confirmed,
            "advice": s.confirmed ? [s.advice] : [],
            "proposals": s.proposals.map { list -> [[String: Any]] in
                [[
                    "spend": (s.proposerCostUSD.map { String(format: "The proposer's requests cost $%.4f of the $%.4f paid; ", $0, s.paidUSD) } ?? "")
                        + "it saw the leader's disagreements on \(s.feedbackItems ?? 0) feedback items of dev only, never the test split.",
                    "gap": s.devTestGap.map { [$0] } ?? [],
                    "rows": list.map { p -> [String: Any] in
                        ["number": "\(p.number + 1)", "round": "\(p.afterRound)", "kind": p.kind, "parent": p.parent, "candidate": p.candidate ?? Percent.missing,
                         "fate": p.fate, "rationale": p.rationale ?? "", "hasRationale": p.rationale != nil,
                         "shown": p.shown.isEmpty ? "none (no model)" : "\(p.shown.count): " + p.shown.joined(separator: ", "),
                         "cost": String(format: "%.4f", p.costUSD),
                         "diff": p.diff.map { line -> [String: Any] in
                             ["line": line, "kind": line.hasPrefix("+ ") ? "added" : line.hasPrefix("- ") ? "removed" : "kept"]
                         }]
                    },
                ]]
            } ?? [],
            "confirmation": s.confirmation.map { c -> [String: Any] in
                ["name": c.name, "role": c.role, "origin": c.proposed == true ? "proposed" : "hand-written", "dev": pct(c.devAgreement), "items": "\(c.testItems)",
                 "test": pct(c.testAgreement) + (c.testCI.map { " [\(pct($0[0])), \(pct($0[1]))]" } ?? "")]
            },
            "rounds": s.rounds.map { r -> [String: Any] in
                ["number": "\(r.number)", "items": "\(r.items)", "survivors": "\(r.survivorsBefore)", "leader": r.leader,
                 "dropped": r.dropped.isEmpty ? Percent.missing : "\(r.dropped.count): " + r.dropped.joined(separator: ", "), "judgments": "\(r.judgments)",
                 "paid": String(format: "%.4f", r.paidUSD)]
            },
            "candidates": s.candidateRows.map { c -> [String: Any] in
                let fate = c.name == s.winner ? "winner" : s.finalists.contains(c.name) ? "finalist" : c.droppedIn.map { "dropped in round \($0)" } ?? "survived"
                let evidence = c.evidence.map { e in
                    String(format: "%d of %d against %@'s %d (only it right %d, only the leader %d): p = %.2g < %.2g",
                           e.agreements, e.items, e.leader, e.leaderAgreements, e.candidateOnly, e.leaderOnly, e.p, e.threshold)
                } ?? Percent.missing
                return ["name": c.name, "items": "\(c.devItems)", "agreement": pct(c.devAgreement), "judgments": "\(c.judgments)", "cost": String(format: "%.4f", c.costUSD), "fate": fate,
                        "evidence": evidence, "examples": c.examples.isEmpty ? "none" : c.examples.joined(separator: ", "),
                        "origin": c.origin ?? "drawn from the space"]
            },
        ]
    }
}
