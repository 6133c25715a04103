// A provider's API over an HTTP transport, with the judge's key.
import Foundation

/// A provider's API over an HTTP transport, with the judge's key.
public struct HTTPJudge: Judge {
    public let name: String
    public let limits: JudgeLimits
    let provider: any JudgeProvider
    let transport: any HTTPTransport
    /// Sent in a header, never stored, logged or reported.
    let apiKey: String?
    /// Several servers for this judge: each attempt goes to the one with the fewest requests
    /// outstanding for its size, among those not taken out.
    var pool: EndpointPool?

    public init(name: String, provider: any JudgeProvider, transport: any HTTPTransport, apiKey: String?, limits: JudgeLimits) {
        self.name = name
        self.provider = provider
        self.transport = transport
        self.apiKey = apiKey
        self.limits = limits
    }

    public func answer(_ request: JudgeRequest) async -> JudgeAttempt {
        guard let pool else {
            let http = provider.httpRequest(for: request, apiKey: apiKey, timeout: limits.timeout)
            return JudgeAttempt(reply: provider.interpret(await transport.send(http)), sent: http.body)
        }
        let endpoint = await pool.take()
        var sent = request
        sent.baseURL = pool.endpoints[endpoint].baseURL
        let http = provider.httpRequest(for: sent, apiKey: apiKey, timeout: limits.timeout)
        let outcome = await transport.send(http)
        var reply = provider.interpret(outcome)
        pool.give(back: endpoint, failed: EndpointPool.isEndpointFailure(outcome))
        if case let .retryable(reason, after) = reply { reply = .retryable(reason: "\(pool.endpoints[endpoint].baseURL): \(reason)", retryAfter: after) }
        return JudgeAttempt(reply: reply, sent: http.body)
    }

    public func executor(forWorker index: Int) -> (any TaskExecutor)? {
        transport.executor(forWorker: index)
    }

    public func redact(_ text: String) -> String {
        guard let apiKey, apiKey.count >= 4 else { return text }
        return text.replacingOccurrences(of: apiKey, with: "[redacted]")
    }
}
