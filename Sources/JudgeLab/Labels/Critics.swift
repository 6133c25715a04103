// Critics side by side: label runs of several judges on the same pairs, compared with each
// other and with a human review (is this critic better than the data's teacher?).
import Foundation

public struct CriticComparison: Sendable {
    public struct Critic: Sendable {
        public var name: String
        public var exported: Int
        /// On the reviewed pairs it exported a label for: how many, and how many equal the reviewer's.
        public var reviewed: Int
        public var right: Int
        public var accuracy: Double? { reviewed > 0 ? Double(right) / Double(reviewed) : nil }
        public var interval: (lo: Double, hi: Double)? { CriticComparison.wilson(right, reviewed) }
    }

    public struct Pairing: Sendable {
        public var a: String
        public var b: String
        /// Pairs both exported a label for, and how many of those labels are the same.
        public var shared: Int
        public var same: Int
        /// On reviewed pairs both labelled: only a right, only b right, and McNemar's exact p.
        public var aOnly: Int
        public var bOnly: Int
        public var p: Double
        public var agreement: Double? { shared > 0 ? Double(same) / Double(shared) : nil }
    }

    public var critics: [Critic]
    public var pairings: [Pairing]
    public var commonPairs: Int

    /// - Parameters:
    ///   - labels: each critic's name and labels, on pairs by id.
    ///   - reviewed: the reviewer's verdicts by pair id.
    public init(_ labels: [(name: String, labels: [PairLabel])], reviewed: [String: Verdict]) {
        let exported = labels.map { critic in
            Dictionary(critic.labels.filter(\.isExportable).map { ($0.pair.id, $0.verdict!) }, uniquingKeysWith: { a, _ in a })
        }
        let all = labels.map { Set($0.labels.map(\.pair.id)) }
        commonPairs = all.dropFirst().reduce(all.first ?? []) { $0.intersection($1) }.count
        critics = zip(labels, exported).map { critic, own in
            let onReviewed = own.filter { reviewed[$0.key] != nil }
            return Critic(name: critic.name, exported: own.count, reviewed: onReviewed.count, right: onReviewed.count { reviewed[$0.key] == $0.value })
        }
        var pairings: [Pairing] = []
        for i in labels.indices {
            for j in labels.indices where j > i {
                let both = exported[i].keys.filter { exported[j][$0] != nil }
                let same = both.count { exported[i][$0] == exported[j][$0] }
                let judged = both.filter { reviewed[$0] != nil }
                let aOnly = judged.count { exported[i][$0] == reviewed[$0] && exported[j][$0] != reviewed[$0] }
                let bOnly = judged.count { exported[j][$0] == reviewed[$0] && exported[i][$0] != reviewed[$0] }
                pairings.append(Pairing(a: labels[i].name, b: labels[j].name, shared: both.count, same: same, aOnly: aOnly, bOnly: bOnly,
                                        p: PairedComparison.mcNemarExact(aOnly, bOnly)))
            }
        }
        self.pairings = pairings
    }

    /// Wilson's 95% score interval for x of n; nil when n is 0.
    public static func wilson(_ x: Int, _ n: Int) -> (lo: Double, hi: Double)? {
        guard n > 0 else { return nil }
        let z = 1.959963984540054, p = Double(x) / Double(n), nn = Double(n)
        let centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
        let half = z * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot() / (1 + z * z / nn)
        return (max(0, centre - half), min(1, centre + half))
    }

    public var json: JSONValue {
        func n(_ x: Double?) -> JSONValue { x.map(JSONValue.number) ?? .null }
        return .object([
            ("common_pairs", .number(Double(commonPairs))),
            ("critics", .array(critics.map { c in
                .object([("name", .string(c.name)), ("exported", .number(Double(c.exported))), ("reviewed", .number(Double(c.reviewed))),
                         ("right", .number(Double(c.right))), ("accuracy", n(c.accuracy)),
                         ("accuracy_ci", c.interval.map { .array([.number($0.lo), .number($0.hi)]) } ?? .null)])
            })),
            ("pairings", .array(pairings.map { p in
                .object([("a", .string(p.a)), ("b", .string(p.b)), ("shared", .number(Double(p.shared))), ("same", .number(Double(p.same))),
                         ("agreement", n(p.agreement)), ("a_only_right", .number(Double(p.aOnly))), ("b_only_right", .number(Double(p.bOnly))),
                         ("p", .number(p.p))])
            })),
        ])
    }
}
