// Judge APIs: how a request is written for each, and how its reply is read.
import Foundation

/// Tokens a reply used, as the provider reported them.
public struct Usage: Equatable, Sendable {
    public var inputTokens: Int
    /// Prompt tokens read from the provider's prefix cache (billed at the cached rate).
    public var cachedInputTokens: Int
    /// Prompt tokens written to the provider's cache (Anthropic bills these higher).
    public var cacheWriteTokens: Int
    public var outputTokens: Int

    public init(inputTokens: Int = 0, cachedInputTokens: Int = 0, cacheWriteTokens: Int = 0, outputTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.cachedInputTokens = cachedInputTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.outputTokens = outputTokens
    }
}

/// How the runner should treat a provider's reply.
public enum ProviderReply: Equatable, Sendable {
    case answer(text: String, usage: Usage)
    /// Worth another attempt (429, 5xx, a timeout, a dropped connection, a garbled body).
    case retryable(reason: String, retryAfter: Double?)
    /// Not worth retrying (other 4xx): the server's message is recorded.
    case permanent(reason: String)
}

/// A judge API.
public protocol JudgeProvider: Sendable {
    var name: String { get }
    func httpRequest(for request: JudgeRequest, apiKey: String?, timeout: Double) -> HTTPRequest
    func interpret(_ outcome: HTTPOutcome) -> ProviderReply
    /// Whether this judge runs in the process (no network, no key, no cost).
    var isLocal: Bool { get }
}

extension JudgeProvider {
    public var isLocal: Bool { false }

    /// The common part of reading a reply: transport failures and HTTP status classes.
    func classify(_ outcome: HTTPOutcome, readBody: ([UInt8]) -> ProviderReply) -> ProviderReply {
        switch outcome {
        case let .timedOut(message): return .retryable(reason: "timed out: \(message)", retryAfter: nil)
        case let .connectionFailed(message): return .retryable(reason: "connection failed: \(message)", retryAfter: nil)
        case let .failed(message): return .retryable(reason: "transport error: \(message)", retryAfter: nil)
        case let .response(status, headers, body):
            if status == 200 { return readBody(body) }
            let message = Self.errorMessage(body) ?? "HTTP \(status)"
            if status == 408 || status == 409 || status == 429 || status >= 500 {
                return .retryable(reason: "HTTP \(status): \(message)", retryAfter: headers["retry-after"].flatMap(RetryPolicy.parseRetryAfter))
            }
            return .permanent(reason: "HTTP \(status): \(message)")
        }
    }

    /// `error.message` from an OpenAI- or Anthropic-style error body, or the body's start.
    static func errorMessage(_ body: [UInt8]) -> String? {
        if let json = try? JSONParser.parse(body), let message = json["error"]?["message"]?.stringValue ?? json["error"]?.stringValue {
            return message.excerpt(300)
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return text.isBlank ? nil : text.excerpt(300)
    }
}

/// OpenAI-compatible chat completions: OpenAI, vLLM, Ollama, llama.cpp's server, OpenRouter, …
public struct OpenAIProvider: JudgeProvider {
    public var name: String { "openai" }
    public init() {}

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
        if let seed = request.seed {
            body.key("seed")
            body.number(Double(seed))
        }
        if request.jsonResponseFormat {
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
            return .answer(text: text, usage: Usage(
                inputTokens: Int(usage?["prompt_tokens"]?.numberValue ?? 0),
                cachedInputTokens: Int(usage?["prompt_tokens_details"]?["cached_tokens"]?.numberValue ?? 0),
                outputTokens: Int(usage?["completion_tokens"]?.numberValue ?? 0)))
        }
    }
}

/// Anthropic's Messages API, with `cache_control` on the static system prefix.
public struct AnthropicProvider: JudgeProvider {
    public var name: String { "anthropic" }
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

extension String {
    /// The text without its final "/", if it ends in one: a base URL ready for a path. Looked at
    /// as a byte (String's `hasSuffix` compares by Unicode's rules, for every request).
    var withoutFinalSlash: String { utf8.last == UInt8(ascii: "/") ? String(dropLast()) : self }
}

extension JSONWriter {
    /// Chat messages as both APIs take them: an array of objects with a role and a content.
    mutating func chat(_ messages: [ChatMessage]) {
        openArray()
        for message in messages {
            openObject()
            key("role")
            string(message.role)
            key("content")
            string(message.content)
            closeObject()
        }
        closeArray()
    }
}
