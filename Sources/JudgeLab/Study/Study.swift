// A study file: the data, the split, the sample, the judge, the budget and the variant grid.
import Foundation

/// A parsed study file (YAML). Paths in it are relative to the file's folder.
public struct Study: Sendable {
    /// One named judge: who answers, where, with which key, how fast and how often.
    public struct Judge: Sendable {
        /// The name variants give as `judge:` (for the single `judge:` form, the provider's name).
        public var name: String
        public var provider: ProviderKind = .openai
        public var baseURL: String?
        /// Several servers of the same model (`endpoints:`), each with its concurrency.
        public var endpoints: [Endpoint] = []
        /// The default model of this judge's variants.
        public var model: String?
        /// Several models: a variant that names none is made once for each.
        public var models: [String] = []
        /// The environment variable holding the API key; its value is never written anywhere.
        public var apiKeyEnv: String?
        public var concurrency: Int?
        public var requestsPerMinute: Int?
        public var tokensPerMinute: Int?
        public var timeoutSeconds: Double?
        public var maxAttempts: Int?
        /// The first retry's wait; later ones double (with jitter).
        public var retryBaseSeconds: Double?
        public var seed: Int?
        public var jsonResponseFormat: Bool = false
        /// `mode: batch`: through the provider's batch API.
        public var mode: JudgeMode = .sync
        public var batchMaxRequests: Int?
        public var batchMaxBytes: Int?
        public var batchPollSeconds: Double?
        /// For `replay`: recorded judgments (JSONL with `output`), relative to the study.
        public var recordings: String?
        /// For `replay`: the recorded variant whose outputs this judge gives, whichever variant
        /// asks (nil: each request's own variant). A recorded judge then takes part in a search.
        public var recordedVariant: String?
        /// For `baseline`: which one.
        public var baseline: Baseline?
        /// Where it is written, for errors.
        public var line: Int?
        public var field: String = "judge"

        public init(name: String, provider: ProviderKind = .openai) {
            self.name = name
            self.provider = provider
        }
    }

    public struct VariantSpec: Sendable {
        public var name: String?
        /// A baseline judge instead of a model.
        public var baseline: Baseline?
        public var template: String
        public var shots: Int
        public var selection: ExampleSelection
        public var rubric: String?
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
    public var judges: [Judge] = [Judge(name: ProviderKind.openai.rawValue)]
    /// The line of `judges:` or `judge:`, for errors.
    public var judgesLine: Int?
    public var maxCostUSD: Double?
    /// Prices that override or extend the shipped table.
    public var prices = PriceTable(prices: [:])
    public var maxVariants = 200
    public var variants: [VariantSpec]
    /// What `judgelab optimize` searches (`search:`).
    public var search: SearchSpec?

    public var folder: String { FilePath.parent(file) }

    /// A path from the study, made relative to the study's folder unless absolute.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : FilePath.join(folder, path)
    }
}
