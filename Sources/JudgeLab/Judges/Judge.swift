// The seam between the runner and whoever answers: one judge, one attempt at one request.
import Foundation

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
    /// In-process judges need no key, and cost nothing unless they say so (`isPriced`).
    var isLocal: Bool { get }
    /// Whether its answers are priced from their usage at the model's price: every judge over
    /// HTTP; of the in-process ones, only a replay of a priced model (what it would have cost).
    var isPriced: Bool { get }
    /// One attempt at `request`.
    func answer(_ request: JudgeRequest) async -> JudgeAttempt
    /// Where the runner's `index`th worker for this judge should run (see `HTTPTransport`).
    func executor(forWorker index: Int) -> (any TaskExecutor)?
    /// Text from a server or a model with any secret of this judge's removed, before it is kept.
    func redact(_ text: String) -> String
}

extension Judge {
    public var isLocal: Bool { false }
    public var isPriced: Bool { !isLocal }
    public func executor(forWorker index: Int) -> (any TaskExecutor)? { nil }
    public func redact(_ text: String) -> String { text }
}
