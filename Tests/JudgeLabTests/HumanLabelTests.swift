// The human side of METRICS.md section 2: simulated scores and verdicts from each label form.
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct HumanLabelTests {
    @Test func simulatedScoreMapsScoreDifferencesOntoOneToNine() {
        #expect(HumanLabel.scores(10, 0, scaleMax: 10).simulatedScore == 1)
        #expect(HumanLabel.scores(0, 10, scaleMax: 10).simulatedScore == 9)
        #expect(HumanLabel.scores(7, 7, scaleMax: 10).simulatedScore == 5)
        #expect(HumanLabel.scores(6, 9, scaleMax: 10).simulatedScore == Double(5 + 0.4 * 3))
        #expect(HumanLabel.scores(1, 4, scaleMax: 5).simulatedScore == Double(5 + 4.0 * 3 / 5))
        // A 1–5 Likert scale (SummEval's): sim = 5 + d, so 1 against 5 is 1 and 5 against 1 is 9.
        #expect(HumanLabel.scores(1, 4, scaleMin: 1, scaleMax: 5).simulatedScore == 8)
        #expect(HumanLabel.scores(5, 1, scaleMin: 1, scaleMax: 5).simulatedScore == 1)
        #expect(HumanLabel.scores(2.5, 2.5, scaleMin: 1, scaleMax: 5).simulatedScore == 5)
        #expect(HumanLabel.humanScore(3).simulatedScore == 3)
        #expect(HumanLabel.winner(.answer1).simulatedScore == nil)
        #expect(HumanLabel.votes([.tie]).simulatedScore == nil)
    }

    @Test func scoresGiveVerdictsFromTheSignOfTheDifference() {
        #expect(HumanLabel.scores(8, 7.5, scaleMax: 10).verdict() == .answer1)
        #expect(HumanLabel.scores(8, 8, scaleMax: 10).verdict() == .tie)
        #expect(HumanLabel.scores(2, 8, scaleMax: 10).verdict() == .answer2)
        // The tie band does not apply to per-answer scores: a d of 0.5 is still a preference.
        #expect(HumanLabel.scores(8, 8.5, scaleMax: 10).verdict(tieBand: TieBand(lo: 4, hi: 6)) == .answer2)
    }

    @Test func votesNeedAStrictMajority() {
        #expect(HumanLabel.votes([.answer1, .answer1, .tie]).verdict() == .answer1)
        #expect(HumanLabel.votes([.answer2, .answer2, .answer1]).verdict() == .answer2)
        #expect(HumanLabel.votes([.answer1, .answer2, .tie]).verdict() == .tie)
        #expect(HumanLabel.votes([.answer1, .answer1, .answer2, .answer2]).verdict() == .tie)
        #expect(HumanLabel.votes([.tie, .tie, .answer1]).verdict() == .tie)
        #expect(HumanLabel.votes([.answer2]).verdict() == .answer2)
    }

    @Test func directScoresUseTheTieBand() {
        #expect(HumanLabel.humanScore(4.9).verdict() == .answer1)
        #expect(HumanLabel.humanScore(5).verdict() == .tie)
        #expect(HumanLabel.humanScore(5.1).verdict() == .answer2)
        let wide = TieBand(lo: 4, hi: 6)
        #expect(HumanLabel.humanScore(4).verdict(tieBand: wide) == .tie)
        #expect(HumanLabel.humanScore(6).verdict(tieBand: wide) == .tie)
        #expect(HumanLabel.humanScore(3.99).verdict(tieBand: wide) == .answer1)
        #expect(HumanLabel.humanScore(6.01).verdict(tieBand: wide) == .answer2)
    }

    @Test func tieBandParsesAndRejects() {
        #expect(TieBand(parsing: "4.5,5.5") == TieBand(lo: 4.5, hi: 5.5))
        #expect(TieBand(parsing: " 5 , 5 ") == .standard)
        #expect(TieBand(parsing: "6,4") == nil)
        #expect(TieBand(parsing: "5") == nil)
        #expect(TieBand(parsing: "a,b") == nil)
    }
}
