// Anthropic's Messages API.

/// Anthropic's Messages API, with `cache_control` on the static system prefix.
public struct AnthropicProvider: JudgeProvider {
    public static let apiVersion = "2023-06-01"
    public init() {}

    public func httpRequest(for request: JudgeRequest, apiKey: String?, timeout: Double) -> HTTPRequest {
        let system = request.messages.filter { $0.role == "system" }.map(\.content).joined(separator: "\n\n")
        var body = JSONWriter(capacity: request.bodyCapacity)
        body.openObject()
        body.key("model")
        body.string(request.model)
        body.key("max_tokens")
        body.number(Double(request.maxTokens))
        body.key("temperature")
        body.number(request.temperature)
        if !system.isEmpty {
            // The system text holds the rubric and the examples: cache it across items.
            body.key("system")
            body.openArray()
            body.openObject()
            body.key("type")
            body.string("text")
            body.key("text")
            body.string(system)
            body.key("cache_control")
            body.openObject()
            body.key("type")
            body.string("ephemeral")
            body.closeObject()
            body.closeObject()
            body.closeArray()
        }
        body.key("messages")
        body.chat(request.messages.filter { $0.role != "system" })
        body.closeObject()
        var headers = [(name: "Content-Type", value: "application/json"), (name: "anthropic-version", value: Self.apiVersion)]
        if let apiKey, !apiKey.isEmpty { headers.append((name: "x-api-key", value: apiKey)) }
        var base = request.baseURL.withoutFinalSlash
        if !base.hasSuffix("/v1") { base += "/v1" }
        return HTTPRequest(url: base + "/messages", headers: headers, body: body.bytes, timeout: timeout)
    }

    public func interpret(_ outcome: HTTPOutcome) -> ProviderReply {
        if case let .response(status, headers, body) = outcome, status == 529 {
            return .retryable(reason: "HTTP 529: \(Self.errorMessage(body) ?? "overloaded")", retryAfter: headers["retry-after"].flatMap(RetryPolicy.parseRetryAfter))
        }
        return classify(outcome) { body in
            guard let json = try? JSONParser.parse(body) else {
                return .retryable(reason: "the reply is not valid JSON (\(body.count) bytes)", retryAfter: nil)
            }
            guard case let .array(content)? = json["content"] else { return .retryable(reason: "the reply has no content", retryAfter: nil) }
            let text = content.compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }.joined()
            let usage = json["usage"]
            let read = Int(usage?["cache_read_input_tokens"]?.numberValue ?? 0)
            let written = Int(usage?["cache_creation_input_tokens"]?.numberValue ?? 0)
            // Anthropic's input_tokens excludes cache reads and writes; count them all as input.
            return .answer(text: text, usage: Usage(
                inputTokens: Int(usage?["input_tokens"]?.numberValue ?? 0) + read + written,
                cachedInputTokens: read, cacheWriteTokens: written,
                outputTokens: Int(usage?["output_tokens"]?.numberValue ?? 0)))
        }
    }
}
