// The three splits a search keeps apart: the few-shot pool, the dev split and the test split.

/// The study's few-shot pool (examples only), and its evaluation pool cut, stratified and
/// seeded, into a dev split (the search's only evidence) and a test split (confirmation only).
///
/// Strata are visited in `Stratification`'s order with one `SeededGenerator` seeded with
/// `mix(seed, 1)`: each stratum's items (in data set order) are shuffled, and the first of them,
/// as many as the stratum's largest-remainder share of the test size, go to test. The dev items
/// are then put in race order: each stratum's dev items in their shuffled order, interleaved by
/// their position within the stratum ((rank + 0.5) / stratum size, then stratum order), so that
/// every prefix the race judges is stratified too. Test items keep the data set's order.
///
/// Items count by content: an item with another's question and answers (`PairContent`) is a
/// copy, drawn with the first of them and put on its side, right after it in race order.
public struct SearchSplit: Sendable {
    public var pool: [Pair]
    /// In race order.
    public var dev: [Pair]
    /// In data set order.
    public var test: [Pair]

    public init(pool: [Pair], evaluation: [Pair], test: Double, by stratification: Stratification, seed: UInt64, file: String) throws {
        self.pool = pool
        // Apart from the pool by id and by content; an item and its copies (the same content
        // under other ids) go together, to dev or to test, with the first one's stratum.
        let poolIDs = Set(pool.map(\.id)), poolContent = Set(pool.map(PairContent.init))
        let candidates = evaluation.filter { !poolIDs.contains($0.id) && !poolContent.contains(PairContent($0)) }
        let first = PairContent.groups(candidates)
        var copies: [Int: [Int]] = [:]
        for (index, owner) in first.enumerated() where owner != index { copies[owner, default: []].append(index) }
        var members: [String: [Int]] = [:]
        for (index, pair) in candidates.enumerated() {
            guard let name = stratification.stratum(of: pair) else {
                throw InputError(file: file, field: "search.split.by", "item '\(pair.id.excerpt())' has no stratum under '\(stratification.rawValue)'")
            }
            if first[index] == index { members[name, default: []].append(index) }
        }
        let distinct = members.values.reduce(0) { $0 + $1.count }
        let names = Stratification.sortedNames(members.keys)
        let total = test < 1 ? Int((Double(distinct) * test).rounded()) : Int(test)
        guard total >= 1, total < distinct else {
            throw InputError(file: file, field: "search.split.test",
                             "a test split of \(total) items out of \(distinct) distinct items outside the few-shot pool leaves \(total < 1 ? "no test items" : "no dev items")")
        }
        let counts = Sampler.largestRemainder(total: total, sizes: names.map { members[$0]!.count })
        var generator = SeededGenerator(seed: SeededGenerator.mix(seed, 1))
        var testIndices = Set<Int>()
        var devOrder: [(key: Double, stratum: Int, copy: Int, index: Int)] = []
        for (s, name) in names.enumerated() {
            var indices = members[name]!
            generator.shuffle(&indices)
            for index in indices.prefix(counts[s]) { testIndices.formUnion([index] + (copies[index] ?? [])) }
            let rest = Array(indices.dropFirst(counts[s]))
            for (rank, index) in rest.enumerated() {
                for (copy, member) in ([index] + (copies[index] ?? [])).enumerated() {
                    devOrder.append(((Double(rank) + 0.5) / Double(rest.count), s, copy, member))
                }
            }
        }
        devOrder.sort { ($0.key, $0.stratum, $0.copy) < ($1.key, $1.stratum, $1.copy) }
        dev = devOrder.map { candidates[$0.index] }
        self.test = candidates.indices.filter { testIndices.contains($0) }.map { candidates[$0] }
    }
}
