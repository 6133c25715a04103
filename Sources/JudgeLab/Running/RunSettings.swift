// What a run is given: its judges, its budget and prices; and what it reports back.
import Foundation

/// How a run talks to its judges.
public struct RunSettings: Sendable {
    /// Every judge the study's variants use, in the study's order, then the baselines' own.
    public var judges: [JudgeSettings]
    public var maxCostUSD: Double?
    public var prices: PriceTable

    public init(judges: [JudgeSettings], prices: PriceTable) {
        self.judges = judges
        self.prices = prices
    }

    public func judge(named name: String) -> JudgeSettings? {
        judges.first { $0.name == name }
    }

    /// The judges that go over the network.
    public var httpJudges: [JudgeSettings] { judges.filter { !$0.kind.isLocal } }

    /// The judges that go through a batch API.
    public var batchJudges: [JudgeSettings] { judges.filter { $0.mode == .batch } }

    /// Every judge with a batch API put in batch mode (`--batch`); an error naming the first
    /// judge over HTTP without one.
    public mutating func setBatchMode(file: String) throws {
        for index in judges.indices where !judges[index].kind.isLocal {
            guard judges[index].kind.hasBatchAPI else {
                throw InputError(file: file, field: "judges.\(judges[index].name)",
                                 "--batch: judge '\(judges[index].name.excerpt())' (\(judges[index].kind.rawValue)) has no batch API; only openai and anthropic judges do")
            }
            judges[index].mode = .batch
        }
    }

    /// Every judge's concurrency set to `value` (`--concurrency`), shared out over a judge's endpoints.
    public mutating func setConcurrency(_ value: Int) {
        for index in judges.indices {
            judges[index].limits.concurrency = value
            let count = judges[index].endpoints.count
            for e in judges[index].endpoints.indices { judges[index].endpoints[e].concurrency = max(1, value / count + (e < value % count ? 1 : 0)) }
        }
    }

    /// The judges, endpoints, keys, limits and prices a study asks for.
    /// - Parameter environment: where API keys are read from (their values are never stored).
    public static func from(plan: StudyPlan, environment: [String: String]) throws -> RunSettings {
        let study = plan.study
        var judges: [JudgeSettings] = []
        for judge in plan.judgesUsed {
            let kind = judge.provider
            var settings = JudgeSettings(name: judge.name, kind: kind, baseURL: judge.baseURL ?? kind.defaultBaseURL ?? "")
            if !kind.isLocal {
                let variable = judge.apiKeyEnv ?? kind.defaultKeyVariable
                settings.apiKeyVariable = variable
                settings.apiKey = variable.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 }
                // A hosted API refuses every request without its key: say so before anything is
                // sent. A server on this machine (llama.cpp, vLLM, Ollama) usually needs none.
                if settings.apiKey == nil, !Self.isLoopback(settings.baseURL) {
                    throw InputError(file: study.file, line: judge.line, field: judge.field + ".api_key_env",
                                     "judge '\(judge.name.excerpt())': $\(variable ?? "?") is not set (the key for \(settings.baseURL.excerpt()))")
                }
            }
            if let concurrency = judge.concurrency { settings.limits.concurrency = concurrency }
            if !judge.endpoints.isEmpty {
                // As many workers as the endpoints take together; each request goes to one of them.
                settings.endpoints = judge.endpoints
                settings.limits.concurrency = judge.endpoints.reduce(0) { $0 + $1.concurrency }
                for endpoint in judge.endpoints where settings.apiKey == nil && !Self.isLoopback(endpoint.baseURL) {
                    throw InputError(file: study.file, line: judge.line, field: judge.field + ".api_key_env",
                                     "judge '\(judge.name.excerpt())': $\(settings.apiKeyVariable ?? "?") is not set (the key for \(endpoint.baseURL.excerpt()))")
                }
            }
            settings.limits.requestsPerMinute = judge.requestsPerMinute
            settings.limits.tokensPerMinute = judge.tokensPerMinute
            if let timeout = judge.timeoutSeconds { settings.limits.timeout = timeout }
            if let attempts = judge.maxAttempts { settings.limits.retry.maxAttempts = attempts }
            if let base = judge.retryBaseSeconds { settings.limits.retry.baseDelay = base }
            settings.mode = judge.mode
            settings.batch.maxRequests = judge.batchMaxRequests
            settings.batch.maxBytes = judge.batchMaxBytes
            if let poll = judge.batchPollSeconds { settings.batch.pollSeconds = poll }
            settings.seed = judge.seed
            settings.jsonResponseFormat = judge.jsonResponseFormat
            settings.recordings = judge.recordings.map(study.resolve)
            settings.recordedVariant = judge.recordedVariant
            settings.baseline = judge.baseline
            judges.append(settings)
        }
        var settings = RunSettings(judges: judges, prices: try PriceTable.shipped().merging(study.prices))
        settings.maxCostUSD = study.maxCostUSD
        return settings
    }

    /// Whether a base URL names this machine: 127.0.0.0/8, localhost or [::1].
    static func isLoopback(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        return host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }
}
