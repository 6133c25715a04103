// Verdicts read from the judge's token probabilities (`verdict: logprobs`).
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTesting
import JudgeLabTestSupport

@Suite struct LogprobVerdictTests {
    static func token(_ text: String, _ alternatives: [(String, Double)] = []) -> TokenLogprobs {
        TokenLogprobs(token: text, alternatives: alternatives.isEmpty ? [(text, log(0.99))] : alternatives.map { ($0.0, log($0.1)) })
    }

    @Test func aChoiceIsTheMostProbableVerdictTokenAtTheVerdict() throws {
        // Free: the first word. "t" is the first piece of a split "tie".
        let free = [Self.token("B", [("B", 0.5), ("A", 0.3), ("t", 0.1), ("The", 0.1)]), Self.token(".")]
        let d = try #require(LogprobVerdict.read(free, kind: .choice, allowsTie: true))
        #expect(d.probabilities.map(\.verdict) == ["A", "B", "tie"])
        #expect(abs(d.probabilities[1].probability - 0.5 / 0.9) < 1e-9)
        #expect(abs(d.confidence - 0.5 / 0.9) < 1e-9)
        #expect(d.reading == .choice(.second) && d.expectedScore == nil)
        // Constrained: the token after "verdict": ".
        let structured = ["{", "\n", "\"", "verdict", "\":", " \"", "A", "\",", " \"", "reason"].map { Self.token($0) }
        var withVerdict = structured
        withVerdict[6] = Self.token("A", [("A", 0.6), ("B", 0.4)])
        #expect(LogprobVerdict.read(withVerdict, kind: .choice, allowsTie: true)?.reading == .choice(.first))
        // A template without ties never reads one.
        let tie = [Self.token("tie", [("tie", 0.7), ("A", 0.2), ("B", 0.1)])]
        #expect(LogprobVerdict.read(tie, kind: .choice, allowsTie: false)?.reading == .choice(.first))
        // The verdict stated after other words is not a verdict token at the verdict: nothing read.
        #expect(LogprobVerdict.read([Self.token("Answer"), Self.token(" A")], kind: .choice, allowsTie: true) == nil)
    }

    @Test func aScoreIsTheDigitAfterTheScoreKeyWithItsExpectation() throws {
        let tokens = ["{\"", "reason", "\":", " \"", "Answer", " 2", " is", " better", "\",", " \"", "score", "\":", " "].map { Self.token($0) }
            + [Self.token("7", [("7", 0.5), ("6", 0.3), ("8", 0.2)]), Self.token("}")]
        let d = try #require(LogprobVerdict.read(tokens, kind: .score, allowsTie: true))
        #expect(d.reading == .score(7))
        #expect(abs((d.expectedScore ?? 0) - (7 * 0.5 + 6 * 0.3 + 8 * 0.2)) < 1e-9)
        // The digit in the reason (" 2") is not the score.
        #expect(d.probabilities.map(\.verdict) == ["6", "7", "8"])
    }

    @Test func openAIIsAskedForLogprobsAndTheyComeBackWithTheReply() throws {
        var request = Fixtures.request
        request.topLogprobs = 20
        let body = try JSONValue.parse(Data(OpenAIProvider().httpRequest(for: request, apiKey: nil, timeout: 9).body))
        #expect(body["logprobs"] == .bool(true) && body["top_logprobs"] == 20)
        #expect(request.hash != Fixtures.request.hash)
        let reply = #"{"choices":[{"message":{"content":"A"},"logprobs":{"content":[{"token":"A","logprob":-0.1,"top_logprobs":[{"token":"A","logprob":-0.1},{"token":"B","logprob":-2.5}]}]}}],"usage":{"prompt_tokens":9,"completion_tokens":1}}"#
        guard case let .answer(text, _, logprobs) = OpenAIProvider().interpret(.response(status: 200, headers: [:], body: Array(reply.utf8))) else {
            Issue.record("no answer"); return
        }
        #expect(text == "A")
        #expect(logprobs.flatMap(TokenLogprobs.decode) == [TokenLogprobs(token: "A", alternatives: [("A", -0.1), ("B", -2.5)])])
    }

    @Test func logprobVariantsRecordAConfidenceForEveryParsedJudgmentAndKeepItThroughTheCache() async throws {
        let server = try FakeJudgeServer()
        let folder = try TemporaryFolder()
        let study = try JudgesTests.study("""
        judge: {base_url: "\(server.baseURL)", model: m}
        variants:
          grid: {template: [choice-ab, rating-1to9], output: [free, json_schema], verdict: [logprobs], order: [both]}
        """, items: 10, in: folder)
        let out = folder.path + "/Results/run"
        let result = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
        #expect(judgments.count == 4 * 10 * 2)
        for judgment in judgments {
            guard judgment.reading.isParsed else { Issue.record("\(judgment.variant) \(judgment.item): did not parse: \(judgment.reading)"); continue }
            let d = try #require(judgment.distribution, "\(judgment.variant) \(judgment.item): no confidence")
            #expect(d.confidence > 0.549 && d.confidence < 0.95)  // the test server gives its verdict 0.55 to 0.94
            #expect(judgment.reading == d.reading)  // the most probable token's verdict
            if judgment.reading.kind == .score { #expect(d.expectedScore != nil) }
        }
        // Answered from the cache in a new run folder: the same verdicts and confidences.
        let again = try JudgeLabBinary.run(["run", study, "--out", folder.path + "/Results/again", "--quiet"])
        #expect(again.status == 0 && again.stdout.contains("80 from the cache"))
        let cached = try JudgmentsFile.load(path: folder.path + "/Results/again/judgments.jsonl")
        #expect(zip(judgments, cached).allSatisfy { $0.reading == $1.reading && $0.distribution == $1.distribution })
        let line = try String(contentsOfFile: out + "/judgments.jsonl", encoding: .utf8).split(separator: "\n")[0]
        #expect(line.contains("\"confidence\":") && line.contains("\"probabilities\":{"))
    }

    @Test func aJudgeWithoutLogprobsIsOneErrorBeforeAnythingIsSent() throws {
        let error = try JudgesTests.studyError("judge: {provider: anthropic, base_url: \"http://127.0.0.1:9\", model: m}\nvariants:\n  list:\n    - {template: choice-ab, verdict: logprobs}\n")
        #expect(error.contains("field 'variants.list[0].verdict': judge 'anthropic' (anthropic) returns no token log probabilities"), "\(error)")
    }
}
