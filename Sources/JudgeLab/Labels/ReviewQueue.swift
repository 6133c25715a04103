// `judgelab review`: the items most worth a human look, within a count, and a stratified random
// share besides, so that the check is not only of hard cases.

/// One item to review: the pair, why it was picked, and whether the page shows its answers swapped.
public struct ReviewItem: Sendable {
    public var pair: Pair
    public var reason: String
    /// Answer 2 shown first (seeded per item, so the reviewer cannot learn the judge's side).
    public var flipped: Bool
    public var label: PairLabel

    public init(pair: Pair, reason: String, flipped: Bool, label: PairLabel) {
        self.pair = pair
        self.reason = reason
        self.flipped = flipped
        self.label = label
    }
}

public enum ReviewQueue {
    /// The queue: on labelled runs, the judge's disagreements with humans first; on label runs,
    /// order-inconsistent verdicts, then the lowest confidence (none counts as lowest); in both,
    /// the last `randomShare` of the count (at least one) drawn at random from the rest,
    /// stratified by the judge's verdict. Seeded.
    public static func build(_ labels: [PairLabel], labelled: Bool, count: Int, seed: UInt64, randomShare: Double = 0.2) -> [ReviewItem] {
        let count = min(count, labels.count)
        guard count > 0 else { return [] }
        let random = min(count, max(1, Int((Double(count) * randomShare).rounded())))
        var targeted: [(Int, String)] = []
        if labelled {
            targeted = labels.indices.filter { labels[$0].verdict != labels[$0].pair.humanVerdict() }.map { ($0, "the judge disagrees with the human label") }
        } else {
            let inconsistent = labels.indices.filter { labels[$0].consistent == false }
            targeted = inconsistent.map { ($0, "the two orders disagree") }
            let rest = labels.indices.filter { labels[$0].consistent != false }
                .sorted { (labels[$0].confidence ?? -1, $0) < (labels[$1].confidence ?? -1, $1) }
            targeted += rest.map { i in (i, labels[i].confidence.map { String(format: "low confidence (%.2f)", $0) } ?? "no confidence") }
        }
        var chosen = Array(targeted.prefix(count - random))
        let taken = Set(chosen.map(\.0))
        var generator = SeededGenerator(seed: seed)
        var strata: [String: [Int]] = [:]
        for i in labels.indices where !taken.contains(i) { strata[labels[i].verdict?.rawValue ?? "none", default: []].append(i) }
        var groups = Stratification.sortedNames(strata.keys).map { strata[$0]! }
        for g in groups.indices { generator.shuffle(&groups[g]) }
        var round = 0
        var drawn: [Int] = []
        while drawn.count < count - chosen.count, groups.contains(where: { round < $0.count }) {
            for group in groups where drawn.count < count - chosen.count && round < group.count { drawn.append(group[round]) }
            round += 1
        }
        chosen += drawn.map { ($0, "a random check") }
        return chosen.map { index, reason in
            ReviewItem(pair: labels[index].pair, reason: reason, flipped: generator.next() & 1 == 1, label: labels[index])
        }
    }

    /// review.csv: one row an item, answers as the page shows them.
    public static func csv(_ items: [ReviewItem]) -> String {
        func field(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var lines = ["id,reason,question,answer_a,answer_b,a_is_answer"]
        for item in items {
            let (a, b) = item.flipped ? (item.pair.answer2, item.pair.answer1) : (item.pair.answer1, item.pair.answer2)
            lines.append([item.pair.id, item.reason, item.pair.question, a, b, item.flipped ? "2" : "1"].map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
