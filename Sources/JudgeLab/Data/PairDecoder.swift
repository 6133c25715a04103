// Turns one record into a Pair, checking every field METRICS.md section 1 defines.
import Foundation

/// Decodes records into pairs through a field mapping. (Ids are checked for uniqueness by the
/// loader, for every format alike.)
struct PairDecoder {
    var mapping: FieldMapping

    func decode(_ record: Record) throws -> Pair {
        guard case .object = record.fields else {
            throw record.error(nil, "expected a JSON object, found \(record.fields.kindName)")
        }
        let id: String
        if let idField = mapping.id {
            id = try record.string(idField)
        } else {
            id = "row-\(record.index + 1)"
        }
        let question = try record.string(mapping.question)
        // An empty answer is real data (a model that answered nothing), so only its absence is an error.
        let answer1 = try record.string(mapping.answer1, allowEmpty: true)
        let answer2 = try record.string(mapping.answer2, allowEmpty: true)
        let label = try decodeLabel(record)
        let category = try mapping.category.flatMap { try record.optionalString($0) }
        let explanation = try mapping.explanation.flatMap { try record.optionalString($0) }
        var pair = Pair(id: id, question: question, answer1: answer1, answer2: answer2, label: label,
                        category: category, explanation: explanation)
        if record.has("ratings") { pair.ratings = try decodeRatings(record, label: label) }
        return pair
    }

    /// `ratings`: [answer 1's ratings, answer 2's], each a non-empty list on the scale, whose
    /// means are the `scores` (METRICS.md §7: h is the mean of a response's ratings).
    private func decodeRatings(_ record: Record, label: HumanLabel) throws -> [[Double]] {
        guard case let .scores(s1, s2, scaleMin, scaleMax) = label else {
            throw record.error("ratings", "per-answer ratings go with per-answer 'scores' (their means)")
        }
        let lists = try record.list("ratings")
        guard lists.count == 2 else { throw record.error("ratings", "expected two lists [answer 1's ratings, answer 2's], found \(lists.count) entries") }
        return try zip(lists, [s1, s2]).map { list, score in
            guard case let .array(values) = list, !values.isEmpty else { throw record.error("ratings", "each answer's ratings are a non-empty list of numbers") }
            let ratings = try values.map { try record.number($0, "ratings") }
            for rating in ratings where !(scaleMin...scaleMax).contains(rating) {
                throw record.error("ratings", "rating \(rating.shortText) is outside \(scaleMin.shortText)..\(scaleMax.shortText)")
            }
            let mean = ratings.reduce(0, +) / Double(ratings.count)
            guard abs(mean - score) < 1e-6 else {
                throw record.error("ratings", "the ratings' mean \(mean.shortText) is not the answer's score \(score.shortText)")
            }
            return ratings
        }
    }

    private func decodeLabel(_ record: Record) throws -> HumanLabel {
        let form: LabelForm
        if let chosen = mapping.labelForm {
            form = chosen
        } else {
            let present = LabelForm.allCases.filter { form in mapping.labelFields(for: form).allSatisfy(record.has) }
            if present.isEmpty, mapping.labelsOptional { return HumanLabel.none }
            guard let only = present.first else {
                throw record.error(nil, "no human label: give exactly one of scores, votes, winner or human_score")
            }
            if present.count > 1 {
                throw record.error(present[1].rawValue,
                                   "two human labels on one item (\(present.map(\.rawValue).joined(separator: " and "))): give exactly one")
            }
            form = only
        }
        let fields = mapping.labelFields(for: form)
        switch form {
        case .scores:
            let scaleMin = try scaleMin(record)
            let scaleMax = try scaleMax(record)
            guard scaleMax > scaleMin else {
                throw record.error(record.has("scale_min") ? "scale_min" : "scale_max",
                                   "the scale \(scaleMin.shortText)..\(scaleMax.shortText) is empty: scale_max must be above scale_min")
            }
            let scores: [(Double, String)]
            if fields.count == 2 {
                scores = try fields.map { (try record.number($0), $0) }
            } else {
                let items = try record.list(fields[0])
                guard items.count == 2 else {
                    throw record.error(fields[0], "expected two scores [answer 1, answer 2], found \(items.count)")
                }
                scores = try items.map { (try record.number($0, fields[0]), fields[0]) }
            }
            for (score, field) in scores where !(scaleMin...scaleMax).contains(score) {
                throw record.error(field, "score \(score.shortText) is outside \(scaleMin.shortText)..\(scaleMax.shortText)")
            }
            return .scores(scores[0].0, scores[1].0, scaleMin: scaleMin, scaleMax: scaleMax)
        case .votes:
            let items = try record.list(fields[0])
            guard !items.isEmpty else { throw record.error(fields[0], "no votes") }
            return .votes(try items.map { try verdict($0, record, fields[0]) })
        case .winner:
            guard let value = record.value(fields[0]) else { throw record.error(fields[0], "missing") }
            return .winner(try verdict(value, record, fields[0]))
        case .humanScore:
            let score = try record.number(fields[0])
            guard (1...9).contains(score) else {
                throw record.error(fields[0], "score \(score.shortText) is outside 1..9")
            }
            return .humanScore(score)
        }
    }

    private func scaleMax(_ record: Record) throws -> Double {
        guard record.has("scale_max") else { return mapping.scaleMax }
        let value = try record.number("scale_max")
        guard value > 0 else { throw record.error("scale_max", "must be above 0, found \(value.shortText)") }
        return value
    }

    private func scaleMin(_ record: Record) throws -> Double {
        guard record.has("scale_min") else { return mapping.scaleMin }
        return try record.number("scale_min")
    }

    private func verdict(_ value: JSONValue, _ record: Record, _ field: String) throws -> Verdict {
        let text: String
        switch value {
        case let .string(s): text = s.trimmed
        case let .number(n) where n == 1 || n == 2: text = String(Int(n))
        default: throw record.error(field, "expected \"1\", \"2\" or \"tie\", found \(value.kindName)")
        }
        if let verdict = Verdict(label: text) ?? mapping.verdictAliases[text.lowercased()] { return verdict }
        throw record.error(field, "'\(text.excerpt())' is not a verdict: expected \"1\", \"2\" or \"tie\"")
    }
}
