// `judgelab import`: recorded judge outputs from public data sets, as a data set and judgments.
import ArgumentParser
import Foundation
import JudgeLab

struct ImportCommand: ParsableCommand {
    enum Source: String, ExpressibleByArgument, CaseIterable {
        case llmbar
        case pandalm
    }

    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn recorded judge outputs into DIR/dataset.jsonl and DIR/judgments.jsonl.",
        discussion: """
        llmbar: PATH holds dataset.json and evaluators/ (or is a folder of such subsets); one variant per \
        judge and prompt style, e.g. GPT-4/CoT. pandalm: PATH holds testset-v1.json and the judges' files.
        """)

    @Argument(help: "llmbar or pandalm.") var source: Source
    @Argument(help: "Where the recorded outputs are.") var path: String
    @Option(help: "The folder to write into.") var out: String

    func run() throws {
        try reportingInputErrors {
            let imported = source == .llmbar ? try LLMBarImport.load(path: path) : try PandaLMImport.load(path: path)
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
