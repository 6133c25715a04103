import Foundation
// The seam between the runner and whoever answers: one judge, one attempt at one request.

/// How hard a judge may be pushed: requests at once, per-minute limits, retries and time limits.
public struct JudgeLimits: Sendable {
    public var concurrency: Int = 16
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    public var retry = RetryPolicy()
    /// Seconds for one whole exchange.
    public var timeout: Double = 120

    public init() {}
}

/// What one attempt came to: the reply as the runner should treat it, and the request as sent
/// (its HTTP body, kept beside the reply in the response cache; empty for an in-process judge).
public struct JudgeAttempt: Sendable {
    public var reply: ProviderReply
    public var sent: [UInt8]

    public init(reply: ProviderReply, sent: [UInt8] = []) {
        self.reply = reply
        self.sent = sent
    }
}

/// Something that answers judge requests: an endpoint over HTTP (`HTTPJudge`), recordings
/// (`ReplayJudge`) or a baseline (`BaselineJudge`). The runner makes one attempt at a time
/// through it and owns the rest: retries, rate limits, the budget, the cache and the journal.
public protocol Judge: Sendable {
    /// The judge's name in the study (`judges:`), which variants name.
    var name: String { get }
    var limits: JudgeLimits { get }
    /// In-process judges cost nothing and need no key.
    var isLocal: Bool { get }
    /// One attempt at `request`.
    func answer(_ request: JudgeRequest) async -> JudgeAttempt
    /// Where the runner's `index`th worker for this judge should run (see `HTTPTransport`).
    func executor(forWorker index: Int) -> (any TaskExecutor)?
    /// Text from a server or a model with any secret of this judge's removed, before it is kept.
    func redact(_ text: String) -> String
}

extension Judge {
    public var isLocal: Bool { false }
    public func executor(forWorker index: Int) -> (any TaskExecutor)? { nil }
    public func redact(_ text: String) -> String { text }
}

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

/// The servers of a judge with several: requests spread by least outstanding (for each one's
/// concurrency); one that fails (no connection, a timeout, a 5xx) is taken out for a while (1 s,
/// doubling to 60 s while it keeps failing) and its requests go to the others, then it is
/// tried again.
public final class EndpointPool: @unchecked Sendable {
    public let endpoints: [Endpoint]
    private let lock = NSLock()
    private var outstanding: [Int]
    private var downUntil: [Double]
    private var failures: [Int]
    private let now: @Sendable () -> Double

    public init(_ endpoints: [Endpoint], now: @escaping @Sendable () -> Double = { Date().timeIntervalSinceReferenceDate }) {
        self.endpoints = endpoints
        self.now = now
        outstanding = [Int](repeating: 0, count: endpoints.count)
        downUntil = [Double](repeating: 0, count: endpoints.count)
        failures = [Int](repeating: 0, count: endpoints.count)
    }

    /// The endpoint for the next attempt (counted as outstanding until it is given back): the
    /// least loaded of those in service with room, waiting while none has room.
    public func take() async -> Int {
        while true {
            if let chosen = tryTake() { return chosen }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    func tryTake() -> Int? {
        lock.withLock {
            let time = now()
            let open = endpoints.indices.filter { downUntil[$0] <= time && outstanding[$0] < endpoints[$0].concurrency }
            guard let chosen = open.min(by: {
                Double(outstanding[$0]) / Double(max(1, endpoints[$0].concurrency)) < Double(outstanding[$1]) / Double(max(1, endpoints[$1].concurrency))
            }) else { return nil }
            outstanding[chosen] += 1
            return chosen
        }
    }

    public func give(back index: Int, failed: Bool) {
        lock.withLock {
            outstanding[index] -= 1
            if failed {
                failures[index] += 1
                downUntil[index] = now() + min(60, pow(2, Double(failures[index] - 1)))
            } else {
                failures[index] = 0
            }
        }
    }

    /// How many requests each endpoint has outstanding.
    public var load: [Int] { lock.withLock { outstanding } }

    /// Whether an outcome says the server is not there or not well (not the request's fault).
    public static func isEndpointFailure(_ outcome: HTTPOutcome) -> Bool {
        switch outcome {
        case .connectionFailed, .timedOut, .failed: return true
        case let .response(status, _, _): return status >= 500
        }
    }
}
