// Juries (Verga et al. 2024): a panel of a study's variants whose judgments are combined, per
// item and order, into the jury's own: the verdict more than half of its parsed members give
// (else a tie), or the mean of their scores. It sends nothing; it costs what its members cost.
import Foundation

/// `juries:` in a study: a name and the variants that sit on it.
public struct JurySpec: Codable, Sendable, Equatable {
    public var name: String
    public var members: [String]
    public var line: Int?
    public var field: String

    enum CodingKeys: String, CodingKey { case name, members }

    public init(name: String, members: [String], line: Int? = nil, field: String = "juries") {
        self.name = name
        self.members = members
        self.line = line
        self.field = field
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), members: try c.decode([String].self, forKey: .members))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(members, forKey: .members)
    }

    static func parse(_ node: YAMLNode) throws -> [JurySpec] {
        var specs: [JurySpec] = []
        for (index, entry) in node.list().enumerated() {
            try entry.requireKeys(in: ["name", "members"])
            guard let name = try entry["name"]?.string(), !name.isBlank else { throw entry.error("a jury needs a 'name'") }
            guard !specs.contains(where: { $0.name == name }) else { throw entry.error("two juries are named '\(name.excerpt())'") }
            guard let membersNode = entry["members"] else { throw entry.error("a jury needs 'members' (variant names)") }
            let members = try membersNode.list().map { try $0.string() }
            guard members.count >= 2 else {
                throw membersNode.error("a jury of \(members.count) is no jury: give at least two members (a variant alone is already in the leaderboard)")
            }
            if let twice = members.first(where: { m in members.count { $0 == m } > 1 }) { throw membersNode.error("member '\(twice.excerpt())' sits twice") }
            specs.append(JurySpec(name: name, members: members, line: entry.line, field: "juries[\(index)]"))
        }
        guard !specs.isEmpty else { throw node.error("an empty list of juries") }
        return specs
    }
}

public enum Jury {
    /// The jury's judgments: one per item and order that any member judged, in the members' order
    /// of first appearance. Members give choices or all give scores (checked by the plan).
    public static func judgments(_ spec: JurySpec, from judgments: [Judgment], tieBand: TieBand) -> [Judgment] {
        let members = Set(spec.members)
        var slots: [JudgmentKey: [Judgment]] = [:]
        var order: [JudgmentKey] = []
        for judgment in judgments where members.contains(judgment.variant) {
            let key = JudgmentKey(variant: spec.name, item: judgment.item, order: judgment.order)
            if slots[key] == nil { order.append(key) }
            slots[key, default: []].append(judgment)
        }
        return order.map { key in
            let panel = slots[key]!
            return combine(panel, key: key, tieBand: tieBand, reason: "jury of \(panel.count): " + panel.map { "\($0.variant) \(describe($0.reading))" }.joined(separator: "; "),
                           none: "no member of the jury gave a verdict")
        }
    }

    /// Several judgments of one item and order as one (a jury's members, or a variant's repeated
    /// samples): the verdict more than half of the parsed ones give (in the presented order),
    /// else a tie, or the mean of their scores; unparsed when none parsed; costs and tokens summed.
    static func combine(_ panel: [Judgment], key: JudgmentKey, tieBand: TieBand, reason: String, none: String) -> Judgment {
        let parsed = panel.filter { $0.reading.isParsed }
        let kind = panel[0].reading.kind
        let reading: JudgeReading
        if parsed.isEmpty {
            reading = .unparsed(kind, reason: none)
        } else if kind == .score {
            let scores = parsed.compactMap { j -> Double? in if case let .score(s) = j.reading { return s } else { return nil } }
            reading = .score(scores.reduce(0, +) / Double(scores.count))
        } else {
            var counts: [Verdict: Int] = [:]
            for j in parsed { if let v = j.verdict(tieBand: tieBand) { counts[v, default: 0] += 1 } }
            let majority = counts.first { 2 * $0.value > parsed.count }?.key ?? .tie
            reading = .choice(Choice.shown(majority, in: key.order))
        }
        func sum(_ values: [Int?]) -> Int? { values.contains { $0 != nil } ? values.reduce(0) { $0 + ($1 ?? 0) } : nil }
        let costs = panel.compactMap(\.costUSD)
        return Judgment(item: key.item, variant: key.variant, order: key.order, reading: reading, reason: reason,
                        inputTokens: sum(panel.map(\.inputTokens)), outputTokens: sum(panel.map(\.outputTokens)),
                        costUSD: costs.isEmpty ? nil : costs.reduce(0, +), latencyMS: panel.compactMap(\.latencyMS).max())
    }

    static func describe(_ reading: JudgeReading) -> String {
        switch reading {
        case let .score(s): return JSONValue.format(number: s)
        case let .choice(c): return c.rawValue
        case .unparsed: return "unparsed"
        }
    }
}

extension Choice {
    /// The choice that, shown in `order`, means `verdict` in data set order.
    static func shown(_ verdict: Verdict, in order: PresentedOrder) -> Choice {
        switch verdict {
        case .tie: return .tie
        case .answer1: return order == .swapped ? .second : .first
        case .answer2: return order == .swapped ? .first : .second
        }
    }
}
