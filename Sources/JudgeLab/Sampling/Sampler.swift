// The seeded, stratified sample of items that every variant of a study is judged on.

/// How many items to draw from each stratum.
public enum Allocation: Equatable, Sendable {
    /// The same number from every stratum, capped by what it holds.
    case equal(perStratum: Int)
    /// A total spread over strata in proportion to their sizes (largest remainders).
    case proportional(total: Int)
}

/// A drawn sample: the chosen ids (in data set order) and each stratum's size.
public struct Sample: Sendable {
    public struct Stratum: Sendable, Equatable {
        public var name: String
        public var population: Int
        public var sampled: Int
    }

    public var seed: UInt64
    public var by: Stratification
    public var allocation: Allocation
    public var strata: [Stratum]
    public var ids: [String]
    /// Strata that held fewer items than asked for.
    public var warnings: [String]

    public var json: JSONValue {
        .object([
            ("seed", .number(Double(seed))),
            ("by", .string(by.rawValue)),
            ("strata", .object(strata.map { ($0.name, .object([("population", .number(Double($0.population))), ("sampled", .number(Double($0.sampled)))])) })),
            ("ids", .array(ids.map(JSONValue.string))),
        ])
    }
}

/// Draws stratified samples.
///
/// Strata are visited in a fixed order (verdicts 1, tie, 2; other names sorted). One
/// `SeededGenerator(seed:)` serves them all: each stratum's items, in data set order, are
/// shuffled with `SeededGenerator.shuffle` and the first n are kept.
public enum Sampler {
    public static func draw(_ pairs: [Pair], by stratification: Stratification, allocation: Allocation, seed: UInt64,
                            excluding excluded: Set<String> = [], tieBand: TieBand = .standard) throws -> Sample {
        var members: [String: [Int]] = [:]
        for (index, pair) in pairs.enumerated() where !excluded.contains(pair.id) {
            guard let name = stratification.stratum(of: pair, tieBand: tieBand) else {
                throw InputError(file: "sample", field: "by", "item '\(pair.id.excerpt())' has no simulated human score, so it cannot be put in a score bin (use --by verdict)")
            }
            members[name, default: []].append(index)
        }
        let names = Stratification.sortedNames(members.keys)
        let population = names.map { members[$0]!.count }
        let counts: [Int]
        var warnings: [String] = []
        switch allocation {
        case let .equal(n):
            guard n > 0 else { throw InputError(file: "sample", field: "per-stratum", "must be at least 1") }
            counts = population.map { min(n, $0) }
            for (name, size) in zip(names, population) where size < n {
                warnings.append("stratum \(name) holds only \(size) items, fewer than the \(n) asked for: all are taken")
            }
        case let .proportional(total):
            guard total > 0 else { throw InputError(file: "sample", field: "total", "must be at least 1") }
            let available = population.reduce(0, +)
            if total > available { warnings.append("only \(available) items exist, fewer than the \(total) asked for: all are taken") }
            counts = largestRemainder(total: min(total, available), sizes: population)
        }
        var generator = SeededGenerator(seed: seed)
        var chosen: [Int] = []
        for (name, count) in zip(names, counts) {
            var indices = members[name]!
            generator.shuffle(&indices)
            chosen += indices.prefix(count)
        }
        chosen.sort()
        return Sample(seed: seed, by: stratification, allocation: allocation,
                      strata: zip(names, zip(population, counts)).map { Sample.Stratum(name: $0, population: $1.0, sampled: $1.1) },
                      ids: chosen.map { pairs[$0].id }, warnings: warnings)
    }

    /// Hamilton's method: floors of the exact quotas, then one more to the largest remainders
    /// (earlier strata first on equal remainders). The counts add up to `total` exactly.
    static func largestRemainder(total: Int, sizes: [Int]) -> [Int] {
        let all = sizes.reduce(0, +)
        guard all > 0 else { return sizes.map { _ in 0 } }
        // Exact integer arithmetic: quota_i = total * size_i / all.
        var counts = sizes.map { total * $0 / all }
        let remainders = sizes.map { total * $0 % all }
        let order = remainders.indices.sorted { remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1 }
        var left = total - counts.reduce(0, +)
        for i in order where left > 0 {
            counts[i] += 1
            left -= 1
        }
        return counts
    }
}
