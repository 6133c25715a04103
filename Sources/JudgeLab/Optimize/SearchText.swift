// What a search says on the terminal: its plan and the most it can spend before anything is
// spent, each event as it happens, and its conclusion.
import Foundation

extension OptimizePlan {
    /// The space, the splits and the most the search can spend, before anything is spent.
    public func describe(settings: RunSettings) throws -> String {
        let plan = self
        let most = plan.maximumJudgments
        var rows = [
            ["space", "\(plan.space.size) candidates (\(plan.spec.templates.count) templates × \(plan.space.radices.dropFirst().map(String.init).joined(separator: " × ")))"],
            ["drawn", "\(plan.candidates.count) candidates (seed \(plan.spec.seed))"],
            ["splits", "few-shot pool \(plan.split.pool.count), dev \(plan.split.dev.count), test \(plan.split.test.count) items"
                + (plan.duplicates + plan.sharing > 0 ? "; \(PoolSplit.note(duplicates: plan.duplicates, sharing: plan.sharing))" : "")],
            plan.spec.racingMode(dev: plan.split.dev.count) == .halving
                ? ["racing", "successive halving: \(Int(plan.spec.budgetShare * 100))% of the full grid's judgments, split evenly over rounds; after each the better half by dev agreement goes on, down to \(plan.spec.finalists) finalists" + (plan.spec.racingModeReason(dev: plan.split.dev.count).map { " (\($0))" } ?? "")]
                : ["racing", "first \(plan.spec.firstRound) dev items, then \(plan.spec.growth) more a round; alpha \(plan.spec.alpha) a step (Holm), \(plan.spec.finalists) finalists" + (plan.spec.racingModeReason(dev: plan.split.dev.count).map { " (\($0))" } ?? "")],
            ["judgments at most", "\(most.total) (probe \(most.probe), race \(most.race), confirmation \(most.confirmation)\(plan.spec.maxJudgments.map { "; budget \($0)" } ?? ""))"],
            ["full grid", "\(plan.fullGridJudgments) judgments (every candidate on every dev item)"],
        ]
        // Dollars at most: the probe, every candidate on every dev item, and the dearest
        // finalists and the baseline on test, at every output token.
        func tasks(_ variants: [Variant], _ items: [Pair]) throws -> [RunTask] {
            try Runner.tasks(variants: variants, items: items, library: plan.library, settings: settings, file: plan.study.file)
        }
        func dollars(_ tasks: [RunTask]) -> Double { tasks.reduce(0.0) { $0 + ($1.maximumCost ?? 0) } }
        let probe = try plan.probes().flatMap { try tasks([$0], plan.probeItems($0.template.name)) }
        let race = try tasks(plan.candidates, plan.split.dev)
        let finalists = try plan.candidates.map { dollars(try tasks([$0], plan.split.test)) }.sorted(by: >).prefix(plan.spec.finalists).reduce(0, +)
        let baseline = try tasks([plan.baseline], plan.split.test)
        let unpriced = Set((probe + race + baseline).filter { $0.maximumCost == nil }.map(\.request.model))
        let dearest = try plan.candidates.map { dollars(try tasks([$0], plan.split.dev)) }.max() ?? 0
        let proposals = plan.spec.proposals + (plan.spec.propose?.total ?? 0)
        let judgesTotal = dollars(probe) + dollars(race) + Double(proposals) * dearest + finalists + dollars(baseline)
        var proposerDollars = 0.0
        if let propose = plan.spec.propose {
            if propose.kinds.contains(.library) {
                rows.append(["proposals", "up to \(propose.total) rubrics from the instruction library's \(propose.library.count) criteria (\(propose.perRound) after a round), each raced from the dev items judged so far"])
            }
            if let proposer = plan.proposer {
                // Each request at most: the shown disagreements' question and answers cut to
                // answer_tokens, the instructions, and every output token.
                let input = propose.shown * (3 * propose.answerTokens + 60) + 600
                let price = settings.judge(named: proposer.judge)?.price(of: proposer.model, in: settings.prices)
                let each = price?.maximumCost(inputTokens: input, maxOutputTokens: propose.maxTokens)
                proposerDollars = Double(propose.total) * (each ?? 0)
                rows.append(["proposer", "up to \(propose.total) \(propose.modelKinds.map(\.rawValue).joined(separator: " and ")) proposals (\(propose.perRound) after a round) written by judge \(proposer.judge) (\(proposer.model)) from the leader's disagreements on \(plan.feedback.count) feedback items of dev (never the test split), \(propose.shown) shown each"
                             + (each.map { String(format: "; at most $%.4f each", $0) } ?? "; no price for \(proposer.model)")])
            }
        }
        let total = judgesTotal + proposerDollars
        rows.append(["dollars at most", String(format: "$%.4f", total) + (proposals > 0 ? " (each proposal at the dearest candidate's cost)" : "") + (unpriced.isEmpty ? "" : " (no price for \(unpriced.sorted().joined(separator: ", ")))")
                     + (settings.maxCostUSD.map { String(format: "; budget $%.2f", $0) } ?? "")])
        // How many labelled items the space needs to separate its candidates.
        rows += SamplePlanner.lines(devItems: plan.split.dev.count, alpha: plan.spec.alpha)
        return TextTable.render(rows)
    }
}

extension OptimizeEvent: CustomStringConvertible {
    /// The line the terminal shows.
    public var description: String {
        switch self {
        case let .probe(template, items):
            return "probe: \(template) zero-shot on \(items) pool items, to find the hard examples"
        case let .round(number, items, survivors, candidates, judgments, paid):
            return String(format: "round %d: %d dev items, %d of %d candidates left, %d judgments, $%.4f spent", number, items, survivors, candidates, judgments, paid)
        case let .halved(name, _, agreements, items):
            return "  dropped \(name): \(agreements) of \(items), in the worse half"
        case let .dropped(name, _, e):
            return String(format: "  dropped %@: %d of %d against the leader's %d (p = %.2g < %.2g)", name, e.agreements, e.items, e.leaderAgreements, e.p, e.threshold)
        case let .proposed(name, origin):
            return "  proposed \(name): \(origin)"
        case let .unusable(number, reason):
            return "  proposal \(number + 1) made no candidate: \(reason)"
        case let .confirming(variants, items):
            return "confirmation: \(variants.count) variants on \(items) test items"
        }
    }
}

extension OptimizeSummary {
    /// What the terminal says when a search is done: the winner, the race, the files.
    public func conclusion(layout: RunLayout) -> String {
        let s = self
        let winner = s.confirmation.first { $0.role == "winner" }
        let pct: (Double?) -> String = Percent.text
        var lines = [
            "winner: \(s.winner) (dev \(pct(winner?.devAgreement)), test \(pct(winner?.testAgreement))\(winner?.testCI.map { " [\(pct($0[0])), \(pct($0[1]))]" } ?? ""))",
            "race: \(s.rounds.count) rounds, stopped: \(s.stop.replacingOccurrences(of: "_", with: " ")); \(s.raceJudgments) judgments, "
                + String(format: "%.0f%% of the full grid's %d", s.raceShare * 100, s.fullGridJudgments)
                + "; \(s.probeJudgments + s.raceJudgments + s.confirmationJudgments) judgments in all, " + String(format: "$%.4f", s.paidUSD),
        ]
        if let proposals = s.proposals, !proposals.isEmpty {
            let raced = proposals.count { $0.candidate != nil }
            let unusable = proposals.filter { $0.candidate == nil }
            lines.append("proposals: \(proposals.count) written, \(raced) raced"
                + (unusable.isEmpty ? "" : ", \(unusable.count) made no candidate (\(unusable.map { $0.fate.replacingOccurrences(of: "no candidate: ", with: "") }.uniqued().joined(separator: "; ")))")
                + (s.proposerCostUSD.map { String(format: "; the proposer's requests $%.4f of the $%.4f paid", $0, s.paidUSD) } ?? ""))
            if let gap = s.devTestGap {
                lines.append("dev − test (the winner's curse): " + gap)
            }
        }
        if let t = s.winnerAgainstBaseline { lines.append("on test: \(t.sentence)") }
        if !s.confirmed {
            lines.append("stopped at the budget before the confirmation was complete: raise --max-cost and run the same command to continue")
        } else {
            lines.append(s.advice)
        }
        lines.append("wrote \(layout.winnerStudy) (run it with `judgelab run \(layout.winnerStudy)`), \(layout.searchSummary), \(layout.htmlReport)")
        return lines.joined(separator: "\n")
    }
}

extension OptimizeSummary {
    /// The finalists' and the baseline's dev agreement less their test agreement, proposed
    /// against hand-written: a proposal judged on items whose disagreements wrote it may look
    /// better on dev than it is.
    public var devTestGap: String? {
        func mean(_ rows: [Confirmation]) -> Double? {
            let gaps = rows.compactMap { c -> Double? in
                guard let dev = c.devAgreement, let test = c.testAgreement else { return nil }
                return dev - test
            }
            return gaps.isEmpty ? nil : gaps.reduce(0, +) / Double(gaps.count)
        }
        let proposed = confirmation.filter { $0.proposed == true }, written = confirmation.filter { $0.proposed != true }
        let parts = [("proposed", proposed), ("hand-written", written)].compactMap { label, rows in
            mean(rows).map { String(format: "%@ %+.1f points (%d)", label, $0 * 100, rows.count) }
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// Whether the winner beat the baseline on the test split: ahead, by the paired test at 5%.
    public var winnerBeatBaseline: Bool {
        guard winner != baseline, let t = winnerAgainstBaseline, let delta = t.delta else { return false }
        return delta > 0 && t.p < 0.05
    }

    /// Which prompt to keep, said plainly from the test split: the winner only when it beat the
    /// baseline there; the baseline otherwise, with the reason.
    public var advice: String {
        if winner == baseline { return "keep the baseline, \(baseline): it won the race itself" }
        guard let t = winnerAgainstBaseline, let delta = t.delta else {
            return "the winner and the baseline share no judged test item: no test says which to keep; judge the test split again (the same command continues)"
        }
        if winnerBeatBaseline { return "keep the winner, \(winner) (winner.yaml): it beat the baseline on test" }
        let points = String(format: "%+.1f points", delta * 100)
        if delta > 0 {
            return "keep the baseline, \(baseline): the winner's lead on test (\(points), p = \(String(format: "%.2g", t.p))) is not significant, so the search found nothing shown to be better; winner.yaml is written for inspection only"
        }
        return "keep the baseline, \(baseline): the winner did not beat it on test (\(points)); winner.yaml is written for inspection only"
    }
}
