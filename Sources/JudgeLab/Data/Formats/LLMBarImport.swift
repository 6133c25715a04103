// LLMBar: `dataset.json` plus `evaluators/JUDGE/STYLE/result.json`, both answer orders.

import Foundation

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
