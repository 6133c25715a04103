// study.json: the study as run, typed. The run writes it; the reports read it back.
import Foundation

/// What a run folder says about how it was made: the study, its judges, the sample, and every
/// variant with its prompt. Written by the run (`study.json`) and read by `judgelab report`; one
/// type for both, so that a renamed field cannot silently empty a report section. Version 1
/// (before named judges) still reads.
public struct StudyRecord: Codable, Sendable, Equatable {
    public static let currentVersion = 2

    public struct JudgeRecord: Codable, Sendable, Equatable {
        public var name: String
        public var provider: String
        public var baseURL: String
        /// The variable's name, never its value.
        public var apiKeyEnv: String?
        public var concurrency: Int
        public var seed: Int?
        /// `batch` for a judge through its provider's batch API; absent for one request at a time.
        public var mode: String?
        /// A judge's servers, when it has several (each "URL" with its concurrency).
        public var endpoints: [String]?

        enum CodingKeys: String, CodingKey {
            case name, provider, baseURL = "base_url", apiKeyEnv = "api_key_env", concurrency, seed, mode, endpoints
        }
    }

    public struct Stratum: Codable, Sendable, Equatable {
        public var name: String
        public var population: Int
        public var sampled: Int
    }

    public struct SampleRecord: Codable, Sendable, Equatable {
        public var items: [String]
        public var seed: UInt64?
        public var by: String?
        public var strata: [Stratum]

        enum CodingKeys: String, CodingKey { case items, seed, by, strata }

        public init(items: [String], seed: UInt64?, by: String?, strata: [Stratum]) {
            self.items = items
            self.seed = seed
            self.by = by
            self.strata = strata
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            items = try c.decodeIfPresent([String].self, forKey: .items) ?? []
            seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
            by = try c.decodeIfPresent(String.self, forKey: .by)
            if let list = try? c.decodeIfPresent([Stratum].self, forKey: .strata) {
                strata = list
            } else if let byName = try c.decodeIfPresent([String: [String: Int]].self, forKey: .strata) {
                // Version 1: an object by stratum name, whose order a decoder does not keep.
                let order = ["1": 0, "tie": 1, "2": 2]
                strata = byName.map { Stratum(name: $0.key, population: $0.value["population"] ?? 0, sampled: $0.value["sampled"] ?? 0) }
                    .sorted { (order[$0.name] ?? 3, $0.name) < (order[$1.name] ?? 3, $1.name) }
            } else {
                strata = []
            }
        }
    }

    public struct Message: Codable, Sendable, Equatable {
        public var role: String
        public var content: String
    }

    public struct ExamplePrompt: Codable, Sendable, Equatable {
        public var item: String
        public var order: String
        public var messages: [Message]
    }

    public struct VariantRecord: Codable, Sendable, Equatable {
        public var name: String
        /// Absent in version 1 (one judge).
        public var judge: String?
        /// Absent before output modes: free.
        public var output: String?
        /// Absent before verdict sources: parsed.
        public var verdict: String?
        /// Where a constrained reply's reason was placed; absent: where the template's schema has it.
        public var reason: String?
        public var template: String
        public var parser: String
        public var shots: Int
        public var selection: String
        public var rubric: String
        public var order: String
        public var model: String
        public var temperature: Double
        public var maxTokens: Int
        public var examples: [String]
        public var templateFiles: [String: String]
        public var examplePrompt: ExamplePrompt?
        /// The band its scores are read with, when not the analysis's own: [lo, hi].
        public var tieBand: [Double]?
        /// A pointwise variant's scale, its template's [min, max] (METRICS.md §7); absent for pairs.
        public var scale: [Double]?
        /// Judgments per item and order (METRICS.md §8); absent: one.
        public var samples: Int?

        enum CodingKeys: String, CodingKey {
            case name, judge, output, verdict, reason, template, parser, shots, selection, rubric, order, model, temperature
            case maxTokens = "max_tokens", examples, templateFiles = "template_files", examplePrompt = "example_prompt", tieBand = "tie_band", scale, samples
        }

        /// The settings a report shows, in order.
        public var settings: [(name: String, value: String)] {
            var settings: [(name: String, value: String)] = []
            if let judge { settings.append(("judge", judge)) }
            if let output, output != OutputMode.free.rawValue { settings.append(("output", output)) }
            if let verdict, verdict != VerdictSource.parsed.rawValue { settings.append(("verdict", verdict)) }
            if let reason { settings.append(("reason", reason)) }
            let rest: [(name: String, value: String)] = [
                ("template", template), ("parser", parser), ("shots", "\(shots)"), ("selection", selection), ("rubric", rubric),
                ("order", order), ("model", model), ("temperature", JSONValue.format(number: temperature)), ("max_tokens", "\(maxTokens)"),
            ]
            return settings + rest + (tieBand.map { [("tie_band", $0.map { JSONValue.format(number: $0) }.joined(separator: ","))] } ?? [])
                + (scale.map { [("scale", $0.map { JSONValue.format(number: $0) }.joined(separator: ".."))] } ?? [])
                + (samples.map { [("samples", "\($0)")] } ?? [])
        }
    }

    public var formatVersion: Int
    public var runID: String
    public var study: String
    public var studyFile: String?
    public var dataset: String?
    public var judgelabVersion: String?
    public var judges: [JudgeRecord]
    public var maxCostUSD: Double?
    public var sample: SampleRecord?
    /// For records made from something other than a sample (imported judgments).
    public var sampleDesign: String?
    public var fewshotPool: [String]
    public var variants: [VariantRecord]
    public var notes: [String]
    /// The study's juries, absent without any: their judgments are their members' combined.
    public var juries: [JurySpec]?
    /// The study's cascades (METRICS.md §10), absent without any.
    public var cascades: [CascadeSpec]?
    /// The sampled items the cascades' thresholds are fitted on; the others are evaluated.
    public var calibrationItems: [String]?

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", runID = "run_id", study, studyFile = "study_file", dataset
        case judgelabVersion = "judgelab_version", judges, maxCostUSD = "max_cost_usd", sample, sampleDesign = "sample_design"
        case fewshotPool = "fewshot_pool", variants, notes, juries, cascades, calibrationItems = "calibration_items"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decodeIfPresent(Int.self, forKey: .formatVersion) ?? 1
        guard formatVersion <= Self.currentVersion else {
            throw DecodingError.dataCorruptedError(forKey: .formatVersion, in: c,
                                                   debugDescription: "format version \(formatVersion) is newer than this JudgeLab reads (\(Self.currentVersion))")
        }
        runID = try c.decode(String.self, forKey: .runID)
        study = try c.decodeIfPresent(String.self, forKey: .study) ?? runID
        studyFile = try c.decodeIfPresent(String.self, forKey: .studyFile)
        dataset = try c.decodeIfPresent(String.self, forKey: .dataset)
        judgelabVersion = try c.decodeIfPresent(String.self, forKey: .judgelabVersion)
        judges = try c.decodeIfPresent([JudgeRecord].self, forKey: .judges) ?? []
        maxCostUSD = try c.decodeIfPresent(Double.self, forKey: .maxCostUSD)
        sample = try c.decodeIfPresent(SampleRecord.self, forKey: .sample)
        sampleDesign = try c.decodeIfPresent(String.self, forKey: .sampleDesign)
        fewshotPool = try c.decodeIfPresent([String].self, forKey: .fewshotPool) ?? []
        variants = try c.decodeIfPresent([VariantRecord].self, forKey: .variants) ?? []
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
        juries = try c.decodeIfPresent([JurySpec].self, forKey: .juries)
        cascades = try c.decodeIfPresent([CascadeSpec].self, forKey: .cascades)
        calibrationItems = try c.decodeIfPresent([String].self, forKey: .calibrationItems)
    }

    /// The record of a run of `plan` with `settings`.
    public init(plan: StudyPlan, settings: RunSettings, runID: String, notes: [String] = []) throws {
        formatVersion = Self.currentVersion
        self.runID = runID
        study = plan.study.name
        studyFile = plan.study.file
        dataset = plan.dataset.source
        judgelabVersion = JudgeLabVersion.text
        judges = settings.judges.map {
            JudgeRecord(name: $0.name, provider: $0.provider.rawValue, baseURL: $0.endpointURL, apiKeyEnv: $0.apiKeyVariable,
                        concurrency: $0.limits.concurrency, seed: $0.seed, mode: $0.mode == .batch ? "batch" : nil,
                        endpoints: $0.endpoints.count > 1 ? $0.endpoints.map { "\($0.baseURL) (concurrency \($0.concurrency))" } : nil)
        }
        maxCostUSD = settings.maxCostUSD
        sample = SampleRecord(items: plan.items.map(\.id), seed: plan.sample?.seed, by: plan.sample?.by.rawValue,
                              strata: plan.sample?.strata.map { Stratum(name: $0.name, population: $0.population, sampled: $0.sampled) } ?? [])
        sampleDesign = nil
        fewshotPool = plan.split.fewShot.map(\.id)
        variants = try plan.variants.map { v in
            let prompt = try PromptBuilder(variant: v, library: plan.library).messages(for: plan.items[0], order: v.order.orders[0])
            return VariantRecord(name: v.name, judge: v.judge, output: v.output.rawValue, verdict: v.verdict.rawValue, reason: v.reason?.rawValue, template: v.template.name, parser: v.template.parser.name, shots: v.shots,
                                 selection: v.selection.rawValue, rubric: v.rubric ?? "none", order: v.order.rawValue, model: v.model,
                                 temperature: v.temperature, maxTokens: v.maxTokens, examples: v.examples.map(\.id),
                                 templateFiles: v.template.sources,
                                 examplePrompt: ExamplePrompt(item: plan.items[0].id, order: v.order.orders[0].rawValue,
                                                              messages: prompt.map { Message(role: $0.role, content: $0.content) }),
                                 tieBand: v.tieBand.map { [$0.lo, $0.hi] }, scale: v.template.scale.map { [$0.lowerBound, $0.upperBound] },
                                 samples: v.samples > 1 ? v.samples : nil)
        }
        self.notes = notes
        if !plan.study.juries.isEmpty { juries = plan.study.juries }
        if let split = plan.calibration {
            cascades = plan.study.cascades
            calibrationItems = split.calibration.map(\.id)
        }
    }

    /// Pretty JSON with sorted keys: the same record, the same bytes.
    public func encoded() throws -> Data {
        try prettyJSON()
    }

    /// Reads a record; a malformed one is an input error naming the file.
    public static func load(path: String) throws -> StudyRecord {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InputError(file: path, "cannot read the study record: \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(StudyRecord.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw InputError(file: path, field: (context.codingPath + [key]).map(\.stringValue).joined(separator: "."), "missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context), let DecodingError.dataCorrupted(context) {
            throw InputError(file: path, field: context.codingPath.map(\.stringValue).joined(separator: "."), context.debugDescription)
        }
    }
}
