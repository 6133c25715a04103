// Judge APIs over HTTP: what every provider shares. Each provider is a file of its own beside
// this one, and a case of `ProviderKind` (Judges/ProviderKind.swift).
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
    /// `logprobs`: the reply's tokens with their likeliest alternatives, when asked for
    /// (`TokenLogprobs.encode`).
    case answer(text: String, usage: Usage, logprobs: String? = nil)
    /// Worth another attempt (429, 5xx, a timeout, a dropped connection, a garbled body).
    case retryable(reason: String, retryAfter: Double?)
    /// Not worth retrying (other 4xx): the server's message is recorded.
    case permanent(reason: String)
    /// The endpoint refused the judge's key (401, 403, or a provider's invalid-key error): no
    /// request of this judge will fare better, so its work ends at once.
    case unauthorized(reason: String)
}

/// A judge API over HTTP: how a request is written, and how its reply is read. An `HTTPJudge`
/// pairs one with a transport.
public protocol JudgeProvider: Sendable {
    func httpRequest(for request: JudgeRequest, apiKey: String?, timeout: Double) -> HTTPRequest
    func interpret(_ outcome: HTTPOutcome) -> ProviderReply
}

extension JudgeProvider {
    /// The common part of reading a reply: transport failures and HTTP status classes.
    func classify(_ outcome: HTTPOutcome, readBody: ([UInt8]) -> ProviderReply) -> ProviderReply {
        switch outcome {
        case let .timedOut(message): return .retryable(reason: "timed out: \(message)", retryAfter: nil)
        case let .connectionFailed(message): return .retryable(reason: "connection failed: \(message)", retryAfter: nil)
        case let .failed(message): return .retryable(reason: "transport error: \(message)", retryAfter: nil)
        case let .response(status, headers, body):
            if status == 200 { return readBody(body) }
            let message = Self.errorMessage(body) ?? "HTTP \(status)"
            // Gemini answers a wrong key with 400 and API_KEY_INVALID; the others with 401 or 403.
            if status == 401 || status == 403 || (status == 400 && String(decoding: body.prefix(2000), as: UTF8.self).contains("API_KEY_INVALID")) {
                return .unauthorized(reason: "HTTP \(status): \(message)")
            }
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
