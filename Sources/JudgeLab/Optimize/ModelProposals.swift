// Proposals written by a model (issue 29): the leader's disagreements with people on the
// feedback part of dev, shown to a proposer judge through PromptTemplates/proposer/, whose
// constrained reply becomes a rubric (rewritten, or the leader's with rules appended). The
// proposal's text is its own, content-addressed like a library proposal's.
import Foundation
import Mustache

/// One request for a proposal: what the engine sends, and what the search records of it.
public struct ProposalRequest: Sendable {
    /// The proposal's number in the search (from 0, over every kind).
    public var number: Int
    public var kind: ProposeSpec.Kind
    /// The proposer judge and its model.
    public var judge: String
    public var model: String
    public var temperature: Double
    public var maxTokens: Int
    public var messages: [ChatMessage]
    /// The reply's JSON schema.
    public var schema: JSONValue
    /// The dev items shown, in the order shown.
    public var shown: [String]
}

/// What came back for a proposal request.
public struct ProposalAnswer: Sendable {
    /// The reply's text; nil when no reply came (its failure says why).
    public var text: String?
    public var failure: String?
    public var costUSD: Double = 0
    /// The run was interrupted, or stopped at the dollar cap before asking.
    public var cancelled = false
    public var stoppedForBudget = false

    public init(text: String?, failure: String? = nil, costUSD: Double = 0) {
        self.text = text
        self.failure = failure
        self.costUSD = costUSD
    }
}

/// The proposer's prompt templates: `PromptTemplates/proposer/system.mustache`, and one user
/// message per kind (`rubric.mustache`, `rules.mustache`).
public struct ProposerTemplates: Sendable {
    let system: MustacheTemplate
    let users: [ProposeSpec.Kind: MustacheTemplate]

    static let variables: Set<String> = ["has_rubric", "rubric", "disagreements", "number", "question", "first_answer", "second_answer",
                                         "human", "explanation", "judge", "judge_reason", "max_rules", "allows_tie", "has_category", "category"]

    public init(directory: String, kinds: [ProposeSpec.Kind]) throws {
        let folder = directory + "/proposer"
        func load(_ name: String) throws -> MustacheTemplate {
            let path = folder + "/" + name + ".mustache"
            guard FileManager.default.fileExists(atPath: path) else {
                throw InputError(file: path, "cannot read the proposer's template (\(name).mustache in the templates folder's proposer/)")
            }
            let text = try TemplateLibrary.read(path)
            try TemplateLibrary.checkTags(text, file: path, allowed: Self.variables, partials: [])
            return try TemplateLibrary.compile(text, file: path)
        }
        system = try load("system")
        var users: [ProposeSpec.Kind: MustacheTemplate] = [:]
        for kind in kinds where kind.needsModel { users[kind] = try load(kind.rawValue) }
        self.users = users
    }
}

public enum ModelProposals {
    /// The dev items the proposer may see: a seeded share (or number) of dev, drawn from the
    /// search's seed, in dev's order. Never the pool, never the test split.
    public static func feedback(dev: [Pair], spec: ProposeSpec, seed: UInt64) -> Set<String> {
        var generator = SeededGenerator(seed: SeededGenerator.mix(seed, 0xFEED_BAC4))
        var ids = dev.map(\.id)
        ids.shuffle(using: &generator)
        return Set(ids.prefix(min(dev.count, spec.feedbackCount(dev: dev.count))))
    }

    /// A disagreement shown to the proposer: the item, and the judge's outcome on it.
    public struct Disagreement: Sendable {
        public var pair: Pair
        public var outcome: ItemOutcome
    }

    /// The leader's disagreements with people among `judged` dev items of the feedback subset,
    /// as the race reads them (both orders combined, the leader's tie band).
    public static func disagreements(of leader: Variant, judgments: [Judgment], judged: [Pair], feedback: Set<String>) -> [Disagreement] {
        let items = judged.filter { feedback.contains($0.id) }
        let slots = Judgment.byItem(judgments.filter { $0.variant == leader.name && feedback.contains($0.item) })
        return items.compactMap { pair in
            let (original, swapped) = slots[pair.id] ?? (nil, nil)
            let outcome = ItemOutcome(pair: pair, original: original, swapped: swapped, tieBand: .standard, judgeBand: leader.tieBand)
            return outcome.agrees ? nil : Disagreement(pair: pair, outcome: outcome)
        }
    }

    /// `count` of the disagreements, drawn with the seed and the proposal's number, in dev's order.
    static func choose(_ all: [Disagreement], count: Int, seed: UInt64, number: Int) -> [Disagreement] {
        guard all.count > count else { return all }
        var generator = SeededGenerator(seed: SeededGenerator.mix(seed, 0x5E1EC7 &+ UInt64(number)))
        var indexes = Array(all.indices)
        indexes.shuffle(using: &generator)
        return indexes.prefix(count).sorted().map { all[$0] }
    }

    /// Text cut to about `tokens` tokens (4 UTF-8 bytes each), at a character boundary.
    static func truncated(_ text: String, tokens: Int) -> String {
        let limit = tokens * 4
        guard text.utf8.count > limit else { return text }
        var end = text.startIndex, used = 0
        for index in text.indices {
            let size = text[index].utf8.count
            if used + size > limit { break }
            used += size
            end = text.index(after: index)
        }
        return String(text[..<end]) + " […]"
    }

    static func name(_ verdict: Verdict?) -> String {
        switch verdict {
        case .answer1?: return "A"
        case .answer2?: return "B"
        case .tie?: return "tie"
        case nil: return "no readable verdict"
        }
    }

    /// The leader's rubric as the judge reads it (rendered), or nil when it has none.
    public static func currentRubric(of leader: Variant, library: TemplateLibrary) throws -> String? {
        try PromptBuilder(variant: leader, library: library).renderedRubric()
    }

    /// The request for proposal `number` of `kind` from `leader`, showing `shown`.
    public static func request(number: Int, kind: ProposeSpec.Kind, leader: Variant, rubric: String?, shown: [Disagreement],
                               spec: ProposeSpec, templates: ProposerTemplates, judge: String, model: String) -> ProposalRequest {
        let entries: [[String: Any]] = shown.enumerated().map { index, d in
            var entry: [String: Any] = [
                "number": index + 1, "question": truncated(d.pair.question, tokens: spec.answerTokens),
                "first_answer": truncated(d.pair.answer1, tokens: spec.answerTokens),
                "second_answer": truncated(d.pair.answer2, tokens: spec.answerTokens),
                "human": name(d.outcome.humanVerdict), "judge": name(d.outcome.verdict),
            ]
            entry["has_category"] = d.pair.category != nil
            if let category = d.pair.category { entry["category"] = category }
            if let explanation = d.pair.explanation, !explanation.isBlank { entry["explanation"] = truncated(explanation, tokens: spec.answerTokens) }
            if let reason = (d.outcome.original ?? d.outcome.swapped)?.reason, !reason.isBlank { entry["judge_reason"] = truncated(reason, tokens: spec.answerTokens) }
            return entry
        }
        var context: [String: Any] = ["has_rubric": rubric != nil, "disagreements": entries, "max_rules": spec.maxRules,
                                      "allows_tie": leader.template.allowsTie]
        if let rubric { context["rubric"] = rubric }
        let messages = [ChatMessage(role: "system", content: PromptBuilder.tidy(templates.system.render(context))),
                        ChatMessage(role: "user", content: PromptBuilder.tidy(templates.users[kind]!.render(context)))]
        return ProposalRequest(number: number, kind: kind, judge: judge, model: model, temperature: spec.temperature, maxTokens: spec.maxTokens,
                               messages: messages, schema: schema(kind, maxRules: spec.maxRules), shown: shown.map(\.pair.id))
    }

    /// The reply's schema: a rationale, then the rubric or the rules.
    public static func schema(_ kind: ProposeSpec.Kind, maxRules: Int) -> JSONValue {
        let body: JSONValue = kind == .rules
            ? .object([("type", .string("array")), ("items", .object([("type", .string("string")), ("maxLength", .number(400))])),
                       ("minItems", .number(1)), ("maxItems", .number(Double(maxRules)))])
            : .object([("type", .string("string")), ("maxLength", .number(4000))])
        return .object([
            ("type", .string("object")),
            ("properties", .object([("rationale", .object([("type", .string("string")), ("maxLength", .number(600))])), (kind.rawValue, body)])),
            ("required", .array([.string("rationale"), .string(kind.rawValue)])),
            ("additionalProperties", .bool(false)),
        ])
    }

    /// A usable reply: the rubric's text (for `rules`, the rules as lines) and the rationale.
    /// Otherwise the reason it cannot be used.
    public static func read(_ reply: String, kind: ProposeSpec.Kind, maxRules: Int) -> Result<(text: String, rationale: String?), Unusable> {
        var json = try? JSONValue.parse(Data(reply.utf8))
        if json == nil, let open = reply.firstIndex(of: "{"), let close = reply.lastIndex(of: "}"), open < close {
            json = try? JSONValue.parse(Data(reply[open...close].utf8))
        }
        guard let json, case .object = json else { return .failure(Unusable("the reply is not a JSON object")) }
        let rationale = json["rationale"]?.stringValue
        switch kind {
        case .rubric, .library:
            guard let text = json["rubric"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isBlank else {
                return .failure(Unusable("the reply has no 'rubric' text"))
            }
            guard text.count <= 4000 else { return .failure(Unusable("the rubric is over 4,000 characters")) }
            guard !text.contains("{{") else { return .failure(Unusable("the rubric holds Mustache tags ({{)")) }
            return .success((text, rationale))
        case .rules:
            guard case let .array(list)? = json["rules"] else { return .failure(Unusable("the reply has no 'rules' list")) }
            let rules = list.compactMap(\.stringValue).map {
                $0.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isBlank }
            guard !rules.isEmpty else { return .failure(Unusable("the reply's 'rules' list holds no rule")) }
            guard rules.allSatisfy({ $0.count <= 400 }) else { return .failure(Unusable("a rule is over 400 characters")) }
            guard !rules.contains(where: { $0.contains("{{") }) else { return .failure(Unusable("a rule holds Mustache tags ({{)")) }
            return .success((rules.prefix(maxRules).map { "- " + $0 }.joined(separator: "\n"), rationale))
        }
    }

    public struct Unusable: Error, Sendable {
        public var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The line that introduces a `rules` proposal's rules.
    public static let rulesHeader = "Also follow these rules:"

    /// The candidate a usable reply makes: `leader` with the rubric's text as its rubric (for
    /// `rules`, the leader's rubric with the rules appended), named by its content.
    public static func variant(from leader: Variant, kind: ProposeSpec.Kind, text: String, currentRubric: String?) -> Variant {
        let rubric = kind == .rules ? [currentRubric, rulesHeader + "\n" + text].compactMap { $0 }.joined(separator: "\n\n") : text
        var variant = leader
        variant.rubricText = rubric
        variant.rubric = LibraryProposals.name(of: rubric)
        let base = leader.name.range(of: "+text-").map { String(leader.name[..<$0.lowerBound]) } ?? leader.name
        variant.name = "\(base)+\(variant.rubric!)"
        return variant
    }
}
