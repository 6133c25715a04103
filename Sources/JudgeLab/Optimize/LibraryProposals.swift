// Proposals that write the judge's rubric (issue 29): from an instruction library the user
// supplies (a YAML list of criteria), the leader's rubric with one criterion added or dropped.
// Deterministic, and no model: for teams that cannot accept free rewrites. Each proposal's text
// is its own (content-addressed by name), so the winner's study carries the text itself.
import Crypto
import Foundation

public enum LibraryProposals {
    /// The first line of a library rubric.
    public static let header = "Prefer the answer that best meets these criteria:"

    /// A rubric's content-addressed name.
    public static func name(of text: String) -> String {
        "text-" + Hex.string(SHA256.hash(data: Data(text.utf8))).prefix(10)
    }

    /// The rubric of `criteria`, in the library's order.
    static func text(_ criteria: [Int], library: [String]) -> String {
        ([header] + criteria.sorted().map { "- " + library[$0] }).joined(separator: "\n")
    }

    /// The library criteria a rubric states: those of a library rubric, none otherwise.
    static func criteria(of variant: Variant, library: [String]) -> [Int] {
        guard let text = variant.rubricText, text.hasPrefix(header + "\n") else { return [] }
        let lines = Set(text.split(separator: "\n").dropFirst().map { String($0.dropFirst(2)) })
        return library.indices.filter { lines.contains(library[$0]) }
    }

    /// The `number`th library proposal (from 0) from `leader`: the next criterion it does not
    /// state added (from `number` on, in the library's order), or, when it states them all, one
    /// dropped; the first whose name is not `taken`.
    public static func propose(from leader: Variant, number: Int, library: [String], taken: Set<String>) -> (variant: Variant, origin: String)? {
        let stated = criteria(of: leader, library: library)
        // A leader with a rubric of the templates folder gets the library's in its place.
        let replaced = stated.isEmpty && leader.rubric != nil ? "rubric \(leader.rubric!) replaced by the library's; " : ""
        var moves: [(criteria: [Int], origin: String)] = []
        for offset in library.indices {
            let index = (number + offset) % library.count
            if !stated.contains(index) { moves.append((stated + [index], replaced + "criterion added: \(library[index])")) }
        }
        if stated.count > 1 {
            for offset in stated.indices {
                let drop = stated[(number + offset) % stated.count]
                moves.append((stated.filter { $0 != drop }, "criterion dropped: \(library[drop])"))
            }
        }
        for move in moves {
            let text = text(move.criteria, library: library)
            var variant = leader
            variant.rubricText = text
            variant.rubric = name(of: text)
            // A proposal from a proposal is named after the first: base+text-…, not base+text-…+text-….
            let base = leader.name.range(of: "+text-").map { String(leader.name[..<$0.lowerBound]) } ?? leader.name
            variant.name = "\(base)+\(variant.rubric!)"
            guard !taken.contains(variant.name) else { continue }
            return (variant, move.origin)
        }
        return nil
    }
}
