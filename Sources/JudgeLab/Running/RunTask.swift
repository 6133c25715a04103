// One judgment to make: its key, its judge, its request and how to read the answer.
import Foundation

/// One judgment to make: its key, its judge, its request and how to read the answer.
public struct RunTask: Sendable {
    public var key: JudgmentKey
    /// The name of the judge that answers it.
    public var judge: String
    public var request: JudgeRequest
    public var hash: String
    public var parser: OutputParser
    /// The most this request can cost; nil when the model has no price.
    public var maximumCost: Double?
    /// The verdict is read from the token probabilities (`verdict: logprobs`), not the text.
    public var verdictFromLogprobs = false
    /// Whether a tie is a verdict the template allows (for the probabilities read).
    public var allowsTie = true
    /// Whether the response cache answers it and keeps its reply. Not for in-process judges:
    /// a recording edited between two runs must be replayed as it is now, and they cost nothing.
    public var cacheable = true
    /// Its prompt is over its judge's input limit and the judge says `oversized: skip`: it is
    /// neither sent nor answered from the cache, only counted.
    public var oversized = false
    /// A pointwise template's scale: a verdict from log probabilities is the expected score over it.
    public var pointwiseScale: ClosedRange<Double>?

    public init(key: JudgmentKey, judge: String, request: JudgeRequest, hash: String, parser: OutputParser, maximumCost: Double?,
                verdictFromLogprobs: Bool = false, allowsTie: Bool = true, cacheable: Bool = true) {
        self.key = key
        self.judge = judge
        self.request = request
        self.hash = hash
        self.parser = parser
        self.maximumCost = maximumCost
        self.verdictFromLogprobs = verdictFromLogprobs
        self.allowsTie = allowsTie
        self.cacheable = cacheable
    }
}
