// Anthropic's Messages API.

/// Anthropic's Messages API, with `cache_control` on the static system prefix.
public struct AnthropicProvider: JudgeProvider {
    public static let apiVersion = "2023-06-01"
    /// The tool a constrained reply is written through.
    static let verdictTool = "record_verdict"
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
        if let schema = request.responseSchema {
            // Anthropic's structured output: one tool whose input is the reply, and the model made
            // to call it. The verdict comes back as the tool_use block's input.
            body.key("tools")
            body.openArray()
            body.openObject()
            body.key("name")
            body.string(Self.verdictTool)
            body.key("description")
            body.string("Record your verdict on the two answers.")
            body.key("input_schema")
            body.value(schema)
            body.closeObject()
            body.closeArray()
            body.key("tool_choice")
            body.openObject()
            body.key("type")
            body.string("tool")
            body.key("name")
            body.string(Self.verdictTool)
            body.closeObject()
        }
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
            // A forced tool's input is the reply (as compact JSON); otherwise the text blocks.
            let tool = content.first { $0["type"]?.stringValue == "tool_use" }?["input"]
            let text = tool.map(\.compactText) ?? content.compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }.joined()
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
