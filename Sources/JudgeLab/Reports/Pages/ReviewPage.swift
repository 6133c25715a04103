// The review page: the queue of judgments for a person to check, offline.
import Foundation

extension HTMLReport {
    /// The review page (`judgelab review`): one self-contained offline file to label in.
    public static func renderReview(_ items: [ReviewItem], title: String, runID: String) -> String {
        let data = JSONValue.array(items.map { item in
            let (a, b) = item.flipped ? (item.pair.answer2, item.pair.answer1) : (item.pair.answer1, item.pair.answer2)
            return .object([("id", .string(item.pair.id)), ("reason", .string(item.reason)), ("question", .string(item.pair.question)),
                            ("a", .string(a)), ("b", .string(b)), ("flipped", .bool(item.flipped))])
        }).compactText
        // Inside a script element nothing may close it: every < is written as its JSON escape.
        let safe = data.replacingOccurrences(of: "<", with: "\\u003c")
        let templates = Templates.shared
        return templates.render([
            "styleHash": hash(templates.reviewStyle), "scriptHash": hash(templates.reviewScript),
            "style": templates.reviewStyle, "script": templates.reviewScript,
            "title": title, "runID": runID, "count": "\(items.count)", "items": safe,
        ], "review")
    }
}
