// `judgelab optimize` writes judge prompts (issue 29): proposals written by a proposer model
// from the leader's disagreements, raced and confirmed like any candidate; the proposer sees
// the feedback part of dev only; a killed search resumes to the same proposals; the budget
// holds; each bad input is one clear error.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTesting
import JudgeLabStore
import JudgeLabXML
import JudgeLabTestSupport

/// A judge that keeps every proposer request it answers (the simulated judge answers).
final class RecordingJudge: Judge, @unchecked Sendable {
    let inner: SimulatedJudge
    private let lock = NSLock()
    private var asked: [JudgeRequest] = []
    init(_ inner: SimulatedJudge) { self.inner = inner }
    var name: String { inner.name }
    var limits: JudgeLimits { inner.limits }
    var isLocal: Bool { inner.isLocal }
    var proposerRequests: [JudgeRequest] { lock.withLock { asked } }
    func answer(_ request: JudgeRequest) async -> JudgeAttempt {
        if request.responseSchema?["properties"]?["rationale"] != nil { lock.withLock { asked.append(request) } }
        return await inner.answer(request)
    }
}

@Suite struct ProposalTests {
    static func propose(kinds: [ProposeSpec.Kind] = [.rubric, .rules], total: Int = 4, share: Double = 0.5) -> ProposeSpec {
        var spec = ProposeSpec()
        spec.kinds = kinds
        spec.total = total
        spec.feedbackShare = share
        return spec
    }

    /// A trial's plan with proposals, and an engine over the criteria-aware simulated judge,
    /// which also answers as the proposer.
    static func inProcess(_ study: Study, seed: UInt64, priced: Bool = false) throws -> (OptimizePlan, RunnerEngine, InMemoryRunStore, RecordingJudge) {
        let plan = try OptimizePlan(study: study)
        let settings = try SearchJob.settings(plan, environment: [:])
        let judge = RecordingJudge(SimulatedJudge(name: settings.judges[0].name, salt: seed, pairs: plan.dataset.pairs, priced: priced,
                                                  criteria: CriteriaWorld(salt: seed)))
        let store = InMemoryRunStore()
        return (plan, RunnerEngine(library: plan.library, settings: settings, store: store, judges: [judge], file: study.file), store, judge)
    }

    static func trial(seed: UInt64, dev: Int = 200) throws -> (TemporaryFolder, Study) {
        var setup = OptimizeTests.smallSetup()
        setup.dev = dev
        let folder = try TemporaryFolder()
        let path = try OptimizeSimulation.writeTrial(seed: seed, setup: setup, directory: folder.path, templates: Paths.root + "/PromptTemplates")
        return (folder, try Study.load(path: path))
    }

    static func proposals(_ r: OptimizeResult) -> [String] {
        r.proposals.map { "\($0.number) \($0.afterRound) \($0.kind.rawValue) \($0.parent) \($0.candidate ?? "-") \($0.unusable ?? "") \($0.shown) \($0.text ?? "")" }
    }

    // MARK: Hygiene

    /// Random studies (sizes, seeds, feedback shares, kinds): every item the proposer is shown
    /// is a dev item of the feedback subset, and no test or pool item's text reaches it.
    @Test func theProposerNeverSeesATestItem() async throws {
        var random = SeededGenerator(seed: 29)
        var asked = 0
        for trial in 0..<8 {
            let seed = UInt64(100 + trial)
            let (folder, study0) = try Self.trial(seed: seed, dev: 80 + random.uniform(below: 200))
            defer { withExtendedLifetime(folder) {} }
            var study = study0
            let kinds: [[ProposeSpec.Kind]] = [[.rubric], [.rules], [.rubric, .rules]]
            study.search!.propose = Self.propose(kinds: kinds[random.uniform(below: 3)], total: 2 + random.uniform(below: 4),
                                                 share: 0.2 + 0.8 * random.unit())
            let (plan, engine, _, judge) = try Self.inProcess(study, seed: seed)
            let result = try await Optimizer(plan: plan).run(engine: engine)
            let dev = Set(plan.split.dev.map(\.id))
            #expect(plan.feedback.isSubset(of: dev) && !plan.feedback.isEmpty)
            #expect(plan.feedback.count == study.search!.propose!.feedbackCount(dev: dev.count))
            for proposal in result.proposals {
                #expect(Set(proposal.shown).isSubset(of: plan.feedback), "proposal \(proposal.number) showed \(Set(proposal.shown).subtracting(plan.feedback))")
            }
            let prompts = judge.proposerRequests.map { $0.messages.map(\.content).joined(separator: "\n") }
            #expect(prompts.count == result.proposals.count)
            asked += prompts.count
            // Each item's question is "Question N of trial S: …": none of the test split or the pool may appear.
            for pair in plan.split.test + plan.split.pool {
                let marker = pair.question.prefix { $0 != ":" } + ":"
                #expect(!prompts.contains { $0.contains(marker) }, "trial \(trial): \(pair.id) reached the proposer")
            }
        }
        #expect(asked >= 8, "the proposer was asked \(asked) times over the trials")
    }

    // MARK: Proposals race and decide the same

    @Test func modelProposalsRaceFromTheirTextAndASecondRunDecidesTheSame() async throws {
        let (folder, study0) = try Self.trial(seed: 12)
        defer { withExtendedLifetime(folder) {} }
        var study = study0
        study.search!.propose = Self.propose(total: 5)
        let (plan, engine, store, _) = try Self.inProcess(study, seed: 12)
        let first = try await Optimizer(plan: plan).run(engine: engine)
        let raced = first.proposals.filter { $0.candidate != nil }
        #expect(raced.count >= 2, "\(Self.proposals(first))")
        #expect(Set(first.proposals.map(\.kind)).isSubset(of: [.rubric, .rules]))
        for proposal in raced {
            let record = try #require(first.candidate(proposal.candidate!))
            // Its rubric is its own text, named by it, and states only what the proposer wrote.
            #expect(record.variant.rubricText == proposal.text && record.variant.rubric == LibraryProposals.name(of: proposal.text!))
            if proposal.kind == .rules { #expect(proposal.text!.contains(ModelProposals.rulesHeader)) }
            #expect(record.devItems > 0 || record.origin!.contains("not raced"))
        }
        // The proposer's requests are journaled like judgments and cost apart.
        let journaled = try store.entries().filter { $0.key.variant == RunnerEngine.proposerVariant }
        #expect(journaled.count == first.proposals.count)
        let (again, engine2, _, _) = try Self.inProcess(study, seed: 12)
        let second = try await Optimizer(plan: again).run(engine: engine2)
        #expect(Self.proposals(second) == Self.proposals(first))
        #expect(OptimizeTests.decisions(second) == OptimizeTests.decisions(first))
    }

    /// A `rules` proposal keeps its parent's rubric and appends the rules; a `rubric`
    /// proposal replaces it; both are named by their text.
    @Test func rulesAppendToTheParentsRubricAndRubricsReplaceIt() throws {
        let (folder, study) = try Self.trial(seed: 2)
        defer { withExtendedLifetime(folder) {} }
        let plan = try OptimizePlan(study: study)
        var leader = try #require(plan.candidates.first)
        leader.rubric = "short"
        let current = try #require(try ModelProposals.currentRubric(of: leader, library: plan.library))
        #expect(current.contains("Helpfulness"))
        let rules = ModelProposals.variant(from: leader, kind: .rules, text: "- Prefer the answer that is right.", currentRubric: current)
        #expect(rules.rubricText == current + "\n\n" + ModelProposals.rulesHeader + "\n- Prefer the answer that is right.")
        let rubric = ModelProposals.variant(from: leader, kind: .rubric, text: "Prefer the answer that is right.", currentRubric: current)
        #expect(rubric.rubricText == "Prefer the answer that is right.")
        #expect(rules.name == leader.name + "+" + LibraryProposals.name(of: rules.rubricText!) && rules.name != rubric.name)
        // The judge reads the proposal's text where its rubric was.
        let messages = try PromptBuilder(variant: rules, library: plan.library).messages(for: plan.split.dev[0], order: .original)
        #expect(messages[0].content.contains(rules.rubricText!))
        // What a reply must hold.
        #expect(throws: Never.self) { try ModelProposals.read(#"{"rationale": "r", "rules": ["a", "b\nc"]}"#, kind: .rules, maxRules: 1).get() }
        #expect(try ModelProposals.read(#"{"rationale": "r", "rules": ["a", "b"]}"#, kind: .rules, maxRules: 1).get().text == "- a")
        #expect(try ModelProposals.read("Sure! {\"rubric\": \"x\"} hope this helps", kind: .rubric, maxRules: 1).get().text == "x")
        for (reply, why) in [("not json", "not a JSON object"), (#"{"rubric": " "}"#, "no 'rubric'"), (#"{"rubric": "{{x}}"}"#, "Mustache"),
                             (#"{"rules": []}"#, "holds no rule")] {
            let kind: ProposeSpec.Kind = reply.contains("rules") ? .rules : .rubric
            guard case let .failure(unusable) = ModelProposals.read(reply, kind: kind, maxRules: 3) else { Issue.record("\(reply) was read"); continue }
            #expect(unusable.reason.contains(why), "\(unusable.reason)")
        }
    }

    // MARK: Budget

    /// Whatever the cap, a proposal is asked only when its dearest reply leaves room for the
    /// confirmation: with a dear proposer, every search still confirms in full.
    @Test func aDearProposerNeverCostsTheConfirmation() async throws {
        let (folder, study0) = try Self.trial(seed: 9)
        defer { withExtendedLifetime(folder) {} }
        var asked = 0
        for cap in stride(from: 1.5, through: 6.0, by: 0.25) {
            var study = study0
            var propose = Self.propose(total: 6)
            propose.model = "sim-writer"
            study.search!.propose = propose
            // Input tokens only, estimated alike before and after: what a request may cost is what it costs.
            study.prices = PriceTable(prices: ["sim-judge": Price(input: 10, output: 0), "sim-writer": Price(input: 3000, output: 0)])
            study.maxCostUSD = cap
            let (plan, engine, store, _) = try Self.inProcess(study, seed: 9, priced: true)
            let result = try await Optimizer(plan: plan).run(engine: engine)
            #expect(result.confirmed, "cap \(cap): the confirmation was cut after \(result.proposals.count) proposals, $\(result.proposerCostUSD)")
            #expect(try store.paidUSD() <= cap)
            asked += result.proposals.count
        }
        #expect(asked > 0, "some caps leave room for proposals")
    }

    /// The dollar cap holds with the proposer's requests paid from it, and a judgment budget
    /// stops the race with proposals made and the confirmation kept.
    @Test func theBudgetHoldsWithProposals() async throws {
        let (folder, study0) = try Self.trial(seed: 9)
        defer { withExtendedLifetime(folder) {} }
        var study = study0
        study.search!.propose = Self.propose(total: 6)
        study.prices = PriceTable(prices: ["sim-judge": Price(input: 10, output: 10)])
        study.maxCostUSD = 4
        let (plan, engine, store, _) = try Self.inProcess(study, seed: 9, priced: true)
        let result = try await Optimizer(plan: plan).run(engine: engine)
        let paid = try store.paidUSD()
        #expect(paid <= 4 && paid > 3, "paid \(paid)")
        #expect(result.stop == .dollarBudget && result.confirmed, "\(result.stop) after rounds \(result.rounds.map { "\($0.items): $\($0.paidUSD)" })")
        #expect(!result.proposals.isEmpty && result.proposerCostUSD > 0, "\(Self.proposals(result)) rounds \(result.rounds.map { "\($0.items): $\($0.paidUSD)" })")
        let proposerPaid = try store.entries().filter { $0.key.variant == RunnerEngine.proposerVariant }.reduce(0) { $0 + $1.paidUSD }
        #expect(abs(proposerPaid - result.proposerCostUSD) < 1e-9)

        var counted = study0
        counted.search!.propose = Self.propose(total: 6)
        counted.search!.maxJudgments = 1400
        let (plan2, engine2, store2, _) = try Self.inProcess(counted, seed: 9)
        let stopped = try await Optimizer(plan: plan2).run(engine: engine2)
        let judgments = try store2.entries().filter { $0.key.variant != RunnerEngine.proposerVariant }.count
        #expect(judgments <= 1400 && stopped.judgments <= 1400, "\(judgments) journaled")
        #expect(stopped.stop == .judgmentBudget && stopped.confirmed && stopped.proposals.contains { $0.candidate != nil })
    }

    // MARK: End to end, over HTTP

    /// The shipped example study, whose search proposes, against the test server: proposals
    /// written, raced and reported; the proposer shown no test item; the winner's study
    /// reproduces its test figures from the cache without a request.
    @Test func theExampleStudyWritesProposalsAndItsWinnerReproducesFromTheCache() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        #expect(try JudgeLabBinary.run(["init", folder.path + "/ex", "--base-url", server.baseURL]).status == 0)
        let studyPath = folder.path + "/ex/study.yaml"
        let estimate = try JudgeLabBinary.run(["optimize", studyPath, "--estimate"], cwd: folder.path)
        #expect(estimate.stdout.contains("proposer") && estimate.stdout.contains("never the test split"), "\(estimate.stdout)")
        let optimized = try JudgeLabBinary.run(["optimize", studyPath], cwd: folder.path)
        #expect(optimized.status == 0, "\(optimized.stdout)\(optimized.stderr)")
        let results = folder.path + "/Results"
        let out = try #require(try FileManager.default.contentsOfDirectory(atPath: results).first { $0.contains("-optimize-") })
        let layout = RunLayout(directory: results + "/" + out)
        let summary = try OptimizeSummary.load(path: layout.searchSummary)
        let proposals = try #require(summary.proposals)
        let written = proposals.filter { $0.kind != "library" }
        #expect(written.count >= 2 && written.contains { $0.candidate != nil }, "\(proposals.map(\.fate))")
        #expect(optimized.stdout.contains("proposals: \(proposals.count) written") && optimized.stderr.contains("rubric written by"), "\(optimized.stdout)")
        #expect(try await server.stats()["proposer"]?.int == written.count, "one request a proposal")
        for p in written where p.candidate != nil {
            #expect(p.diff.contains { $0.hasPrefix("+ ") })
            // Its text, content-addressed, in the run folder.
            let name = String(p.candidate!.split(separator: "+").last!)
            #expect(try String(contentsOfFile: layout.proposedRubrics + "/" + name + ".mustache", encoding: .utf8) == p.text! + "\n")
            #expect(name == LibraryProposals.name(of: p.text!))
        }
        // The proposer saw no test item.
        let plan = try OptimizePlan(study: try Study.load(path: studyPath))
        let prompts = try server.blockingRequest("/proposer")["prompts"]
        guard case let .array(list)? = prompts else { Issue.record("no prompts"); return }
        let texts = list.compactMap(\.stringValue)
        #expect(texts.count == written.count)
        for pair in plan.split.test { #expect(!texts.contains { $0.contains(pair.question) && $0.contains(pair.answer1.prefix(200)) }, "\(pair.id)") }
        // The page shows each proposal with its change and fate, and the proposer's spend apart.
        let page = try String(contentsOfFile: layout.htmlReport, encoding: .utf8)
        #expect(page.contains("id=\"search-proposals\"") && page.contains("class=\"added\"") && page.contains("The proposer&#39;s requests cost")
                || page.contains("The proposer's requests cost"))
        if Browser.isInstalled { #expect(try Browser.pageIsQuiet(layout.htmlReport, shots: folder.path + "/shots")) }
        // The XML report holds them too, and passes its schema.
        #expect(try XMLReportWriter.validate(file: layout.xmlReport).isEmpty)
        let xml = try String(contentsOfFile: layout.xmlReport, encoding: .utf8)
        #expect(xml.components(separatedBy: "<proposal ").count - 1 == proposals.count && xml.contains("proposer-cost-usd=\""))

        // The winner's study, from the cache.
        let requestsBefore = try await server.stats()["requests"]!.int
        let run = try JudgeLabBinary.run(["run", layout.winnerStudy, "--quiet"], cwd: folder.path)
        #expect(run.status == 0 && run.stdout.contains(" 0 HTTP requests"), "\(run.stdout)\(run.stderr)")
        #expect(try await server.stats()["requests"]!.int == requestsBefore)
        let winnerRun = try #require(try FileManager.default.contentsOfDirectory(atPath: results).first { $0.contains("-winner-") })
        let metrics = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: results + "/" + winnerRun + "/metrics.json")))
        let row = try #require(summary.confirmation.first { $0.role == "winner" })
        guard case let .array(variants)? = metrics["variants"], let variant = variants.first else { Issue.record("no variants"); return }
        #expect(variant["variant"]?.stringValue == summary.winner && variant["agreement"]?.numberValue == row.testAgreement)
    }

    /// A proposer whose replies cannot be used: each is counted and shown with its reason, none
    /// asked again, and the search goes on with the candidates it has.
    @Test func unusableRepliesAreCountedAndShownNeverRetried() async throws {
        let server = try FakeJudgeServer(["--proposer-malformed", "1"])
        let folder = try TemporaryFolder()
        #expect(try JudgeLabBinary.run(["init", folder.path + "/ex", "--base-url", server.baseURL]).status == 0)
        let studyPath = folder.path + "/ex/study.yaml"
        let out = folder.path + "/out"
        let optimized = try JudgeLabBinary.run(["optimize", studyPath, "--out", out], cwd: folder.path)
        #expect(optimized.status == 0, "\(optimized.stdout)\(optimized.stderr)")
        let summary = try OptimizeSummary.load(path: RunLayout(directory: out).searchSummary)
        let proposals = try #require(summary.proposals)
        #expect(proposals.count == 2 && proposals.allSatisfy { $0.candidate == nil && $0.fate.contains("not a JSON object") }, "\(proposals.map(\.fate))")
        #expect(optimized.stdout.contains("2 made no candidate (the reply is not a JSON object)"), "\(optimized.stdout)")
        #expect(optimized.stderr.contains("made no candidate: the reply is not a JSON object"))
        #expect(try await server.stats()["proposer"]?.int == 2, "each asked once")
        // Run again: every reply comes from the journal.
        let again = try JudgeLabBinary.run(["optimize", studyPath, "--out", out, "--quiet"], cwd: folder.path)
        #expect(again.status == 0)
        #expect(try await server.stats()["proposer"]?.int == 2)
    }

    /// Killed twice mid-search, the same command ends with the same proposals, decisions and
    /// winner as an uninterrupted search, and asks no proposal twice.
    @Test func killedTwiceASearchWithProposalsResumesToTheSameProposalsAndWinner() async throws {
        let folder = try TemporaryFolder()
        let path = try OptimizeSimulation.writeTrial(seed: 3, setup: OptimizeTests.smallSetup(), directory: folder.path, templates: Paths.root + "/PromptTemplates")
        let server = try FakeJudgeServer(["--simulate", folder.path + "/data.jsonl", "--sim-salt", "3", "--latency-ms", "25"])
        try OptimizeSimulation.writeTrial(seed: 3, setup: OptimizeTests.smallSetup(), directory: folder.path, baseURL: server.baseURL, templates: Paths.root + "/PromptTemplates")
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "  racing:", with: "  propose: {kinds: [rubric, rules], total: 4, feedback: {items: 100}}\n  racing:")
        try AtomicFile.write(text, to: path)

        let whole = folder.path + "/A/run"
        let uninterrupted = try JudgeLabBinary.run(["optimize", path, "--out", whole, "--quiet"])
        #expect(uninterrupted.status == 0, "\(uninterrupted.stdout)\(uninterrupted.stderr)")
        let expected = try OptimizeSummary.load(path: RunLayout(directory: whole).searchSummary)
        #expect(expected.proposals?.contains { $0.candidate != nil } == true)
        let total = try RunTests.entries(whole).count
        let asked = try await server.stats()["proposer"]!.int

        var random = SeededGenerator(seed: UInt64(Date().timeIntervalSince1970))
        let out = folder.path + "/B/run"
        for moment in [total / 5 + random.uniform(below: total / 5), total / 2 + random.uniform(below: total * 2 / 5)] {
            let process = try JudgeLabBinary.start(["optimize", path, "--out", out, "--quiet"])
            JudgesTests.waitForProgress(out, atLeast: moment)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(try RunTests.entries(out).count < total)
        }
        let resumed = try JudgeLabBinary.run(["optimize", path, "--out", out, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        let summary = try OptimizeSummary.load(path: RunLayout(directory: out).searchSummary)
        #expect(OptimizeTests.decisions(summary) == OptimizeTests.decisions(expected))
        #expect(summary.proposals == expected.proposals)
        #expect(try RunTests.entries(out).count == total, "every judgment and proposal journaled once")
        // B's cache is its own: it asked the proposer for each proposal once more, no more
        // (a kill can land while the proposer answers: that one may be asked again).
        let askedAgain = try await server.stats()["proposer"]!.int - asked
        #expect(askedAgain >= expected.proposals!.count && askedAgain <= expected.proposals!.count + 2, "asked \(askedAgain) times")
    }

    // MARK: Successive halving

    /// The schedule spends the budget in whole items, round by round, never past it, with one
    /// round per halving down to the finalists.
    @Test func halvingSchedulesSpendTheBudgetAndNoMore() {
        var random = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            let n = 2 + random.uniform(below: 60), keep = 1 + random.uniform(below: 4), orders = 1 + random.uniform(below: 2)
            let available = 20 + random.uniform(below: 1000)
            let budget = Int(Double(n * orders * available) * (0.1 + 0.5 * random.unit()))
            let targets = Race.halvingSchedule(candidates: n, keep: keep, orders: orders, budget: budget, available: available)
            var sizes: [Int] = [], s = n
            while s > keep { sizes.append(s); s = max(keep, (s + 1) / 2) }
            if sizes.isEmpty { sizes = [n] }
            #expect(targets.count <= sizes.count && !targets.isEmpty)
            #expect(zip(targets, targets.dropFirst()).allSatisfy { $0 < $1 } && targets.last! <= available)
            var previous = 0, spent = 0
            for (round, end) in targets.enumerated() {
                spent += (end - previous) * sizes[round] * orders
                previous = end
            }
            // Never past the budget unless a round's one item is already more than its share.
            let floor = zip(targets.indices, sizes).reduce(0) { $0 + $1.1 * orders }
            #expect(spent <= max(budget, floor), "n \(n) keep \(keep) budget \(budget): spent \(spent)")
            // And within a round's last item of it, when dev is not the limit.
            if targets.last! < available, targets.count == sizes.count { #expect(budget - spent < sizes.reduce(0, +) * orders) }
        }
    }

    /// Without `racing.mode`: halving below 300 dev items, significance from there, and
    /// significance for any search that proposes; a mode given is kept.
    @Test func theRacingModeByDefault() {
        var spec = SearchSpec()
        #expect(spec.racingMode(dev: 299) == .halving && spec.racingMode(dev: 300) == .significance)
        spec.propose = Self.propose()
        #expect(spec.racingMode(dev: 100) == .significance)
        spec.propose = nil
        spec.proposals = 1
        #expect(spec.racingMode(dev: 100) == .significance)
        spec.mode = .halving
        #expect(spec.racingMode(dev: 1000) == .halving)
    }

    /// A search in halving mode: the better half goes on after each round, down to the
    /// finalists; the race's judgments stay within budget_share of the full grid; a second run
    /// decides the same.
    @Test func aHalvingSearchKeepsTheBetterHalfWithinItsBudget() async throws {
        let (folder, study0) = try Self.trial(seed: 5)
        defer { withExtendedLifetime(folder) {} }
        var study = study0
        study.search!.mode = .halving
        study.search!.budgetShare = 0.3
        let (plan, engine, _) = try OptimizeTests.inProcess(study, seed: 5)
        let result = try await Optimizer(plan: plan).run(engine: engine)
        #expect(result.stop == .halved && result.finalists.count == 3)
        #expect(result.raceJudgments <= Int(0.3 * Double(result.fullGridJudgments)), "\(result.raceJudgments) of \(result.fullGridJudgments)")
        #expect(result.raceJudgments >= Int(0.25 * Double(result.fullGridJudgments)))
        #expect(result.rounds.map(\.survivorsBefore) == [12, 6])
        #expect(result.rounds.map(\.dropped.count) == [6, 3])
        for round in result.rounds {
            // Everyone dropped had no more dev agreements than anyone kept.
            let standings = try #require(round.standings)
            let kept = standings.filter { !round.dropped.contains($0.name) }, dropped = standings.filter { round.dropped.contains($0.name) }
            #expect(dropped.allSatisfy { d in kept.allSatisfy { $0.agreements >= d.agreements } })
        }
        let (again, engine2, _) = try OptimizeTests.inProcess(study, seed: 5)
        #expect(OptimizeTests.decisions(try await Optimizer(plan: again).run(engine: engine2)) == OptimizeTests.decisions(result))
    }

    // MARK: Errors

    /// Each bad proposer setting is one error naming the study's line, before anything is sent.
    @Test func eachBadProposerInputIsOneClearError() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Paths.samples + "/pandalm-200.jsonl", toPath: folder.path + "/data.jsonl")
        try FileManager.default.createDirectory(atPath: folder.path + "/bare", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Paths.root + "/PromptTemplates/choice-ab", toPath: folder.path + "/bare/choice-ab")
        try FileManager.default.copyItem(atPath: Paths.root + "/PromptTemplates/rubrics", toPath: folder.path + "/bare/rubrics")
        let twoJudges = """
        judges:
          a: {base_url: "http://127.0.0.1:9/v1", model: m}
          rec: {provider: replay, recordings: data.jsonl}
        """
        let oneJudge = "judge: {base_url: \"http://127.0.0.1:9/v1\", model: m}"
        for (judges, templates, propose, says, at) in [
            (twoJudges, "", "{kinds: [rubric]}", "name one of the study's judges", "study.yaml:7"),
            (twoJudges, "", "{kinds: [rubric], proposer: nobody}", "no judge 'nobody'", "study.yaml:7"),
            (twoJudges, "", "{kinds: [rules], proposer: rec}", "a proposer must be a model endpoint", "study.yaml:7"),
            (oneJudge, "", "{kinds: [rubric], feedback: {items: 900}}", "more than the", "study.yaml:5"),
            (oneJudge, "", "{kinds: [rubric], feedback: {share: 1.5}}", "a share of dev", "study.yaml:5"),
            (oneJudge, "", "{kinds: [rubric], library: x.yaml}", "add library to 'kinds'", "study.yaml:5"),
            (oneJudge, "", "{kinds: []}", "at least one kind", "study.yaml:5"),
            (oneJudge, "templates: bare\n", "{kinds: [rubric]}", "proposer's template", "bare/proposer/system.mustache"),
        ] {
            let study = try folder.write("study.yaml", """
            dataset: data.jsonl
            \(templates)\(judges)
            search:
              space: {template: [choice-ab], judge: [\(judges == oneJudge ? "openai" : "a")]}
              propose: \(propose)
            """)
            let result = try JudgeLabBinary.run(["optimize", study, "--estimate"])
            #expect(result.status == 2 && result.stderr.contains(says) && result.stderr.contains(at), "\(propose): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stdout.isEmpty, "\(result.stderr)")
        }
    }
}
