// From judgments to training labels: preference records in the form TRL's DPO and reward
// trainers read, each with its verdicts, consistency and confidence, and a datasheet saying how
// good such labels are, measured on the variant's own labelled study.
import Foundation

/// What happens to ties and to order-inconsistent pairs.
public enum LabelPolicy: String, CaseIterable, Sendable {
    /// Left out (counted in the datasheet).
    case drop
    /// Written to a file of their own.
    case separate
}

/// One pair as the judge labelled it.
public struct PairLabel: Sendable {
    public var pair: Pair
    /// The combined verdict (METRICS.md section 3); nil when no judgment parsed.
    public var verdict: Verdict?
    public var original: Verdict?
    public var swapped: Verdict?
    /// Both orders judged and parsed: whether they agree; nil otherwise.
    public var consistent: Bool?
    /// The verdict's probability (logprob verdicts), or the score's margin |score − 5| / 4; the
    /// mean over the orders judged; nil for free-text choices, which carry none.
    public var confidence: Double?

    public init(pair: Pair, original: Judgment?, swapped: Judgment?, judgeBand: TieBand? = nil) {
        self.pair = pair
        let band = judgeBand ?? .standard
        let outcome = ItemOutcome(pair: pair, original: original, swapped: swapped, tieBand: .standard, judgeBand: judgeBand)
        verdict = outcome.verdict
        self.original = original.flatMap { $0.reading.isParsed ? $0.verdict(tieBand: band) : nil }
        self.swapped = swapped.flatMap { $0.reading.isParsed ? $0.verdict(tieBand: band) : nil }
        if let a = self.original, let b = self.swapped { consistent = a == b } else { consistent = nil }
        let parsed = [original, swapped].compactMap { $0 }.filter { $0.reading.isParsed }
        let each = parsed.map { j -> Double? in
            if let d = j.distribution { return d.confidence }
            if let s = j.normalisedScore { return min(1, abs(s - 5) / 4) }
            return nil
        }
        confidence = each.isEmpty || each.contains(where: { $0 == nil }) ? nil : each.compactMap { $0 }.reduce(0, +) / Double(each.count)
    }

    /// Each pair's label from its judgments (one variant's) in either order.
    public static func labels(_ pairs: [Pair], judgments: [Judgment], judgeBand: TieBand? = nil) -> [PairLabel] {
        let byItem = Judgment.byItem(judgments)
        return pairs.map { pair in
            let (original, swapped) = byItem[pair.id] ?? (nil, nil)
            return PairLabel(pair: pair, original: original, swapped: swapped, judgeBand: judgeBand)
        }
    }

    /// Exported as a preference: a decisive verdict, and the orders agreeing where both were judged.
    public var isExportable: Bool { verdict != nil && verdict != .tie && consistent != false }
}

public enum PreferenceExport {
    /// A TRL preference record: `prompt`, `chosen`, `rejected` (strings; with `messages`, the
    /// conversational form: lists of `{role, content}`), then what JudgeLab knows of the label.
    public static func record(_ label: PairLabel, messages: Bool, variant: String, judge: String, runID: String) -> JSONValue {
        let pair = label.pair
        // A tie or no verdict keeps the data set's order: such records go to their own file, if anywhere.
        let (chosen, rejected) = label.verdict == .answer2 ? (pair.answer2, pair.answer1) : (pair.answer1, pair.answer2)
        func turn(_ role: String, _ text: String) -> JSONValue { .array([.object([("role", .string(role)), ("content", .string(text))])]) }
        let texts: [(String, JSONValue)] = messages
            ? [("prompt", turn("user", pair.question)), ("chosen", turn("assistant", chosen)), ("rejected", turn("assistant", rejected))]
            : [("prompt", .string(pair.question)), ("chosen", .string(chosen)), ("rejected", .string(rejected))]
        func verdict(_ v: Verdict?) -> JSONValue { v.map { .string($0.rawValue) } ?? .null }
        return .object(texts + [
            ("id", .string(pair.id)),
            ("verdict", verdict(label.verdict)),
            ("verdict_original", verdict(label.original)),
            ("verdict_swapped", verdict(label.swapped)),
            ("position_consistent", label.consistent.map(JSONValue.bool) ?? .null),
            ("confidence", label.confidence.map(JSONValue.number) ?? .null),
            ("variant", .string(variant)),
            ("judge", .string(judge)),
            ("run_id", .string(runID)),
        ])
    }

    /// The exported labels, and those set apart: ties, order-inconsistent pairs, and pairs no judgment of which parsed.
    public static func partition(_ labels: [PairLabel]) -> (exported: [PairLabel], ties: [PairLabel], inconsistent: [PairLabel], unparsed: [PairLabel]) {
        var result: ([PairLabel], [PairLabel], [PairLabel], [PairLabel]) = ([], [], [], [])
        for label in labels {
            if label.verdict == nil { result.3.append(label) }
            else if label.consistent == false { result.2.append(label) }
            else if label.verdict == .tie { result.1.append(label) }
            else { result.0.append(label) }
        }
        return result
    }
}

/// How good the exported labels are, read off the variant's labelled study, and what the
/// policies left out. Written as `datasheet.json`.
public struct Datasheet: Codable, Sendable, Equatable {
    public struct Band: Codable, Sendable, Equatable {
        /// Confidence in [lo, hi); the last band includes 1. nil bounds: labels without a confidence.
        public var lo: Double?
        public var hi: Double?
        /// Study items whose label would be exported with a confidence in the band.
        public var items: Int
        /// The share of them that equal the human verdict.
        public var accuracy: Double?
        /// Exported labels of this run in the band.
        public var exported: Int
    }

    public var study: String
    public var variant: String
    public var judge: String
    public var runID: String
    /// The variant's agreement with humans on its study's items (METRICS.md), with its 95% CI.
    public var studyItems: Int
    public var agreement: Double?
    public var agreementCI: [Double]?
    /// The share of the study's exportable labels equal to the human verdict.
    public var exportedAccuracy: Double?
    public var bands: [Band]
    public var pairs: Int
    public var exported: Int
    public var ties: Int
    public var inconsistent: Int
    public var unparsed: Int
    public var tiePolicy: String
    public var inconsistentPolicy: String

    enum CodingKeys: String, CodingKey {
        case study, variant, judge, runID = "run_id", studyItems = "study_items", agreement, agreementCI = "agreement_ci",
             exportedAccuracy = "exported_accuracy", bands, pairs, exported, ties, inconsistent, unparsed,
             tiePolicy = "tie_policy", inconsistentPolicy = "inconsistent_policy"
    }

    /// Confidence bands: [0, 0.5), [0.5, 0.75), [0.75, 0.9), [0.9, 1], then labels without one.
    public static let bandEdges: [(Double?, Double?)] = [(0, 0.5), (0.5, 0.75), (0.75, 0.9), (0.9, 1), (nil, nil)]

    static func band(of confidence: Double?) -> Int {
        guard let c = confidence else { return bandEdges.count - 1 }
        return c < 0.5 ? 0 : c < 0.75 ? 1 : c < 0.9 ? 2 : 3
    }

    public init(study: String, variant: String, judge: String, runID: String, metrics: VariantMetrics?, studyLabels: [PairLabel],
                labels: [PairLabel], ties: LabelPolicy, inconsistent: LabelPolicy) {
        self.study = study
        self.variant = variant
        self.judge = judge
        self.runID = runID
        studyItems = metrics?.nItems ?? 0
        agreement = metrics?.agreement
        agreementCI = metrics?.agreementCI.map { [$0.lo, $0.hi] }
        let exportable = studyLabels.filter(\.isExportable)
        func accuracy(_ list: [PairLabel]) -> Double? {
            list.isEmpty ? nil : Double(list.count { $0.verdict == $0.pair.humanVerdict() }) / Double(list.count)
        }
        exportedAccuracy = accuracy(exportable)
        let parts = PreferenceExport.partition(labels)
        bands = Self.bandEdges.indices.map { index in
            let inStudy = exportable.filter { Self.band(of: $0.confidence) == index }
            return Band(lo: Self.bandEdges[index].0, hi: Self.bandEdges[index].1, items: inStudy.count, accuracy: accuracy(inStudy),
                        exported: parts.exported.count { Self.band(of: $0.confidence) == index })
        }
        pairs = labels.count
        exported = parts.exported.count
        self.ties = parts.ties.count
        self.inconsistent = parts.inconsistent.count
        unparsed = parts.unparsed.count
        tiePolicy = ties.rawValue
        inconsistentPolicy = inconsistent.rawValue
    }

    public func encoded() throws -> Data {
        try prettyJSON()
    }
}
