// Splits by content: the same question and answers under two ids always fall on one side.
import JudgeLab
import Testing

@Suite struct SplitTests {
    /// One item per vote, as MT-Bench's human judgments are often converted: 40 distinct pairs,
    /// the i-th given `1 + i % 4` votes, each vote an item of its own id (some copies with the
    /// answers swapped and the verdict with them, some with white space around the text).
    static func votes() -> [Pair] {
        var pairs: [Pair] = []
        var generator = SeededGenerator(seed: 11)
        for i in 0..<40 {
            for vote in 0...(i % 4) {
                let verdict: Verdict = [.answer1, .tie, .answer2][Int(generator.next() % 3)]
                let (a, b) = ("answer A of \(i)", "answer B of \(i)")
                let swapped = vote % 2 == 1
                pairs.append(Pair(id: "q\(i)-vote\(vote)", question: vote == 2 ? "  Question \(i)?\n" : "Question \(i)?",
                                  answer1: swapped ? b : a, answer2: swapped ? a : b,
                                  label: .winner(swapped && verdict != .tie ? (verdict == .answer1 ? .answer2 : .answer1) : verdict),
                                  category: "c\(i % 3)"))
            }
        }
        return pairs
    }

    static func contents(_ pairs: [Pair]) -> Set<PairContent> { Set(pairs.map(PairContent.init)) }

    @Test func copiesUnderOtherIdsStayOnOneSideOfThePoolSplit() throws {
        let pairs = Self.votes()
        #expect(pairs.count == 100)
        #expect(PairContent.duplicates(pairs) == 60)
        var idOnlyLeaks = 0
        for seed in UInt64(1)...50 {
            let split = try PoolSplit(pairs, fraction: 0.2, ids: nil, seed: seed)
            #expect(split.duplicates == 60)
            #expect(Self.contents(split.fewShot).isDisjoint(with: Self.contents(split.evaluation)), "seed \(seed)")
            #expect(split.fewShot.count + split.evaluation.count == 100)
            #expect(split.fewShot.count >= 20 && split.fewShot.count <= 23)  // the share, plus the last group's copies
            // What a split by id alone (the first 20 of the same shuffle) would have leaked.
            var order = Array(pairs.indices)
            var generator = SeededGenerator(seed: seed)
            generator.shuffle(&order)
            let byID = Set(order.prefix(20))
            if !Self.contents(byID.map { pairs[$0] }).isDisjoint(with: Self.contents(pairs.indices.filter { !byID.contains($0) }.map { pairs[$0] })) { idOnlyLeaks += 1 }
        }
        #expect(idOnlyLeaks == 50)  // the data would have caught a split by id: it leaked under every seed

        // Listed ids take their copies with them into the pool.
        let listed = try PoolSplit(pairs, fraction: 0, ids: ["q3-vote1"], seed: 1)
        #expect(listed.fewShot.map(\.id) == ["q3-vote1", "q3-vote0", "q3-vote2", "q3-vote3"])
        #expect(!listed.evaluation.contains { $0.id.hasPrefix("q3-") })
    }

    @Test func withoutCopiesThePoolIsTheShufflesFirstItems() throws {
        let pairs = TemplateTests.pairs(100)
        for seed in UInt64(1)...10 {
            var order = Array(pairs.indices)
            var generator = SeededGenerator(seed: seed)
            generator.shuffle(&order)
            let split = try PoolSplit(pairs, fraction: 0.2, ids: nil, seed: seed)
            #expect(split.fewShot.map(\.id) == order.prefix(20).sorted().map { pairs[$0].id })
            #expect(split.duplicates == 0)
        }
    }

    @Test func devAndTestNeverShareAPair() throws {
        let pairs = Self.votes()
        for seed in UInt64(1)...30 {
            let pool = try PoolSplit(pairs, fraction: 0.1, ids: nil, seed: seed)
            let split = try SearchSplit(pool: pool.fewShot, evaluation: pool.evaluation, test: 0.4, by: .verdict, seed: seed, file: "s")
            #expect(split.dev.count + split.test.count == pool.evaluation.count)
            #expect(Self.contents(split.dev).isDisjoint(with: Self.contents(split.test)), "seed \(seed)")
            #expect(Self.contents(split.pool).isDisjoint(with: Self.contents(split.dev + split.test)))
            // Copies follow their first in race order, so a prefix never splits them apart.
            let firsts = PairContent.firstOccurrences(split.dev)
            for (index, first) in firsts.enumerated() where first != index {
                #expect(PairContent(split.dev[index - 1]) == PairContent(split.dev[index]))
            }
            // About 40% of the distinct pairs go to test.
            #expect(Self.contents(split.test).count == Int((Double(Self.contents(pool.evaluation).count) * 0.4).rounded()))
        }
    }

    @Test func statsCountTheCopies() {
        let stats = DatasetStats(Dataset(source: "votes", pairs: Self.votes()))
        #expect(stats.duplicates == 60)
        #expect(stats.table.contains("duplicate pairs"))
        #expect(DatasetStats(Dataset(source: "p", pairs: TemplateTests.pairs(10))).duplicates == 0)
    }
}

@Suite struct LeakGuardTests {
    /// The guard behind the splits: an example that is an evaluated item, by id or by content
    /// (the same pair under another id, answers swapped), is found; examples apart are not.
    @Test func anExampleThatIsAnEvaluatedItemIsFound() throws {
        let items = TemplateTests.pairs(6)
        let apart = TemplateTests.pairs(12).suffix(3).map { $0 }
        var variant = try TemplateTests.variant("choice-ab", examples: apart)
        #expect(StudyPlan.leak(items: items, variants: [variant]) == nil)
        variant.examples = apart + [items[2]]
        #expect(StudyPlan.leak(items: items, variants: [variant])?.example.id == "p2")
        var copy = items[4]
        copy.id = "copy-of-p4"
        (copy.answer1, copy.answer2) = (copy.answer2 + "  ", copy.answer1)
        variant.examples = apart + [copy]
        #expect(StudyPlan.leak(items: items, variants: [variant])?.example.id == "copy-of-p4")
    }
}
