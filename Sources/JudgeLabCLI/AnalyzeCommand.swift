// `judgelab analyze`: metrics and ranking of judgments, with gates for CI (`--fail-under`).
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
    @Option(help: "Pointwise judgments: the judge's score range LO,HI (its template's scale; default: the humans' scale).")
    var judgeScale: String?

    func options() throws -> AnalysisOptions {
        guard let band = TieBand(parsing: tieBand) else { throw ValidationError("--tie-band takes LO,HI with LO ≤ HI, e.g. 4.5,5.5") }
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap must be 0 or more") }
        var options = AnalysisOptions()
        options.tieBand = band
        options.bootstrapResamples = bootstrap
        options.seed = seed
        if let judgeScale {
            let bounds = judgeScale.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard bounds.count == 2, bounds[0] < bounds[1] else { throw ValidationError("--judge-scale takes LO,HI with LO < HI, e.g. 1,10") }
            options.pointwiseScale = bounds[0]...bounds[1]
        }
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
            let failures = try Threshold.failures(thresholds, analysis: analysis, variant: variant)
            for failure in failures { FileHandle.standardError.write(Data("fail: \(failure)\n".utf8)) }
            if !failures.isEmpty { throw ExitCode(1) }
        }
    }
}
