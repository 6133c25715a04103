// The response cache's key: every field that can change a judge's answer changes the key, so
// that no answer is credited to a request it was not given for.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct CacheKeyTests {
    /// Each field of the canonical request, changed alone, with what it protects.
    static let changes: [(field: String, change: @Sendable (inout JudgeRequest) -> Void)] = [
        ("provider", { $0.provider = "anthropic" }),
        ("base URL", { $0.baseURL = "http://other/v1/" }),
        ("model", { $0.model = "m-large" }),  // models: [small, large] must not share answers
        ("temperature", { $0.temperature = 0.7 }),
        ("max tokens", { $0.maxTokens = 51 }),
        ("seed", { $0.seed = 8 }),
        ("no seed", { $0.seed = nil }),
        ("JSON response format", { $0.jsonResponseFormat = false }),
        ("a message's content", { $0.messages[1].content = "U2" }),
        ("a message's role", { $0.messages[0].role = "user" }),
        ("one message fewer", { $0.messages.removeFirst() }),
        ("response schema", { $0.responseSchema = ["type": "object"] }),
        ("log probabilities", { $0.topLogprobs = 20 }),
        ("another log probability count", { $0.topLogprobs = 5 }),
    ]

    @Test func everyFieldIsPartOfTheKey() {
        var base = Fixtures.request
        base.topLogprobs = 10
        base.responseSchema = ["type": "object", "required": ["verdict"]]
        var seen = [base.hash: "the fixture"]
        for (field, change) in Self.changes {
            var changed = base
            change(&changed)
            let hash = changed.hash
            #expect(seen[hash] == nil, "changing the \(field) gives the key of \(seen[hash] ?? "")")
            seen[hash] = field
        }
        #expect(seen.count == Self.changes.count + 1)
    }

    /// A replayed recording answers one judgment: its subject is part of the key, and only then.
    @Test func theSubjectIsPartOfTheKeyOnlyForRecordings() {
        var a = Fixtures.request, b = Fixtures.request
        a.subject = JudgmentKey(variant: "v", item: "i1", order: .original)
        b.subject = JudgmentKey(variant: "v", item: "i2", order: .original)
        #expect(a.hash == b.hash)
        a.subjectIsIdentity = true
        b.subjectIsIdentity = true
        #expect(a.hash != b.hash)
        var swapped = a
        swapped.subject = JudgmentKey(variant: "v", item: "i1", order: .swapped)
        #expect(swapped.hash != a.hash)
    }

    /// The key never holds an API key, and equal requests give equal keys.
    @Test func equalRequestsShareTheirKey() {
        var copy = Fixtures.request
        copy.messages = Fixtures.request.messages.map { ChatMessage(role: $0.role, content: String($0.content)) }
        #expect(copy.hash == Fixtures.request.hash)
        #expect(Fixtures.request.hash.count == 64)
    }
}
