// Writing pairs in the native JSONL format of METRICS.md section 1.

/// The native JSONL: one object a line, keys in a fixed, readable order.
public enum NativeFormat {
    public static func object(_ pair: Pair) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(pair.id)),
            ("question", .string(pair.question)),
            ("answer_1", .string(pair.answer1)),
            ("answer_2", .string(pair.answer2)),
        ]
        switch pair.label {
        case let .scores(s1, s2, scaleMin, scaleMax):
            members.append(("scores", .array([.number(s1), .number(s2)])))
            if scaleMin != 0 { members.append(("scale_min", .number(scaleMin))) }
            if scaleMax != HumanLabel.defaultScaleMax { members.append(("scale_max", .number(scaleMax))) }
        case let .votes(votes) where votes.isEmpty: break  // unlabelled (`HumanLabel.none`)
        case let .votes(votes): members.append(("votes", .array(votes.map { .string($0.rawValue) })))
        case let .winner(verdict): members.append(("winner", .string(verdict.rawValue)))
        case let .humanScore(score): members.append(("human_score", .number(score)))
        }
        if let ratings = pair.ratings { members.append(("ratings", .array(ratings.map { .array($0.map { .number($0) }) }))) }
        if let category = pair.category { members.append(("category", .string(category))) }
        if let explanation = pair.explanation { members.append(("explanation", .string(explanation))) }
        return .object(members)
    }

    /// The whole data set as JSONL text.
    public static func text(_ pairs: [Pair]) -> String {
        var out = ""
        for pair in pairs {
            out += object(pair).compactText
            out += "\n"
        }
        return out
    }
}
