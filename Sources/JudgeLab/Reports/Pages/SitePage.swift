// The index page of a published site of runs.
import Foundation

extension HTMLReport {
    /// A published site's index (`judgelab publish`).
    static func renderSite(studies: [[String: Any]], runCount: Int) -> String {
        Templates.shared.render([
            "styleHash": hash(Templates.shared.style), "scriptHash": hash(Templates.shared.script),
            "style": Templates.shared.style, "script": Templates.shared.script, "version": JudgeLabVersion.text,
            "runCount": "\(runCount)", "studyCount": "\(studies.count)", "studies": studies,
        ], "site")
    }
}
