// A judge request in canonical form, and the hash that keys the response cache.
import Crypto
import Foundation

/// Everything that determines a judge's answer: provider, endpoint, model, parameters and
/// messages. Two requests with the same canonical form get the same answer from the cache.
public struct JudgeRequest: Sendable {
    public var provider: String
    public var baseURL: String
    public var model: String
    public var temperature: Double
    public var maxTokens: Int
    public var seed: Int?
    public var jsonResponseFormat: Bool
    public var messages: [ChatMessage]
    /// Which judgment this request is for. In-process judges (replay, baselines) answer by it;
    /// it is part of the canonical form only when `subjectIsIdentity` says so.
    public var subject: JudgmentKey?
    /// The answer depends on the judgment, not only on the prompt (a replayed recording): the
    /// subject is part of the cache identity.
    public var subjectIsIdentity = false
    /// The reply's JSON schema, when the variant asks for constrained output.
    public var responseSchema: JSONValue?
    /// How many alternatives per token to ask log probabilities for (`verdict: logprobs`).
    public var topLogprobs: Int?
    /// A pointwise template's scale, for in-process judges that answer with a score (baselines).
    /// Not part of the canonical form: the messages state it to a model.
    public var scoreScale: ClosedRange<Double>?

    public init(provider: String, baseURL: String, model: String, temperature: Double, maxTokens: Int, seed: Int?,
                jsonResponseFormat: Bool, messages: [ChatMessage], subject: JudgmentKey? = nil, subjectIsIdentity: Bool = false) {
        self.provider = provider
        self.baseURL = baseURL
        self.model = model
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.seed = seed
        self.jsonResponseFormat = jsonResponseFormat
        self.messages = messages
        self.subject = subject
        self.subjectIsIdentity = subjectIsIdentity
    }

    /// The canonical JSON text: fixed key order, compact. Never holds a key.
    public var canonicalText: String {
        JSONValue.object([
            ("provider", .string(provider)),
            ("base_url", .string(baseURL)),
            ("model", .string(model)),
            ("temperature", .number(temperature)),
            ("max_tokens", .number(Double(maxTokens))),
            ("seed", seed.map { .number(Double($0)) } ?? .null),
            ("json_response_format", .bool(jsonResponseFormat)),
            ("messages", .array(messages.map { .object([("role", .string($0.role)), ("content", .string($0.content))]) })),
        ] + (responseSchema.map { [("response_schema", $0)] } ?? [])
          + (topLogprobs.map { [("top_logprobs", .number(Double($0)))] } ?? [])
          + (subjectIsIdentity ? [("subject", subject.map { .array([.string($0.variant), .string($0.item), .string($0.order.rawValue)]) } ?? .null)] : []))
        .compactText
    }

    /// SHA-256 of the canonical text, in hex: the response cache's key.
    public var hash: String {
        Hex.string(SHA256.hash(data: Data(canonicalText.utf8)))
    }

    /// Room for a request body: the messages' text and 256 bytes for the rest.
    var bodyCapacity: Int {
        messages.reduce(256) { $0 + $1.content.utf8.count + 64 }
    }

    /// Prompt tokens estimated as UTF-8 bytes / 4.
    public var estimatedInputTokens: Int { Self.estimatedInputTokens(messages) }

    /// The estimate for `messages`: UTF-8 bytes / 4, and 4 a message.
    public static func estimatedInputTokens(_ messages: [ChatMessage]) -> Int {
        messages.reduce(0) { $0 + $1.content.utf8.count } / 4 + 4 * messages.count
    }
}
