// How many labelled items a search needs to tell two candidates a given number of points apart:
// McNemar's test on paired items, sized by Connor's (1987) formula, and the smallest difference
// a dev split of a given size can tell. Its power is checked by simulation (SamplePlannerTests).
import Foundation

public enum SamplePlanner {
    /// Paired items needed to find a difference `d` (a share, 0.05 = 5 points) in agreement with
    /// `power`, at two-sided `alpha`, when the two candidates disagree about being right on a
    /// share `discordance` of items (Connor 1987).
    public static func itemsNeeded(difference d: Double, discordance pd: Double, alpha: Double, power: Double = 0.8) -> Int? {
        guard d > 0, pd >= d, alpha > 0, alpha < 1 else { return nil }
        let zAlpha = PairedComparison.normalQuantile(1 - alpha / 2), zBeta = PairedComparison.normalQuantile(power)
        let root = zAlpha * pd.squareRoot() + zBeta * max(pd - d * d, 0).squareRoot()
        return Int((root * root / (d * d)).rounded(.up))
    }

    /// The smallest difference `items` paired items find with `power`: by bisection on d.
    public static func detectableDifference(items n: Int, discordance pd: Double, alpha: Double, power: Double = 0.8) -> Double? {
        guard n > 0, pd > 0, let most = itemsNeeded(difference: pd, discordance: pd, alpha: alpha, power: power), most <= n else { return nil }
        var lo = 0.0, hi = pd
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if let need = itemsNeeded(difference: mid, discordance: pd, alpha: alpha, power: power), need <= n { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// The planner's lines for `optimize --estimate`: dev items to tell 3, 5 and 10 points apart
    /// at the racing alpha, for candidates that disagree about being right on 10, 20 or 30% of
    /// items; and what this dev split can tell.
    public static func lines(devItems: Int, alpha: Double) -> [[String]] {
        let discordances = [0.1, 0.2, 0.3]
        var rows: [[String]] = []
        for points in [3, 5, 10] {
            let needs = discordances.map { pd in itemsNeeded(difference: Double(points) / 100, discordance: pd, alpha: alpha).map(String.init) ?? "—" }
            rows.append(["to tell \(points) points", "about \(needs.joined(separator: " / ")) dev items (candidates disagreeing about being right on 10 / 20 / 30% of items; alpha \(JSONValue.format(number: alpha)), about 80% power)"])
        }
        let tells = discordances.map { pd in detectableDifference(items: devItems, discordance: pd, alpha: alpha).map { String(format: "%.1f", $0 * 100) } ?? "none" }
        rows.append(["this dev split", "\(devItems) items tell candidates about \(tells.joined(separator: " / ")) points apart (the same three cases; none: not even as far apart as they disagree)"])
        return rows
    }
}
