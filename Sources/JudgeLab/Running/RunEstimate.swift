// What a run still needs, before anything is spent: judgments answered, cached and to send,
// tokens, and dollars one request at a time and through the batch APIs.
import Foundation

public enum RunEstimate {
    /// The estimate as the terminal shows it. Reads the run's journal and the shared cache where
    /// they exist (through `openStore`), and creates nothing.
    public static func text(plan: StudyPlan, settings: RunSettings, layout: RunLayout,
                            openStore: (_ run: String, _ cache: String) throws -> any RunStore) throws -> String {
        let tasks = try Runner.tasks(for: plan, settings: settings)
        let manager = FileManager.default
        // Read only what exists: an estimate creates no run folder and no cache.
        let cache = settings.cachePath.flatMap { manager.fileExists(atPath: $0) ? $0 : nil }
        let store: (any RunStore)? = cache != nil || manager.fileExists(atPath: layout.store)
            ? try openStore(manager.fileExists(atPath: layout.store) ? layout.store : ResponseCache.none, cache ?? ResponseCache.none)
            : nil
        let (answered, cached, toSend, shared, skipped) = try Runner.estimate(tasks, store: store)
        let input = toSend.reduce(0) { $0 + $1.request.estimatedInputTokens }
        let output = toSend.reduce(0) { $0 + $1.request.maxTokens }
        var rows = [
            ["judgments", "\(tasks.count) (\(plan.variants.count) variants × \(plan.items.count) items × their orders\(plan.variants.contains { $0.samples > 1 } ? " × their samples" : ""))"],
            ["answered before", "\(answered)"],
            ["from the cache", "\(cached) (\(settings.cachePath == ResponseCache.none ? "no cache" : "cache: " + (settings.cachePath ?? "none: set $\(ResponseCache.variable) or $HOME")))"],
            ["requests to send", "\(toSend.count) (before retries)" + (shared > 0 ? "; \(shared) more judgments share one of them (an identical prompt)" : "")],
        ]
        if skipped > 0 { rows.append(["skipped", "\(skipped) judgments over their judge's input limit (oversized: skip): not sent"]) }
        // A later stage judged only where a cascade reaches it: counted here on every item, its most.
        let partial = CascadeSpec.partialStages(plan.study.cascades, juries: plan.study.juries)
        if !partial.isEmpty, let split = plan.calibration {
            rows.append(["cascades", "\(partial.sorted().joined(separator: ", ")) judge\(partial.count == 1 ? "s" : "") the \(split.calibration.count) calibration items and only those of the other \(split.evaluated.count) that reach \(partial.count == 1 ? "it" : "them"): counted here (and below) at their most, as if every item did"])
        }
        rows += [
            ["input tokens", "about \(input) (UTF-8 bytes / 4)"],
            ["output tokens", "at most \(output)"],
        ]
        // Both prices for the judges with a batch API: one request at a time, and through the
        // provider's batch API (half price, within 24 hours). The run's own mode comes first.
        let judgeOf = Dictionary(settings.judges.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let batchMode = !settings.batchJudges.isEmpty
        /// The requests to send at their input-only and their most, one request at a time or
        /// through the batch APIs, with the models that have no price.
        func dollars(batch: Bool) -> (input: Double, maximum: Double, unpriced: Set<String>) {
            var input = 0.0, maximum = 0.0
            var unpriced = Set<String>()
            for task in toSend {
                guard let judge = judgeOf[task.judge], !judge.provider.isLocal else { continue }
                let useBatch = batch && judge.provider.hasBatchAPI
                guard let price = useBatch ? settings.prices.batchPrice(of: task.request.model) : settings.prices.price(of: task.request.model) else {
                    unpriced.insert(task.request.model)
                    continue
                }
                input += Double(task.request.estimatedInputTokens) * price.input / 1_000_000
                maximum += price.maximumCost(inputTokens: task.request.estimatedInputTokens, maxOutputTokens: task.request.maxTokens)
            }
            return (input, maximum, unpriced)
        }
        func text(_ d: (input: Double, maximum: Double, unpriced: Set<String>), batch: Bool) -> String {
            String(format: "$%.4f to $%.4f (input only, to every output token used)", d.input, d.maximum)
                + (d.unpriced.isEmpty ? "" : "; no \(batch ? "batch " : "")price for \(d.unpriced.sorted().joined(separator: ", "))")
        }
        let sync = dollars(batch: false), batched = dollars(batch: true)
        let mostThisRun = (batchMode ? batched : sync).maximum
        let hasBatchAPI = settings.judges.contains { $0.provider.hasBatchAPI }
        let syncRow = ["dollars" + (batchMode ? ", one request at a time" : ""), text(sync, batch: false)]
        let batchRow = ["dollars, batch API" + (batchMode ? " (this run)" : ""), text(batched, batch: true) + " within 24 hours"]
        rows += batchMode ? [batchRow, syncRow] : hasBatchAPI ? [syncRow, batchRow] : [syncRow]
        if let cap = settings.maxCostUSD {
            // Said before anything is spent: a run that may cost more can stop at the budget.
            rows.append(["budget", String(format: "$%.2f", cap) + (mostThisRun > cap
                ? String(format: ": this run may cost up to $%.4f, so it may stop at the budget before it is done (raise budget.max_cost_usd or --max-cost, or lower max_tokens)", mostThisRun) : "")])
        }
        var text = TextTable.render(rows)
        // Each judge's share, when there are several: who is sent what, at what concurrency.
        if settings.judges.count > 1 {
            var perJudge = [["judge", "provider", "endpoint", "variants", "requests to send", "at most $", "concurrency"]]
            for judge in settings.judges {
                let sending = toSend.filter { $0.judge == judge.name }
                perJudge.append([judge.name, judge.provider.rawValue, judge.endpointURL.isEmpty ? "in process" : judge.endpointURL,
                                 "\(plan.variants.count { $0.judge == judge.name })", "\(sending.count)",
                                 String(format: "%.4f", sending.reduce(0.0) { $0 + ($1.maximumCost ?? 0) }), "\(judge.limits.concurrency)"])
            }
            text += "\n\n" + TextTable.render(perJudge, header: true)
        }
        return text
    }
}
