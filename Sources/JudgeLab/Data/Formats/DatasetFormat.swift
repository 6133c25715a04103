// The data set formats JudgeLab reads: adding one is a case here (its guess and its reader) and
// its reader's file.

/// A data set's file format: the native JSONL, a mapped CSV or JSON file, or one of the public
/// human-labelled sets JudgeLab imports directly.
public enum DatasetFormat: String, CaseIterable, Sendable {
    /// JSONL with METRICS.md section 1's keys.
    case native
    /// PandaLM's test set: a JSON array; three annotators, 0 = tie, 1, 2.
    case pandalm
    /// LLMBar's `dataset.json` (or a folder holding it): `label` 1 or 2.
    case llmbar
    /// LLMEval²'s JSONL: `human` is model1, model2 or TIE.
    case llmeval2
    /// CSV with a header row, read through a field mapping.
    case csv
    /// A JSON array (or JSON lines) of objects, read through a field mapping.
    case json
    /// Response items, one answer a line with its ratings (METRICS.md §7), paired within groups.
    case responses
    /// Chatbot Arena / MT-Bench human judgments: `model_a`, `model_b`, `winner`, the
    /// conversations or a separate answers file.
    case arena

    /// The format a file's name and first record suggest, when the user names none.
    static func sniff(path: String, firstRecord: JSONValue?) -> DatasetFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") { return .csv }
        if let first = firstRecord {
            if first["annotator1"] != nil, first["response1"] != nil { return .pandalm }
            if first["output_1"] != nil, first["label"] != nil { return .llmbar }
            if first["human"] != nil, first["query"] != nil { return .llmeval2 }
            if first["answer"] != nil, first["ratings"] != nil, first["answer_1"] == nil { return .responses }
            if first["model_a"] != nil, first["model_b"] != nil, first["winner"] != nil { return .arena }
        }
        return lower.hasSuffix(".json") ? .json : .native
    }

    /// How a whole file of this format becomes pairs, for formats whose pairs are made from
    /// several records (nil: one record is one pair, `pairReader`).
    func fileReader(mapping: FieldMapping) -> (([Record]) throws -> [Pair])? {
        switch self {
        case .responses: return { try ResponseItems.pairs($0, mapping: mapping) }
        case .arena: return { try ArenaFormat.pairs($0, mapping: mapping) }
        case .native, .csv, .json, .pandalm, .llmbar, .llmeval2: return nil
        }
    }

    /// How a record of this format becomes a pair, for a file at `path`.
    func pairReader(path: String, mapping: FieldMapping) -> (Record) throws -> Pair {
        switch self {
        case .responses, .arena:
            preconditionFailure("\(rawValue) files are read whole (fileReader)")
        case .native, .csv, .json:
            let decoder = PairDecoder(mapping: mapping)
            return { try decoder.decode($0) }
        case .pandalm:
            return { try PandaLMFormat.pair($0) }
        case .llmbar:
            let subset = LLMBarFormat.subset(ofDatasetPath: path)
            return { try LLMBarFormat.pair($0, subset: subset) }
        case .llmeval2:
            return { try LLMEval2Format.pair($0) }
        }
    }
}
