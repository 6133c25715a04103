// Recorded judge outputs from public data sets, turned into a data set and judgments.
import Foundation

/// What an import produced: the pairs, the judgments, and notes for the user.
public struct RecordedJudges: Sendable {
    public var dataset: Dataset
    public var judgments: [Judgment]
    /// What was left out, and why.
    public var notes: [String]
    /// Outputs whose parse disagrees with the verdict the data set's authors recorded.
    public var mismatches: [String]
    /// Outputs compared with a recorded verdict.
    public var checked: Int

    /// Writes `DIR/dataset.jsonl` and `DIR/judgments.jsonl` (the folder is created if needed).
    public func write(to directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw InputError(file: directory, "cannot create the folder: \(error.localizedDescription)")
        }
        try AtomicFile.write(NativeFormat.text(dataset.pairs), to: directory + "/dataset.jsonl")
        try AtomicFile.write(JudgmentsFile.text(judgments), to: directory + "/judgments.jsonl")
    }
}

/// LLMBar: `dataset.json` plus `evaluators/JUDGE/STYLE/result.json`, both answer orders.
public enum LLMBarImport {
    /// The prompt styles imported; Swap (a two-round swap-and-synthesise protocol) and Rating
    /// (two absolute scores, no raw completions in both orders) do not fit one judgment per order.
    public static let styles = ["Vanilla", "Vanilla_NoRules", "CoT"]

    /// Imports one subset folder (holding `dataset.json`), or every subset below a folder.
    public static func load(path: String) throws -> RecordedJudges {
        let subsets = subsetFolders(under: path)
        guard !subsets.isEmpty else { throw InputError(file: path, "no dataset.json here or in any folder below") }
        var pairs: [Pair] = [], judgments: [Judgment] = [], notes: [String] = [], mismatches: [String] = []
        var checked = 0
        for folder in subsets {
            let dataset = try DatasetLoader.load(path: folder + "/dataset.json", format: .llmbar)
            pairs += dataset.pairs
            let evaluators = folder + "/evaluators"
            for judge in (try? FileManager.default.contentsOfDirectory(atPath: evaluators))?.sorted() ?? [] {
                for style in (try? FileManager.default.contentsOfDirectory(atPath: evaluators + "/" + judge))?.sorted() ?? [] {
                    let file = "\(evaluators)/\(judge)/\(style)/result.json"
                    guard FileManager.default.fileExists(atPath: file) else { continue }
                    guard styles.contains(style) else {
                        if !notes.contains(where: { $0.hasPrefix("left out \(judge)/\(style)") }) {
                            notes.append("left out \(judge)/\(style): its protocol is not one judgment per answer order")
                        }
                        continue
                    }
                    let result = try importResult(file, pairs: dataset.pairs, variant: "\(judge)/\(style)")
                    judgments += result.judgments
                    mismatches += result.mismatches
                    checked += result.checked
                }
            }
        }
        return RecordedJudges(dataset: Dataset(source: path, pairs: pairs), judgments: judgments, notes: notes,
                              mismatches: mismatches, checked: checked)
    }

    static func subsetFolders(under path: String) -> [String] {
        if FileManager.default.fileExists(atPath: path + "/dataset.json") { return [path] }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return entries.sorted().flatMap { entry -> [String] in
            var isDirectory: ObjCBool = false
            let child = path + "/" + entry
            guard entry != "evaluators", FileManager.default.fileExists(atPath: child, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
            return subsetFolders(under: child)
        }
    }

    static func importResult(_ file: String, pairs: [Pair], variant: String) throws -> (judgments: [Judgment], mismatches: [String], checked: Int) {
        let records = try DatasetLoader.jsonRecords(try SourceText(path: file))
        guard records.count == pairs.count else {
            throw InputError(file: file, "holds \(records.count) items; its dataset.json holds \(pairs.count)")
        }
        var judgments: [Judgment] = [], mismatches: [String] = []
        var checked = 0
        for (record, pair) in zip(records, pairs) {
            guard case let .array(results)? = record.value("results"), let last = results.last else {
                throw record.error("results", "expected a list of results")
            }
            for (key, order) in [("swap = False", PresentedOrder.original), ("swap = True", .swapped)] {
                guard let entry = last[key], case let .array(completion)? = entry["completion"],
                      let output = completion.first?.stringValue else {
                    throw record.error("results", "no '\(key)' completion")
                }
                let parsed = OutputParser.choice.parse(output)
                let judgment = Judgment(item: pair.id, variant: variant, order: order, output: output, reading: parsed.reading)
                // LLMBar records its own parse as `winner`, in data set order; a tie is not one of its verdicts.
                let ours = judgment.verdict(tieBand: .standard).flatMap { $0 == .tie ? nil : $0.rawValue }
                let recorded = entry["winner"]?.stringValue
                checked += 1
                if ours != recorded {
                    mismatches.append("\(variant) \(pair.id) \(order.rawValue): parsed \(ours ?? "none"), recorded \(recorded ?? "none")")
                }
                judgments.append(judgment)
            }
        }
        return (judgments, mismatches, checked)
    }
}

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
