// Google's Gemini API: `models/{model}:generateContent`.

/// Gemini's `generateContent`: the system text as `systemInstruction`, the chat as `contents`
/// (the assistant's turns in the role `model`), and `generationConfig` with the temperature, the
/// output limit and, for JSON replies, the response MIME type. The key goes in `x-goog-api-key`.
public struct GeminiProvider: JudgeProvider {
    public init() {}

    public func httpRequest(for request: JudgeRequest, apiKey: String?, timeout: Double) -> HTTPRequest {
        let system = request.messages.filter { $0.role == "system" }.map(\.content).joined(separator: "\n\n")
        var body = JSONWriter(capacity: request.bodyCapacity)
        body.openObject()
        if !system.isEmpty {
            body.key("systemInstruction")
            body.openObject()
            body.parts(system)
            body.closeObject()
        }
        body.key("contents")
        body.openArray()
        for message in request.messages where message.role != "system" {
            body.openObject()
            body.key("role")
            body.string(message.role == "assistant" ? "model" : "user")
            body.parts(message.content)
            body.closeObject()
        }
        body.closeArray()
        body.key("generationConfig")
        body.openObject()
        body.key("temperature")
        body.number(request.temperature)
        body.key("maxOutputTokens")
        body.number(Double(request.maxTokens))
        if let seed = request.seed {
            body.key("seed")
            body.number(Double(seed))
        }
        if request.jsonResponseFormat || request.responseSchema != nil {
            body.key("responseMimeType")
            body.string("application/json")
        }
        if let schema = request.responseSchema {
            // Gemini's schema is OpenAPI's subset: it has no additionalProperties, nor length keywords.
            body.key("responseSchema")
            body.value(ReplySchema.removing(ReplySchema.lengthKeywords.union(["additionalProperties"]), from: schema))
        }
        body.closeObject()
        body.closeObject()
        var headers = [(name: "Content-Type", value: "application/json")]
        if let apiKey, !apiKey.isEmpty { headers.append((name: "x-goog-api-key", value: apiKey)) }
        return HTTPRequest(url: request.baseURL.withoutFinalSlash + "/models/" + request.model + ":generateContent",
                           headers: headers, body: body.bytes, timeout: timeout)
    }

    public func interpret(_ outcome: HTTPOutcome) -> ProviderReply {
        classify(outcome) { body in
            guard let json = try? JSONParser.parse(body) else {
                return .retryable(reason: "the reply is not valid JSON (\(body.count) bytes)", retryAfter: nil)
            }
            guard case let .array(candidates)? = json["candidates"], let first = candidates.first else {
                // A prompt blocked by a safety filter has no candidates, and says why.
                if let blocked = json["promptFeedback"]?["blockReason"]?.stringValue {
                    return .permanent(reason: "the prompt was blocked: \(blocked)")
                }
                return .retryable(reason: "the reply has no candidates", retryAfter: nil)
            }
            guard case let .array(parts)? = first["content"]?["parts"] else {
                return .retryable(reason: "the reply's first candidate has no content parts", retryAfter: nil)
            }
            // Thinking models send their thoughts as parts marked `thought`: the verdict is the rest.
            let text = parts.compactMap { $0["thought"] == .bool(true) ? nil : $0["text"]?.stringValue }.joined()
            let usage = json["usageMetadata"]
            let thoughts = Int(usage?["thoughtsTokenCount"]?.numberValue ?? 0)
            return .answer(text: text, usage: Usage(
                inputTokens: Int(usage?["promptTokenCount"]?.numberValue ?? 0),
                cachedInputTokens: Int(usage?["cachedContentTokenCount"]?.numberValue ?? 0),
                // Thinking tokens are billed as output.
                outputTokens: Int(usage?["candidatesTokenCount"]?.numberValue ?? 0) + thoughts))
        }
    }
}

extension JSONWriter {
    /// `"parts": [{"text": …}]`, Gemini's form of a message's text.
    mutating func parts(_ text: String) {
        key("parts")
        openArray()
        openObject()
        key("text")
        string(text)
        closeObject()
        closeArray()
    }
}
