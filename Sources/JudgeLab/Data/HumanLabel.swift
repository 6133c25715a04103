// The human side of a pair: the four label forms of METRICS.md section 2.

/// Which of the four label forms an item carries.
public enum LabelForm: String, CaseIterable, Sendable {
    case scores
    case votes
    case winner
    case humanScore = "human_score"
}

/// A pair's human label, in one of METRICS.md's four forms.
public enum HumanLabel: Equatable, Sendable {
    /// No human label: a pair to be labelled. Read as no votes (a tie wherever a verdict is asked).
    public static let none = HumanLabel.votes([])

    /// Per-answer scores on scaleMin...scaleMax (0...10 unless the data says otherwise; a 1–5
    /// Likert scale is 1...5).
    case scores(Double, Double, scaleMin: Double = 0, scaleMax: Double)
    /// Several annotators' verdicts.
    case votes([Verdict])
    /// A single verdict.
    case winner(Verdict)
    /// A 1..9 score given directly (1 = strongly prefers answer 1).
    case humanScore(Double)

    public static let defaultScaleMax: Double = 10

    public var form: LabelForm {
        switch self {
        case .scores: return .scores
        case .votes: return .votes
        case .winner: return .winner
        case .humanScore: return .humanScore
        }
    }

    /// The simulated human score on 1..9: `5 + 4·d/(scale_max − scale_min)` with d = s2 − s1,
    /// or the direct score. Votes and winners have none.
    public var simulatedScore: Double? {
        switch self {
        case let .scores(s1, s2, scaleMin, scaleMax): return 5 + 4 * (s2 - s1) / (scaleMax - scaleMin)
        case let .humanScore(h): return h
        case .votes, .winner: return nil
        }
    }

    /// The human verdict. Only a direct score uses the tie band; scores compare d with 0,
    /// votes need a strict majority (otherwise a tie).
    public func verdict(tieBand: TieBand = .standard) -> Verdict {
        switch self {
        case let .scores(s1, s2, _, _):
            let d = s2 - s1
            return d < 0 ? .answer1 : (d > 0 ? .answer2 : .tie)
        case let .humanScore(h):
            return tieBand.verdict(of: h)
        case let .winner(v):
            return v
        case let .votes(votes):
            for candidate in Verdict.allCases where 2 * votes.filter({ $0 == candidate }).count > votes.count {
                return candidate
            }
            return .tie
        }
    }
}
