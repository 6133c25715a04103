// `judgelab compare`: a paired A/B test of two variants on the same items.
import ArgumentParser
import Foundation
import JudgeLab

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
                let record = RunLayout(directory: FilePath.parent(file).isEmpty ? "." : FilePath.parent(file)).studyRecord
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
