// Two runs compared, as a page.
import Foundation

extension HTMLReport {
    /// Two runs compared, as a page of its own (`judgelab diff --format html`).
    public static func render(_ diff: RunDiff) -> String {
        let view: [String: Any] = [
            "styleHash": hash(Templates.shared.style), "scriptHash": hash(Templates.shared.script),
            "style": Templates.shared.style, "script": Templates.shared.script, "version": JudgeLabVersion.text,
            "runA": diff.runA, "runB": diff.runB,
            "variants": diff.variants.map { v -> [String: Any] in
                [
                    "title": v.a == v.b ? v.a : "\(v.a) → \(v.b)", "sentence": v.comparison.sentence,
                    "metrics": v.metrics.map { m -> [String: Any] in
                        let format = MetricTable.spec(m.key)?.format ?? .decimal
                        let change = m.a.flatMap { a in m.b.map { $0 - a } }
                        return ["key": m.key, "a": m.a.map { JSONValue.format(number: $0) } ?? "", "b": m.b.map { JSONValue.format(number: $0) } ?? "",
                                "change": change.map { JSONValue.format(number: $0) } ?? "", "shownA": format.html(m.a), "shownB": format.html(m.b),
                                "shownChange": format.change(change)]
                    },
                    "flipCount": "\(v.flips.count) item\(v.flips.count == 1 ? "" : "s") changed verdict" + (v.flips.count > 100 ? " (the first 100 shown)" : ""),
                    "hasFlips": !v.flips.isEmpty,
                    "flips": v.flips.prefix(100).map { ["item": $0.item, "human": $0.human.rawValue, "before": $0.before?.rawValue ?? "none", "after": $0.after?.rawValue ?? "none"] },
                ]
            },
        ]
        return Templates.shared.render(view, "diff")
    }
}
