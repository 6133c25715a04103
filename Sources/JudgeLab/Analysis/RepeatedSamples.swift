// METRICS.md §8: a variant's k samples per item and order, folded into one judgment per order
// (the mean score, or the verdict more than half of the parsed samples carry, else a tie) so that
// every other metric reads it as any variant; and what the samples say of the judge's stability.
import Foundation

enum RepeatedSamples {
    /// The samples of each (variant, item, order), in the order first seen.
    struct Group {
        var key: JudgmentKey
        var samples: [Judgment]
    }

    /// The judgments with every sampled variant's samples folded (what a jury sits on).
    static func folded(_ judgments: [Judgment], band: TieBand = .standard) -> [Judgment] {
        let sampled = groups(judgments)
        guard !sampled.isEmpty else { return judgments }
        return judgments.filter { $0.sample == nil } + sampled.map { fold($0, band: band) }
    }

    static func groups(_ judgments: [Judgment]) -> [Group] {
        var index: [JudgmentKey: Int] = [:]
        var groups: [Group] = []
        for judgment in judgments where judgment.sample != nil {
            let key = JudgmentKey(variant: judgment.variant, item: judgment.item, order: judgment.order)
            if let at = index[key] { groups[at].samples.append(judgment) } else {
                index[key] = groups.count
                groups.append(Group(key: key, samples: [judgment]))
            }
        }
        return groups
    }

    /// One judgment for the group: the mean of the parsed scores, or the majority choice (in
    /// the presented order), else a tie; unparsed when no sample parsed; costs and tokens summed.
    static func fold(_ group: Group, band: TieBand) -> Judgment {
        Jury.combine(group.samples, key: group.key, tieBand: band,
                     reason: "\(group.samples.count) samples: " + group.samples.map { Jury.describe($0.reading) }.joined(separator: ", "),
                     none: "none of its \(group.samples.count) samples parsed")
    }

    /// §8's figures of one variant from its groups and its items' combined verdicts.
    struct Stability {
        var flipRate: Double?
        var selfAgreement: Double?
        /// Per item id: the share of its parsed samples whose verdict is the combined verdict.
        var voteConfidence: [String: Double]
        var samples: Int
        var unparsed: Int
    }

    static func stability(_ groups: [Group], verdicts: [String: Verdict], band: TieBand) -> Stability {
        var flips = 0, counted = 0, agreementSum = 0.0
        var pooled: [String: (agree: Int, parsed: Int)] = [:]
        var samples = 0, unparsed = 0
        for group in groups {
            samples += group.samples.count
            let sampleVerdicts = group.samples.compactMap { $0.verdict(tieBand: band) }
            unparsed += group.samples.count - sampleVerdicts.count
            if sampleVerdicts.count >= 2 {
                counted += 1
                if Set(sampleVerdicts).count > 1 { flips += 1 }
                var equal = 0, pairs = 0
                for i in sampleVerdicts.indices { for j in sampleVerdicts.indices where j > i { pairs += 1; if sampleVerdicts[i] == sampleVerdicts[j] { equal += 1 } } }
                agreementSum += Double(equal) / Double(pairs)
            }
            if let verdict = verdicts[group.key.item] {
                pooled[group.key.item, default: (0, 0)].parsed += sampleVerdicts.count
                pooled[group.key.item, default: (0, 0)].agree += sampleVerdicts.count { $0 == verdict }
            }
        }
        var confidence: [String: Double] = [:]
        for (item, tally) in pooled where tally.parsed > 0 { confidence[item] = Double(tally.agree) / Double(tally.parsed) }
        return Stability(flipRate: counted > 0 ? Double(flips) / Double(counted) : nil,
                         selfAgreement: counted > 0 ? agreementSum / Double(counted) : nil,
                         voteConfidence: confidence, samples: samples, unparsed: unparsed)
    }
}
