// `judgelab optimize`: probe, race on dev, confirm on test. Deterministic given the search's
// seed and the judges' answers: a resumed search replays its journal and decides the same.
import Foundation

/// What the search tells the terminal as it goes.
public enum OptimizeEvent: Sendable {
    case probe(template: String, items: Int)
    case round(number: Int, items: Int, survivors: Int, candidates: Int, judgments: Int, paidUSD: Double)
    case dropped(name: String, round: Int, evidence: Race.Evidence)
    /// Dropped by successive halving: in the worse half on dev after the round.
    case halved(name: String, round: Int, agreements: Int, items: Int)
    case proposed(name: String, origin: String)
    /// A proposal whose reply made no candidate (unusable, or a repeat).
    case unusable(number: Int, reason: String)
    case confirming(variants: [String], items: Int)
}

/// Why the race ended.
public enum RaceStop: String, Sendable {
    /// One candidate left: the leader is separated from the rest.
    case separated
    /// Every dev item has been judged.
    case devExhausted = "dev_exhausted"
    /// The next round would take the judgments past the budget.
    case judgmentBudget = "judgment_budget"
    /// The next round could take the dollars past the cap.
    case dollarBudget = "dollar_budget"
    /// Successive halving's fixed budget ran its rounds down to the finalists.
    case halved
}

public struct OptimizeResult: Sendable {
    public struct CandidateRecord: Sendable {
        public var name: String
        public var variant: Variant
        /// Dev items judged, and the agreements among them.
        public var devItems: Int
        public var devAgreements: Int
        public var judgments: Int
        /// What its dev judgments cost.
        public var costUSD: Double = 0
        /// A score template's tie band, fitted on its dev judgments (nil: the standard band).
        public var tieBand: TieBand?
        /// For a candidate proposed during the race: after which round, from which leader, what changed.
        public var origin: String?
        /// The round it was dropped in, with the evidence; nil for survivors.
        public var droppedIn: Int?
        public var evidence: Race.Evidence?
        public var devAgreement: Double? { devItems > 0 ? Double(devAgreements) / Double(devItems) : nil }
    }

    /// One round: the dev items every survivor has been judged on after it, the candidates that
    /// went in, the leader, those dropped, and the judgments (probe and race) and dollars so far.
    public typealias RoundRecord = OptimizeSummary.Round

    public var candidates: [CandidateRecord]
    public var rounds: [RoundRecord]
    public var stop: RaceStop
    public var winner: String
    public var finalists: [String]
    public var baseline: String
    /// The pool items each probed template got wrong.
    public var hardIDs: [String: [String]]
    public var probeJudgments: Int
    public var raceJudgments: Int
    public var confirmationJudgments: Int
    public var fullGridJudgments: Int
    public var spaceSize: Int
    public var devItems: Int
    public var testItems: Int
    public var poolItems: Int
    /// The finalists' and the baseline's judgments on the test split.
    public var testJudgments: [Judgment]
    /// Dev judgments of every candidate, as the race saw them.
    public var devJudgments: [Judgment]
    /// Whether the confirmation ran in full (false when the dollar cap stopped it).
    public var confirmed: Bool
    /// Every proposal written during the race, in order, with its fate.
    public var proposals: [ProposalRecord] = []
    /// What the proposer's requests cost (apart from the judges').
    public var proposerCostUSD: Double = 0
    /// The dev items the proposer could see (0: no proposer).
    public var feedbackItems = 0

    public var judgments: Int { probeJudgments + raceJudgments + confirmationJudgments }
    /// The race's judgments over the full grid's (every candidate on every dev item).
    public var raceShare: Double { fullGridJudgments > 0 ? Double(raceJudgments) / Double(fullGridJudgments) : 0 }

    public func candidate(_ name: String) -> CandidateRecord? { candidates.first { $0.name == name } }
}

/// A proposal written during the race: from which leader, what it shows, what came of it.
public struct ProposalRecord: Sendable, Equatable {
    public var number: Int
    public var afterRound: Int
    public var kind: ProposeSpec.Kind
    public var parent: String
    /// The candidate it made; nil when its reply could not be used or repeated a candidate's text.
    public var candidate: String?
    /// The dev items (all of the feedback subset) shown to the proposer.
    public var shown: [String] = []
    public var rationale: String?
    /// The proposal's rubric and its parent's (nil: none).
    public var text: String?
    public var parentText: String?
    /// Why it made no candidate.
    public var unusable: String?
    public var costUSD: Double = 0
}

public struct Optimizer: Sendable {
    public let plan: OptimizePlan

    public init(plan: OptimizePlan) {
        self.plan = plan
    }

    /// Whether each variant agrees with the human verdict on each item (no verdict: no).
    static func agreement(_ judgments: [Judgment], variants: [String], items: [Pair], judgeBand: TieBand? = nil) -> [String: [Bool]] {
        let byVariant = Dictionary(grouping: judgments, by: \.variant)
        var result: [String: [Bool]] = [:]
        for variant in variants {
            let slots = Judgment.byItem(byVariant[variant] ?? [])
            result[variant] = items.map { pair in
                guard let (original, swapped) = slots[pair.id], original != nil || swapped != nil else { return false }
                return ItemOutcome(pair: pair, original: original, swapped: swapped, tieBand: .standard, judgeBand: judgeBand).agrees
            }
        }
        return result
    }

    public func run(engine: any JudgmentEngine, events: (@Sendable (OptimizeEvent) -> Void)? = nil) async throws -> OptimizeResult {
        let spec = plan.spec
        let dev = plan.split.dev, test = plan.split.test
        var spent = 0

        // 1. The probe: which pool items a zero-shot judge gets wrong, for `hard` examples.
        var hardIDs: [String: [String]] = [:]
        let probes = try plan.probes()
        for probe in probes {
            let template = probe.template.name
            let items = plan.probeItems(template)
            events?(.probe(template: template, items: items.count))
            let batch = try await engine.judge([probe], on: items, stage: "probe \(template)")
            try Self.check(batch)
            spent += items.count * probe.order.orders.count
            let agrees = Self.agreement(batch.judgments, variants: [probe.name], items: items)[probe.name]!
            hardIDs[template] = zip(items, agrees).filter { !$0.1 }.map(\.0.id)
        }
        let probeJudgments = spent
        var candidates = probes.isEmpty ? plan.candidates : try plan.candidates(hardIDs: hardIDs)
        var orders = candidates.map(\.order.orders.count)
        let finalistCount = min(spec.finalists, candidates.count)

        // 2. The race on dev.
        // Halving's schedule spends its budget on the candidates drawn; proposals add their
        // own catching up and rounds. A judgment budget caps both modes alike.
        let halving = spec.racingMode(dev: dev.count) == .halving
        let fullGrid = orders.reduce(0, +) * dev.count
        let schedule = halving
            ? Race.halvingSchedule(candidates: candidates.count, keep: finalistCount, orders: orders.max() ?? 1,
                                   budget: Int(spec.budgetShare * Double(fullGrid)), available: dev.count)
            : Race.schedule(available: dev.count, first: spec.firstRound, growth: spec.growth)
        let alphaPerRound = spec.alpha / Double(max(1, schedule.count))
        // The most the confirmation can cost: the dearest finalists `survivors` could make, and the baseline.
        func confirmationMost(_ survivors: [Int]) throws -> Double {
            let finalistCosts = try survivors.map { try engine.maximumCost([candidates[$0]], on: test) ?? 0 }.sorted(by: >)
            return finalistCosts.prefix(finalistCount).reduce(0, +) + (try engine.maximumCost([plan.baseline], on: test) ?? 0)
        }
        var survivors = Array(candidates.indices)
        var candidateIndex = Dictionary(candidates.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var pending: [Int] = []  // proposed candidates still to catch up on the dev items judged so far
        var proposed = 0, libraryProposed = 0, modelProposed = 0
        var proposals: [ProposalRecord] = []
        var proposerCost = 0.0
        var records = candidates.map { CandidateRecord(name: $0.name, variant: $0, devItems: 0, devAgreements: 0, judgments: 0) }
        var rounds: [OptimizeResult.RoundRecord] = []
        var devJudgments: [Judgment] = []
        var judged = 0  // dev items every survivor has been judged on
        var stop = RaceStop.devExhausted
        var agrees: [Int: [Bool]] = [:]
        for (number, target) in schedule.enumerated() {
            // What the confirmation will need, kept back from the race.
            let confirmVariants = survivors.sorted { orders[$0] > orders[$1] }.prefix(finalistCount).map { candidates[$0] } + [plan.baseline]
            let reserve = confirmVariants.reduce(0) { $0 + $1.order.orders.count } * test.count
            let perItem = survivors.reduce(0) { $0 + orders[$1] }
            // Proposed candidates catch up on the items judged so far before the round.
            let catchUpJudgments = pending.reduce(0) { $0 + orders[$1] } * judged
            var end = target
            if let cap = spec.maxJudgments {
                let affordable = (cap - spent - reserve - catchUpJudgments) / max(1, perItem)
                end = min(end, judged + max(0, affordable))
                if end <= judged, number == 0 {
                    throw InputError(file: plan.study.file, line: spec.line, field: "search.max_judgments",
                                     "\(cap) judgments cannot cover one dev item for each of the \(survivors.count) candidates (\(perItem)) and the confirmation on the test split (\(reserve)) after the probe (\(spent)): raise it")
                }
                if end <= judged { stop = .judgmentBudget; break }
            }
            let newItems = Array(dev[judged..<end])
            let racing = survivors.map { candidates[$0] }
            let (paidBefore, cap) = try engine.spending()
            if let cap, let roundCost = try engine.maximumCost(racing, on: newItems) {
                let catchUpCost = pending.isEmpty ? 0 : try engine.maximumCost(pending.map { candidates[$0] }, on: Array(dev[0..<judged])) ?? 0
                let confirmCost = try confirmationMost(survivors)
                if paidBefore + catchUpCost + roundCost + confirmCost > cap {
                    // As many items as the cap allows, at the round's cost per item.
                    let affordable = roundCost > 0 ? Int(Double(newItems.count) * max(0, cap - paidBefore - confirmCost - catchUpCost) / roundCost) : newItems.count
                    end = judged + min(newItems.count, affordable)
                    if end <= judged, number == 0 {
                        throw InputError(file: plan.study.file, field: "budget.max_cost_usd",
                                         String(format: "$%.4f cannot cover one dev item for each of the %d candidates and the confirmation on the test split (at most $%.4f) after $%.4f spent: raise it",
                                                cap, survivors.count, confirmCost + roundCost / Double(max(1, newItems.count)), paidBefore))
                    }
                    if end <= judged { stop = .dollarBudget; break }
                }
            }
            let items = Array(dev[judged..<end])
            // Proposed candidates first catch up on the items the others have been judged on.
            if !pending.isEmpty {
                let catchUp = Array(dev[0..<judged])
                let batch = try await engine.judge(pending.map { candidates[$0] }, on: catchUp, stage: "catching up")
                try Self.check(batch)
                if batch.summary.stoppedForBudget { stop = .dollarBudget; break }
                devJudgments += batch.judgments
                let rows = Self.agreement(batch.judgments, variants: pending.map { candidates[$0].name }, items: catchUp)
                for index in pending {
                    let row = rows[candidates[index].name]!
                    agrees[index] = row
                    records[index].devItems = catchUp.count
                    records[index].devAgreements = row.count { $0 }
                    records[index].judgments = catchUp.count * orders[index]
                    spent += catchUp.count * orders[index]
                }
                for judgment in batch.judgments {
                    if let index = candidateIndex[judgment.variant] { records[index].costUSD += judgment.costUSD ?? 0 }
                }
                pending = []
            }
            let batch = try await engine.judge(racing, on: items, stage: "round \(number + 1)")
            try Self.check(batch)
            if batch.summary.stoppedForBudget { stop = .dollarBudget; break }
            devJudgments += batch.judgments
            let roundAgrees = Self.agreement(batch.judgments, variants: racing.map(\.name), items: items)
            for index in survivors {
                let row = roundAgrees[candidates[index].name]!
                agrees[index, default: []] += row
                records[index].devItems += items.count
                records[index].devAgreements += row.count { $0 }
                records[index].judgments += items.count * orders[index]
            }
            for judgment in batch.judgments {
                if let index = candidateIndex[judgment.variant] { records[index].costUSD += judgment.costUSD ?? 0 }
            }
            spent += items.count * perItem
            judged = end
            let before = survivors.count
            let standings = survivors.map { OptimizeSummary.Standing(name: candidates[$0].name, items: records[$0].devItems, agreements: records[$0].devAgreements) }
            var (leader, dropped) = halving || survivors.count == 1 ? (survivors[0], []) : Race.eliminate(agrees.filter { survivors.contains($0.key) }, alpha: alphaPerRound, indifference: spec.indifference)
            if survivors.count == 1 { leader = survivors[0] }
            var halved: [Int] = []
            if halving {
                // The better half goes on (the finalists after the last round); the earlier
                // candidate on equal counts.
                let ranked = survivors.sorted { a, b in
                    records[a].devAgreements != records[b].devAgreements ? records[a].devAgreements > records[b].devAgreements : a < b
                }
                leader = ranked[0]
                let keep = number == schedule.count - 1 ? finalistCount : max(finalistCount, (survivors.count + 1) / 2)
                halved = Array(ranked.dropFirst(keep))
                for index in halved {
                    records[index].droppedIn = number + 1
                    events?(.halved(name: candidates[index].name, round: number + 1, agreements: records[index].devAgreements, items: records[index].devItems))
                }
                let out = Set(halved)
                survivors.removeAll { out.contains($0) }
                if number == schedule.count - 1 { stop = .halved }
            }
            for evidence in dropped {
                records[evidence.candidate].droppedIn = number + 1
                records[evidence.candidate].evidence = evidence
                events?(.dropped(name: candidates[evidence.candidate].name, round: number + 1, evidence: evidence))
            }
            let droppedSet = Set(dropped.map(\.candidate))
            survivors.removeAll { droppedSet.contains($0) }
            let paid = try engine.spending().paid
            rounds.append(.init(number: number + 1, items: judged, survivorsBefore: before, leader: candidates[leader].name,
                                dropped: (dropped.map(\.candidate) + halved).map { candidates[$0].name }, judgments: spent, paidUSD: paid, standings: standings))
            events?(.round(number: number + 1, items: judged, survivors: survivors.count, candidates: candidates.count, judgments: spent, paidUSD: paid))
            if survivors.count == 1 { stop = .separated; break }
            if halving, number == schedule.count - 1 { break }
            if end < target { stop = spec.maxJudgments != nil && (spec.maxJudgments! - spent - reserve) < perItem ? .judgmentBudget : .dollarBudget; break }
            // A neighbour of the leader, while the race goes on and the judgment budget can pay
            // for its catching up as well as for the confirmation.
            // The next round's new items, for what a proposal would have to afford: its catching
            // up and its share of the next round, beside the next round of those going on.
            let nextItems = number + 1 < schedule.count ? schedule[number + 1] - end : 0
            let catchUpCost = (judged + nextItems) * candidates[leader].order.orders.count
            let nextPerItem = survivors.reduce(0) { $0 + orders[$1] }
            var entering: [(variant: Variant, origin: String)] = []
            let current = spec.propose == nil ? nil : try ModelProposals.currentRubric(of: candidates[leader], library: plan.library)
            if proposed < spec.proposals, nextItems > 0,
               spec.maxJudgments.map({ spent + catchUpCost + reserve + nextPerItem * nextItems <= $0 }) ?? true,
               let (variant, origin) = Proposals.propose(from: candidates[leader], number: proposed, pool: plan.split.pool, rubrics: spec.rubrics,
                                                         library: plan.library, seed: spec.seed, taken: Set(candidateIndex.keys)) {
                proposed += 1
                entering.append((variant, origin))
            }
            // Rubrics written from the instruction library: the leader's, one criterion added or dropped.
            if let propose = spec.propose, nextItems > 0 {
                for _ in 0..<propose.perRound where libraryProposed < propose.total {
                    let cost = catchUpCost * (entering.count + 1)
                    guard spec.maxJudgments.map({ spent + cost + reserve + nextPerItem * nextItems <= $0 }) ?? true,
                          let (variant, origin) = LibraryProposals.propose(from: candidates[leader], number: libraryProposed, library: propose.library,
                                                                           taken: Set(candidateIndex.keys).union(entering.map(\.variant.name))) else { break }
                    libraryProposed += 1
                    entering.append((variant, origin))
                    proposals.append(ProposalRecord(number: proposals.count, afterRound: number + 1, kind: .library, parent: candidates[leader].name,
                                                    candidate: variant.name, text: variant.rubricText, parentText: current))
                }
            }
            // Rubrics and rules written by the proposer from the leader's disagreements on the
            // feedback items judged so far: its requests go through the engine's journal, cache and cap.
            if let propose = spec.propose, let proposer = plan.proposer, nextItems > 0 {
                let parent = candidates[leader]
                let all = ModelProposals.disagreements(of: parent, judgments: devJudgments, judged: Array(dev[0..<judged]), feedback: plan.feedback)
                for _ in 0..<propose.perRound where modelProposed < propose.total && !all.isEmpty {
                    let cost = catchUpCost * (entering.count + 1)
                    guard spec.maxJudgments.map({ spent + cost + reserve + nextPerItem * nextItems <= $0 }) ?? true else { break }
                    let kind = propose.modelKinds[modelProposed % propose.modelKinds.count]
                    let shown = ModelProposals.choose(all, count: propose.shown, seed: spec.seed, number: modelProposed)
                    let request = ModelProposals.request(number: modelProposed, kind: kind, leader: parent, rubric: current, shown: shown, spec: propose,
                                                         templates: proposer.templates, judge: proposer.judge, model: proposer.model)
                    // Never past the cap with the confirmation still to pay: a proposal is asked
                    // only when its dearest reply leaves room for the confirmation.
                    let (paid, cap) = try engine.spending()
                    if let cap, let most = try engine.maximumCost(of: request) {
                        guard paid + most + (try confirmationMost(survivors)) <= cap else { break }
                    }
                    let answer = try await engine.propose(request, stage: "proposal \(modelProposed + 1)")
                    if answer.cancelled { throw CancellationError() }
                    if answer.stoppedForBudget { break }
                    modelProposed += 1
                    proposerCost += answer.costUSD
                    var record = ProposalRecord(number: proposals.count, afterRound: number + 1, kind: kind, parent: parent.name, shown: request.shown,
                                                parentText: current, costUSD: answer.costUSD)
                    defer {
                        proposals.append(record)
                        if let why = record.unusable { events?(.unusable(number: record.number, reason: why)) }
                    }
                    guard let reply = answer.text else {
                        record.unusable = "no reply: " + (answer.failure ?? "the request failed")
                        continue
                    }
                    switch ModelProposals.read(reply, kind: kind, maxRules: propose.maxRules) {
                    case let .failure(why):
                        record.unusable = why.reason
                    case let .success((text, rationale)):
                        record.rationale = rationale
                        let variant = ModelProposals.variant(from: parent, kind: kind, text: text, currentRubric: current)
                        record.text = variant.rubricText
                        if candidateIndex[variant.name] != nil || entering.contains(where: { $0.variant.name == variant.name }) {
                            record.unusable = "the same rubric as \(variant.name): not raced twice"
                        } else if variant.rubricText == current {
                            record.unusable = "the leader's rubric unchanged"
                        } else {
                            record.candidate = variant.name
                            entering.append((variant, "\(kind.rawValue) written by \(proposer.judge) from \(shown.count) disagreement\(shown.count == 1 ? "" : "s")"))
                        }
                    }
                }
            }
            for (variant, origin) in entering {
                let index = candidates.count
                candidates.append(variant)
                orders.append(variant.order.orders.count)
                candidateIndex[variant.name] = index
                var record = CandidateRecord(name: variant.name, variant: variant, devItems: 0, devAgreements: 0, judgments: 0)
                record.origin = "proposed after round \(number + 1) from \(candidates[leader].name): \(origin)"
                records.append(record)
                survivors.append(index)
                pending.append(index)
                events?(.proposed(name: variant.name, origin: record.origin!))
            }
        }
        let raceJudgments = spent - probeJudgments
        // A proposal the race ended before it could catch up has no evidence: it is no finalist.
        for index in pending { records[index].origin! += " (not raced: the race ended before it caught up)" }
        survivors.removeAll { pending.contains($0) }

        // Post-hoc settings that need no new judgments, fitted on dev only: the tie band of each
        // surviving score template, the one of `fittedBands` with the most dev agreements (the
        // narrower on equal counts).
        let judgedDev = Array(dev[0..<judged])
        for index in survivors where candidates[index].template.parser.kind == .score && !judgedDev.isEmpty {
            let name = candidates[index].name
            let own = devJudgments.filter { $0.variant == name }
            let bands = candidates[index].template.isPointwise ? Self.pointwiseBands : Self.fittedBands
            let counts = bands.map { band in
                Self.agreement(own, variants: [name], items: judgedDev, judgeBand: band)[name]!.count { $0 }
            }
            let best = counts.indices.max { counts[$0] != counts[$1] ? counts[$0] < counts[$1] : $0 > $1 }!
            guard best != 0 else { continue }  // the first is the default band
            candidates[index].tieBand = bands[best]
            records[index].variant.tieBand = bands[best]
            records[index].tieBand = bands[best]
            records[index].devAgreements = counts[best]
        }

        // 3. The finalists, by dev agreement (the earlier candidate on equal counts); the winner
        //    is the first. Nothing here has read the test split.
        let ranked = survivors.sorted { a, b in
            records[a].devAgreements != records[b].devAgreements ? records[a].devAgreements > records[b].devAgreements : a < b
        }
        let finalists = ranked.prefix(finalistCount).map { candidates[$0] }
        let winner = finalists[0]

        // 4. Confirmation on test: the finalists and the baseline.
        var confirming = finalists
        if !confirming.contains(where: { $0.name == plan.baseline.name }) { confirming.append(plan.baseline) }
        events?(.confirming(variants: confirming.map(\.name), items: test.count))
        let batch = try await engine.judge(confirming, on: test, stage: "confirmation")
        try Self.check(batch)
        let confirmationJudgments = confirming.reduce(0) { $0 + $1.order.orders.count } * test.count

        return OptimizeResult(candidates: records, rounds: rounds, stop: stop, winner: winner.name, finalists: finalists.map(\.name),
                              baseline: plan.baseline.name, hardIDs: hardIDs, probeJudgments: probeJudgments, raceJudgments: raceJudgments,
                              confirmationJudgments: confirmationJudgments,
                              fullGridJudgments: fullGrid,
                              spaceSize: plan.space.size, devItems: dev.count, testItems: test.count, poolItems: plan.split.pool.count,
                              testJudgments: batch.judgments, devJudgments: devJudgments, confirmed: !batch.summary.stoppedForBudget,
                              proposals: proposals, proposerCostUSD: proposerCost, feedbackItems: plan.proposer == nil ? 0 : plan.feedback.count)
    }

    /// The tie bands a score variant's may be fitted to: symmetric about 5, from none to [3, 7].
    public static let fittedBands = [TieBand.standard, TieBand(lo: 4.5, hi: 5.5), TieBand(lo: 4, hi: 6), TieBand(lo: 3.5, hi: 6.5), TieBand(lo: 3, hi: 7)]

    /// A pointwise variant's bands on d = j2 − j1, its answers' score difference (METRICS.md §7):
    /// a tie when the scores are equal, then within 1, 2 or 3 points.
    public static let pointwiseBands = [TieBand.pointwise] + [1.0, 2, 3].map { TieBand(lo: -$0, hi: $0) }

    /// An interrupted run ends the search where it stands: the same command continues it.
    static func check(_ batch: EngineBatch) throws {
        if batch.summary.cancelled { throw CancellationError() }
    }
}

public typealias CandidateRecord = OptimizeResult.CandidateRecord
