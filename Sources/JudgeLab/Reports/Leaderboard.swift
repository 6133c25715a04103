// The terminal's view of an analysis: one row per variant, best first.
import Foundation

/// A plain-text leaderboard of ranked variants.
public enum Leaderboard {
    /// - Parameter judges: each variant's judge, for a column of its own (none when empty).
    public static func text(_ analysis: Analysis, limit: Int? = nil, judges: [String: String] = [:]) -> String {
        let judgeColumn = !judges.isEmpty
        var rows: [[String]] = [["#", "variant"] + (judgeColumn ? ["judge"] : []) + ["items", "agreement [95% CI]", "decisive", "kappa", "ties (human)",
                                 "consistent", "1st-pos", "unparsed", "$/1k"]]
        // When every variant costs the same, all are on the front: marking them says nothing.
        let pareto = analysis.costsDiffer ? Set(analysis.pareto) : []
        for (rank, m) in analysis.variants.prefix(limit ?? .max).enumerated() {
            rows.append([
                "\(rank + 1)",
                m.variant + (pareto.contains(m.variant) && m.costPer1k != nil ? " *" : ""),
            ] + (judgeColumn ? [judges[m.variant] ?? "—"] : []) + [
                "\(m.nItems)",
                pct(m.agreement) + (m.agreementCI.map { " [\(pct($0.lo)), \(pct($0.hi))]" } ?? ""),
                pct(m.agreementDecisive),
                m.kappa.map { String(format: "%.3f", $0) } ?? "—",
                "\(pct(m.tieRate)) (\(pct(m.humanTieRate)))",
                pct(m.positionConsistency),
                pct(m.firstPositionRate),
                "\(m.parseFailures)",
                m.costPer1k.map { String(format: "%.2f", $0) } ?? "—",
            ])
        }
        var text = TextTable.render(rows, header: true)
        if analysis.variants.contains(where: { pareto.contains($0.variant) && $0.costPer1k != nil }) {
            text += "\n* on the Pareto front of agreement against cost"
        }
        return text
    }

    static func pct(_ value: Double?) -> String {
        value.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
    }
}
