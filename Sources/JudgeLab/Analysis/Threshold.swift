// `--fail-under METRIC=VALUE`: a gate on a variant's metric, for CI pipelines.
import Foundation

/// A gate: the metric (metrics.json's name) must reach the value.
public struct Threshold: Sendable, Equatable {
    public var metric: String
    public var value: Double

    /// `METRIC=VALUE`, e.g. `agreement=0.7`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let value = Double(parts[1]), value.isFinite else {
            throw InputError(file: "--fail-under", "takes METRIC=VALUE, e.g. agreement=0.7 (not '\(text.excerpt())')")
        }
        metric = parts[0]
        self.value = value
    }

    /// The gates the best variant (or `variant`) fails, one sentence each; empty when all hold.
    /// A metric that does not exist is an input error; one that is undefined (null) fails.
    public static func failures(_ thresholds: [Threshold], analysis: Analysis, variant: String?) throws -> [String] {
        guard !thresholds.isEmpty else { return [] }
        guard let metrics = variant.map({ analysis.metrics(of: $0) }) ?? analysis.variants.first else {
            throw InputError(file: "--variant", "no variant named '\(variant ?? "")' among the judgments")
        }
        let all = MetricsJSON.metrics(metrics)
        let values = Dictionary(all.compactMap { key, value in value.numberValue.map { (key, $0) } }, uniquingKeysWith: { first, _ in first })
        var failures: [String] = []
        for threshold in thresholds {
            guard all.contains(where: { $0.0 == threshold.metric }) else {
                throw InputError(file: "--fail-under", field: threshold.metric, "no such metric")
            }
            guard let actual = values[threshold.metric] else {
                failures.append("\(metrics.variant) has no \(threshold.metric) (null), so it cannot reach \(threshold.value)")
                continue
            }
            if actual < threshold.value { failures.append("\(metrics.variant) \(threshold.metric) \(actual) is under \(threshold.value)") }
        }
        return failures
    }
}
