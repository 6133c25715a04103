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
        case .baseline where template.parser.kind != .choice:
            return "a baseline judge answers A, B or tie: it cannot serve template '\(template.name)' (\(template.parser.name) replies)"
        default:
            return nil
        }
    }

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// One server of a judge with several (`endpoints:`): its URL and how many requests it takes at once.
public struct Endpoint: Sendable, Equatable {
    public var baseURL: String
    public var concurrency: Int

    public init(baseURL: String, concurrency: Int) {
        self.baseURL = baseURL
        self.concurrency = concurrency
    }
}

/// How a judge's requests are sent: one at a time as they are ready, or as the provider's batch
/// jobs (half price, answered within a day).
public enum JudgeMode: String, Sendable {
    case sync
    case batch
}

/// How a batch judge's requests are cut into batches, and how often a batch is looked at.
public struct BatchLimits: Sendable {
    /// Requests per batch; nil for the provider's own limit.
    public var maxRequests: Int?
    /// Bytes per batch file; nil for the provider's own limit.
    public var maxBytes: Int?
    /// Seconds between looks at a batch in progress.
    public var pollSeconds: Double = 30

    public init() {}

    /// The study's limits within a provider's own (requests, bytes per batch).
    func within(requests: Int, bytes: Int) -> (requests: Int, bytes: Int) {
        (min(maxRequests ?? requests, requests), min(maxBytes ?? bytes, bytes))
    }
}

/// What a study says about its judges, with the key's value read from the environment: enough to
/// make every judge of a run.
public struct JudgeSettings: Sendable {
    public var name: String
    public var kind: ProviderKind
    /// The endpoint; empty for in-process judges. With several endpoints, the first: it names
    /// the judge's requests in the cache, whichever server answers them.
    public var baseURL: String
    /// Several servers of the same model, requests spread over them (`endpoints:`); empty for one.
    public var endpoints: [Endpoint] = []
    /// The API key's value. Sent in a header, never stored, logged or reported.
    public var apiKey: String?
    /// The variable it was read from (the name only is recorded).
    public var apiKeyVariable: String?
    public var limits = JudgeLimits()
    /// Through the provider's batch API (`mode: batch`) rather than a request at a time.
    public var mode: JudgeMode = .sync
    public var batch = BatchLimits()
    public var seed: Int?
    public var jsonResponseFormat = false
    /// For `replay`: the recordings file, resolved against the study.
    public var recordings: String?
    /// For `replay`: the recorded variant it gives the outputs of (nil: each request's own).
    public var recordedVariant: String?
    /// For `baseline`.
    public var baseline: Baseline?

    public init(name: String, kind: ProviderKind, baseURL: String, apiKey: String? = nil) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.apiKey = apiKey
    }

    /// The model's price as this judge is billed: the batch price in batch mode.
    public func price(of model: String, in table: PriceTable) -> Price? {
        mode == .batch ? table.batchPrice(of: model) : table.price(of: model)
    }

    /// Makes the judge.
    /// - Parameters:
    ///   - transport: the network, for judges over HTTP.
    ///   - pairs: the data set's items, for baselines.
    ///   - recordings: replayed judgments, already loaded from `recordings`.
    public func makeJudge(transport: @autoclosure () -> any HTTPTransport, pairs: [Pair], recordings: [Judgment], seed baselineSeed: UInt64) -> any Judge {
        if let provider = kind.httpProvider {
            var judge = HTTPJudge(name: name, provider: provider, transport: transport(), apiKey: apiKey, limits: limits)
            if endpoints.count > 1 { judge.pool = EndpointPool(endpoints) }
            return judge
        }
        switch kind {
        case .baseline: return BaselineJudge(name: name, baseline: baseline ?? .longer, pairs: pairs, seed: baselineSeed, limits: limits)
        default: return ReplayJudge(name: name, recordings: recordings, variant: recordedVariant, limits: limits)
        }
    }
}
