// An in-process judge whose every reply a test writes, and which counts what it was asked.
import Foundation
import Synchronization
import JudgeLab

/// Answers by a script: the request and how many times this judgment was asked before. Counts
/// the attempts per judgment and the most attempts in flight at once.
public final class ScriptedJudge: Judge {
    public let name: String
    public let limits: JudgeLimits
    let local: Bool
    private let script: @Sendable (JudgeRequest, Int) -> ProviderReply
    private struct Counts {
        public var attempts: [JudgmentKey: Int] = [:]
        var inFlight = 0
        var maxInFlight = 0
    }
    private let counts = Mutex(Counts())
    /// Called after each attempt, with the number of attempts so far (to cancel a run mid-way, say).
    public let afterAttempt: (@Sendable (Int) -> Void)?

    public init(name: String = "scripted", concurrency: Int = 4, maxAttempts: Int = 6, isLocal: Bool = false,
         script: @escaping @Sendable (JudgeRequest, Int) -> ProviderReply = { _, _ in .answer(text: "A", usage: Usage(outputTokens: 1)) },
         afterAttempt: (@Sendable (Int) -> Void)? = nil) {
        var limits = JudgeLimits()
        limits.concurrency = concurrency
        limits.retry.maxAttempts = maxAttempts
        self.name = name
        self.limits = limits
        self.local = isLocal
        self.script = script
        self.afterAttempt = afterAttempt
    }

    public var isLocal: Bool { local }

    public func answer(_ request: JudgeRequest) async -> JudgeAttempt {
        let key = request.subject!
        let previous = counts.withLock { counts in
            counts.inFlight += 1
            counts.maxInFlight = max(counts.maxInFlight, counts.inFlight)
            defer { counts.attempts[key, default: 0] += 1 }
            return counts.attempts[key, default: 0]
        }
        // Let the other workers in, so that attempts overlap as they would over a network.
        await Task.yield()
        await Task.yield()
        let total = counts.withLock { counts in
            counts.inFlight -= 1
            return counts.attempts.values.reduce(0, +)
        }
        let reply = script(request, previous)
        afterAttempt?(total)
        return JudgeAttempt(reply: reply, sent: Array(request.canonicalText.utf8))
    }

    public var attempts: [JudgmentKey: Int] { counts.withLock { $0.attempts } }
    public var totalAttempts: Int { counts.withLock { $0.attempts.values.reduce(0, +) } }
    public var maxInFlight: Int { counts.withLock { $0.maxInFlight } }
}

/// Tasks and settings for run-loop tests.
public enum RunFixture {
    /// `count` distinct one-message tasks for `judge`, model "m", each able to cost `maximumCost`.
    public static func tasks(_ count: Int, judge: String = "scripted", variant: String = "v", maximumCost: Double? = 1) -> [RunTask] {
        (0..<count).map { index in
            let key = JudgmentKey(variant: variant, item: "item-\(index)", order: .original)
            let request = JudgeRequest(provider: "openai", baseURL: "http://judge.invalid/" + judge, model: "m", temperature: 0, maxTokens: 1,
                                       seed: nil, jsonResponseFormat: false, messages: [ChatMessage(role: "user", content: "item \(index) for \(variant)")],
                                       subject: key)
            return RunTask(key: key, judge: judge, request: request, hash: request.hash, parser: .choice, maximumCost: maximumCost)
        }
    }

    /// Prices where model "m" costs $1 per output token and nothing per input token.
    public static func settings(cap: Double? = nil) -> RunSettings {
        var settings = RunSettings(judges: [], prices: PriceTable(prices: ["m": Price(input: 0, output: 1_000_000)]))
        settings.maxCostUSD = cap
        return settings
    }
}
