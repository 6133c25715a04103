// How a variant asks its judge to write its reply: free text, or constrained to the template's schema.

/// A variant's `output:` axis.
public enum OutputMode: String, CaseIterable, Sendable {
    /// Whatever the judge writes, read by the template's parser.
    case free
    /// The reply constrained to the template's `schema.json`: `response_format` `json_schema`
    /// (strict) on OpenAI-compatible endpoints (llama.cpp and vLLM enforce it with a grammar), a
    /// forced tool with that input schema on Anthropic, `responseSchema` on Gemini.
    case jsonSchema = "json_schema"
}

/// A variant's `verdict:` axis: where its verdict comes from.
public enum VerdictSource: String, CaseIterable, Sendable {
    /// The reply's text, read by the parser.
    case parsed
    /// The judge's token log probabilities at the verdict (`top_logprobs`, OpenAI-compatible
    /// endpoints): the most probable verdict, its confidence, and for scores the expected score.
    case logprobs
}

/// A variant's `reason:` axis: where a constrained reply writes its reason, against its verdict
/// (or score). Whether reasoning first helps a judge is itself a question users study.
public enum ReasonPlacement: String, CaseIterable, Sendable {
    /// The reason, then the verdict: the judge reasons before it decides.
    case first
    /// The verdict, then the reason: a reply cut off at the token limit still holds its verdict.
    case last
    /// No reason at all: the shortest, cheapest reply.
    case none

    static let names = allCases.map(\.rawValue).joined(separator: ", ")
}

/// What a reply schema's `reason` property may be: bounded, so that a small model's constrained
/// reply reaches its verdict within the token limit (llama.cpp and vLLM enforce `maxLength`).
public enum ReplySchema {
    /// Where `schema` places its reason today; nil when it has none.
    public static func reasonPlacement(of schema: JSONValue) -> ReasonPlacement? {
        guard case let .object(properties)? = schema["properties"],
              let reason = properties.firstIndex(where: { $0.0 == "reason" }) else { return nil }
        guard properties.count > 1 else { return .first }
        return reason == 0 ? .first : .last
    }

    /// `schema` with its reason moved first or last, or removed (from `properties` and `required`).
    public static func placing(reason placement: ReasonPlacement, in schema: JSONValue) -> JSONValue {
        guard case var .object(members) = schema, case let .object(properties)? = schema["properties"],
              let reason = properties.first(where: { $0.0 == "reason" }) else { return schema }
        let others = properties.filter { $0.0 != "reason" }
        let reordered: [(String, JSONValue)] = switch placement {
        case .first: [reason] + others
        case .last: others + [reason]
        case .none: others
        }
        for index in members.indices {
            switch members[index].0 {
            case "properties":
                members[index].1 = .object(reordered)
            case "required":
                guard case let .array(names) = members[index].1 else { continue }
                let kept = names.filter { $0.stringValue != "reason" }
                members[index].1 = .array(placement == .none ? kept : reordered.map(\.0).filter { name in names.contains { $0.stringValue == name } }.map(JSONValue.string))
            default:
                continue
            }
        }
        return .object(members)
    }

    /// `schema` without the given keywords anywhere in it (property names are kept): for APIs
    /// whose schema dialect refuses them, e.g. OpenAI's strict mode and Gemini without `maxLength`.
    public static func removing(_ keywords: Set<String>, from schema: JSONValue) -> JSONValue {
        switch schema {
        case let .object(members):
            return .object(members.filter { !keywords.contains($0.0) }.map { key, value in
                if key == "properties", case let .object(properties) = value {
                    return (key, .object(properties.map { ($0.0, removing(keywords, from: $0.1)) }))
                }
                return (key, removing(keywords, from: value))
            })
        case let .array(items):
            return .array(items.map { removing(keywords, from: $0) })
        default:
            return schema
        }
    }

    /// The length keywords that OpenAI's strict mode and Gemini's schema do not take.
    public static let lengthKeywords: Set<String> = ["maxLength", "minLength"]
}
