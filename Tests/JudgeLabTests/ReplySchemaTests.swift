// Constrained replies: the reason bounded where the endpoint enforces it, and placed first, last
// or nowhere as a variant asks.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct ReplySchemaTests {
    static func plan(_ variants: String, judge: String = #"{provider: openai, base_url: "http://127.0.0.1:9/v1", model: m}"#) throws -> StudyPlan {
        let folder = try TemporaryFolder()
        let file = try folder.write("study.yaml", """
        name: s
        dataset: \(Paths.samples)/scored-handmade.jsonl
        templates: \(Paths.root)/PromptTemplates
        judge: \(judge)
        variants:
        \(variants)
        """)
        return try StudyPlan(study: try Study.load(path: file))
    }

    static func properties(_ schema: JSONValue?) -> [String] {
        guard case let .object(members)? = schema?["properties"] else { return [] }
        return members.map(\.0)
    }

    static func required(_ schema: JSONValue?) -> [String] {
        guard case let .array(names)? = schema?["required"] else { return [] }
        return names.compactMap(\.stringValue)
    }

    @Test func theReasonIsPlacedAsTheVariantAsks() throws {
        let plan = try Self.plan("  grid: {template: [rating-1to9, choice-ab], output: [json_schema], reason: [first, last, none]}")
        let byName = Dictionary(uniqueKeysWithValues: plan.variants.map { ($0.name, $0) })
        let rating = "rating-1to9.k0.rubric-none.original.m.t0.3.json_schema"
        #expect(Self.properties(byName[rating + ".reason-first"]?.replySchema) == ["reason", "score"])
        #expect(Self.properties(byName[rating + ".reason-last"]?.replySchema) == ["score", "reason"])
        #expect(Self.required(byName[rating + ".reason-last"]?.replySchema) == ["score", "reason"])
        #expect(Self.properties(byName[rating + ".reason-none"]?.replySchema) == ["score"])
        #expect(Self.required(byName[rating + ".reason-none"]?.replySchema) == ["score"])
        let choice = "choice-ab.k0.rubric-none.original.m.t0.json_schema"
        #expect(Self.properties(byName[choice + ".reason-first"]?.replySchema) == ["reason", "verdict"])
        #expect(Self.properties(byName[choice + ".reason-last"]?.replySchema) == ["verdict", "reason"])
        // The other keywords stay as written: the verdict's enum, the bound on the reason.
        #expect(byName[choice + ".reason-first"]?.replySchema?["properties"]?["verdict"]?["enum"] == ["A", "B", "tie"])
        #expect(byName[rating + ".reason-last"]?.replySchema?["properties"]?["reason"]?["maxLength"] == 240)
        #expect(byName[rating + ".reason-none"]?.replySchema?["additionalProperties"] == false)
        // What the request carries is the variant's schema, and it tells the cache apart.
        let tasks = try Runner.tasks(variants: plan.variants, items: Array(plan.items.prefix(1)), library: plan.library,
                                     settings: try RunSettings.from(plan: plan, environment: [:]), file: plan.study.file)
        #expect(Set(tasks.map(\.hash)).count == tasks.count)
        for task in tasks {
            #expect(task.request.responseSchema == byName[task.key.variant]?.replySchema)
        }
    }

    @Test func theRatingPromptDescribesTheReplyItAsksFor() throws {
        let plan = try Self.plan("""
          list:
            - {template: rating-1to9}
            - {template: rating-1to9, output: json_schema}
            - {template: rating-1to9, output: json_schema, reason: last}
            - {template: rating-1to9, output: json_schema, reason: none}
        """)
        func system(_ variant: Variant) throws -> String {
            try PromptBuilder(variant: variant, library: plan.library).messages(for: plan.items[0], order: .original)[0].content
        }
        let reasonFirst = #"JSON: {"reason": "Assistant X's answer is preferable because...", "score": Y}"#
        #expect(try system(plan.variants[0]).contains(reasonFirst))  // free: the reference experiment's words
        #expect(try system(plan.variants[1]).contains(reasonFirst))
        #expect(try system(plan.variants[2]).contains(#"JSON: {"score": Y, "reason": "Assistant X's answer is preferable because..."}"#))
        #expect(try system(plan.variants[3]).contains(#"JSON: {"score": Y}"#))
    }

    @Test func aReasonWithoutAConstrainedReplyOrWithoutAReasonIsOneLocatedError() throws {
        let free = try #require(throws: InputError.self) { try Self.plan("  list:\n    - {template: choice-ab, reason: last}") }
        #expect(free.line == 7 && free.message.contains("needs output: json_schema"), "\(free)")
        let unknown = try #require(throws: InputError.self) { try Self.plan("  list:\n    - {template: choice-ab, output: json_schema, reason: middle}") }
        #expect(unknown.line == 7 && unknown.message.contains("expected one of: first, last, none"), "\(unknown)")
    }

    /// llama.cpp and vLLM enforce `maxLength`; OpenAI's strict mode and Gemini refuse it.
    @Test func theReasonsBoundIsSentWhereTheEndpointTakesIt() throws {
        let plan = try Self.plan("  list:\n    - {template: rating-1to9, output: json_schema}")
        let schema = try #require(plan.variants[0].replySchema)
        func sent(_ provider: any JudgeProvider, _ baseURL: String, _ path: [String]) throws -> JSONValue? {
            var request = JudgeRequest(provider: "p", baseURL: baseURL, model: "m", temperature: 0, maxTokens: 9, seed: nil,
                                       jsonResponseFormat: false, messages: [ChatMessage(role: "user", content: "U")])
            request.responseSchema = schema
            var value: JSONValue? = try JSONValue.parse(Data(provider.httpRequest(for: request, apiKey: nil, timeout: 9).body))
            for key in path { value = value?[key] }
            return value
        }
        let openAIPath = ["response_format", "json_schema", "schema", "properties", "reason"]
        #expect(try sent(OpenAIProvider(), "http://127.0.0.1:8080/v1", openAIPath)?["maxLength"] == 240)
        #expect(try sent(OpenAIProvider(), "https://api.openai.com/v1", openAIPath)?["maxLength"] == nil)
        #expect(try sent(OpenAIProvider(), "https://api.openai.com/v1", openAIPath)?["type"] == "string")
        #expect(try sent(GeminiProvider(), "https://generativelanguage.googleapis.com/v1beta",
                         ["generationConfig", "responseSchema", "properties", "reason"])?["maxLength"] == nil)
        #expect(try sent(AnthropicProvider(), "https://api.anthropic.com", ["tools"]) != nil)
        // Only keywords go: a property that happens to be called maxLength stays.
        let odd: JSONValue = ["type": "object", "properties": ["maxLength": ["type": "integer", "maxLength": 3]]]
        #expect(ReplySchema.removing(ReplySchema.lengthKeywords, from: odd) == ["type": "object", "properties": ["maxLength": ["type": "integer"]]])
    }
}
