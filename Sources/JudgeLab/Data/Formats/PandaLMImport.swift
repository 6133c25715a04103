// PandaLM: the test set with GPT-3.5's and PandaLM-7B's recorded verdicts (one order).
import Foundation

/// PandaLM: the test set with GPT-3.5's and PandaLM-7B's recorded verdicts (one order).
public enum PandaLMImport {
    public static let judges = [
        (file: "gpt-3.5-turbo-testset-v1.json", variant: "GPT-3.5/PandaLM", verdict: "gpt_result", reason: "gpt_reason"),
        (file: "pandalm-7b-testset-v1.json", variant: "PandaLM-7B/PandaLM", verdict: "pandalm_result", reason: "pandalm_reason"),
    ]

    /// Imports from a folder holding `testset-v1.json` and the judges' files.
    public static func load(path: String) throws -> RecordedJudges {
        let dataset = try DatasetLoader.load(path: path + "/testset-v1.json", format: .pandalm)
        let ids = Set(dataset.pairs.map(\.id))
        var judgments: [Judgment] = [], notes: [String] = []
        var checked = 0
        for judge in judges {
            let file = path + "/" + judge.file
            guard FileManager.default.fileExists(atPath: file) else {
                notes.append("left out \(judge.variant): \(judge.file) is not in \(path)")
                continue
            }
            for record in try DatasetLoader.jsonRecords(try SourceText(path: file)) {
                let id = "pandalm-\(Int(try record.number("idx")))"
                guard ids.contains(id) else { throw record.error("idx", "no item \(id) in testset-v1.json") }
                guard let value = record.value(judge.verdict) else { throw record.error(judge.verdict, "missing") }
                // GPT-3.5's verdicts are text ('1', '2', 'Tie', 'garbage'); PandaLM-7B's are 0 (tie), 1, 2.
                let output = value.stringValue ?? (value.numberValue == 0 ? "Tie" : value.compactText)
                let parsed = OutputParser.choice.parse(output)
                checked += 1
                judgments.append(Judgment(item: id, variant: judge.variant, order: .original, output: output,
                                          reading: parsed.reading, reason: try record.optionalString(judge.reason)))
            }
        }
        return RecordedJudges(dataset: dataset, judgments: judgments, notes: notes, mismatches: [], checked: checked)
    }
}
