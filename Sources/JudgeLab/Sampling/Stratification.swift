// How items are grouped into strata for sampling and re-weighting.

/// What defines an item's stratum.
public enum Stratification: String, CaseIterable, Codable, Sendable {
    /// The human verdict: `1`, `tie`, `2`.
    case verdict
    /// The rounded simulated human score: `sim-1` … `sim-9` (needs scores or human_score labels).
    case bins
    /// The item's `category` (`(none)` when it has none).
    case category
    /// Verdict × category, e.g. `tie/math`.
    case verdictCategory = "verdict-category"

    public func stratum(of pair: Pair, tieBand: TieBand = .standard) -> String? {
        switch self {
        case .verdict: return pair.humanVerdict(tieBand: tieBand).rawValue
        case .bins:
            guard let sim = pair.simulatedScore else { return nil }
            return "sim-\(Int(sim.rounded(.toNearestOrAwayFromZero)))"
        case .category: return pair.category ?? "(none)"
        case .verdictCategory: return pair.humanVerdict(tieBand: tieBand).rawValue + "/" + (pair.category ?? "(none)")
        }
    }

    /// Strata in a stable order: verdicts as 1, tie, 2; everything else by name.
    static func sortedNames(_ names: some Sequence<String>) -> [String] {
        let rank = ["1": 0, "tie": 1, "2": 2]
        return names.sorted { x, y in
            let (xv, yv) = (x.split(separator: "/").first.map(String.init) ?? x, y.split(separator: "/").first.map(String.init) ?? y)
            if let rx = rank[xv], let ry = rank[yv], rx != ry { return rx < ry }
            return x < y
        }
    }
}
