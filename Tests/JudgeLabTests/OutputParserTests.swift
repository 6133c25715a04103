// Reading judges' raw outputs: JSON scores, choices in their many forms, user regexes.
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct OutputParserTests {
    static let scoreCases: [(String, JudgeReading)] = [
        (#"{"reason": "Assistant 1's answer is better", "score": 2}"#, .score(2)),
        ("```json\n{\"reason\": \"x\", \"score\": 8}\n```", .score(8)),
        (#"JSON: {"reason": "Both fine.", "score": 5} Hope this helps!"#, .score(5)),
        (#"{'reason': 'Assistant 2's answer, sadly, is wrong', 'score': 3}"#, .score(3)),
        (#"{"reason": "r", "score": "7"}"#, .score(7)),
        (#"{"score": 4} ... on reflection {"score": 6}"#, .score(6)),
        (#"Score: 9"#, .score(9)),
        (#"{"reason": "r", "Score": 1}"#, .score(1)),
    ]

    @Test(arguments: 0..<scoreCases.count)
    func jsonScoresAreReadTolerantly(_ index: Int) {
        let (text, expected) = Self.scoreCases[index]
        #expect(OutputParser.jsonScore.parse(text).reading == expected, "\(text)")
    }

    @Test func jsonScoreKeepsTheReason() {
        #expect(OutputParser.jsonScore.parse(#"{"reason": "Assistant 1 is right.", "score": 2}"#).reason == "Assistant 1 is right.")
    }

    static let badScores: [(String, String)] = [
        (#"{"reason": "r", "score": 12}"#, "outside 1..9"),
        (#"{"reason": "r", "score": 6.5}"#, "not a whole number"),
        (#"{"reason": "r", "score": "high"}"#, "not a number"),
        (#"{"reason": "r", "score": null}"#, "null"),
        ("I think the first is better.", "no score found"),
        ("   ", "empty output"),
    ]

    @Test(arguments: 0..<badScores.count)
    func badScoresKeepTheirReason(_ index: Int) {
        let (text, reason) = Self.badScores[index]
        guard case let .unparsed(kind, why) = OutputParser.jsonScore.parse(text).reading else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(kind == .score)
        #expect(why.contains(reason), "\(why)")
    }

    static let choiceCases: [(String, Choice?)] = [
        ("Output (a)", .first),
        ("Output (b)", .second),
        ("Output (b) is better than Output (a) here.", .second),
        ("Output (a) gives more detail. Output (b) is shorter. Therefore, Output (a) is better.", .first),
        ("[[B]]", .second),
        ("My final verdict is [[C]]", .tie),
        ("Assistant 2's answer is better.", .second),
        ("Verdict: A", .first),
        ("I prefer Response 1.", .first),
        ("B", .second),
        ("1", .first),
        ("Tie", .tie),
        ("Both Output (a) and Output (b) are equally good for the given instruction.", .tie),
        ("After thinking: Output (a) is better.\n\nActually, on reflection, Output (b) is better.", .second),
        ("garbage", nil),
        ("", nil),
        ("Neither mentions the key facts.", nil),
    ]

    @Test(arguments: 0..<choiceCases.count)
    func choicesTakeTheLastExplicitVerdict(_ index: Int) {
        let (text, expected) = Self.choiceCases[index]
        let reading = OutputParser.choice.parse(text).reading
        if let expected { #expect(reading == .choice(expected), "\(text)") } else { #expect(!reading.isParsed, "\(text)") }
    }

    /// Screening (running only the patterns a text could match) must not change a single verdict.
    @Test func screeningAgreesWithRunningEveryPattern() throws {
        var texts: [String] = []
        for file in ["llmbar-natural-recorded.jsonl", "pandalm-200-recorded.jsonl"] {
            texts += try JudgmentsFile.load(path: Paths.samples + "/" + file, parser: .choice).compactMap(\.output)
        }
        #expect(texts.count > 500)
        texts += Self.choiceCases.map(\.0) + [
            "**Output (a)**", "> (b)\n", "Assistant\n(2)", "- tie -", "Model 1!", "\u{B}B\u{B}", "A\r\nthat is all",
            "Response   (  b  )", "output(a)", "[[ c ]]", "The choice = 'b'", "It is a tie.", "no clear winner", "\u{C}2\u{C}",
            "Answer (a) — é", "Assistant 12", "b.\n\nc", "(a) and (b)", "#> tie !", "ASSISTANT (TIE)",
        ]
        // Random texts from verdict-like pieces: lines that nearly are, and nearly are not, verdicts.
        let pieces = ["Output", "Assistant", "model", "(", ")", "a", "b", "1", "2", "tie", "[[", "]]", "C", " ", "\n", "\r", "\u{B}",
                      "\t", "*", "_", "`", "\"", "'", "#", ">", "-", ".", "!", "is better", "prefer", "verdict:", "x", "é", "3"]
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<3000 {
            texts.append((0..<generator.uniform(below: 9) + 1).map { _ in pieces[generator.uniform(below: pieces.count)] }.joined())
        }
        var verdicts = 0
        for text in texts {
            let screened = ChoiceOutput.lastVerdict(in: text)
            #expect(screened == ChoiceOutput.lastVerdict(in: text, screened: false), "\(text.debugDescription)")
            if screened != nil { verdicts += 1 }
        }
        #expect(verdicts > 1000)  // the random texts reach verdicts, not only misses
    }

    @Test func regexParsersUseTheirFirstGroup() throws {
        let score = try OutputParser(name: "regex-score:rating=(\\d+)")
        #expect(score.parse("rating=3 then rating=7").reading == .score(7))
        #expect(!score.parse("rating=11").reading.isParsed)
        let choice = try OutputParser(name: "regex-choice:winner is (\\w+)")
        #expect(choice.parse("the winner is B").reading == .choice(.second))
        #expect(!choice.parse("the winner is nobody").reading.isParsed)
        #expect(throws: InputError.self) { try OutputParser(name: "regex-score:(unclosed") }
        #expect(throws: InputError.self) { try OutputParser(name: "regex-score:no group") }
        #expect(throws: InputError.self) { try OutputParser(name: "yaml") }
    }

    @Test
    func everyRecordedLLMBarOutputParsesToItsRecordedWinner() throws {
        // GPT-4 and ChatGPT, Vanilla, Vanilla_NoRules and CoT, both orders, every subset.
        let imported = try LLMBarImport.load(path: Paths.testData + "/llmbar/Dataset")
        #expect(imported.checked == 6892)  // 3,446 items × 2 orders over the 8 subsets' judges and styles
        #expect(imported.mismatches.isEmpty, "\(imported.mismatches.prefix(5))")
        #expect(Set(imported.judgments.map { $0.variant.split(separator: "/").last! }) == ["Vanilla", "Vanilla_NoRules", "CoT"])
    }
}
