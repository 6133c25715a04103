// Converters from the public human-labelled data sets (PandaLM, LLMBar, LLMEval²) to pairs.
// Their ids are stable, so that recorded judge outputs imported later find the same items.
import Foundation

enum PandaLMFormat {
    /// `pandalm-IDX`; the question is the instruction followed by its input; category is the
    /// app the instruction was written for.
    static func pair(_ record: Record) throws -> Pair {
        let index = try record.number("idx")
        // One item (idx 466) has a blank instruction and the task in its input.
        let question = try [record.string("instruction", allowEmpty: true), record.optionalString("input") ?? ""]
            .filter { !$0.isBlank }
            .joined(separator: "\n\n")
        guard !question.isEmpty else { throw record.error("instruction", "is empty (and so is input)") }
        let votes: [Verdict] = try (1...3).map { n in
            let field = "annotator\(n)"
            switch try record.number(field) {
            case 0: return .tie
            case 1: return .answer1
            case 2: return .answer2
            case let other: throw record.error(field, "expected 0 (tie), 1 or 2, found \(other.shortText)")
            }
        }
        return Pair(id: "pandalm-\(Int(index))", question: question,
                    answer1: try record.string("response1", allowEmpty: true, scalarsAsText: true),
                    answer2: try record.string("response2", allowEmpty: true, scalarsAsText: true),
                    label: .votes(votes), category: try record.optionalString("motivation_app"))
    }
}

enum LLMBarFormat {
    /// The subset a `dataset.json` belongs to: the name of its folder (`Natural`, `GPTInst`, …).
    static func subset(ofDatasetPath path: String) -> String {
        let parts = path.split(separator: "/")
        return parts.count >= 2 ? String(parts[parts.count - 2]) : "llmbar"
    }

    /// `llmbar-SUBSET-N` from the position N in the file; category is the subset.
    static func id(subset: String, index: Int) -> String {
        let slug = subset.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        return "llmbar-\(slug)-\(index)"
    }

    static func pair(_ record: Record, subset: String) throws -> Pair {
        let label = try record.number("label")
        guard label == 1 || label == 2 else {
            throw record.error("label", "expected 1 or 2, found \(label.shortText)")
        }
        return Pair(id: id(subset: subset, index: record.index), question: try record.string("input"),
                    answer1: try record.string("output_1", allowEmpty: true, scalarsAsText: true),
                    answer2: try record.string("output_2", allowEmpty: true, scalarsAsText: true),
                    label: .winner(label == 1 ? .answer1 : .answer2), category: subset)
    }
}

enum LLMEval2Format {
    /// The question given to LLMEval²'s multi-turn items (its MT-Bench part, 275 items), whose
    /// query is empty because each response holds the whole conversation.
    static let conversationInAnswers = "[A multi-turn conversation: each answer below contains the whole dialogue.]"

    /// `llmeval2-N` from the position N; category is the source data set.
    static func pair(_ record: Record) throws -> Pair {
        var question = try record.string("query", allowEmpty: true)
        if question.isBlank { question = conversationInAnswers }
        let human = try record.string("human")
        let verdict: Verdict
        switch human.lowercased() {
        case "model1": verdict = .answer1
        case "model2": verdict = .answer2
        case "tie": verdict = .tie
        default: throw record.error("human", "expected model1, model2 or TIE, found '\(human.excerpt())'")
        }
        return Pair(id: "llmeval2-\(record.index)", question: question,
                    answer1: try record.string("response1", allowEmpty: true, scalarsAsText: true),
                    answer2: try record.string("response2", allowEmpty: true, scalarsAsText: true),
                    label: .winner(verdict), category: try record.optionalString("dataset"))
    }
}
