// What a run did.
import Foundation

/// What a run did.
public struct RunSummary: Sendable {
    public var total = 0
    public var answeredBefore = 0
    public var fromCache = 0
    /// Distinct requests that needed the network.
    public var toSend = 0
    /// Judgments left out, unsent: their prompts are over their judge's input limit
    /// (`oversized: skip`).
    public var skipped = 0
    /// Attempts made (HTTP exchanges, for judges over HTTP), retries included.
    public var requestsSent = 0
    public var answered = 0
    public var failed = 0
    public var retries = 0
    public var paidUSD = 0.0
    public var stoppedForBudget = false
    public var cancelled = false
    /// Wall time of the judging phase.
    public var seconds = 0.0
    /// CPU time (user + system) of the whole process during the judging phase.
    public var cpuSeconds = 0.0
    /// Failures by reason, for the user.
    public var failureReasons: [String: Int] = [:]
    /// Batches created at the provider by this run (batch mode).
    public var batchesCreated = 0
    /// Result lines of a batch that answered no request of it (unreadable, repeated, or for
    /// another request): ignored, and their requests sent again.
    public var ignoredResults = 0
    /// Judges whose endpoint refused their key: their work ended at the first refusal.
    public var refusedJudges: [Refusal] = []

    /// A judge whose key its endpoint refused.
    public struct Refusal: Sendable, Equatable {
        public var judge: String
        /// The variable its key is read from (the name only).
        public var keyVariable: String?
        /// The endpoint's answer, e.g. `HTTP 401: Incorrect API key provided`.
        public var reason: String
        /// Its requests left unsent.
        public var notSent: Int
    }

    /// The request the budget could not cover, when the run stopped for it: what the stop says.
    public var budgetBlocker: BudgetBlocker?

    /// A request the budget could not cover.
    public struct BudgetBlocker: Sendable, Equatable {
        public var item: String
        public var variant: String
        /// Its most: every prompt token uncached, every allowed output token used.
        public var maximumCost: Double
        public var inputTokens: Int
        public var maxTokens: Int
        public var cap: Double

        public init(item: String, variant: String, maximumCost: Double, inputTokens: Int, maxTokens: Int, cap: Double) {
            self.item = item
            self.variant = variant
            self.maximumCost = maximumCost
            self.inputTokens = inputTokens
            self.maxTokens = maxTokens
            self.cap = cap
        }
    }

    public var complete: Bool { !stoppedForBudget && !cancelled && failed == 0 }

    /// Adds another part of the same run (a batch judge's, after the others').
    public mutating func merge(_ other: RunSummary) {
        total += other.total
        answeredBefore += other.answeredBefore
        fromCache += other.fromCache
        toSend += other.toSend
        skipped += other.skipped
        requestsSent += other.requestsSent
        answered += other.answered
        failed += other.failed
        retries += other.retries
        paidUSD = max(paidUSD, other.paidUSD)  // each part reads the folder's total
        stoppedForBudget = stoppedForBudget || other.stoppedForBudget
        budgetBlocker = budgetBlocker ?? other.budgetBlocker
        cancelled = cancelled || other.cancelled
        seconds += other.seconds
        cpuSeconds += other.cpuSeconds
        failureReasons.merge(other.failureReasons, uniquingKeysWith: +)
        batchesCreated += other.batchesCreated
        ignoredResults += other.ignoredResults
        refusedJudges += other.refusedJudges
    }
}
