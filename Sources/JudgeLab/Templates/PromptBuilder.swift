// Renders a variant's messages for one item in one order.
import Foundation
import Mustache

/// Builds the exact messages a variant sends for an item, and measures how much of them is
/// the static prefix (system text, rubric, examples) that providers can cache.
public struct PromptBuilder: Sendable {
    public let variant: Variant
    let library: MustacheLibrary
    let rubricTemplate: MustacheTemplate?

    public init(variant: Variant, library templates: TemplateLibrary) throws {
        self.variant = variant
        var partials: [String: MustacheTemplate] = [:]
        if let text = variant.rubricText {
            let compiled = try TemplateLibrary.compile(text, file: "rubric '\(variant.rubric ?? "inline")'")
            partials["rubric"] = compiled
            rubricTemplate = compiled
        } else if let rubric = variant.rubric {
            guard let compiled = templates.rubrics[rubric] else {
                throw InputError(file: templates.directory + "/rubrics", field: "rubric",
                                 "unknown rubric '\(rubric.excerpt())' (available: none, \(templates.rubricNames.joined(separator: ", ")))")
            }
            partials["rubric"] = compiled
            rubricTemplate = compiled
        } else {
            partials["rubric"] = try TemplateLibrary.compile("", file: "rubric")
            rubricTemplate = nil
        }
        partials["examples"] = try variant.template.examples ?? TemplateLibrary.compile("", file: "examples")
        library = MustacheLibrary(templates: partials)
    }

    /// The messages for `pair` shown in `order`: system (when the template has one), then user.
    public func messages(for pair: Pair, order: PresentedOrder) throws -> [ChatMessage] {
        let template = variant.template
        for field in template.itemFieldsUsed {
            let present = field == "category" ? pair.category != nil : pair.explanation != nil
            guard present else {
                throw InputError(file: "\(template.name)/user.mustache", field: field,
                                 "the template uses '\(field)' but item '\(pair.id.excerpt())' has none")
            }
        }
        var context = itemContext(pair, order: order)
        context["has_rubric"] = variant.rubric != nil
        context["rubric_name"] = variant.rubric ?? "none"
        context["allows_tie"] = template.allowsTie
        // Where a constrained reply's reason stands, for instructions that describe the reply.
        let reason = variant.output == .jsonSchema ? variant.effectiveReason : nil
        context["reason_first"] = reason == .first
        context["reason_last"] = reason == .last
        context["reason_none"] = reason == ReasonPlacement.none
        let examples = variant.examples(for: pair)
        context["has_examples"] = !examples.isEmpty
        if let scale = template.scale {
            // Pointwise: an example pair shows each of its answers alone with its human score.
            var entries: [[String: Any]] = []
            for example in examples {
                for (index, slot) in [PresentedOrder.answer1, .answer2].enumerated() {
                    guard let human = example.humanScore(ofAnswer: index), case let .scores(_, _, low, high) = example.label else {
                        throw InputError(file: "\(template.name)/examples.mustache", field: "examples",
                                         "example '\(example.id.excerpt())' has no per-answer human score to show: a pointwise template's examples need scores (or ratings)")
                    }
                    var entry = itemContext(example, order: slot)
                    entry["number"] = entries.count + 1
                    let score = (scale.lowerBound + (human - low) * (scale.upperBound - scale.lowerBound) / (high - low)).rounded(.toNearestOrAwayFromZero)
                    entry["gold"] = pointwiseGold(score: Int(score), example: example)
                    entries.append(entry)
                }
            }
            context["examples"] = entries
        } else {
            context["examples"] = examples.enumerated().map { index, example -> [String: Any] in
                // Each example is shown in the item's orientation, its gold answer turned to match.
                var entry = itemContext(example, order: order)
                entry["number"] = index + 1
                entry["gold"] = gold(for: example, order: order)
                return entry
            }
        }
        var messages: [ChatMessage] = []
        if let system = template.system {
            messages.append(ChatMessage(role: "system", content: Self.tidy(system.render(context, library: library))))
        }
        messages.append(ChatMessage(role: "user", content: Self.tidy(template.user.render(context, library: library))))
        return messages
    }

    /// The rubric as the judge reads it, its variant's variables filled in; nil without one.
    public func renderedRubric() -> String? {
        guard let rubricTemplate else { return nil }
        let reason = variant.output == .jsonSchema ? variant.effectiveReason : nil
        let context: [String: Any] = ["has_rubric": true, "rubric_name": variant.rubric ?? "none", "allows_tie": variant.template.allowsTie,
                                      "reason_first": reason == .first, "reason_last": reason == .last, "reason_none": reason == ReasonPlacement.none,
                                      "has_examples": false]
        let text = Self.tidy(rubricTemplate.render(context, library: library))
        return text.isBlank ? nil : text
    }

    private func itemContext(_ pair: Pair, order: PresentedOrder) -> [String: Any] {
        if order.isPointwise {
            var context: [String: Any] = ["question": pair.question, "answer": order == .answer1 ? pair.answer1 : pair.answer2]
            if let scale = variant.template.scale {
                context["scale_min"] = Int(scale.lowerBound)
                context["scale_max"] = Int(scale.upperBound)
            }
            if let category = pair.category { context["category"] = category }
            if let explanation = pair.explanation { context["explanation"] = explanation }
            return context
        }
        let (first, second) = order == .original ? (pair.answer1, pair.answer2) : (pair.answer2, pair.answer1)
        var context: [String: Any] = ["question": pair.question, "first_answer": first, "second_answer": second]
        if let category = pair.category { context["category"] = category }
        if let explanation = pair.explanation { context["explanation"] = explanation }
        return context
    }

    /// A pointwise example's correct answer: its human score on the template's scale.
    func pointwiseGold(score: Int, example: Pair) -> String {
        let reason = example.explanation ?? "The answer merits a \(score)."
        var escaped = ""
        JSONValue.writeString(reason, to: &escaped)
        let context: [String: Any] = ["score": score, "choice": "", "reason": reason, "reason_json": String(escaped.dropFirst().dropLast())]
        return variant.template.gold.render(context)
    }

    /// The example's correct answer in PRESENTED orientation.
    func gold(for example: Pair, order: PresentedOrder) -> String {
        let verdict = example.humanVerdict()
        let shown = order == .original ? verdict : verdict.flipped
        // A score from the simulated human score when there is one; 2 / 5 / 8 from a verdict otherwise.
        let datasetScore = example.simulatedScore.map { Int($0.rounded(.toNearestOrAwayFromZero)) }
            ?? [.answer1: 2, .tie: 5, .answer2: 8][verdict]!
        let score = order == .original ? datasetScore : 10 - datasetScore
        let choice = [.answer1: "A", .tie: "tie", .answer2: "B"][shown]!
        let reason = example.explanation ?? [
            .answer1: "The first answer is better.", .tie: "Both answers are equally good.", .answer2: "The second answer is better.",
        ][shown]!
        var escaped = ""
        JSONValue.writeString(reason, to: &escaped)
        let context: [String: Any] = ["score": score, "choice": choice, "reason": reason, "reason_json": String(escaped.dropFirst().dropLast())]
        return variant.template.gold.render(context)
    }

    /// Trims the blank lines that standalone tags and file endings leave at either end.
    static func tidy(_ text: String) -> String {
        let bytes = Array(text.utf8)
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
        // Start after the last newline that only blanks precede; end before the first newline
        // that only blanks follow.
        var start = 0, i = 0
        while i < bytes.count, blank(bytes[i]) || bytes[i] == 0x0A {
            if bytes[i] == 0x0A { start = i + 1 }
            i += 1
        }
        if i == bytes.count { return "" }
        var end = bytes.count, j = bytes.count - 1
        while j >= 0, blank(bytes[j]) || bytes[j] == 0x0A {
            if bytes[j] == 0x0A { end = j }
            j -= 1
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The share of the prompt's bytes that is the same for every item (the cacheable prefix),
    /// found by rendering a sentinel item and taking the common prefix. Tokens are estimated as
    /// UTF-8 bytes / 4.
    public func staticPrefix(for pair: Pair, order: PresentedOrder) throws -> (share: Double, prefixTokens: Int, totalTokens: Int) {
        let real = try messages(for: pair, order: order)
        var sentinel = pair
        sentinel.question = "\u{1}"
        sentinel.answer1 = "\u{2}"
        sentinel.answer2 = "\u{3}"
        let other = try messages(for: sentinel, order: order)
        let flat: ([ChatMessage]) -> [UInt8] = { Array($0.map { $0.role + "\u{0}" + $0.content + "\u{0}" }.joined().utf8) }
        let a = flat(real), b = flat(other)
        var common = 0
        while common < a.count, common < b.count, a[common] == b[common] { common += 1 }
        let total = real.reduce(0) { $0 + $1.content.utf8.count }
        // The shared bytes include role names and separators; count content bytes only.
        var prefix = 0, consumed = 0
        for message in real {
            consumed += message.role.utf8.count + 1
            let length = message.content.utf8.count
            prefix += max(0, min(length, common - consumed))
            consumed += length + 1
            if common < consumed { break }
        }
        return (total > 0 ? Double(prefix) / Double(total) : 0, prefix / 4, total / 4)
    }
}
