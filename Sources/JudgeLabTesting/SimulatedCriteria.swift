// A world where what a rubric states matters, hidden from the search (issue 29's benchmark):
// criteria that help the judge on items of one aspect, criteria that hurt it everywhere, two
// helpful ones that interfere, and neutral ones; and a proposer that edits rubrics with noise,
// drawing more often on the criterion that the disagreements it is shown point to.
import JudgeLab
import Foundation

/// The criteria a rubric may state, and what each does to the simulated judge, per trial.
///
/// - Items have an aspect 0..<5: their category `topic-k` (k), else a hash of the id.
/// - Of the eight criteria, shuffled by the salt: four help on one aspect each (accuracy +0.20
///   there), two hurt everywhere (−0.04), two do nothing; the first two helpful ones interfere
///   (stated together, each helps by half).
/// - A prompt's hidden quality (`SimulatedJudge.quality`) is drawn from its system message
///   without the criteria lines, the proposals' headers and blank lines: stating criteria moves
///   accuracy only through their effects; a rubric rewritten without a hand-written rubric's
///   text draws the quality of the prompt without it.
public struct CriteriaWorld: Sendable {
    public static let criteria = [
        "The answer follows every instruction in the question, including its format.",
        "The answer's facts and figures are correct.",
        "The answer's code or reasoning would actually work.",
        "The answer is safe and declines what it should decline.",
        "The answer is longer and more detailed.",
        "The answer sounds confident and authoritative.",
        "The answer is written in a friendly tone.",
        "The answer uses headings and lists.",
    ]
    public static let aspects = 5
    static let headers: Set<String> = [LibraryProposals.header, ModelProposals.rulesHeader]

    /// Criterion → the aspect it helps on.
    public let helps: [Int: Int]
    public let hurts: Set<Int>
    public let interfering: (Int, Int)

    public init(salt: UInt64) {
        var generator = SeededGenerator(seed: SeededGenerator.mix(salt, 0xC817E1A))
        var order = Array(Self.criteria.indices)
        order.shuffle(using: &generator)
        var helps: [Int: Int] = [:]
        for aspect in 0..<4 { helps[order[aspect]] = aspect }
        self.helps = helps
        hurts = [order[4], order[5]]
        interfering = (order[0], order[1])
    }

    /// The helpful criterion of `aspect`, if it has one.
    public func helpful(for aspect: Int) -> Int? { helps.first { $0.value == aspect }?.key }

    /// The criteria `text` states (a line holding one's text).
    public static func stated(in text: String) -> Set<Int> {
        Set(criteria.indices.filter { text.contains(criteria[$0]) })
    }

    /// `system` without its criteria lines, proposal headers and blank lines.
    public static func stripped(_ system: String) -> String {
        system.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter { line in !line.isEmpty && !headers.contains(line) && !criteria.contains { line.contains($0) } }
            .joined(separator: "\n")
    }

    public static func aspect(of pair: Pair) -> Int {
        if let category = pair.category, category.hasPrefix("topic-"), let k = Int(category.dropFirst(6)) { return k % aspects }
        return Int(SimulatedJudge.hash("aspect|\(pair.id)").words[0] * Double(aspects)) % aspects
    }

    /// The accuracy on an item of `aspect` of a prompt whose base accuracy is `p`, stating `stated`.
    public func accuracy(base p: Double, stated: Set<Int>, aspect: Int) -> Double {
        var accuracy = p
        let both = stated.contains(interfering.0) && stated.contains(interfering.1)
        for criterion in stated {
            if helps[criterion] == aspect { accuracy += both && (criterion == interfering.0 || criterion == interfering.1) ? 0.10 : 0.20 }
            if hurts.contains(criterion) { accuracy -= 0.04 }
        }
        return min(0.98, max(0.02, accuracy))
    }
}

/// The simulated proposer: reads the rubric and the categories of the disagreements it is
/// shown, and edits the rubric. With probability 0.6 it adds the criterion that helps on the
/// aspect most of the shown disagreements have (when the rubric lacks it), otherwise a random
/// criterion the rubric lacks; from a rubric of two criteria or more it drops one instead with
/// probability 0.25. A `rubric` proposal is the whole rewritten rubric (criteria only: a
/// hand-written rubric's text is dropped); a `rules` proposal is the one criterion, appended.
/// Deterministic given the salt and the request.
public enum SimulatedProposer {
    static let categoryPattern = try! NSRegularExpression(pattern: #"\(category: topic-(\d+)\)"#)

    public static func reply(to request: JudgeRequest, world: CriteriaWorld, salt: UInt64) -> String? {
        guard let properties = request.responseSchema?["properties"] else { return nil }
        let kind: ProposeSpec.Kind
        if properties["rules"] != nil { kind = .rules } else if properties["rubric"] != nil { kind = .rubric } else { return nil }
        let text = request.messages.map(\.content).joined(separator: "\n")
        var rubric = ""
        if let open = text.range(of: "<rubric>\n"), let close = text.range(of: "\n</rubric>", range: open.upperBound..<text.endIndex) {
            rubric = String(text[open.upperBound..<close.lowerBound])
        }
        let stated = CriteriaWorld.stated(in: rubric)
        var counts = [Int](repeating: 0, count: CriteriaWorld.aspects)
        let ns = text as NSString
        for match in categoryPattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            if let k = Int(ns.substring(with: match.range(at: 1))) { counts[k % CriteriaWorld.aspects] += 1 }
        }
        let u = SimulatedJudge.hash("\(salt)|proposer|\(request.hash)").words
        let missing = CriteriaWorld.criteria.indices.filter { !stated.contains($0) }
        var next = stated
        if stated.count >= 2, u[2] < 0.25 {
            let list = stated.sorted()
            next.remove(list[Int(u[3] * Double(list.count)) % list.count])
        } else if !missing.isEmpty {
            let top = counts.indices.max { counts[$0] != counts[$1] ? counts[$0] < counts[$1] : $0 > $1 }!
            if u[0] < 0.6, counts[top] > 0, let helpful = world.helpful(for: top), !stated.contains(helpful) {
                next.insert(helpful)
            } else {
                next.insert(missing[Int(u[1] * Double(missing.count)) % missing.count])
            }
        }
        let rationale = "Most disagreements were about topic-\(counts.indices.max { counts[$0] < counts[$1] } ?? 0)."
        func json(_ pairs: [(String, JSONValue)]) -> String { JSONValue.object(pairs).compactText }
        if kind == .rules {
            let added = next.subtracting(stated).sorted()
            guard let rule = added.first else { return json([("rationale", .string(rationale)), ("rules", .array([]))]) }
            return json([("rationale", .string(rationale)), ("rules", .array([.string(CriteriaWorld.criteria[rule])]))])
        }
        let lines = [LibraryProposals.header] + next.sorted().map { "- " + CriteriaWorld.criteria[$0] }
        return json([("rationale", .string(rationale)), ("rubric", .string(lines.joined(separator: "\n")))])
    }
}
