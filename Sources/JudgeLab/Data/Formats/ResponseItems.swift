// Response items (METRICS.md §7): one answer a line with its raters' ratings, read as the pairs
// formed within each group, so that pairwise and pointwise variants judge the same data.

/// The native one-answer-per-line format: `id`, `question`, `answer`, `ratings` (one number per
/// rater on `scale_min`..`scale_max`), optional `group` (responses to one question; the question
/// text when absent), `criterion` and `category`.
enum ResponseItems {
    struct Response {
        var record: Record
        var id: String
        var question: String
        var answer: String
        var ratings: [Double]
        var criterion: String?
        var category: String?
    }

    /// Every pair of responses within a group, in file order, the earlier line answer 1 in every
    /// other pair and answer 2 in the rest,
    /// labelled with the two responses' mean ratings as per-answer `scores`; their ratings kept.
    /// - Parameter mapping: its `criterion` picks the lines of one criterion when the file has several.
    static func pairs(_ records: [Record], mapping: FieldMapping) throws -> [Pair] {
        guard let file = records.first?.file else { return [] }
        var responses: [Response] = []
        var criteria: [String] = [], lineOfSecond: Int?
        for record in records {
            let criterion = try record.optionalString("criterion")
            if let criterion, !criteria.contains(criterion) {
                criteria.append(criterion)
                if criteria.count == 2 { lineOfSecond = record.line }
            }
            if let wanted = mapping.criterion, criterion != wanted { continue }
            let scaleMin = record.has("scale_min") ? try record.number("scale_min") : mapping.scaleMin
            let scaleMax = record.has("scale_max") ? try record.number("scale_max") : mapping.scaleMax
            guard scaleMax > scaleMin else { throw record.error("scale_max", "the scale \(scaleMin.shortText)..\(scaleMax.shortText) is empty") }
            let values = try record.list("ratings")
            guard !values.isEmpty else { throw record.error("ratings", "no ratings: give one number per rater") }
            let ratings = try values.map { try record.number($0, "ratings") }
            for rating in ratings where !(scaleMin...scaleMax).contains(rating) {
                throw record.error("ratings", "rating \(rating.shortText) is outside \(scaleMin.shortText)..\(scaleMax.shortText)")
            }
            responses.append(Response(record: record, id: try record.string("id"), question: try record.string("question"),
                                      answer: try record.string("answer", allowEmpty: true), ratings: ratings,
                                      criterion: criterion, category: try record.optionalString("category")))
        }
        if mapping.criterion == nil, criteria.count > 1 {
            throw InputError(file: file, line: lineOfSecond, field: "criterion",
                             "the responses are rated on \(criteria.count) criteria (\(criteria.joined(separator: ", ").excerpt(120))): name the one to judge (criterion: in the study, --criterion on the command line)")
        }
        if let wanted = mapping.criterion, responses.isEmpty {
            throw InputError(file: file, field: "criterion",
                             "no response is rated on criterion '\(wanted.excerpt())' (the file's: \(criteria.isEmpty ? "none" : criteria.joined(separator: ", ").excerpt(120)))")
        }
        var lineOfID: [String: Int] = [:]
        var groups: [String: [Int]] = [:], groupOrder: [String] = []
        for (index, response) in responses.enumerated() {
            if let first = lineOfID.updateValue(response.record.line, forKey: response.id) {
                throw response.record.error("id", "duplicate id '\(response.id.excerpt())' (first on line \(first))")
            }
            let group = try response.record.optionalString("group") ?? response.question
            if groups[group] == nil { groupOrder.append(group) }
            groups[group, default: []].append(index)
        }
        var pairs: [Pair] = []
        for group in groupOrder {
            let members = groups[group]!
            let first = responses[members[0]]
            guard members.count >= 2 else {
                throw first.record.error("group", "response '\(first.id.excerpt())' is alone in its group: pairs (and the pointwise metrics read from them) are formed within a group; give its group another response or leave it out")
            }
            for index in members.dropFirst() where responses[index].question != first.question {
                throw responses[index].record.error("question", "responses of one group ask one question; this one differs from line \(first.record.line)'s")
            }
            for (i, a) in members.enumerated() {
                for b in members[(i + 1)...] {
                    // Every other pair shows the later line first: a file listed best first (as
                    // rankings often are) must not make "answer 1" the better one.
                    let (x, y) = pairs.count % 2 == 0 ? (responses[a], responses[b]) : (responses[b], responses[a])
                    let scaleMin = x.record.has("scale_min") ? try x.record.number("scale_min") : mapping.scaleMin
                    let scaleMax = x.record.has("scale_max") ? try x.record.number("scale_max") : mapping.scaleMax
                    let h1 = x.ratings.reduce(0, +) / Double(x.ratings.count), h2 = y.ratings.reduce(0, +) / Double(y.ratings.count)
                    var pair = Pair(id: "\(x.id)~\(y.id)", question: x.question, answer1: x.answer, answer2: y.answer,
                                    label: .scores(h1, h2, scaleMin: scaleMin, scaleMax: scaleMax),
                                    category: x.category ?? x.criterion)
                    pair.ratings = [x.ratings, y.ratings]
                    pairs.append(pair)
                }
            }
        }
        return pairs
    }
}
