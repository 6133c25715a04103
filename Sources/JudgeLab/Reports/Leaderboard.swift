// The terminal's view of an analysis: one row per variant, best first.
import Foundation

/// A plain-text leaderboard of ranked variants.
public enum Leaderboard {
    /// - Parameter judges: each variant's judge, for a column of its own (none when empty).
    public static func text(_ analysis: Analysis, limit: Int? = nil, judges: [String: String] = [:]) -> String {
        let judgeColumn = !judges.isEmpty
        let columns = MetricTable.leaderboard(for: analysis.variants).compactMap(\.text)
        var rows: [[String]] = [["#", "variant"] + (judgeColumn ? ["judge"] : []) + columns.map(\.heading)]
        // When every variant costs the same, all are on the front: marking them says nothing.
        let pareto = analysis.costsDiffer ? Set(analysis.pareto) : []
        for (rank, m) in analysis.variants.prefix(limit ?? .max).enumerated() {
            rows.append(["\(rank + 1)", m.variant + (pareto.contains(m.variant) && m.costPer1k != nil ? " *" : "")]
                        + (judgeColumn ? [judges[m.variant] ?? "—"] : []) + columns.map { $0.cell(m) })
        }
        var text = TextTable.render(rows, header: true)
        if analysis.variants.contains(where: { pareto.contains($0.variant) && $0.costPer1k != nil }) {
            text += "\n* on the Pareto front of agreement against cost"
        }
        return text
    }
}
