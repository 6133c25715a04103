// What a study says about its judges, with the key's value read from the environment: enough to
// make every judge of a run.

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
