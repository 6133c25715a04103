// Few-shot examples: a pool kept apart from the evaluated items, and how k examples are chosen.

/// How a variant picks its k examples from the few-shot pool.
public enum ExampleSelection: String, CaseIterable, Sendable {
    /// k items drawn at random (seeded).
    case random
    /// Prefer-1, tie and prefer-2 examples as evenly as k allows (ties only where the template allows them).
    case balanced
    /// The study's listed ids, in order.
    case fixed
    /// Pool items a zero-shot judge gets wrong (`judgelab optimize` finds them), balanced by
    /// verdict; the rest of the pool, balanced, when there are too few.
    case hard
    /// Round-robin over the pool's categories (sorted), each category shuffled.
    case diverse
    /// For each judged item, the k pool items most similar to it (BM25 over question and answers).
    case nearest

    public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}

/// The split of a data set into a few-shot pool and the evaluation pool. They never overlap, by
/// id or by content: an item whose question and answers (in either order) are another's goes
/// to the same side as it (`PairContent`).
public struct PoolSplit: Sendable {
    public var fewShot: [Pair]
    public var evaluation: [Pair]
    /// How many items repeat an earlier item's content under another id (each kept on its
    /// first's side).
    public var duplicates = 0
    /// How many more items share an answer (question and answer text) with an earlier item of
    /// another content: each kept on its group's side.
    public var sharing = 0

    public init(fewShot: [Pair], evaluation: [Pair]) {
        self.fewShot = fewShot
        self.evaluation = evaluation
    }

    /// What a run says when the data set repeats pairs under other ids, or pairs share answers.
    public static func note(duplicates: Int, sharing: Int = 0) -> String {
        var parts: [String] = []
        if duplicates > 0 { parts.append("\(duplicates) items repeat another item's question and answers under another id") }
        if sharing > 0 { parts.append("\(sharing) share an answer with another item") }
        return parts.joined(separator: " and ") + ": each is kept on the same side of the split as the first it is tied to (never an example of itself, and no example shows an answer that is judged)"
    }

    /// - Parameters:
    ///   - fraction: the share of items (rounded down, at least 1 when above 0) put in the pool,
    ///     drawn with `SeededGenerator(seed:)`; ignored when `ids` are listed. Items are taken in
    ///     the shuffled order, each with every item of the same content, until the pool holds
    ///     the share (a data set without duplicates: exactly the first of the shuffled order).
    ///   - ids: the pool's items by id; items with the same content as one of them join the pool
    ///     after them.
    public init(_ pairs: [Pair], fraction: Double, ids: [String]?, seed: UInt64, file: String = "study") throws {
        duplicates = PairContent.duplicates(pairs)
        let first = PairContent.groups(pairs)
        sharing = first.enumerated().count { $0.offset != $0.element } - duplicates
        var copies: [Int: [Int]] = [:]  // a first occurrence's later copies
        for (index, owner) in first.enumerated() where owner != index { copies[owner, default: []].append(index) }
        func group(_ index: Int) -> [Int] { [first[index]] + (copies[first[index]] ?? []) }
        if let ids {
            let index = Dictionary(pairs.indices.map { (pairs[$0].id, $0) }, uniquingKeysWith: { first, _ in first })
            var seen = Set<String>()
            var listed: [Int] = []
            for id in ids {
                guard let at = index[id] else { throw InputError(file: file, field: "split.fewshot_ids", "'\(id.excerpt())' is not an item of the data set") }
                guard seen.insert(id).inserted else { throw InputError(file: file, field: "split.fewshot_ids", "'\(id.excerpt())' is listed twice") }
                listed.append(at)
            }
            let inPool = Set(listed.flatMap(group))
            let sameContent = pairs.indices.filter { inPool.contains($0) && !seen.contains(pairs[$0].id) }
            fewShot = (listed + sameContent).map { pairs[$0] }
            evaluation = pairs.indices.filter { !inPool.contains($0) }.map { pairs[$0] }
        } else {
            guard (0..<1).contains(fraction) else { throw InputError(file: file, field: "split.fewshot_fraction", "must be at least 0 and below 1") }
            var order = Array(pairs.indices)
            var generator = SeededGenerator(seed: seed)
            generator.shuffle(&order)
            let count = fraction > 0 ? max(1, Int(Double(pairs.count) * fraction)) : 0
            var chosen = Set<Int>()
            for index in order where chosen.count < count && !chosen.contains(index) { chosen.formUnion(group(index)) }
            fewShot = pairs.indices.filter { chosen.contains($0) }.map { pairs[$0] }
            evaluation = pairs.indices.filter { !chosen.contains($0) }.map { pairs[$0] }
        }
    }
}

/// Chooses a variant's examples; the same for every item it judges.
public enum FewShotSelector {
    /// - Parameter hardIDs: for `hard`, the pool items a zero-shot judge got wrong.
    public static func choose(k: Int, from pool: [Pair], selection: ExampleSelection, fixedIDs: [String], allowsTie: Bool,
                              seed: UInt64, tieBand: TieBand = .standard, hardIDs: [String]? = nil,
                              file: String = "study", variant: String = "") throws -> [Pair] {
        guard k > 0 else { return [] }
        let eligible = allowsTie ? pool : pool.filter { $0.humanVerdict(tieBand: tieBand) != .tie }
        switch selection {
        case .fixed:
            let index = Dictionary(pool.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            guard fixedIDs.count >= k else {
                throw InputError(file: file, field: "fewshot_ids", "variant \(variant) asks for \(k) examples but \(fixedIDs.count) ids are listed")
            }
            return try fixedIDs.prefix(k).map { id in
                guard let pair = index[id] else {
                    throw InputError(file: file, field: "fewshot_ids", "'\(id.excerpt())' is not in the few-shot pool (it must not be an evaluated item)")
                }
                return pair
            }
        case .nearest:
            // Per item: see `NearestExamples`; the variant holds none of its own.
            guard eligible.count >= k else {
                throw InputError(file: file, field: "shots", "variant \(variant) asks for \(k) examples but the few-shot pool holds \(eligible.count)\(allowsTie ? "" : " without ties")")
            }
            return []
        case .hard:
            guard let hardIDs else {
                throw InputError(file: file, field: "selection", "variant \(variant): 'hard' examples come from a zero-shot judge's mistakes on the pool, which `judgelab optimize` finds; use random, balanced, diverse, nearest or fixed here")
            }
            let wrong = Set(hardIDs)
            let hard = eligible.filter { wrong.contains($0.id) }
            var chosen = try choose(k: min(k, hard.count), from: hard, selection: .balanced, fixedIDs: [], allowsTie: allowsTie, seed: seed, tieBand: tieBand,
                                    file: file, variant: variant)
            if chosen.count < k {
                chosen += try choose(k: k - chosen.count, from: eligible.filter { !wrong.contains($0.id) }, selection: .balanced, fixedIDs: [],
                                     allowsTie: allowsTie, seed: seed, tieBand: tieBand, file: file, variant: variant)
            }
            return chosen
        case .random, .balanced, .diverse:
            guard eligible.count >= k else {
                throw InputError(file: file, field: "shots", "variant \(variant) asks for \(k) examples but the few-shot pool holds \(eligible.count)\(allowsTie ? "" : " without ties")")
            }
            var generator = SeededGenerator(seed: seed)
            switch selection {
            case .random:
                var order = eligible
                generator.shuffle(&order)
                return Array(order.prefix(k))
            case .diverse:
                let names = Set(eligible.map { $0.category ?? "" }).sorted()
                return roundRobin(names.map { name in eligible.filter { ($0.category ?? "") == name } }, k: k, generator: &generator)
            default:
                return roundRobin((allowsTie ? Verdict.allCases : [.answer1, .answer2]).map { verdict in
                    eligible.filter { $0.humanVerdict(tieBand: tieBand) == verdict }
                }, k: k, generator: &generator)
            }
        }
    }

    /// k items taken round-robin over the groups, each shuffled first; a group that runs out is skipped.
    static func roundRobin(_ groups: [[Pair]], k: Int, generator: inout SeededGenerator) -> [Pair] {
        var groups = groups
        for i in groups.indices { generator.shuffle(&groups[i]) }
        var chosen: [Pair] = []
        var round = 0
        while chosen.count < k {
            for group in groups where chosen.count < k && round < group.count { chosen.append(group[round]) }
            round += 1
        }
        return chosen
    }
}
