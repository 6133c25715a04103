// What an import produced: the pairs, the judgments, and notes for the user.
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
            throw InputError(file: directory, "cannot create the folder: \(InputError.reason(of: error) ?? String(describing: error))")
        }
        try AtomicFile.write(NativeFormat.text(dataset.pairs), to: directory + "/dataset.jsonl")
        try AtomicFile.write(JudgmentsFile.text(judgments), to: directory + "/judgments.jsonl")
    }
}
