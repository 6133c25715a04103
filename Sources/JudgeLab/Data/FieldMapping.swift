// Which field of a CSV or JSON record holds which part of a pair.
import Foundation

/// Names the fields of a CSV or JSON file that hold the id, the question, the two answers and
/// the human label. The defaults are the native format's own keys.
public struct FieldMapping: Equatable, Sendable {
    /// The id field; nil makes ids from positions (`row-1`, `row-2`, …).
    public var id: String? = "id"
    public var question = "question"
    public var answer1 = "answer_1"
    public var answer2 = "answer_2"
    /// The label's form; nil detects it from which of the native label keys is present.
    public var labelForm: LabelForm?
    /// The label's field(s): one, or two for per-answer scores in two columns.
    public var labelFields: [String]?
    public var category: String? = "category"
    public var explanation: String? = "explanation"
    /// The top of the per-answer score scale (METRICS.md: default 10).
    public var scaleMax: Double = HumanLabel.defaultScaleMax
    /// The bottom of the per-answer score scale (0 unless the data says otherwise).
    public var scaleMin: Double = 0
    /// Extra spellings of verdicts, e.g. `model_a` → answer 1 (case-insensitive).
    public var verdictAliases: [String: Verdict] = [:]
    /// Pairs to be labelled (`judgelab label`): a record without a human label is read as
    /// unlabelled (`HumanLabel.none`) instead of being an error.
    public var labelsOptional = false
    /// Response items rated on several criteria: the one to read (METRICS.md §7).
    public var criterion: String?
    /// Arena / MT-Bench judgments without conversations: the file of answers keyed by question
    /// and model, and of the questions' texts.
    public var answersPath: String?
    public var questionsPath: String?

    public init() {}

    /// The native format: the keys of METRICS.md section 1.
    public static let native = FieldMapping()

    /// The fields named for each label form when detecting it.
    func labelFields(for form: LabelForm) -> [String] {
        if let labelFields, labelForm == form { return labelFields }
        return [form.rawValue]
    }

    /// Parses `NAME=VERDICT,…`, e.g. `A=1,B=2,both=tie`.
    public static func parseAliases(_ text: String) -> [String: Verdict]? {
        var aliases: [String: Verdict] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let verdict = Verdict(label: parts[1]) else { return nil }
            aliases[parts[0].lowercased()] = verdict
        }
        return aliases
    }
}
