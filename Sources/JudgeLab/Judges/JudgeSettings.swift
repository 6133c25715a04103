// A judge as the study describes it, from the study file to the wire: who answers, where, with
// which key, how fast and how often. The one judge type; `makeJudge` turns it into the object
// that answers requests.

/// A judge as the study describes it (`judges:` or `judge:`), with its key's value read from the
/// environment when a run starts: enough to make the judge that answers.
public struct JudgeSettings: Sendable {
    /// The name variants give as `judge:` (for the single `judge:` form, the provider's name).
    public var name: String
    public var provider: ProviderKind = .openai
    /// As the study writes it; nil: the provider's default (`endpointURL`).
    public var baseURL: String?
    /// Several servers of the same model (`endpoints:`), each with its concurrency; requests
    /// are spread over them. Empty for one.
    public var endpoints: [Endpoint] = []
    /// The default model of this judge's variants.
    public var model: String?
    /// Several models: a variant that names none is made once for each.
    public var models: [String] = []
    /// The environment variable holding the API key (nil: the provider's usual one).
    public var apiKeyEnv: String?
    /// The API key's value, read from the environment when a run starts (`RunSettings.from`).
    /// Sent in a header, never stored, logged or reported.
    public var apiKey: String?
    /// Requests at once (with several endpoints, their sum), per-minute limits, retries, timeout.
    public var limits = JudgeLimits()
    /// Through the provider's batch API (`mode: batch`) rather than a request at a time.
    public var mode: JudgeMode = .sync
    public var batch = BatchLimits()
    public var seed: Int?
    public var jsonResponseFormat = false
    /// The most input tokens a request may hold (`max_input_tokens`); nil: the model's context
    /// from the price table, less the reply's max_tokens.
    public var maxInputTokens: Int?
    /// What becomes of a judgment whose prompt is over the limit (`oversized`).
    public var oversized: OversizedPolicy = .error
    /// For `replay`: recorded judgments (JSONL with `output`), resolved against the study.
    public var recordings: String?
    /// For `replay`: the recorded variant whose outputs this judge gives, whichever variant
    /// asks (nil: each request's own variant). A recorded judge then takes part in a search.
    public var recordedVariant: String?
    /// A replay judge with a `model`: its replayed judgments are priced at that model's price,
    /// their tokens estimated (what the recordings would have cost; nothing is sent).
    public var pricedReplay: Bool { provider == .replay && model != nil }
    /// For `baseline`: which one.
    public var baseline: Baseline?
    /// Where the study writes it, for errors.
    public var line: Int?
    public var field: String = "judge"

    public init(name: String, provider: ProviderKind = .openai, baseURL: String? = nil, apiKey: String? = nil) {
        self.name = name
        self.provider = provider
        self.baseURL = baseURL
        self.apiKey = apiKey
    }

    /// The endpoint requests go to; empty for in-process judges. With several endpoints, the
    /// first: it names the judge's requests in the cache, whichever server answers them.
    public var endpointURL: String { baseURL ?? provider.defaultBaseURL ?? "" }

    /// The variable the key is read from (the name only is recorded); nil for in-process judges.
    public var apiKeyVariable: String? { provider.isLocal ? nil : apiKeyEnv ?? provider.defaultKeyVariable }

    /// The most input tokens a request of `model` with a reply of up to `maxTokens` may hold:
    /// the study's `max_input_tokens`, else the model's context (price table) less `maxTokens`;
    /// nil when neither is known (a model the table does not list: no check).
    public func inputLimit(model: String, maxTokens: Int, in table: PriceTable) -> Int? {
        if let maxInputTokens { return maxInputTokens }
        guard !provider.isLocal, let context = table.context(of: model) else { return nil }
        return max(0, context - maxTokens)
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
        if let http = provider.httpProvider {
            var judge = HTTPJudge(name: name, provider: http, transport: transport(), apiKey: apiKey, limits: limits)
            if endpoints.count > 1 { judge.pool = EndpointPool(endpoints) }
            return judge
        }
        switch provider {
        case .baseline: return BaselineJudge(name: name, baseline: baseline ?? .longer, pairs: pairs, seed: baselineSeed, limits: limits)
        default: return ReplayJudge(name: name, recordings: recordings, variant: recordedVariant, priced: pricedReplay, limits: limits)
        }
    }
}

/// What a run does with a judgment whose prompt is over its judge's input limit.
public enum OversizedPolicy: String, CaseIterable, Sendable {
    /// Refuse the run before anything is sent, naming the item.
    case error
    /// Leave such judgments out, unsent, and count them.
    case skip
}
