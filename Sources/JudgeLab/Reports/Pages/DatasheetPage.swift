// A label run's datasheet as a page of its own.
import Foundation

extension HTMLReport {
    /// The datasheet of a label run (`judgelab label`), as a page of its own beside datasheet.json.
    public static func renderDatasheet(_ d: Datasheet) -> String {
        let pct: (Double?) -> String = Percent.text
        let style = Templates.shared.reviewStyle
        return Templates.shared.render([
            "styleHash": hash(style), "style": style,
            "variant": d.variant, "judge": d.judge, "study": d.study, "runID": d.runID, "studyItems": "\(d.studyItems)",
            "agreement": pct(d.agreement), "ci": d.agreementCI.map { [["lo": pct($0[0]), "hi": pct($0[1])]] } ?? [],
            "exportedAccuracy": pct(d.exportedAccuracy),
            "bands": d.bands.map { b -> [String: Any] in
                ["range": b.lo.map { String(format: "%g to %g", $0, b.hi!) } ?? "none", "items": "\(b.items)", "accuracy": pct(b.accuracy), "exported": "\(b.exported)"]
            },
            "exported": "\(d.exported)", "pairs": "\(d.pairs)", "ties": "\(d.ties)", "inconsistent": "\(d.inconsistent)", "unparsed": "\(d.unparsed)",
            "tiePolicy": d.tiePolicy == "drop" ? "dropped" : "in ties.jsonl", "inconsistentPolicy": d.inconsistentPolicy == "drop" ? "dropped" : "in inconsistent.jsonl",
        ], "datasheet")
    }
}
