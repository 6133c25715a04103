// `judgelab import`: recorded judge outputs from public data sets, as a data set and judgments.
import ArgumentParser
import Foundation
import JudgeLab

struct ImportCommand: ParsableCommand {
    enum Source: String, ExpressibleByArgument, CaseIterable {
        case llmbar
        case pandalm
        case scores
    }

    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn recorded judge outputs into DIR/dataset.jsonl and DIR/judgments.jsonl.",
        discussion: """
        llmbar: PATH holds dataset.json and evaluators/ (or is a folder of such subsets); one variant per \
        judge and prompt style, e.g. GPT-4/CoT. pandalm: PATH holds testset-v1.json and the judges' files. \
        scores: PATH holds recorded per-answer scores (a reward model's, say), one an answer, with question, answer, \
        score and variant (or --variant), in JSONL or CSV; --dataset names the pairs (or response items) they score: \
        each pair gets a pointwise judgment of each scored answer.
        """)

    @Argument(help: "llmbar, pandalm or scores.") var source: Source
    @Argument(help: "Where the recorded outputs are.") var path: String
    @Option(help: "The folder to write into.") var out: String
    @Option(help: "scores: the data set whose answers they score.") var dataset: String?
    @OptionGroup var input: DatasetInputOptions
    @Option(help: "scores: the judge's name, when the file has no variant field.") var variant: String?

    func run() throws {
        try reportingInputErrors {
            let imported: RecordedJudges
            switch source {
            case .llmbar: imported = try LLMBarImport.load(path: path)
            case .pandalm: imported = try PandaLMImport.load(path: path)
            case .scores:
                guard let dataset else { throw ValidationError("import scores needs --dataset, the pairs or response items the scores are of") }
                imported = try PointwiseScoresImport.load(scores: path, dataset: try input.load(dataset), variant: variant)
            }
            try imported.write(to: out)
            let variants = Set(imported.judgments.map(\.variant)).sorted()
            var lines = ["imported \(imported.dataset.pairs.count) pairs and \(imported.judgments.count) judgments (\(variants.count) variants: \(variants.joined(separator: ", "))) into \(out)"]
            lines += imported.notes
            if source == .llmbar {
                lines.append("parsed outputs agree with the recorded winners on \(imported.checked - imported.mismatches.count) of \(imported.checked)")
                lines += imported.mismatches.prefix(10).map { "  mismatch: \($0)" }
            }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }
}
