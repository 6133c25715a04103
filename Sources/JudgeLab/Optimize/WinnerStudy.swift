// winner.yaml: the search's winner as a study of its own, which `judgelab run` accepts as it
// is and which judges exactly the test split with exactly the winner's prompts.
import Foundation

public enum WinnerStudy {
    /// The winner's data set: the test items, then the examples it shows (for `nearest`, the
    /// whole pool it draws from).
    public static func items(winner: Variant, plan: OptimizePlan) -> [Pair] {
        plan.split.test + examplePool(winner: winner, plan: plan)
    }

    static func examplePool(winner: Variant, plan: OptimizePlan) -> [Pair] {
        winner.nearest != nil ? plan.split.pool : winner.examples
    }

    /// The study's text. `dataset` is the file `items` are written to, beside the study.
    /// - Parameter caution: said first when the winner did not beat the baseline on test.
    public static func yaml(winner: Variant, plan: OptimizePlan, dataset: String, templates: String, result: OptimizeResult,
                            caution: String? = nil) -> String {
        func q(_ text: String) -> String {
            var out = ""
            JSONValue.writeString(text, to: &out)
            return out
        }
        func n(_ value: Double) -> String { JSONValue.format(number: value) }
        let study = plan.study
        let metrics = result.candidate(winner.name)
        var lines = caution.map { ["# NOTE: on the test split this winner did not beat the baseline: \($0)."] } ?? []
        lines += [
            "# The winner of `judgelab optimize` on \(study.name), as a study of its own: it judges the search's",
            "# test split (\(plan.split.test.count) items, which the search never used to decide) with the winner's exact prompts.",
            "# Dev agreement \(metrics?.devAgreement.map { String(format: "%.3f", $0) } ?? "-") over \(metrics?.devItems ?? 0) items; run it to see the test figures.",
            "name: \(q(study.name + "-winner"))",
            "dataset: {path: \(q(dataset)), format: native}",
            "templates: \(q(templates))",
        ]
        let pool = examplePool(winner: winner, plan: plan)
        if !pool.isEmpty { lines.append("split: {fewshot_ids: [\(pool.map { q($0.id) }.joined(separator: ", "))]}") }
        let judgeName = winner.judge
        let judges = study.judges.filter { $0.name == judgeName }
        lines.append("judges:")
        for judge in judges {
            lines.append("  \(q(judge.name)):")
            lines.append("    provider: \(judge.provider.rawValue)")
            if let v = judge.baseURL { lines.append("    base_url: \(q(v))") }
            lines.append("    model: \(q(winner.model))")
            if let v = judge.apiKeyEnv { lines.append("    api_key_env: \(q(v))") }
            let limits = judge.limits
            lines.append("    concurrency: \(limits.concurrency)")
            if let v = limits.requestsPerMinute { lines.append("    requests_per_minute: \(v)") }
            if let v = limits.tokensPerMinute { lines.append("    tokens_per_minute: \(v)") }
            lines += ["    timeout_seconds: \(n(limits.timeout))", "    max_attempts: \(limits.retry.maxAttempts)", "    retry_base_seconds: \(n(limits.retry.baseDelay))"]
            if let v = judge.seed { lines.append("    seed: \(v)") }
            if judge.jsonResponseFormat { lines.append("    json_response_format: true") }
            // Already resolved against the study when read; absolute here, since winner.yaml is elsewhere.
            if let v = judge.recordings { lines.append("    recordings: \(q(URL(fileURLWithPath: v).standardizedFileURL.path))") }
            if let v = judge.recordedVariant { lines.append("    recorded_variant: \(q(v))") }
        }
        if let cap = study.maxCostUSD { lines.append("budget: {max_cost_usd: \(n(cap))}") }
        if !study.prices.prices.isEmpty {
            lines.append("prices:")
            for (model, price) in study.prices.prices.sorted(by: { $0.key < $1.key }) {
                var fields = ["input: \(n(price.input))", "output: \(n(price.output))", "cached_input: \(n(price.cachedInput))", "cache_write: \(n(price.cacheWrite))"]
                if let batch = study.prices.batchPrice(of: model) { fields += ["batch_input: \(n(batch.input))", "batch_output: \(n(batch.output))"] }
                lines.append("  \(q(model)): {\(fields.joined(separator: ", "))}")
            }
        }
        let selection = winner.nearest != nil ? "nearest" : "fixed"
        var entry = ["name: \(q(winner.name))", "template: \(q(winner.template.name))", "shots: \(winner.shots)"]
        if winner.shots > 0 { entry.append("selection: \(selection)") }
        entry += ["rubric: \(q(winner.rubric ?? "none"))"] + (winner.rubricText.map { ["rubric_text: \(q($0))"] } ?? []) + ["order: \(winner.order.rawValue)", "judge: \(q(judgeName))", "model: \(q(winner.model))",
                  "temperature: \(n(winner.temperature))", "max_tokens: \(winner.maxTokens)", "output: \(winner.output.rawValue)", "verdict: \(winner.verdict.rawValue)"]
            + (winner.reason.map { ["reason: \($0.rawValue)"] } ?? [])
            + (winner.tieBand.map { ["tie_band: \(q("\(n($0.lo)),\(n($0.hi))"))"] } ?? [])
        lines.append("variants:")
        lines.append("  list:")
        lines.append("    - {\(entry.joined(separator: ", "))}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `path` written relative to `folder` (both made absolute first).
    public static func relative(_ path: String, from folder: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        func parts(_ p: String) -> [String] {
            let absolute = p.hasPrefix("/") ? p : FilePath.join(cwd, p)
            var out: [String] = []
            for part in absolute.split(separator: "/") {
                if part == "." || part.isEmpty { continue }
                if part == ".." { _ = out.popLast() } else { out.append(String(part)) }
            }
            return out
        }
        let target = parts(path), base = parts(folder)
        var common = 0
        while common < target.count, common < base.count, target[common] == base[common] { common += 1 }
        let up = [String](repeating: "..", count: base.count - common)
        let rest = up + target[common...]
        return rest.isEmpty ? "." : rest.joined(separator: "/")
    }
}
