// Rates as people read them: one decimal and a percent sign, an em dash where a rate is undefined.
import Foundation

/// How every page and terminal line writes a rate in 0...1.
public enum Percent {
    /// `0.8125` → `81.2%`; nil (an undefined rate, METRICS.md's null) → `—`.
    public static func text(_ value: Double?) -> String {
        value.map { String(format: "%.1f%%", $0 * 100) } ?? missing
    }

    /// `part` of `whole`, e.g. 27 of 64 → `42.2%`; `—` when `whole` is 0.
    public static func text(_ part: Double, of whole: Double) -> String {
        whole > 0 ? text(part / whole) : missing
    }

    /// What an undefined rate is written as, everywhere.
    public static let missing = "—"
}
