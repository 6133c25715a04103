// Recorded pointwise scores (a reward model's per-answer scores, per-answer scores in CSV) as
// judgments of a data set's pairs, so that a recorded pointwise judge replays like a pairwise one.
import Foundation

/// Reads per-answer scores, one an answer: `question`, `answer` and `score`, with the judge's
/// name in `variant` (or one name for the whole file), from JSONL, a JSON array or CSV. Each
/// pair of the data set gets a pointwise judgment of each of its answers that has a score
/// (METRICS.md §7: `answer` "1" or "2"); an answer is found by its question and text, as written.
public enum PointwiseScoresImport {
    public static func load(scores path: String, dataset: Dataset, variant fixed: String?) throws -> RecordedJudges {
        let source = try SourceText(path: path)
        let records: [Record]
        if path.lowercased().hasSuffix(".csv") || path.lowercased().hasSuffix(".tsv") {
            let table = try CSVReader.read(source, delimiter: path.lowercased().hasSuffix(".tsv") ? UInt8(ascii: "\t") : UInt8(ascii: ","))
            records = table.records.enumerated().map { index, row in
                Record(fields: .object(row.values.map { ($0.key, .string($0.value)) }), file: path, line: row.line, index: index, textual: true)
            }
        } else {
            records = try DatasetLoader.jsonRecords(source)
        }
        // (variant, question, answer) → score, each once.
        var scores: [String: [PairContent.Answer: (score: Double, line: Int)]] = [:]
        var variants: [String] = []
        for record in records {
            guard case .object = record.fields else { throw record.error(nil, "expected an object, found \(record.fields.kindName)") }
            let variant: String
            if let fixed { variant = fixed } else { variant = try record.string("variant") }
            let answer = PairContent.Answer(question: try record.string("question"), answer: try record.string("answer", allowEmpty: true))
            let score = try record.number("score")
            guard score.isFinite else { throw record.error("score", "not a finite number") }
            if scores[variant] == nil { variants.append(variant) }
            if let first = scores[variant, default: [:]].updateValue((score, record.line), forKey: answer) {
                throw record.error("answer", "a second score of this answer for '\(variant.excerpt())' (first on line \(first.line))")
            }
        }
        guard !records.isEmpty else { throw InputError(file: path, line: 1, "the file holds no scores") }
        var judgments: [Judgment] = [], notes: [String] = []
        for variant in variants {
            let own = scores[variant]!
            var used = Set<PairContent.Answer>(), missing = Set<PairContent.Answer>()
            for pair in dataset.pairs {
                for (order, text) in [(PresentedOrder.answer1, pair.answer1), (.answer2, pair.answer2)] {
                    let answer = PairContent.Answer(question: pair.question, answer: text)
                    guard let score = own[answer]?.score else {
                        missing.insert(answer)
                        continue
                    }
                    used.insert(answer)
                    judgments.append(Judgment(item: pair.id, variant: variant, order: order,
                                              output: "{\"score\": \(JSONValue.format(number: score))}", reading: .score(score)))
                }
            }
            if !missing.isEmpty { notes.append("\(variant): \(missing.count) answers of the data set have no score (their pairs have no verdict)") }
            if own.count > used.count { notes.append("\(variant): \(own.count - used.count) scored answers are in no pair of the data set (left out)") }
        }
        return RecordedJudges(dataset: dataset, judgments: judgments, notes: notes, mismatches: [], checked: 0)
    }
}
