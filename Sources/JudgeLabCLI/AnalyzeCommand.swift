// `judgelab analyze` and `judgelab compare`: metrics, ranking and paired A/B tests of judgments.
import ArgumentParser
import Foundation
import JudgeLab

extension Stratification: ExpressibleByArgument {}

/// The options every analysis shares.
struct AnalysisSettings: ParsableArguments {
    @Option(help: "The tie band for 1..9 scores, LO,HI.") var tieBand: String = "5,5"
    @Option(help: "Bootstrap resamples for confidence intervals (0 for none).") var bootstrap: Int = Bootstrap.defaultResamples
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = Bootstrap.defaultSeed
    @Option(help: "How to read an output that has no score or choice: json-score, choice, regex-score:PATTERN or regex-choice:PATTERN.")
    var parser: String?

    func options() throws -> AnalysisOptions {
        guard let band = TieBand(parsing: tieBand) else { throw ValidationError("--tie-band takes LO,HI with LO ≤ HI, e.g. 4.5,5.5") }
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap must be 0 or more") }
        var options = AnalysisOptions()
        options.tieBand = band
        options.bootstrapResamples = bootstrap
        options.seed = seed
        return options
    }

    func outputParser() throws -> OutputParser? {
        try parser.map { try OutputParser(name: $0) }
    }

    func load(dataset: Dataset, judgments path: String) throws -> [Judgment] {
        try JudgmentsFile.load(path: path, parser: outputParser(), items: Set(dataset.pairs.map(\.id)))
    }
}

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Score judgments against human labels: every METRICS.md metric, the ranking and the Pareto front.")

    @Option(help: "The data set the judgments are about.") var dataset: String
    @OptionGroup var input: DatasetInputOptions
    @Option(help: "Judgments in JSONL (METRICS.md section 1).") var judgments: String
    @OptionGroup var settings: AnalysisSettings
    @Option(help: "Also report agreement re-weighted to the data set's strata: verdict, bins, category or verdict-category.")
    var reweightBy: Stratification?
    @Option(help: "table or json.") var format: OutputFormat = .table
    @Option(name: .customLong("fail-under"), help: "METRIC=VALUE: exit 1 when the best variant (or --variant) falls below it, e.g. agreement=0.7.")
    var failUnder: [String] = []
    @Option(help: "The variant --fail-under checks (default: the best).") var variant: String?

    func run() throws {
        try reportingInputErrors {
            let thresholds = try failUnder.map(Threshold.init(parsing:))
            let data = try input.load(dataset)
            var options = try settings.options()
            options.reweightBy = reweightBy
            let analysis = Analysis(dataset: data, judgments: try settings.load(dataset: data, judgments: judgments), options: options)
            if format == .json {
                print(MetricsJSON.document(analysis).prettyText)
            } else {
                print(Leaderboard.text(analysis))
                for (name, value) in analysis.reweightedAgreement.sorted(by: { $0.key < $1.key }) {
                    print("\(name): agreement re-weighted to the data set's \(reweightBy!.rawValue) strata \(String(format: "%.1f%%", value * 100))")
                }
            }
            try Threshold.check(thresholds, analysis: analysis, variant: variant)
        }
    }
}

/// A `--fail-under METRIC=VALUE` gate.
struct Threshold {
    var metric: String
    var value: Double

    init(parsing text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let value = Double(parts[1]) else {
            throw ValidationError("--fail-under takes METRIC=VALUE, e.g. agreement=0.7")
        }
        metric = parts[0]
        self.value = value
    }

    static func check(_ thresholds: [Threshold], analysis: Analysis, variant: String?) throws {
        guard !thresholds.isEmpty else { return }
        guard let metrics = variant.map({ analysis.metrics(of: $0) }) ?? analysis.variants.first else {
            throw InputError(file: "--variant", "no variant named '\(variant ?? "")' among the judgments")
        }
        let values = Dictionary(MetricsJSON.metrics(metrics).compactMap { key, value in value.numberValue.map { (key, $0) } },
                                uniquingKeysWith: { first, _ in first })
        var failed = false
        for threshold in thresholds {
            guard MetricsJSON.metrics(metrics).contains(where: { $0.0 == threshold.metric }) else {
                throw InputError(file: "--fail-under", field: threshold.metric, "no such metric")
            }
            guard let actual = values[threshold.metric] else {
                FileHandle.standardError.write(Data("fail: \(metrics.variant) has no \(threshold.metric) (null), so it cannot reach \(threshold.value)\n".utf8))
                failed = true
                continue
            }
            if actual < threshold.value {
                FileHandle.standardError.write(Data("fail: \(metrics.variant) \(threshold.metric) \(actual) is under \(threshold.value)\n".utf8))
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "A paired A/B test of two variants on the same items: delta, bootstrap CI and McNemar's exact p.")

    @Argument(help: "Variant A.") var a: String
    @Argument(help: "Variant B.") var b: String
    @Option(help: "The data set the judgments are about.") var dataset: String
    @OptionGroup var input: DatasetInputOptions
    @Option(help: "Judgments (JSONL). Give it twice to take A from the first file and B from the second.")
    var judgments: [String]
    @OptionGroup var settings: AnalysisSettings
    @Option(help: "Significance level.") var alpha: Double = 0.05
    @Option(help: "text or json.") var format: OutputFormat = .table

    func validate() throws {
        guard (1...2).contains(judgments.count) else { throw ValidationError("give --judgments once or twice") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1") }
    }

    func run() throws {
        try reportingInputErrors {
            let data = try input.load(dataset)
            let options = try settings.options()
            let first = Analysis(dataset: data, judgments: try settings.load(dataset: data, judgments: judgments[0]), options: options)
            let second = judgments.count == 2
                ? Analysis(dataset: data, judgments: try settings.load(dataset: data, judgments: judgments[1]), options: options) : first
            guard let outcomesA = first.outcomes[a] else { throw InputError(file: judgments[0], "no judgments of variant '\(a.excerpt())'") }
            guard let outcomesB = second.outcomes[b] else { throw InputError(file: judgments.last!, "no judgments of variant '\(b.excerpt())'") }
            let comparison = PairedComparison(a: a, outcomesA: outcomesA, b: b, outcomesB: outcomesB, alpha: alpha,
                                              bootstrapResamples: options.bootstrapResamples, seed: options.seed)
            // Judgments from a run folder: its study.json names each variant's judge.
            let judgeOf = { (file: String, variant: String) -> String? in
                let record = FilePath.join(FilePath.parent(file).isEmpty ? "." : FilePath.parent(file), "study.json")
                guard FileManager.default.fileExists(atPath: record) else { return nil }
                return try? StudyRecord.load(path: record).variants.first { $0.name == variant }?.judge
            }
            let judges = (judgeOf(judgments[0], a), judgeOf(judgments.last!, b))
            if format == .json {
                var json = MetricsJSON.comparison(comparison)
                if case let .object(members) = json {
                    json = .object(members + [("judge_a", .optional(judges.0)), ("judge_b", .optional(judges.1))])
                }
                print(json.prettyText)
            } else {
                print(comparison.sentence)
                if judges.0 != nil || judges.1 != nil {
                    print("(\(a) is judged by \(judges.0 ?? "an unnamed judge"); \(b) by \(judges.1 ?? "an unnamed judge"))")
                }
            }
        }
    }
}
