// Templates, few-shot examples, variants and study files: what the judge will be shown.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct TemplateTests {
    static let templates = Paths.root + "/PromptTemplates"

    static func pairs(_ n: Int) -> [Pair] {
        (0..<n).map { i in
            let verdict: Verdict = [.answer1, .tie, .answer2][i % 3]
            return Pair(id: "p\(i)", question: "Question \(i)?", answer1: "first-\(i)", answer2: "second-\(i)",
                        label: .winner(verdict), category: "c\(i % 2)", explanation: i % 5 == 0 ? "Because \(i)." : nil)
        }
    }

    static func variant(_ template: String, shots: Int = 3, rubric: String? = nil, examples: [Pair]) throws -> Variant {
        let library = try TemplateLibrary(directory: templates)
        return Variant(name: "v", template: library.templates[template]!, shots: shots, selection: .balanced, rubric: rubric,
                       order: .both, model: "m", temperature: 0.3, maxTokens: 100, examples: examples)
    }

    @Test func answerPositionsReallySwap() throws {
        let library = try TemplateLibrary(directory: Self.templates)
        let builder = try PromptBuilder(variant: try Self.variant("rating-1to9", shots: 0, examples: []), library: library)
        let pair = Self.pairs(1)[0]
        let original = try builder.messages(for: pair, order: .original).last!.content
        let swapped = try builder.messages(for: pair, order: .swapped).last!.content
        #expect(original.range(of: "first-0")!.lowerBound < original.range(of: "second-0")!.lowerBound)
        #expect(swapped.range(of: "second-0")!.lowerBound < swapped.range(of: "first-0")!.lowerBound)
        #expect(original.contains("### The Start of Assistant 1's Answer\nfirst-0\n"))
        #expect(swapped.contains("### The Start of Assistant 1's Answer\nsecond-0\n"))
    }

    @Test func examplesAndTheirGoldAnswersSwapWithTheItem() throws {
        let library = try TemplateLibrary(directory: Self.templates)
        let scored = Pair(id: "s", question: "Which?", answer1: "ALPHA", answer2: "BETA", label: .scores(2, 9, scaleMax: 10))  // sim 7.8 → 8
        for template in ["rating-1to9", "choice-ab"] {
            let builder = try PromptBuilder(variant: try Self.variant(template, examples: [scored]), library: library)
            let item = Self.pairs(1)[0]
            let original = try builder.messages(for: item, order: .original)[0].content
            let swapped = try builder.messages(for: item, order: .swapped)[0].content
            #expect(original.range(of: "ALPHA")!.lowerBound < original.range(of: "BETA")!.lowerBound)
            #expect(swapped.range(of: "BETA")!.lowerBound < swapped.range(of: "ALPHA")!.lowerBound)
            if template == "rating-1to9" {
                #expect(original.contains(#"JSON: {"reason": "The second answer is better.", "score": 8}"#))
                #expect(swapped.contains(#"JSON: {"reason": "The first answer is better.", "score": 2}"#))
            } else {
                #expect(original.hasSuffix("Answer: B"))
                #expect(swapped.hasSuffix("Answer: A"))
            }
        }
    }

    @Test func goldReasonsUseTheExplanationAndAreJSONEscaped() throws {
        let library = try TemplateLibrary(directory: Self.templates)
        let example = Pair(id: "e", question: "q", answer1: "a", answer2: "b", label: .winner(.answer1), explanation: #"It says "no" \ twice."#)
        let builder = try PromptBuilder(variant: try Self.variant("rating-1to9", examples: [example]), library: library)
        let system = try builder.messages(for: Self.pairs(1)[0], order: .original)[0].content
        #expect(system.contains(#"JSON: {"reason": "It says \"no\" \\ twice.", "score": 2}"#))
        // Nothing is HTML-escaped in a prompt.
        let html = Pair(id: "h", question: "<b>&amp;</b> 'x'", answer1: "a", answer2: "b", label: .winner(.tie))
        #expect(try builder.messages(for: html, order: .original)[1].content.contains("<b>&amp;</b> 'x'"))
    }

    @Test func poolsAreDisjointAndSeeded() throws {
        let pairs = Self.pairs(100)
        let split = try PoolSplit(pairs, fraction: 0.2, ids: nil, seed: 3)
        #expect(split.fewShot.count == 20)
        #expect(split.evaluation.count == 80)
        #expect(Set(split.fewShot.map(\.id)).isDisjoint(with: split.evaluation.map(\.id)))
        #expect(try PoolSplit(pairs, fraction: 0.2, ids: nil, seed: 3).fewShot.map(\.id) == split.fewShot.map(\.id))
        #expect(try PoolSplit(pairs, fraction: 0.2, ids: nil, seed: 4).fewShot.map(\.id) != split.fewShot.map(\.id))
        let listed = try PoolSplit(pairs, fraction: 0, ids: ["p3", "p7"], seed: 1)
        #expect(listed.fewShot.map(\.id) == ["p3", "p7"])
        #expect(!listed.evaluation.contains { $0.id == "p3" })
        #expect(throws: InputError.self) { try PoolSplit(pairs, fraction: 0, ids: ["nope"], seed: 1) }
        #expect(throws: InputError.self) { try PoolSplit(pairs, fraction: 0, ids: ["p3", "p3"], seed: 1) }
    }

    @Test func balancedSelectionCoversTheThreeVerdicts() throws {
        let pool = Self.pairs(30)
        for k in 3...9 {
            let chosen = try FewShotSelector.choose(k: k, from: pool, selection: .balanced, fixedIDs: [], allowsTie: true, seed: 5)
            let counts = Dictionary(grouping: chosen, by: { $0.humanVerdict() }).mapValues(\.count)
            #expect(chosen.count == k)
            #expect(Set(counts.keys) == Set(Verdict.allCases))
            #expect(counts.values.max()! - counts.values.min()! <= 1)
        }
        let noTie = try FewShotSelector.choose(k: 4, from: pool, selection: .balanced, fixedIDs: [], allowsTie: false, seed: 5)
        #expect(!noTie.contains { $0.humanVerdict() == .tie })
        #expect(throws: InputError.self) { try FewShotSelector.choose(k: 31, from: pool, selection: .random, fixedIDs: [], allowsTie: true, seed: 1) }
        let fixed = try FewShotSelector.choose(k: 2, from: pool, selection: .fixed, fixedIDs: ["p4", "p9"], allowsTie: true, seed: 1)
        #expect(fixed.map(\.id) == ["p4", "p9"])
    }

    @Test func staticPrefixComesFirstAndIsMeasured() throws {
        let library = try TemplateLibrary(directory: Self.templates)
        let builder = try PromptBuilder(variant: try Self.variant("rating-1to9", examples: Array(Self.pairs(6).suffix(3))), library: library)
        let item = Self.pairs(1)[0]
        let share = try builder.staticPrefix(for: item, order: .original)
        let messages = try builder.messages(for: item, order: .original)
        let total = messages.reduce(0) { $0 + $1.content.utf8.count }
        // The whole system message is static; the user message starts with its fixed heading.
        let expected = messages[0].content.utf8.count + "### User Question\n".utf8.count
        #expect(share.share == Double(expected) / Double(total))
        #expect(share.totalTokens == total / 4)
    }
}
