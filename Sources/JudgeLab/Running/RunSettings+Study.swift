// Run settings from a study, its command-line overrides and the environment.

extension RunSettings {
    /// The provider, endpoint, key, limits and prices a study asks for.
    /// - Parameter environment: where the API key is read from (its value is never stored).
    public static func from(study: Study, environment: [String: String]) throws -> RunSettings {
        let provider: any JudgeProvider
        let defaultBase: String
        let defaultKeyVariable: String
        switch study.judge.provider {
        case "openai": (provider, defaultBase, defaultKeyVariable) = (OpenAIProvider(), "https://api.openai.com/v1", "OPENAI_API_KEY")
        case "anthropic": (provider, defaultBase, defaultKeyVariable) = (AnthropicProvider(), "https://api.anthropic.com", "ANTHROPIC_API_KEY")
        case "replay", "baseline": (provider, defaultBase, defaultKeyVariable) = (LocalProvider(source: .replay), LocalProvider.scheme, "")
        default:
            throw InputError(file: study.file, field: "judge.provider", "provider '\(study.judge.provider)' cannot be run over HTTP")
        }
        let keyVariable = study.judge.apiKeyEnv ?? defaultKeyVariable
        var settings = RunSettings(provider: provider, baseURL: study.judge.baseURL ?? defaultBase, apiKey: keyVariable.isEmpty ? nil : environment[keyVariable],
                                   prices: try PriceTable.shipped().merging(study.prices))
        if let concurrency = study.judge.concurrency { settings.concurrency = concurrency }
        settings.requestsPerMinute = study.judge.requestsPerMinute
        settings.tokensPerMinute = study.judge.tokensPerMinute
        if let timeout = study.judge.timeoutSeconds { settings.timeout = timeout }
        if let attempts = study.judge.maxAttempts { settings.retry.maxAttempts = attempts }
        if let base = study.judge.retryBaseSeconds { settings.retry.baseDelay = base }
        settings.seed = study.judge.seed
        settings.jsonResponseFormat = study.judge.jsonResponseFormat
        settings.maxCostUSD = study.maxCostUSD
        return settings
    }

    /// The variable the key is read from, for messages.
    public static func keyVariable(for study: Study) -> String {
        study.judge.apiKeyEnv ?? (study.judge.provider == "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY")
    }
}
