// The labels a reviewer exported from the review page (JSONL: id, winner, note, reason), read
// back and merged into a data set as human labels.
import Foundation

public struct ReviewLabel: Sendable, Equatable {
    public var id: String
    public var verdict: Verdict
    public var note: String
    /// Why the queue picked the item (`a random check` marks the unbiased share).
    public var reason: String?
}

public enum ReviewLabels {
    /// Reads an export; every id must be one of `items`, once. One error names the file, the line and the field.
    public static func load(path: String, items: Set<String>) throws -> [ReviewLabel] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw InputError(file: path, "cannot read the review labels (does the file exist?)")
        }
        var labels: [ReviewLabel] = []
        var seen = Set<String>()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isBlank {
            let number = index + 1
            let value: JSONValue
            do { value = try JSONValue.parse(Data(line.utf8)) } catch {
                throw InputError(file: path, line: number, "not a JSON object: \(error)")
            }
            guard let id = value["id"]?.stringValue, !id.isEmpty else { throw InputError(file: path, line: number, field: "id", "missing") }
            guard items.contains(id) else {
                throw InputError(file: path, line: number, field: "id", "'\(id.excerpt())' is not an item of the data set these labels are merged into")
            }
            guard seen.insert(id).inserted else { throw InputError(file: path, line: number, field: "id", "'\(id.excerpt())' is labelled twice") }
            guard let text = value["winner"]?.stringValue, let verdict = Verdict(label: text) else {
                throw InputError(file: path, line: number, field: "winner", "expected 1, 2 or tie")
            }
            labels.append(ReviewLabel(id: id, verdict: verdict, note: value["note"]?.stringValue ?? "", reason: value["reason"]?.stringValue))
        }
        return labels
    }

    /// The pairs with the reviewed ones labelled by their reviewer (`winner`); with
    /// `reviewedOnly`, those alone.
    public static func merge(_ labels: [ReviewLabel], into pairs: [Pair], reviewedOnly: Bool) -> [Pair] {
        let byID = Dictionary(labels.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return pairs.compactMap { pair in
            guard let label = byID[pair.id] else { return reviewedOnly ? nil : pair }
            var merged = pair
            merged.label = .winner(label.verdict)
            return merged
        }
    }
}
