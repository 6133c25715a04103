// One judge prompt template: its messages, its output parser and its defaults.
import Mustache

/// A chat message to send to a judge.
public struct ChatMessage: Equatable, Sendable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A judge template from `PromptTemplates/NAME/`: Mustache messages, how to read the reply,
/// and how an example's correct answer is written.
public struct PromptTemplate: Sendable {
    public var name: String
    public var description: String
    public var parser: OutputParser
    public var temperature: Double?
    public var maxTokens: Int?
    /// False keeps tie examples out of its few-shot blocks (for templates that forbid ties).
    public var allowsTie: Bool
    /// The template files' texts, as written, for records and reports.
    public var sources: [String: String]
    /// The JSON schema of its reply (`schema.json`), for `output: json_schema`; nil: none.
    public var replySchema: JSONValue?
    /// The reply's token limit when constrained to the schema (a reason takes room), if other.
    public var schemaMaxTokens: Int?
    /// `pointwise`: one answer at a time, scored on `scale` (METRICS.md §7); nil: a pair.
    public var scale: ClosedRange<Double>?

    /// A pointwise template judges one answer at a time (`kind: pointwise`).
    public var isPointwise: Bool { scale != nil }

    let system: MustacheTemplate?
    let user: MustacheTemplate
    let examples: MustacheTemplate?
    let gold: MustacheTemplate
    /// Variables the item must supply because a message uses them (`category`, `explanation`).
    let itemFieldsUsed: Set<String>
}
