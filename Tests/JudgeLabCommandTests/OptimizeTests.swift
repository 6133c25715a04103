// `judgelab optimize`: splits that cannot leak, a search that decides the same after kill -9,
// budgets that hold, clear errors for spaces too large or empty, and the winner reproduced.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTesting
import JudgeLabStore
import JudgeLabXML
import JudgeLabTestSupport

@Suite struct OptimizeTests {
    /// A small simulated trial: synthetic items and a search of 12 candidates.
    static func smallSetup() -> OptimizeSimulation.Setup {
        var setup = OptimizeSimulation.Setup()
        setup.candidates = 12
        setup.pool = 24
        setup.dev = 200
        setup.test = 60
        setup.firstRound = 30
        setup.growth = 30
        return setup
    }

    /// A small trial's files in a fresh folder (kept alive by the caller), and its study.
    static func trial(seed: UInt64) throws -> (TemporaryFolder, Study) {
        let folder = try TemporaryFolder()
        let path = try OptimizeSimulation.writeTrial(seed: seed, setup: smallSetup(), directory: folder.path, templates: Paths.root + "/PromptTemplates")
        return (folder, try Study.load(path: path))
    }

    /// The plan of a trial, and an engine over the simulated judge and an in-memory store.
    static func inProcess(_ study: Study, seed: UInt64, priced: Bool = false) throws -> (OptimizePlan, RunnerEngine, InMemoryRunStore) {
        let plan = try OptimizePlan(study: study)
        let settings = try RunSettings.from(plan: plan.studyPlan(variants: plan.candidates + [plan.baseline] + plan.probes(), items: plan.split.dev), environment: [:])
        let judge = SimulatedJudge(name: settings.judges[0].name, salt: seed, pairs: plan.dataset.pairs, priced: priced)
        let store = InMemoryRunStore()
        return (plan, RunnerEngine(library: plan.library, settings: settings, store: store, judges: [judge], file: study.file), store)
    }

    // MARK: Splits

    /// Random studies: random sizes, label mixes, categories, pool shares, test shares and seeds.
    @Test func poolDevAndTestNeverOverlapAndExamplesComeFromThePoolOnly() throws {
        var random = SeededGenerator(seed: 2026)
        for trial in 0..<40 {
            let folder = try TemporaryFolder()
            let count = 40 + random.uniform(below: 160)
            let tieShare = random.unit() * 0.3
            let pairs = (0..<count).map { n -> Pair in
                let u = random.unit()
                let verdict: Verdict = u < tieShare ? .tie : u < (1 + tieShare) / 2 ? .answer1 : .answer2
                var pair = Pair(id: "t\(trial)-\(n)", question: "Question \(n) about topic \(n % 7) and words \(random.uniform(below: 50))",
                                answer1: "answer one \(random.uniform(below: 30))", answer2: "answer two \(random.uniform(below: 30))", label: .winner(verdict))
                pair.category = random.unit() < 0.8 ? "cat-\(random.uniform(below: 4))" : nil
                return pair
            }
            try folder.write("data.jsonl", NativeFormat.text(pairs))
            let fraction = 0.1 + random.unit() * 0.2
            let test = random.unit() < 0.5 ? JSONValue.format(number: 0.1 + random.unit() * 0.4) : "\(5 + random.uniform(below: 20))"
            let study = try folder.write("study.yaml", """
            name: leak-\(trial)
            dataset: data.jsonl
            templates: \(Paths.root)/PromptTemplates
            split: {fewshot_fraction: \(fraction), seed: \(random.uniform(below: 1000))}
            judge: {provider: openai, base_url: "http://127.0.0.1:9/v1", model: m}
            search:
              seed: \(random.uniform(below: 1000))
              candidates: \(4 + random.uniform(below: 20))
              split: {test: \(test), by: \(["verdict", "category", "verdict-category"][random.uniform(below: 3)])}
              space:
                template: [choice-ab, choice-ab-notie, rating-1to9]
                shots: [0, 1, 2, 3]
                selection: [random, balanced, hard, diverse, nearest]
                rubric: [none, short]
            """)
            let plan = try OptimizePlan(study: try Study.load(path: study))
            let pool = Set(plan.split.pool.map(\.id)), dev = Set(plan.split.dev.map(\.id)), testIDs = Set(plan.split.test.map(\.id))
            #expect(pool.isDisjoint(with: dev) && pool.isDisjoint(with: testIDs) && dev.isDisjoint(with: testIDs), "trial \(trial)")
            #expect(pool.count + dev.count + testIDs.count == count, "trial \(trial): every item in exactly one split")
            #expect(plan.split.dev.count == dev.count && plan.split.test.count == testIDs.count, "no item twice")
            // Every example any candidate, the baseline or a probe shows, for any evaluated item, is a pool item.
            let probeIDs = Set(plan.probeTemplates.flatMap { plan.probeItems($0).map(\.id) })
            #expect(probeIDs.isSubset(of: pool), "the probe judges pool items only")
            for variant in plan.candidates + [plan.baseline] {
                for item in plan.split.dev + plan.split.test {
                    let shown = Set(variant.examples(for: item).map(\.id))
                    #expect(shown.isSubset(of: pool), "trial \(trial): \(variant.name) shows a non-pool example with \(item.id)")
                    #expect(!shown.contains(item.id))
                }
            }
        }
    }

    /// Nothing the search decides reads the test split: scramble its human labels and every
    /// decision (rounds, drops, evidence, finalists, winner) stays as it was.
    @Test func theTestSplitsLabelsChangeNoDecision() async throws {
        let folder = try TemporaryFolder()
        let path = try OptimizeSimulation.writeTrial(seed: 5, setup: Self.smallSetup(), directory: folder.path, templates: Paths.root + "/PromptTemplates")
        // Split by category, so that flipping a test item's label moves it to no other stratum.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try AtomicFile.write(text.replacingOccurrences(of: "split: {test: 60}", with: "split: {test: 60, by: category}"), to: path)
        let study = try Study.load(path: path)
        let (plan, engine, _) = try Self.inProcess(study, seed: 5)
        let first = try await Optimizer(plan: plan).run(engine: engine)

        var scrambled = plan.dataset.pairs
        let test = Set(plan.split.test.map(\.id))
        for i in scrambled.indices where test.contains(scrambled[i].id) {
            scrambled[i].label = .winner(scrambled[i].humanVerdict() == .answer1 ? .answer2 : .answer1)
        }
        try AtomicFile.write(NativeFormat.text(scrambled), to: folder.path + "/data.jsonl")
        let (plan2, engine2, _) = try Self.inProcess(try Study.load(path: path), seed: 5)
        #expect(Set(plan2.split.test.map(\.id)) == test, "the split does not depend on the test labels' values")
        let second = try await Optimizer(plan: plan2).run(engine: engine2)
        #expect(Self.decisions(first) == Self.decisions(second))
        #expect(first.rounds.count >= 2 && first.candidates.contains { $0.droppedIn != nil }, "the race dropped someone")
    }

    /// Rounds, drops with their evidence, finalists and the winner, as text.
    static func decisions(_ r: OptimizeResult) -> [String] {
        r.rounds.map { "round \($0.number) \($0.items) \($0.leader) \($0.dropped)" }
            + r.candidates.map { "\($0.name) \($0.devItems) \($0.devAgreements) \($0.droppedIn ?? 0) \($0.evidence.map { "\($0.p) \($0.threshold)" } ?? "-")" }
            + ["finalists \(r.finalists)", "winner \(r.winner)", "stop \(r.stop)"]
    }

    static func decisions(_ s: OptimizeSummary) -> [String] {
        s.rounds.map { "round \($0.number) \($0.items) \($0.leader) \($0.dropped)" }
            + s.candidateRows.map { "\($0.name) \($0.devItems) \($0.devAgreement ?? -1) \($0.droppedIn ?? 0) \($0.evidence.map { "\($0.p) \($0.threshold)" } ?? "-")" }
            + ["finalists \(s.finalists)", "winner \(s.winner)", "stop \(s.stop)"]
            + s.confirmation.map { "\($0.name) \($0.testAgreement ?? -1)" }
    }

    // MARK: Example selections

    /// `hard`: a zero-shot probe judges the pool once, through the runner, and the hard
    /// candidates show the pool items it got wrong first.
    @Test func hardExamplesAreThePoolItemsAZeroShotProbeGotWrong() async throws {
        let folder = try TemporaryFolder()
        let path = try OptimizeSimulation.writeTrial(seed: 4, setup: Self.smallSetup(), directory: folder.path, templates: Paths.root + "/PromptTemplates")
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "selection: [random, balanced, diverse]", with: "selection: [hard]")
            .replacingOccurrences(of: "shots: [0, 1, 2, 3, 4, 5, 6]", with: "shots: [2, 3]")
        try AtomicFile.write(text, to: path)
        let (plan, engine, store) = try Self.inProcess(try Study.load(path: path), seed: 4)
        #expect(plan.probeTemplates == ["choice-ab"])
        let result = try await Optimizer(plan: plan).run(engine: engine)
        let pool = plan.split.pool
        #expect(result.probeJudgments == pool.count)
        let probe = try store.entries().compactMap(\.judgment).filter { $0.variant == "probe.choice-ab" }
        #expect(probe.count == pool.count)
        let wrong = Set(probe.filter { j in
            ItemOutcome(pair: pool.first { $0.id == j.item }!, original: j, swapped: nil, tieBand: .standard).agrees == false
        }.map(\.item))
        #expect(Set(result.hardIDs["choice-ab"] ?? []) == wrong && !wrong.isEmpty)
        for candidate in result.candidates {
            let shown = candidate.variant.examples.map(\.id)
            let hardFirst = shown.prefix(min(shown.count, wrong.count))
            #expect(hardFirst.allSatisfy(wrong.contains), "\(candidate.name) shows \(shown), hard: \(wrong.sorted())")
        }
    }

    /// `nearest`: BM25 over question and answers, the most similar pool items first, the item
    /// itself never among them; the same every time.
    @Test func nearestExamplesAreThePoolItemsMostLikeTheItem() {
        func pair(_ id: String, _ question: String) -> Pair {
            Pair(id: id, question: question, answer1: "an answer", answer2: "another answer", label: .winner(.answer1))
        }
        let pool = [pair("p1", "How do I bake sourdough bread at home?"), pair("p2", "What is the capital of France?"),
                    pair("p3", "Which flour is best for bread baking?"), pair("p4", "How far is the Moon?")]
        let index = NearestExamples(k: 2, pool: pool)
        let item = pair("q", "Tips for baking bread with whole wheat flour?")
        #expect(index.examples(for: item).map(\.id) == ["p3", "p1"])
        #expect(NearestExamples(k: 2, pool: pool).examples(for: item).map(\.id) == ["p3", "p1"])
        #expect(index.examples(for: pool[1]).map(\.id).contains("p2") == false)
    }

    /// Proposals: neighbours of the leader join the race, catch up on the dev items judged so
    /// far, show only pool examples, and the search stays deterministic.
    @Test func proposedCandidatesCatchUpAndKeepTheSearchDeterministic() async throws {
        let (folder, study0) = try Self.trial(seed: 6)
        var study = study0
        defer { withExtendedLifetime(folder) {} }  // its files are read to the end
        study.search!.proposals = 3
        let (plan, engine, _) = try Self.inProcess(study, seed: 6)
        let first = try await Optimizer(plan: plan).run(engine: engine)
        let proposed = first.candidates.filter { $0.origin != nil }
        #expect(proposed.count >= 1, "\(first.rounds.count) rounds")
        let pool = Set(plan.split.pool.map(\.id))
        for candidate in proposed {
            #expect(candidate.origin!.contains("proposed after round"))
            #expect(Set(candidate.variant.examples.map(\.id)).isSubset(of: pool))
            // Caught up: judged on as many dev items as the candidates that stayed as long.
            let round = Int(candidate.origin!.split(separator: " ")[3].trimmingCharacters(in: .punctuationCharacters))!
            let judgedBy = first.rounds.last { $0.number == (candidate.droppedIn ?? first.rounds.last!.number) }!.items
            #expect(candidate.devItems == judgedBy, "\(candidate.name) from round \(round): \(candidate.devItems) dev items, the others \(judgedBy)")
        }
        #expect(first.fullGridJudgments == plan.fullGridJudgments, "the full grid is the drawn candidates'")
        let (again, engine2, _) = try Self.inProcess(study, seed: 6)
        #expect(Self.decisions(try await Optimizer(plan: again).run(engine: engine2)) == Self.decisions(first))
    }

    /// Issue 29's `library` proposals: rubrics written from an instruction library, one criterion
    /// added or dropped from the leader's, raced from the dev items judged so far; the same
    /// proposals and decisions on a second run; and a proposal's winner study carries its text, so
    /// that it asks exactly what the search asked.
    @Test func libraryProposalsWriteRubricsThatRaceAndTheWinnerStudyCarriesTheirText() async throws {
        let (folder, study0) = try Self.trial(seed: 6)
        var study = study0
        defer { withExtendedLifetime(folder) {} }
        let library = ["The answer follows every instruction.", "The answer is factually correct.", "The answer is concise."]
        var propose = ProposeSpec()
        propose.library = library
        propose.perRound = 2
        propose.total = 5
        study.search!.propose = propose
        let (plan, engine, _) = try Self.inProcess(study, seed: 6)
        let first = try await Optimizer(plan: plan).run(engine: engine)
        let proposed = first.candidates.filter { $0.origin?.contains("criterion") == true }
        #expect(proposed.count >= 2 && proposed.count <= 5, "\(first.candidates.compactMap(\.origin))")
        for candidate in proposed {
            let text = try #require(candidate.variant.rubricText)
            #expect(text.hasPrefix(LibraryProposals.header) && candidate.variant.rubric == LibraryProposals.name(of: text))
            #expect(text.split(separator: "\n").dropFirst().allSatisfy { line in library.contains(String(line.dropFirst(2))) })
            // Raced from the items judged so far: caught up like any proposal.
            let judgedBy = first.rounds.last { $0.number == (candidate.droppedIn ?? first.rounds.last!.number) }!.items
            #expect(candidate.devItems == judgedBy || candidate.origin!.contains("not raced"), "\(candidate.name)")
        }
        let (again, engine2, _) = try Self.inProcess(study, seed: 6)
        let second = try await Optimizer(plan: again).run(engine: engine2)
        #expect(Self.decisions(second) == Self.decisions(first))
        #expect(second.candidates.map(\.name) == first.candidates.map(\.name))

        // Its winner study: the rubric's text itself, the same prompt as in the search.
        let proposal = try #require(proposed.first).variant
        let yaml = WinnerStudy.yaml(winner: proposal, plan: plan, dataset: "winner-data.jsonl", templates: Paths.root + "/PromptTemplates", result: first)
        #expect(yaml.contains("rubric_text: "))
        try NativeFormat.text(WinnerStudy.items(winner: proposal, plan: plan)).write(toFile: folder.path + "/winner-data.jsonl", atomically: true, encoding: .utf8)
        let path = try folder.write("winner.yaml", yaml)
        let winnerPlan = try StudyPlan(study: try Study.load(path: path))
        let reloaded = try #require(winnerPlan.variants.first)
        #expect(reloaded.rubricText == proposal.rubricText && reloaded.rubric == proposal.rubric)
        let item = plan.split.test[0]
        let asked = try PromptBuilder(variant: proposal, library: plan.library).messages(for: item, order: .original)
        let again3 = try PromptBuilder(variant: reloaded, library: winnerPlan.library).messages(for: item, order: .original)
        #expect(asked == again3)
        #expect(asked.contains { $0.content.contains(library[0]) || $0.content.contains(library[1]) || $0.content.contains(library[2]) })
    }

    @Test func aBadInstructionLibraryIsOneClearError() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Paths.samples + "/pandalm-200.jsonl", toPath: folder.path + "/data.jsonl")
        _ = try folder.write("empty.yaml", "[]\n")
        _ = try folder.write("map.yaml", "a: 1\n")
        // Each error names where it is: the library file's own line, or the study's `propose`.
        for (propose, says, at) in [("{library: empty.yaml}", "an empty instruction library", "empty.yaml:1"),
                                    ("{library: missing.yaml}", "cannot read the instruction library", "study.yaml:5"),
                                    ("{library: map.yaml}", "a YAML list of criteria", "map.yaml:1"),
                                    ("{kinds: [rubric], library: empty.yaml}", "add library to 'kinds'", "study.yaml:5"),
                                    ("{kinds: [library]}", "need 'library'", "study.yaml:5")] {
            let study = try folder.write("study.yaml", """
            dataset: data.jsonl
            judge: {base_url: "http://127.0.0.1:9/v1", model: m}
            search:
              space: {template: [choice-ab]}
              propose: \(propose)
            """)
            let result = try JudgeLabBinary.run(["optimize", study, "--estimate"])
            #expect(result.status == 2 && result.stderr.contains(says) && result.stderr.contains(at + ":"), "\(propose): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stdout.isEmpty)
        }
    }

    // MARK: Budgets

    @Test func theJudgmentBudgetStopsTheRaceAndKeepsTheConfirmation() async throws {
        let (folder, study0) = try Self.trial(seed: 8)
        var study = study0
        defer { withExtendedLifetime(folder) {} }  // its files are read to the end
        study.search!.maxJudgments = 900
        let (plan, engine, store) = try Self.inProcess(study, seed: 8)
        let result = try await Optimizer(plan: plan).run(engine: engine)
        #expect(result.stop == .judgmentBudget)
        #expect(result.judgments <= 900, "\(result.judgments) judgments")
        #expect(try store.entries().count <= 900)
        #expect(result.confirmed && result.confirmationJudgments > 0, "the confirmation's share was kept back")
        // With proposals, their catching up is paid for inside the same budget.
        study.search!.proposals = 4
        study.search!.maxJudgments = 1300
        let (proposing, engine3, store3) = try Self.inProcess(study, seed: 8)
        let withProposals = try await Optimizer(plan: proposing).run(engine: engine3)
        let journaled = try store3.entries().count
        #expect(journaled <= 1300 && withProposals.judgments <= 1300, "\(journaled) journaled, stop \(withProposals.stop)")
        #expect(withProposals.confirmed && withProposals.candidates.contains { $0.origin != nil }, "a proposal was made within the budget")
        #expect(withProposals.stop == .judgmentBudget)
        // Without the budget the race goes on past it.
        study.search!.maxJudgments = nil
        let (free, engine2, _) = try Self.inProcess(study, seed: 8)
        #expect(try await Optimizer(plan: free).run(engine: engine2).judgments > 900)
    }

    @Test func theDollarCapIsNeverExceeded() async throws {
        let (folder, study0) = try Self.trial(seed: 9)
        var study = study0
        defer { withExtendedLifetime(folder) {} }  // its files are read to the end
        study.prices = PriceTable(prices: ["sim-judge": Price(input: 10, output: 10)])
        study.maxCostUSD = 2
        let (plan, engine, store) = try Self.inProcess(study, seed: 9, priced: true)
        let result = try await Optimizer(plan: plan).run(engine: engine)
        #expect(result.stop == .dollarBudget)
        let paid = try store.paidUSD()
        #expect(paid <= 2, "paid \(paid)")
        #expect(paid > 1, "the cap was used, not refused outright")
        #expect(result.confirmed && result.raceJudgments > 0 && result.raceJudgments < result.fullGridJudgments, "confirmed \(result.confirmed), race \(result.raceJudgments), rounds \(result.rounds.map { "\($0.items): $\($0.paidUSD)" })")

        // A cap that cannot cover the confirmation is one clear error before anything is judged.
        study.maxCostUSD = 0.2
        let (small, engine2, store2) = try Self.inProcess(study, seed: 9, priced: true)
        await #expect(throws: InputError.self) { try await Optimizer(plan: small).run(engine: engine2) }
        #expect(try store2.entries().isEmpty)
    }

    // MARK: Errors

    static func optimizeError(_ space: String, extra: String = "") throws -> String {
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Paths.samples + "/pandalm-200.jsonl", toPath: folder.path + "/data.jsonl")
        let study = try folder.write("study.yaml", """
        name: e
        dataset: data.jsonl
        templates: \(Paths.root)/PromptTemplates
        split: {fewshot_fraction: 0.2}
        judge: {provider: openai, base_url: "http://127.0.0.1:9/v1", model: m}
        search:
        \(extra)  space:
        \(space)
        """)
        let result = try JudgeLabBinary.run(["optimize", study, "--out", folder.path + "/out"])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"), "nothing written")
        return result.stderr
    }

    /// A cap that cannot cover one round and the confirmation is refused before anything is
    /// judged, and the search's folder is not left behind (its run.lock and run.sqlite were).
    @Test func aSearchRefusedByItsBudgetLeavesNoFolder() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Paths.root + "/Tests/Corpus/bad-input/good-data.jsonl", toPath: folder.path + "/data.jsonl")
        let study = try folder.write("study.yaml", "dataset: data.jsonl\njudge: {model: gpt-4o-mini, base_url: 'http://127.0.0.1:9/v1'}\nsearch:\n  split: {test: 0.3}\n  space:\n    template: [choice-ab, rating-1to9]\n")
        let out = folder.path + "/out"
        let result = try JudgeLabBinary.run(["optimize", study, "--out", out, "--max-cost", "0.0001", "--quiet"])
        #expect(result.status == 2)
        #expect(result.stderr == "error: \(study): field 'budget.max_cost_usd': $0.0001 cannot cover one dev item for each of the 2 candidates and the confirmation on the test split (at most $0.0012) after $0.0000 spent: raise it\n")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func aSpaceTooLargeOrEmptyIsOneClearError() throws {
        let shots = "[" + (1...1000).map(String.init).joined(separator: ", ") + "]"
        let temperatures = "[" + (0..<200).map { JSONValue.format(number: Double($0) / 100) }.joined(separator: ", ") + "]"
        let large = try Self.optimizeError("    template: choice-ab\n    shots: \(shots)\n    selection: random\n    example_sets: 10000\n    temperature: \(temperatures)")
        #expect(large.contains("study.yaml:") && large.contains("search.space") && large.contains("too large"), "\(large)")
        #expect(large.split(separator: "\n").count == 1)

        let empty = try Self.optimizeError("    template: choice-ab\n    shots: []")
        #expect(empty.contains("search.space.shots") && empty.contains("empty list"), "\(empty)")
        let noTemplates = try Self.optimizeError("    template: []")
        #expect(noTemplates.contains("search.space.template") && noTemplates.contains("empty list"), "\(noTemplates)")
        let tooMany = try Self.optimizeError("    template: [choice-ab, rating-1to9]\n    shots: [0, 1, 2, 3]\n    selection: random\n    example_sets: 100",
                                             extra: "  candidates: 500\n")
        #expect(tooMany.contains("search.candidates") && tooMany.contains("max_variants"), "\(tooMany)")
        let unknown = try Self.optimizeError("    template: no-such-template")
        #expect(unknown.contains("no-such-template"), "\(unknown)")
    }

    // MARK: End to end, and kill -9

    /// The shipped example study against the test server: the winner study, the reports and the
    /// journal; then `run winner.yaml` reproduces the test figures from the cache alone.
    @Test func theExampleStudyOptimizesEndToEndAndItsWinnerReproducesFromTheCache() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        #expect(try JudgeLabBinary.run(["init", folder.path + "/ex"]).status == 0)
        let studyPath = folder.path + "/ex/study.yaml"
        let text = try String(contentsOfFile: studyPath, encoding: .utf8).replacingOccurrences(of: "http://127.0.0.1:8080/v1", with: server.baseURL)
        try AtomicFile.write(text, to: studyPath)
        let estimate = try JudgeLabBinary.run(["optimize", studyPath, "--estimate"], cwd: folder.path)
        #expect(estimate.status == 0 && estimate.stdout.contains("judgments at most") && estimate.stdout.contains("dollars at most"), "\(estimate.stdout)\(estimate.stderr)")
        #expect(try await server.stats()["requests"]!.int == 0, "an estimate sends nothing")

        let optimized = try JudgeLabBinary.run(["optimize", studyPath, "--quiet"], cwd: folder.path)
        #expect(optimized.status == 0, "\(optimized.stdout)\(optimized.stderr)")
        let results = folder.path + "/Results"
        let out = try #require(try FileManager.default.contentsOfDirectory(atPath: results).first { $0.contains("-optimize-") })
        let layout = RunLayout(directory: results + "/" + out)
        for file in [layout.winnerStudy, layout.winnerDataset, layout.searchSummary, layout.devJudgments, layout.store, layout.judgments,
                     layout.htmlReport, layout.xmlReport, layout.studyRecord] {
            #expect(FileManager.default.fileExists(atPath: file), "\(file)")
        }
        #expect(try XMLReportWriter.validate(file: layout.xmlReport).isEmpty)
        let page = try String(contentsOfFile: layout.htmlReport, encoding: .utf8)
        #expect(page.contains("id=\"search\"") && page.contains("Dev against test") && page.contains("id=\"search-candidates\""))
        #expect(page.contains("Best on the test split") && page.contains("The search's winner"), "the headline tells the test split's best from the winner")
        let summary = try OptimizeSummary.load(path: layout.searchSummary)
        #expect(summary.candidates == 12 && summary.rounds.count >= 1)
        // One cost figure on the page (its headline used to give the test split's $0.0142
        // against the search section's $0.0814), and which prompt to keep, said plainly.
        let cost = String(format: "$%.4f", summary.paidUSD)
        #expect(page.contains(cost + " paid for the whole search") && page.contains(cost + ".</p>"), "\(cost)")
        #expect(optimized.stdout.contains(summary.advice) && summary.advice.hasPrefix("keep the "), "\(optimized.stdout)")
        let winnerText = try String(contentsOfFile: layout.winnerStudy, encoding: .utf8)
        #expect(winnerText.contains("did not beat the baseline") == !summary.winnerBeatBaseline)
        // Every judgment journaled, and apart from them one entry for each proposal the proposer wrote.
        let entries = try SQLiteRunStore(runPath: layout.store, cachePath: results + "/cache.sqlite").entries()
        #expect(entries.count { $0.key.variant != RunnerEngine.proposerVariant } == summary.probeJudgments + summary.raceJudgments + summary.confirmationJudgments)
        #expect(entries.count { $0.key.variant == RunnerEngine.proposerVariant } == summary.proposals?.count { $0.kind != "library" })

        let requestsBefore = try await server.stats()["requests"]!.int
        let run = try JudgeLabBinary.run(["run", layout.winnerStudy, "--quiet"], cwd: folder.path)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains(" 0 HTTP requests") && run.stdout.contains("0 answered now"), "\(run.stdout)")
        #expect(try await server.stats()["requests"]!.int == requestsBefore, "not one request sent")
        let winnerRun = try #require(try FileManager.default.contentsOfDirectory(atPath: results).first { $0.contains("-winner-") })
        let metrics = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: results + "/" + winnerRun + "/metrics.json")))
        let row = try #require(summary.confirmation.first { $0.role == "winner" })
        guard case let .array(variants)? = metrics["variants"], let variant = variants.first else {
            Issue.record("no variants in \(winnerRun)/metrics.json")
            return
        }
        #expect(variant["variant"]?.stringValue == summary.winner)
        #expect(variant["agreement"]?.numberValue == row.testAgreement)
        #expect(variant["n_items"]?.numberValue == Double(row.testItems))
        if case let .array(bounds)? = variant["agreement_ci"] { #expect(bounds.compactMap { $0.numberValue } == row.testCI) } else { Issue.record("no agreement_ci") }
    }

    /// Two kills at random moments, then the same command: the same decisions and winner as
    /// an uninterrupted run, in a folder of its own with a cache of its own.
    @Test func killedTwiceTheSearchResumesToTheSameDecisions() async throws {
        let folder = try TemporaryFolder()
        let path = try OptimizeSimulation.writeTrial(seed: 3, setup: Self.smallSetup(), directory: folder.path, templates: Paths.root + "/PromptTemplates")
        let server = try FakeJudgeServer(["--simulate", folder.path + "/data.jsonl", "--sim-salt", "3", "--latency-ms", "25"])
        try OptimizeSimulation.writeTrial(seed: 3, setup: Self.smallSetup(), directory: folder.path, baseURL: server.baseURL, templates: Paths.root + "/PromptTemplates")

        let whole = folder.path + "/A/run"
        let uninterrupted = try JudgeLabBinary.run(["optimize", path, "--out", whole, "--quiet"])
        #expect(uninterrupted.status == 0, "\(uninterrupted.stdout)\(uninterrupted.stderr)")
        let expected = try OptimizeSummary.load(path: RunLayout(directory: whole).searchSummary)
        let total = try RunTests.entries(whole).count
        #expect(expected.candidateRows.contains { $0.droppedIn != nil }, "a race with drops")

        var random = SeededGenerator(seed: UInt64(Date().timeIntervalSince1970))
        let first = total / 20 + random.uniform(below: total * 2 / 5)
        let second = total / 2 + random.uniform(below: total * 2 / 5)
        let out = folder.path + "/B/run"
        for moment in [first, second] {
            let process = try JudgeLabBinary.start(["optimize", path, "--out", out, "--quiet"])
            JudgesTests.waitForProgress(out, atLeast: moment)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let journaled = try RunTests.entries(out).count
            #expect(journaled < total, "killed at \(journaled) of \(total) (aimed at \(moment))")
            #expect(!FileManager.default.fileExists(atPath: RunLayout(directory: out).searchSummary), "no record of a finished search yet")
        }
        let resumed = try JudgeLabBinary.run(["optimize", path, "--out", out, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        let summary = try OptimizeSummary.load(path: RunLayout(directory: out).searchSummary)
        #expect(Self.decisions(summary) == Self.decisions(expected))
        #expect(try RunTests.entries(out).count == total, "every judgment journaled once")
    }
}
