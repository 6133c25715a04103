// Constrained replies (`output: json_schema`): how each API is asked, how each reply is read, and a
// run over each API against the test server.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTesting
import JudgeLabTestSupport

@Suite struct StructuredOutputTests {
    static let schema: JSONValue = ["type": "object", "properties": ["verdict": ["type": "string", "enum": ["A", "B", "tie"]], "reason": ["type": "string"]],
                                    "required": ["verdict", "reason"], "additionalProperties": false]

    static var request: JudgeRequest {
        var request = Fixtures.request
        request.jsonResponseFormat = false
        request.responseSchema = schema
        return request
    }

    @Test func eachAPIIsAskedForTheSchemaInItsOwnForm() throws {
        let openAI = try JSONValue.parse(Data(OpenAIProvider().httpRequest(for: Self.request, apiKey: nil, timeout: 9).body))
        #expect(openAI["response_format"] == ["type": "json_schema", "json_schema": ["name": "verdict", "strict": true, "schema": Self.schema]] as JSONValue)

        let anthropic = try JSONValue.parse(Data(AnthropicProvider().httpRequest(for: Self.request, apiKey: nil, timeout: 9).body))
        #expect(anthropic["tools"] == [["name": "record_verdict", "description": "Record your verdict on the two answers.", "input_schema": Self.schema]] as JSONValue)
        #expect(anthropic["tool_choice"] == ["type": "tool", "name": "record_verdict"] as JSONValue)

        let gemini = try JSONValue.parse(Data(GeminiProvider().httpRequest(for: Self.request, apiKey: nil, timeout: 9).body))
        #expect(gemini["generationConfig"]?["responseMimeType"] == "application/json")
        #expect(gemini["generationConfig"]?["responseSchema"] == ["type": "object", "properties": Self.schema["properties"]!,
                                                                 "required": ["verdict", "reason"]] as JSONValue)
        // The schema is part of the request's cache identity; a free request's identity is as before.
        #expect(Self.request.hash != Fixtures.request.hash)
        #expect(!Fixtures.request.canonicalText.contains("response_schema"))
    }

    @Test func anthropicsToolUseInputIsTheReply() {
        let reply = #"{"content":[{"type":"tool_use","id":"t","name":"record_verdict","input":{"verdict":"B","reason":"more complete"}}],"usage":{"input_tokens":5,"output_tokens":9}}"#
        #expect(AnthropicProvider().interpret(.response(status: 200, headers: [:], body: Array(reply.utf8)))
                == .answer(text: #"{"verdict":"B","reason":"more complete"}"#, usage: Usage(inputTokens: 5, outputTokens: 9)))
    }

    @Test func structuredChoicesAreReadFromTheirFieldsAndACutOffReplyKeepsItsVerdict() {
        let parser = OutputParser.choice.structuredReplies()
        #expect(parser.parse(#"{"verdict": "A", "reason": "B is wrong"}"#) == .init(reading: .choice(.first), reason: "B is wrong"))
        #expect(parser.parse(#"{"verdict":"tie","reason":"same"}"#).reading == .choice(.tie))
        // Cut off at the token limit inside the reason: the grammar wrote the verdict first.
        #expect(parser.parse(#"{ "verdict" : "B", "reason": "Answer A misses the point and"#).reading == .choice(.second))
        // Free text still reads, through the free parser.
        #expect(parser.parse("B").reading == .choice(.second))
        if case .unparsed = parser.parse(#"{"verdict": "C", "reason": "x"}"#).reading {} else { Issue.record("a verdict outside the enum parsed") }
    }

    @Test func constrainedVariantsRunOverEveryAPIAndParseEveryReply() async throws {
        let server = try FakeJudgeServer()
        for (provider, base) in [("openai", server.baseURL), ("anthropic", "http://127.0.0.1:\(server.port)"), ("gemini", "http://127.0.0.1:\(server.port)/v1beta")] {
            let folder = try TemporaryFolder()
            let study = try JudgesTests.study("""
            judge: {provider: \(provider), base_url: "\(base)", model: m}
            variants:
              grid: {template: [rating-1to9, choice-ab, choice-ab-notie], output: [free, json_schema], order: [both]}
            """, items: 8, in: folder)
            let out = folder.path + "/Results/run"
            let result = try JudgeLabBinary.run(["run", study, "--out", out, "--quiet"])
            #expect(result.status == 0, "\(provider): \(result.stdout)\(result.stderr)")
            let judgments = try JudgmentsFile.load(path: out + "/judgments.jsonl")
            #expect(judgments.count == 6 * 8 * 2)
            let constrained = judgments.filter { $0.variant.hasSuffix(".json_schema") }
            #expect(constrained.count == 3 * 8 * 2)
            #expect(constrained.allSatisfy { $0.reading.isParsed && $0.reason != nil }, "\(provider)")
            // The variant record says how it was asked; the constrained choice variant's limit is the schema's.
            let record = try StudyRecord.load(path: out + "/study.json")
            let choice = try #require(record.variants.first { $0.name == "choice-ab.k0.rubric-none.both.m.t0.json_schema" })
            #expect(choice.output == "json_schema" && choice.maxTokens == 120)
        }
    }

    @Test func askingForASchemaATemplateOrJudgeCannotGiveIsOneError() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/templates", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Paths.root + "/PromptTemplates/choice-ab", toPath: folder.path + "/templates/plain")
        try FileManager.default.removeItem(atPath: folder.path + "/templates/plain/schema.json")
        try FileManager.default.copyItem(atPath: Paths.root + "/PromptTemplates/rubrics", toPath: folder.path + "/templates/rubrics")
        try FileManager.default.copyItem(atPath: Paths.samples + "/pandalm-200.jsonl", toPath: folder.path + "/data.jsonl")
        let study = try folder.write("study.yaml", """
        name: s
        dataset: data.jsonl
        templates: templates
        judge: {base_url: "http://127.0.0.1:9/v1", model: m}
        variants:
          list:
            - {template: plain, output: json_schema}
        """)
        let result = try JudgeLabBinary.run(["estimate", study])
        #expect(result.status == 2)
        #expect(result.stderr.contains("study.yaml:7: field 'variants.list[0].output': template 'plain' declares no reply schema (schema.json)"), "\(result.stderr)")
        let local = try JudgesTests.studyError("judge: {provider: baseline, baseline: tie}\nvariants:\n  list:\n    - {template: choice-ab, output: json_schema}\n")
        #expect(local.contains("json_schema output needs a model endpoint"), "\(local)")
    }
}
