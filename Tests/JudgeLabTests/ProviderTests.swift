// Providers, retries and prices, without a socket.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTesting
import JudgeLabTestSupport

@Suite struct ProviderTests {
    static let request = Fixtures.request

    @Test func openAIRequestsCarryTheKeyOnlyInTheHeader() throws {
        let http = OpenAIProvider().httpRequest(for: Self.request, apiKey: "sk-secret", timeout: 9)
        #expect(http.url == "http://h/v1/chat/completions")
        #expect(http.headers.contains { $0.name == "Authorization" && $0.value == "Bearer sk-secret" })
        let body = try JSONValue.parse(Data(http.body))
        #expect(body["model"] == "m")
        #expect(body["seed"] == 7)
        #expect(body["response_format"] == ["type": "json_object"] as JSONValue)
        #expect(!String(decoding: http.body, as: UTF8.self).contains("sk-secret"))
        #expect(!Self.request.canonicalText.contains("sk-secret"))
        #expect(OpenAIProvider().httpRequest(for: Self.request, apiKey: nil, timeout: 9).headers.count == 1)
    }

    /// A refused key, in each provider's way, ends the judge's work (issue 28); other 4xx do not.
    @Test func aRefusedKeyIsUnauthorizedForEveryProvider() {
        let body = Array(#"{"error":{"message":"bad key"}}"#.utf8)
        for status in [401, 403] {
            #expect(OpenAIProvider().interpret(.response(status: status, headers: [:], body: body)) == .unauthorized(reason: "HTTP \(status): bad key"))
            #expect(AnthropicProvider().interpret(.response(status: status, headers: [:], body: body)) == .unauthorized(reason: "HTTP \(status): bad key"))
        }
        let gemini = Array(#"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"reason":"API_KEY_INVALID"}]}}"#.utf8)
        #expect(GeminiProvider().interpret(.response(status: 400, headers: [:], body: gemini))
                == .unauthorized(reason: "HTTP 400: API key not valid. Please pass a valid API key."))
        #expect(OpenAIProvider().interpret(.response(status: 400, headers: [:], body: body)) == .permanent(reason: "HTTP 400: bad key"))
        #expect(OpenAIProvider().interpret(.response(status: 404, headers: [:], body: body)) == .permanent(reason: "HTTP 404: bad key"))
    }

    /// The bodies as a tree of values would write them: the providers write them straight to bytes.
    @Test func bodiesAreTheJSONOfTheRequest() {
        let messages = [ChatMessage(role: "system", content: "Rubric:\n\"be fair\" \\ é\u{2028}"), ChatMessage(role: "user", content: "Q\tA\u{1}B")]
        for (seed, json) in [(7, true), (nil, false)] as [(Int?, Bool)] {
            for messages in [messages, Array(messages.dropFirst())] {
                let request = JudgeRequest(provider: "p", baseURL: "http://h/v1", model: "m\"1", temperature: 0.25, maxTokens: 50, seed: seed,
                                           jsonResponseFormat: json, messages: messages)
                func chat(_ list: [ChatMessage]) -> JSONValue { .array(list.map { ["role": .string($0.role), "content": .string($0.content)] }) }
                var openAI: [(String, JSONValue)] = [("model", "m\"1"), ("messages", chat(messages)), ("temperature", 0.25), ("max_tokens", 50)]
                if let seed { openAI.append(("seed", .number(Double(seed)))) }
                if json { openAI.append(("response_format", ["type": "json_object"])) }
                #expect(OpenAIProvider().httpRequest(for: request, apiKey: nil, timeout: 9).body == JSONValue.object(openAI).compactBytes)

                var anthropic: [(String, JSONValue)] = [("model", "m\"1"), ("max_tokens", 50), ("temperature", 0.25)]
                if let system = messages.first(where: { $0.role == "system" }) {
                    anthropic.append(("system", [["type": "text", "text": .string(system.content), "cache_control": ["type": "ephemeral"]]]))
                }
                anthropic.append(("messages", chat(messages.filter { $0.role != "system" })))
                #expect(AnthropicProvider().httpRequest(for: request, apiKey: nil, timeout: 9).body == JSONValue.object(anthropic).compactBytes)
            }
        }
    }

    @Test func openAIRepliesAreClassified() {
        let provider = OpenAIProvider()
        let ok = #"{"choices":[{"message":{"content":"A"}}],"usage":{"prompt_tokens":100,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":64}}}"#
        #expect(provider.interpret(.response(status: 200, headers: [:], body: Array(ok.utf8)))
                == .answer(text: "A", usage: Usage(inputTokens: 100, cachedInputTokens: 64, outputTokens: 2)))
        #expect(provider.interpret(.response(status: 429, headers: ["retry-after": "3"], body: Array(#"{"error":{"message":"slow down"}}"#.utf8)))
                == .retryable(reason: "HTTP 429: slow down", retryAfter: 3))
        #expect(provider.interpret(.response(status: 400, headers: [:], body: Array(#"{"error":{"message":"bad model"}}"#.utf8)))
                == .permanent(reason: "HTTP 400: bad model"))
        guard case .retryable = provider.interpret(.response(status: 200, headers: [:], body: Array("{\"choi".utf8))) else { Issue.record("truncated"); return }
        guard case .retryable = provider.interpret(.response(status: 200, headers: [:], body: Array(#"{"choices":[]}"#.utf8))) else { Issue.record("no choices"); return }
        guard case .retryable = provider.interpret(.response(status: 503, headers: [:], body: [])) else { Issue.record("503"); return }
        guard case .retryable = provider.interpret(.timedOut("t")) else { Issue.record("timeout"); return }
        guard case .retryable = provider.interpret(.connectionFailed("reset")) else { Issue.record("reset"); return }
    }

    @Test func anthropicCachesTheSystemPrefixAndCountsCacheTokens() throws {
        let provider = AnthropicProvider()
        let http = provider.httpRequest(for: Self.request, apiKey: "k", timeout: 9)
        #expect(http.url == "http://h/v1/messages")
        #expect(http.headers.contains { $0.name == "x-api-key" && $0.value == "k" })
        #expect(http.headers.contains { $0.name == "anthropic-version" })
        let body = try JSONValue.parse(Data(http.body))
        #expect(body["system"] == [["type": "text", "text": "S", "cache_control": ["type": "ephemeral"]]] as JSONValue)
        #expect(body["messages"] == [["role": "user", "content": "U"]] as JSONValue)
        let reply = #"{"content":[{"type":"text","text":"B"}],"usage":{"input_tokens":10,"output_tokens":3,"cache_read_input_tokens":900,"cache_creation_input_tokens":0}}"#
        #expect(provider.interpret(.response(status: 200, headers: [:], body: Array(reply.utf8)))
                == .answer(text: "B", usage: Usage(inputTokens: 910, cachedInputTokens: 900, cacheWriteTokens: 0, outputTokens: 3)))
        guard case .retryable = provider.interpret(.response(status: 529, headers: [:], body: [])) else { Issue.record("529"); return }
    }

    @Test func geminiWritesGenerateContentAndReadsUsageMetadata() throws {
        let provider = GeminiProvider()
        var request = Self.request
        request.messages.append(ChatMessage(role: "assistant", content: "R"))
        let http = provider.httpRequest(for: request, apiKey: "gk", timeout: 9)
        #expect(http.url == "http://h/v1/models/m:generateContent")
        #expect(http.headers.contains { $0.name == "x-goog-api-key" && $0.value == "gk" })
        #expect(!http.headers.contains { $0.name == "Authorization" })
        let body = try JSONValue.parse(Data(http.body))
        #expect(body["systemInstruction"] == ["parts": [["text": "S"]]] as JSONValue)
        #expect(body["contents"] == [["role": "user", "parts": [["text": "U"]]], ["role": "model", "parts": [["text": "R"]]]] as JSONValue)
        #expect(body["generationConfig"] == ["temperature": 0.3, "maxOutputTokens": 50, "seed": 7, "responseMimeType": "application/json"] as JSONValue)
        #expect(provider.httpRequest(for: request, apiKey: nil, timeout: 9).headers.count == 1)

        // Thoughts are billed as output and kept out of the verdict; cached tokens are counted.
        let reply = #"{"candidates":[{"content":{"role":"model","parts":[{"text":"hmm","thought":true},{"text":"A"}]}}],"usageMetadata":{"promptTokenCount":120,"candidatesTokenCount":2,"cachedContentTokenCount":100,"thoughtsTokenCount":5}}"#
        #expect(provider.interpret(.response(status: 200, headers: [:], body: Array(reply.utf8)))
                == .answer(text: "A", usage: Usage(inputTokens: 120, cachedInputTokens: 100, outputTokens: 7)))
        #expect(provider.interpret(.response(status: 429, headers: [:], body: Array(#"{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}}"#.utf8)))
                == .retryable(reason: "HTTP 429: quota", retryAfter: nil))
        #expect(provider.interpret(.response(status: 200, headers: [:], body: Array(#"{"promptFeedback":{"blockReason":"SAFETY"}}"#.utf8)))
                == .permanent(reason: "the prompt was blocked: SAFETY"))
        guard case .retryable = provider.interpret(.response(status: 200, headers: [:], body: Array(#"{"candidates":[]}"#.utf8))) else { Issue.record("no candidates"); return }
    }

    @Test func everyProviderKindSaysHowItIsReached() {
        for kind in ProviderKind.allCases {
            // An HTTP provider has an endpoint and a key variable; an in-process one has neither.
            #expect((kind.httpProvider == nil) == (kind.defaultBaseURL == nil))
            #expect((kind.httpProvider == nil) == (kind.defaultKeyVariable == nil))
            #expect(ProviderKind(rawValue: kind.rawValue) == kind)
        }
        #expect(ProviderKind.gemini.defaultKeyVariable == "GEMINI_API_KEY")
    }

    @Test func retriesBackOffExponentiallyAndHonourRetryAfter() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 1, maxDelay: 10)
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, jitter: 0) == 0.5)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, jitter: 0.999) < 4)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, jitter: 0) == 2)
        #expect(policy.delay(afterAttempt: 9, retryAfter: nil, jitter: 0.5) == 7.5)  // capped at 10, times 0.75
        #expect(policy.delay(afterAttempt: 1, retryAfter: 30, jitter: 0) == 30)
        #expect(RetryPolicy.parseRetryAfter("2") == 2)
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == 0)  // in the past
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
    }

    @Test func costsFollowTheReportedUsage() throws {
        let price = Price(input: 2, cachedInput: 0.5, cacheWrite: 2.5, output: 8)
        let cost = price.cost(of: Usage(inputTokens: 1000, cachedInputTokens: 400, cacheWriteTokens: 100, outputTokens: 50))
        let expected: Double = (500.0 * 2 + 400.0 * 0.5 + 100.0 * 2.5 + 50.0 * 8) / 1e6
        #expect(abs(cost - expected) < 1e-15)
        let maximum: Double = (1000.0 * 2.5 + 100.0 * 8) / 1e6
        #expect(price.maximumCost(inputTokens: 1000, maxOutputTokens: 100) == maximum)
        let shipped = try PriceTable.shipped()
        #expect(shipped.price(of: "gpt-4o-mini")?.output == 0.6)
    }

    @Test func identicalRequestsShareAHashAndDifferentOnesDoNot() {
        var other = Self.request
        #expect(other.hash == Self.request.hash)
        other.temperature = 0.31
        #expect(other.hash != Self.request.hash)
        #expect(Self.request.hash.count == 64)
    }
}

@Suite struct RateLimiterTests {
    /// In virtual time: the waits are exact, and the test takes no real time.
    @Test func requestsAndTokensArePacedAfterTheBurst() async throws {
        let clock = VirtualClock()
        let requests = RateLimiter(requestsPerMinute: 120, tokensPerMinute: nil, clock: clock)  // 2 a second, a minute's burst
        for _ in 0..<120 { try await requests.acquire(tokens: 1) }
        #expect(clock.sleeps.isEmpty)
        try await requests.acquire(tokens: 1)
        #expect(abs(clock.now() - 0.5) < 0.01, "\(clock.now())")
        // Time spent elsewhere refills the bucket: after a minute, a minute's burst again.
        clock.advance(by: 60)
        let before = clock.sleeps.count
        for _ in 0..<120 { try await requests.acquire(tokens: 1) }
        #expect(clock.sleeps.count == before)

        let tokenClock = VirtualClock()
        let tokens = RateLimiter(requestsPerMinute: nil, tokensPerMinute: 6000, clock: tokenClock)  // 100 tokens a second
        try await tokens.acquire(tokens: 6000)
        try await tokens.acquire(tokens: 50)
        #expect(abs(tokenClock.now() - 0.5) < 0.01, "\(tokenClock.now())")
        // A request larger than a minute's allowance waits for the whole bucket, not for ever.
        try await tokens.acquire(tokens: 10_000)
        #expect(abs(tokenClock.now() - 60.5) < 0.02, "\(tokenClock.now())")
    }
}
