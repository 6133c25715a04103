// What the terminal says when a run is done.
import Foundation

extension RunSummary {
    /// The run's last words: what was recorded where, what was sent and paid, what failed and why.
    /// A report is named only when one was written (`StudyJob` publishes one when a judgment was recorded).
    public func describe(judgments: Int, layout: RunLayout) -> String {
        let s = self
        let report = judgments > 0 ? "(report: \(layout.htmlReport))" : "(no report: nothing was answered)"
        var lines = ["\(judgments) of \(s.total) judgments recorded in \(layout.directory) \(report) " +
                     "(\(s.answeredBefore) before this run, \(s.fromCache) from the cache, \(s.answered) answered now; " +
                     "\(s.requestsSent) HTTP requests, \(s.retries) retries, $\(String(format: "%.4f", s.paidUSD)) spent in all; " +
                     String(format: "judged in %.2f s wall, %.3f s CPU)", s.seconds, s.cpuSeconds)]
        if s.skipped > 0 {
            lines.append("\(s.skipped) judgments skipped, not sent: their prompts are over their judge's input limit (oversized: skip)")
        }
        if s.batchesCreated > 0 || s.ignoredResults > 0 {
            lines.append("\(s.batchesCreated) batches created" + (s.ignoredResults > 0 ? "; \(s.ignoredResults) batch results ignored (for no request of their batch: sent again)" : ""))
        }
        for refusal in s.refusedJudges {
            lines.append("judge '\(refusal.judge)': its endpoint refused the key (\(refusal.reason)); "
                         + (refusal.keyVariable.map { "check $\($0)" } ?? "check its key") + ". Its \(refusal.notSent) other requests were not sent; nothing was retried")
        }
        if s.failed > 0 {
            // A refused key fails the same way again: no advice to retry until the key is mended.
            lines.append("\(s.failed) requests failed for good" + (s.refusedJudges.isEmpty ? "; run the same command again to retry them:" : ":"))
            lines += s.failureReasons.sorted { $0.value > $1.value }.prefix(5).map { "  \($0.value) × \($0.key)" }
        }
        if s.stoppedForBudget {
            lines.append(s.budgetStopText)
        }
        if s.cancelled { lines.append("interrupted: run the same command to continue where it stopped") }
        return lines.joined(separator: "\n")
    }
}

extension RunSummary {
    /// Why the run stopped at the budget, with the cause named: one request dearer than the
    /// whole cap is the item's or the reply limit's doing, and raising the cap a little does
    /// not help; otherwise the spend so far and the next request's most.
    var budgetStopText: String {
        guard let b = budgetBlocker else {
            return "stopped at the budget: the next request could have taken the spend past the cap; raise --max-cost and run the same command to continue"
        }
        let request = String(format: "the next request (item '%@', variant '%@': about %d input tokens, up to %d output tokens) may cost up to $%.4f",
                             b.item.excerpt(), b.variant.excerpt(), b.inputTokens, b.maxTokens, b.maximumCost)
        if b.maximumCost > b.cap {
            return "stopped at the budget: " + request + String(format: " on its own, more than the whole $%.2f cap: shorten that item or lower max_tokens; a cap above $%.4f would let it through", b.cap, b.maximumCost)
        }
        return "stopped at the budget: " + String(format: "$%.4f spent of the $%.2f cap, and ", paidUSD, b.cap) + request
            + ", which could take the spend past it; raise --max-cost and run the same command to continue"
    }
}
