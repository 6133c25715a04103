// A reply worth keeping: the judge's text and what it cost.

/// A reply worth keeping: the judge's text and what it cost.
public struct CachedReply: Equatable, Sendable {
    public var text: String
    public var usage: Usage
    public var costUSD: Double?
    public var latencyMS: Double
    /// The reply's token log probabilities, when they were asked for (`TokenLogprobs.encode`).
    public var logprobs: String?

    public init(text: String, usage: Usage, costUSD: Double?, latencyMS: Double, logprobs: String? = nil) {
        self.text = text
        self.usage = usage
        self.costUSD = costUSD
        self.latencyMS = latencyMS
        self.logprobs = logprobs
    }
}

/// One row of the journal: a judgment (answered) or a request that failed for good.
public struct JournalEntry: Equatable, Sendable {
    public var key: JudgmentKey
    public var requestHash: String
    /// The judgment, for an answered request.
    public var judgment: Judgment?
    /// Dollars paid in THIS run (0 when answered from the cache).
    public var paidUSD: Double
    public var attempts: Int
    public var fromCache: Bool
    /// Why the request failed for good, for an unanswered one.
    public var finalError: String?

    public init(key: JudgmentKey, requestHash: String, judgment: Judgment?, paidUSD: Double, attempts: Int, fromCache: Bool, finalError: String?) {
        self.key = key
        self.requestHash = requestHash
        self.judgment = judgment
        self.paidUSD = paidUSD
        self.attempts = attempts
        self.fromCache = fromCache
        self.finalError = finalError
    }
}

/// A reply that came from the network, for the response cache.
public struct FreshReply: Sendable {
    public var hash: String
    /// The request as sent (its HTTP body; for a local judge, its canonical text), kept beside
    /// the reply so that a cache can be inspected. The key is the canonical text's hash.
    public var request: String
    public var reply: CachedReply

    public init(hash: String, request: String, reply: CachedReply) {
        self.hash = hash
        self.request = request
        self.reply = reply
    }
}
