// Chatbot Arena / MT-Bench human judgments: one vote a line (`model_a`, `model_b`, `winner`), the
// answers in the line's conversations or in a separate file keyed by question and model.
import Foundation

/// Reads LMSYS's pairwise human judgments (MT-Bench's `human_judgments`, Chatbot Arena's
/// conversations): the judges of one pair (question, turn and the two models, in either order)
/// become its `votes`; `tie` and `tie (bothbad)` are ties. A conversation of several turns keeps
/// them: the question lists the user's turns and each answer the assistant's, up to the judged turn.
enum ArenaFormat {
    static let winners: [String: Verdict] = ["model_a": .answer1, "model_b": .answer2, "tie": .tie, "tie (bothbad)": .tie]

    struct Turns {
        var user: [String]
        var assistant: [String]
    }

    static func pairs(_ records: [Record], mapping: FieldMapping) throws -> [Pair] {
        let answers = try mapping.answersPath.map(loadAnswers) ?? [:]
        let questions = try mapping.questionsPath.map(loadQuestions) ?? [:]
        var order: [String] = []
        var built: [String: (pair: Pair, models: (String, String))] = [:]
        var votes: [String: [Verdict]] = [:]
        for record in records {
            let question = try record.string("question_id")
            let modelA = try record.string("model_a"), modelB = try record.string("model_b")
            guard modelA != modelB else { throw record.error("model_b", "the same model as model_a ('\(modelA.excerpt())')") }
            let winnerText = try record.string("winner")
            guard let winner = winners[winnerText] else {
                throw record.error("winner", "'\(winnerText.excerpt())' is not a winner: expected model_a, model_b, tie or tie (bothbad)")
            }
            let turn = record.has("turn") ? Int(try record.number("turn")) : 1
            guard turn >= 1 else { throw record.error("turn", "turns are numbered from 1") }
            let (first, second) = modelA < modelB ? (modelA, modelB) : (modelB, modelA)
            let key = "\(question)\u{0}\(turn)\u{0}\(first)\u{0}\(second)"
            if built[key] == nil {
                let a = try conversation(record, side: "a", model: modelA, question: question, turn: turn, answers: answers, questions: questions, file: mapping.answersPath)
                let b = try conversation(record, side: "b", model: modelB, question: question, turn: turn, answers: answers, questions: questions, file: mapping.answersPath)
                let id = "mtbench-\(question)-\(modelA)-vs-\(modelB)" + (turn > 1 ? "-turn\(turn)" : "")
                var pair = Pair(id: id, question: text(a.user, turn: turn), answer1: text(a.assistant, turn: turn),
                                answer2: text(b.assistant, turn: turn), label: .votes([]))
                pair.category = questions[question]?.category
                built[key] = (pair, (modelA, modelB))
                order.append(key)
            }
            // A vote on the models in the other order is turned to the pair's.
            votes[key, default: []].append(built[key]!.models.0 == modelA ? winner : winner.flipped)
        }
        return order.map { key in
            var pair = built[key]!.pair
            pair.label = .votes(votes[key]!)
            return pair
        }
    }

    /// Turns 1...turn of a conversation, one string each, numbered when there are several.
    static func text(_ turns: [String], turn: Int) -> String {
        turn == 1 ? turns[0] : turns.prefix(turn).enumerated().map { "[Turn \($0 + 1)]\n\($1)" }.joined(separator: "\n\n")
    }

    /// Side `a` or `b`'s conversation: the record's `conversation_a`, or the answers file's.
    static func conversation(_ record: Record, side: String, model: String, question: String, turn: Int,
                             answers: [String: [String]], questions: [String: (turns: [String], category: String?)], file: String?) throws -> Turns {
        let field = "conversation_" + side
        if record.has(field) {
            var turns = Turns(user: [], assistant: [])
            for message in try record.list(field) {
                guard case let .string(role)? = message["role"], case let .string(content)? = message["content"] else {
                    throw record.error(field, "expected a list of {role, content} messages")
                }
                if role == "user" { turns.user.append(content) } else if role == "assistant" { turns.assistant.append(content) }
            }
            guard turns.user.count >= turn, turns.assistant.count >= turn else {
                throw record.error(field, "the conversation has \(min(turns.user.count, turns.assistant.count)) turn(s); the judgment is of turn \(turn)")
            }
            return turns
        }
        guard let file else {
            throw record.error(field, "missing: give the conversations, or the answers in a separate file (--answers, or answers: in the study)")
        }
        guard let assistant = answers["\(question)\u{0}\(model)"] else {
            throw record.error("model_" + side, "model '\(model.excerpt())' has no answer to question \(question.excerpt()) in \(file)")
        }
        guard let asked = questions[question] else {
            throw record.error("question_id", "question \(question.excerpt()) has no text: give the questions file (--questions, or questions: in the study) with its turns")
        }
        guard asked.turns.count >= turn, assistant.count >= turn else {
            throw record.error("turn", "turn \(turn) of question \(question.excerpt()) has no question or no answer from '\(model.excerpt())'")
        }
        return Turns(user: asked.turns, assistant: assistant)
    }

    /// question_id and model → the answer's turns: `answer` (one turn), `turns`, or FastChat's
    /// `choices[0].turns`; the model in `model` or `model_id`.
    static func loadAnswers(_ path: String) throws -> [String: [String]] {
        var answers: [String: [String]] = [:]
        try DatasetLoader.forEachJSONRecord(path: path) { record in
            let question = try record.string("question_id")
            let model = record.has("model") ? try record.string("model") : try record.string("model_id")
            let turns: [String]
            if record.has("answer") {
                turns = [try record.string("answer", allowEmpty: true)]
            } else if record.has("turns") {
                turns = try strings(record, "turns")
            } else if case let .array(choices)? = record.value("choices"), case let .array(list)? = choices.first?["turns"] {
                turns = try list.map { item in
                    guard case let .string(text) = item else { throw record.error("choices", "expected the turns as strings") }
                    return text
                }
            } else {
                throw record.error("answer", "missing: give answer, turns or choices[0].turns")
            }
            if answers.updateValue(turns, forKey: "\(question)\u{0}\(model)") != nil {
                throw record.error("model", "a second answer of model '\(model.excerpt())' to question \(question.excerpt())")
            }
        }
        return answers
    }

    /// question_id → its turns (`turns`, or one `question`) and `category`.
    static func loadQuestions(_ path: String) throws -> [String: (turns: [String], category: String?)] {
        var questions: [String: (turns: [String], category: String?)] = [:]
        try DatasetLoader.forEachJSONRecord(path: path) { record in
            let id = try record.string("question_id")
            let turns = record.has("turns") ? try strings(record, "turns") : [try record.string("question")]
            guard !turns.isEmpty else { throw record.error("turns", "no turns") }
            questions[id] = (turns, try record.optionalString("category"))
        }
        return questions
    }

    static func strings(_ record: Record, _ field: String) throws -> [String] {
        try record.list(field).map { item in
            guard case let .string(text) = item else { throw record.error(field, "expected a list of strings") }
            return text
        }
    }
}
