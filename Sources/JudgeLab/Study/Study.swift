// A study file: the data, the split, the sample, the judge, the budget and the variant grid.
import Foundation

/// A parsed study file (YAML). Paths in it are relative to the file's folder.
public struct Study: Sendable {
    public struct VariantSpec: Sendable {
        public var name: String?
        /// A baseline judge instead of a model.
        public var baseline: Baseline?
        public var template: String
        public var shots: Int
        public var selection: ExampleSelection
        public var rubric: String?
        /// The rubric's own text (`rubric_text`; `rubric` is then its name).
        public var rubricText: String?
        public var order: OrderPolicy
        public var model: String?
        public var temperature: Double?
        public var maxTokens: Int?
        /// The judge's name (`judges:`); nil: the study's only judge.
        public var judge: String?
        public var output: OutputMode = .free
        /// Where a constrained reply writes its reason (nil: the template's schema's place).
        public var reason: ReasonPlacement?
        var reasonLine: Int?
        public var verdict: VerdictSource = .parsed
        public var tieBand: TieBand?
        /// Judgments per item and order (METRICS.md §8); nil: one.
        public var samples: Int?
        var samplesLine: Int?
        /// Where the spec came from, for errors.
        public var line: Int?
        public var field: String
    }

    public var file: String
    public var name: String
    public var datasetPath: String
    /// The line of the `dataset` key, for errors about the file it names.
    public var datasetLine: Int?
    public var datasetFormat: DatasetFormat?
    public var mapping: FieldMapping
    public var templatesPath: String?
    public var fewShotFraction: Double = 0
    public var fewShotIDs: [String]?
    public var splitSeed: UInt64 = 1
    public var sampleAllocation: Allocation?
    public var sampleFirst: Int?
    public var sampleBy: Stratification = .verdict
    public var sampleSeed: UInt64 = 1
    /// The study's judges, in the order written: `judges:` (a map of names), or the single
    /// `judge:` as one judge named after its provider.
    public var judges: [JudgeSettings] = [JudgeSettings(name: ProviderKind.openai.rawValue)]
    /// The line of `judges:` or `judge:`, for errors.
    public var judgesLine: Int?
    public var maxCostUSD: Double?
    /// The response cache's place (`cache:`, relative to the study's folder); nil: the user's
    /// (`ResponseCache`).
    public var cachePath: String?
    /// Prices that override or extend the shipped table.
    public var prices = PriceTable(prices: [:])
    public var maxVariants = 200
    public var variants: [VariantSpec]
    /// Panels of the study's variants (`juries:`), combined into verdicts of their own.
    public var juries: [JurySpec] = []
    /// Cascades of the study's variants (`cascades:`, METRICS.md §10).
    public var cascades: [CascadeSpec] = []
    /// The share of the sample their thresholds are fitted on (`calibration:`).
    public var calibration: CalibrationSpec?
    /// The line of `calibration:`, for errors.
    public var calibrationLine: Int?
    /// What `judgelab optimize` searches (`search:`).
    public var search: SearchSpec?

    public var folder: String { FilePath.parent(file) }

    /// A path from the study, made relative to the study's folder unless absolute.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : FilePath.join(folder, path)
    }
}
