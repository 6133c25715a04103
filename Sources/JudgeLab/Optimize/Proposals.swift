// New candidates proposed from the race's leader: one more example, one example swapped, or
// the next rubric of the space.

public enum Proposals {
    public enum Move: String, CaseIterable, Sendable {
        case add, swap, rubric
    }

    /// The `number`th proposal (from 0) from `leader`: the moves in turn from `number % 3`, the
    /// first that applies and makes a name not in `taken`. New examples come from the pool
    /// (without ties when the template allows none), in an order seeded by the search's seed and
    /// the proposal's number; a swap replaces the example at position `number % k`.
    public static func propose(from leader: Variant, number: Int, pool: [Pair], rubrics: [String?], library: TemplateLibrary,
                               seed: UInt64, taken: Set<String>) -> (variant: Variant, origin: String)? {
        let eligible = leader.template.allowsTie ? pool : pool.filter { $0.humanVerdict() != .tie }
        let shown = Set(leader.examples.map(\.id))
        var fresh = eligible.filter { !shown.contains($0.id) }
        var generator = SeededGenerator(seed: SeededGenerator.mix(seed, 0xB0B + UInt64(number)))
        generator.shuffle(&fresh)
        for offset in 0..<Move.allCases.count {
            let move = Move.allCases[(number + offset) % Move.allCases.count]
            var variant = leader
            variant.name = "\(leader.name)+p\(number + 1)-\(move.rawValue)"
            guard !taken.contains(variant.name) else { continue }
            var origin: String
            switch move {
            case .add:
                if let nearest = leader.nearest {
                    guard nearest.k < nearest.pool.count else { continue }
                    variant.nearest = NearestExamples(k: nearest.k + 1, pool: nearest.pool)
                    origin = "one more nearest example"
                } else {
                    guard let extra = fresh.first else { continue }
                    variant.examples.append(extra)
                    origin = "example \(extra.id) added"
                }
                variant.shots += 1
            case .swap:
                guard leader.nearest == nil, !leader.examples.isEmpty, let replacement = fresh.first else { continue }
                let position = number % leader.examples.count
                origin = "example \(leader.examples[position].id) swapped for \(replacement.id)"
                variant.examples[position] = replacement
            case .rubric:
                let options = rubrics.uniqued().filter { $0 == nil || library.rubrics[$0!] != nil }
                guard options.count > 1, let here = options.firstIndex(of: leader.rubric) ?? Optional(-1) else { continue }
                let next = options[(here + 1) % options.count]
                guard next != leader.rubric else { continue }
                variant.rubric = next
                origin = "rubric \(leader.rubric ?? "none") changed to \(next ?? "none")"
            }
            return (variant, origin)
        }
        return nil
    }
}
