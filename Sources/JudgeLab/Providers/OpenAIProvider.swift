// OpenAI-compatible chat completions: OpenAI, vLLM, Ollama, llama.cpp's server, OpenRouter, …
import Foundation

/// OpenAI-compatible chat completions: OpenAI, vLLM, Ollama, llama.cpp's server, OpenRouter, …
public struct OpenAIProvider: JudgeProvider {
    public init() {}

    /// Whether `baseURL` is OpenAI's own API (or Azure's), whose strict schemas take no length keywords.
    static func isOpenAIProper(_ baseURL: String) -> Bool {
        guard let host = URLComponents(string: baseURL)?.host?.lowercased() else { return false }
        return host == "api.openai.com" || host.hasSuffix(".openai.azure.com")
    }

    public func httpRequest(for request: JudgeRequest, apiKey: String?, timeout: Double) -> HTTPRequest {
        var body = JSONWriter(capacity: request.bodyCapacity)
        body.openObject()
        body.key("model")
        body.string(request.model)
        body.key("messages")
        body.chat(request.messages)
        body.key("temperature")
        body.number(request.temperature)
        body.key("max_tokens")
        body.number(Double(request.maxTokens))
        if let top = request.topLogprobs {
            // The verdict read from the token probabilities (`verdict: logprobs`).
            body.key("logprobs")
            body.bool(true)
            body.key("top_logprobs")
            body.number(Double(top))
        }
        if let seed = request.seed {
            body.key("seed")
            body.number(Double(seed))
        }
        if let schema = request.responseSchema {
            // Structured outputs: the reply must match the schema (llama.cpp and vLLM enforce it
            // with a grammar).
            body.key("response_format")
            body.openObject()
            body.key("type")
            body.string("json_schema")
            body.key("json_schema")
            body.openObject()
            body.key("name")
            body.string("verdict")
            body.key("strict")
            body.bool(true)
            body.key("schema")
            // OpenAI's own strict mode refuses length keywords; llama.cpp and vLLM enforce them.
            body.value(Self.isOpenAIProper(request.baseURL) ? ReplySchema.removing(ReplySchema.lengthKeywords, from: schema) : schema)
            body.closeObject()
            body.closeObject()
        } else if request.jsonResponseFormat {
            body.key("response_format")
            body.openObject()
            body.key("type")
            body.string("json_object")
            body.closeObject()
        }
        body.closeObject()
        var headers = [(name: "Content-Type", value: "application/json")]
        if let apiKey, !apiKey.isEmpty { headers.append((name: "Authorization", value: "Bearer " + apiKey)) }
        return HTTPRequest(url: request.baseURL.withoutFinalSlash + "/chat/completions", headers: headers, body: body.bytes, timeout: timeout)
    }

    public func interpret(_ outcome: HTTPOutcome) -> ProviderReply {
        classify(outcome) { body in
            guard let json = try? JSONParser.parse(body) else {
                return .retryable(reason: "the reply is not valid JSON (\(body.count) bytes)", retryAfter: nil)
            }
            guard case let .array(choices)? = json["choices"], let first = choices.first else {
                return .retryable(reason: "the reply has no choices", retryAfter: nil)
            }
            guard let text = first["message"]?["content"]?.stringValue else {
                return .retryable(reason: "the reply's first choice has no message content", retryAfter: nil)
            }
            let usage = json["usage"]
            var logprobs: String?
            if case let .array(content)? = first["logprobs"]?["content"] {
                logprobs = TokenLogprobs.encode(content.map { token in
                    var alternatives: [(token: String, logprob: Double)] = []
                    if case let .array(top)? = token["top_logprobs"] {
                        alternatives = top.compactMap { t in t["token"]?.stringValue.flatMap { s in t["logprob"]?.numberValue.map { (s, $0) } } }
                    }
                    return TokenLogprobs(token: token["token"]?.stringValue ?? "", alternatives: alternatives)
                })
            }
            return .answer(text: text, usage: Usage(
                inputTokens: Int(usage?["prompt_tokens"]?.numberValue ?? 0),
                cachedInputTokens: Int(usage?["prompt_tokens_details"]?["cached_tokens"]?.numberValue ?? 0),
                outputTokens: Int(usage?["completion_tokens"]?.numberValue ?? 0)), logprobs: logprobs)
        }
    }
}
