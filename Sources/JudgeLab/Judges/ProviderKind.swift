// Every kind of judge a study can name, in one place: adding a provider is a file in Providers/
// plus one case here.

/// A judge's `provider:` in a study: its name, default endpoint and key variable, and how its
/// judges are made.
public enum ProviderKind: String, CaseIterable, Sendable {
    /// Any OpenAI-compatible chat completions endpoint: OpenAI, vLLM, Ollama, llama.cpp, OpenRouter.
    case openai
    case anthropic
    case gemini
    /// Recorded outputs (`recordings:`), replayed.
    case replay
    /// A baseline judge (`baseline:`) in the choice-ab form.
    case baseline

    /// How a provider over HTTP is reached: its API, its usual endpoint, its key's variable.
    public struct HTTPDetails: Sendable {
        public var provider: any JudgeProvider
        public var defaultBaseURL: String
        public var defaultKeyVariable: String
    }

    /// Everything about each kind, one arm a kind; nil for the judges that answer in the process.
    public var http: HTTPDetails? {
        switch self {
        case .openai: return HTTPDetails(provider: OpenAIProvider(), defaultBaseURL: "https://api.openai.com/v1", defaultKeyVariable: "OPENAI_API_KEY")
        case .anthropic: return HTTPDetails(provider: AnthropicProvider(), defaultBaseURL: "https://api.anthropic.com", defaultKeyVariable: "ANTHROPIC_API_KEY")
        case .gemini: return HTTPDetails(provider: GeminiProvider(), defaultBaseURL: "https://generativelanguage.googleapis.com/v1beta",
                                         defaultKeyVariable: "GEMINI_API_KEY")
        case .replay, .baseline: return nil
        }
    }

    public var httpProvider: (any JudgeProvider)? { http?.provider }

    /// The provider's batch API, for the kinds that have one (`mode: batch`).
    public func batchService(baseURL: String, apiKey: String?, transport: any HTTPTransport, limits: BatchLimits, timeout: Double) -> (any BatchService)? {
        switch self {
        case .openai: return OpenAIBatchService(baseURL: baseURL, apiKey: apiKey, transport: transport, limits: limits, timeout: timeout)
        case .anthropic: return AnthropicBatchService(baseURL: baseURL, apiKey: apiKey, transport: transport, limits: limits, timeout: timeout)
        case .gemini, .replay, .baseline: return nil
        }
    }

    public var hasBatchAPI: Bool { self == .openai || self == .anthropic }
    public var defaultBaseURL: String? { http?.defaultBaseURL }
    /// The environment variable the key is read from unless the judge names another.
    public var defaultKeyVariable: String? { http?.defaultKeyVariable }

    public var isLocal: Bool { http == nil }

    /// Whether its replies can carry token log probabilities (`verdict: logprobs`).
    public var returnsLogprobs: Bool { self == .openai }

    /// Why this kind of judge cannot answer variants of `template`; nil when it can.
    public func cannotServe(_ template: PromptTemplate) -> String? {
        switch self {
        case .baseline where template.isPointwise && template.parser.method != .jsonScore:
            return "a baseline judge scores one answer in JSON ({\"score\": N}): it cannot serve template '\(template.name)' (\(template.parser.name) replies)"
        case .baseline where !template.isPointwise && template.parser.kind != .choice:
            return "a baseline judge answers A, B or tie: it cannot serve template '\(template.name)' (\(template.parser.name) replies)"
        default:
            return nil
        }
    }

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
