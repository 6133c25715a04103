// The LLMBar authors' recorded judges, imported and analysed, reproduce their statistics.json.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct LLMBarReproductionTests {
    static let subsets = ["LLMBar/Natural", "Processed/MT-Bench", "Processed/LLMEval^2", "Processed/FairEval",
                          "LLMBar/Adversarial/Neighbor", "LLMBar/Adversarial/GPTInst", "LLMBar/Adversarial/GPTOut", "LLMBar/Adversarial/Manual"]

    static func count(_ statistics: JSONValue, _ key: String) -> Int {
        Int(statistics[key]!.stringValue!.split(separator: " ").first!)!
    }

    @Test(arguments: subsets)
    func reproducesTheAuthorsStatistics(subset: String) throws {
        let root = Paths.testData + "/llmbar/Dataset/" + subset
        let imported = try LLMBarImport.load(path: root)
        // Every raw output parses to the verdict LLMBar recorded beside it.
        #expect(imported.mismatches.isEmpty, "\(imported.mismatches.prefix(5))")
        #expect(imported.checked == imported.judgments.count)
        let analysis = Analysis(dataset: imported.dataset, judgments: imported.judgments, options: {
            var o = AnalysisOptions(); o.bootstrapResamples = 0; return o
        }())
        #expect(!analysis.variants.isEmpty)
        for metrics in analysis.variants {
            let statistics = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: "\(root)/evaluators/\(metrics.variant)/statistics.json")))
            let n = Double(metrics.nItems)
            #expect(metrics.orderPolicy == "both")
            // correct_False and correct_True are exactly agreement_original and agreement_swapped.
            #expect((metrics.agreementOriginal! * n).rounded() == Double(Self.count(statistics, "correct_False")), "\(subset) \(metrics.variant)")
            #expect((metrics.agreementSwapped! * n).rounded() == Double(Self.count(statistics, "correct_True")), "\(subset) \(metrics.variant)")
            // `equal` counts items whose two recorded winners are equal over ALL items, so two
            // unparsed outputs (None == None) count as equal there; position_consistency counts only
            // items with both outputs parsed. LLMBar's own count, recomputed from our parse, is exact.
            let outcomes = analysis.outcomes[metrics.variant]!
            func llmbarWinner(_ j: Judgment) -> Verdict? { j.verdict(tieBand: .standard).flatMap { $0 == .tie ? nil : $0 } }
            let equal = outcomes.count { llmbarWinner($0.original!) == llmbarWinner($0.swapped!) }
            #expect(equal == Self.count(statistics, "equal"), "\(subset) \(metrics.variant)")
            // The issue's tolerance: within one item.
            #expect(abs(metrics.positionConsistency! * n - Double(Self.count(statistics, "equal"))) <= 1, "\(subset) \(metrics.variant)")
        }
    }

    @Test func leavesOutSwapAndRatingWithANote() throws {
        let imported = try LLMBarImport.load(path: Paths.testData + "/llmbar/Dataset/LLMBar/Natural")
        #expect(Set(imported.judgments.map(\.variant)) == ["GPT-4/Vanilla", "GPT-4/Vanilla_NoRules", "GPT-4/CoT",
                                                          "ChatGPT/Vanilla", "ChatGPT/Vanilla_NoRules", "ChatGPT/CoT"])
        #expect(imported.notes.contains { $0.hasPrefix("left out GPT-4/Swap") })
        #expect(imported.notes.contains { $0.hasPrefix("left out ChatGPT/Rating") })
    }

    @Test func importCommandWritesBothFiles() throws {
        let folder = try TemporaryFolder()
        let out = folder.path + "/natural"
        let result = try JudgeLabBinary.run(["import", "llmbar", Paths.testData + "/llmbar/Dataset/LLMBar/Natural", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("agree with the recorded winners on 1200 of 1200"))
        #expect(try DatasetLoader.load(path: out + "/dataset.jsonl").pairs.count == 100)
        #expect(try JudgmentsFile.load(path: out + "/judgments.jsonl").count == 1200)
    }

    @Test func pandaLMVerdictsIncludingGarbage() throws {
        let imported = try PandaLMImport.load(path: Paths.testData + "/pandalm")
        let gpt = imported.judgments.filter { $0.variant == "GPT-3.5/PandaLM" }
        #expect(gpt.count == 999)
        let raw = try JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: Paths.testData + "/pandalm/gpt-3.5-turbo-testset-v1.json")))
        guard case let .array(records) = raw else { Issue.record("not an array"); return }
        for (record, judgment) in zip(records, gpt) {
            let expected: JudgeReading? = switch record["gpt_result"]!.stringValue! {
            case "1": .choice(.first)
            case "2": .choice(.second)
            case "Tie": .choice(.tie)
            default: nil
            }
            if let expected { #expect(judgment.reading == expected) } else { #expect(!judgment.reading.isParsed) }
        }
        #expect(gpt.contains { $0.output == "garbage" && !$0.reading.isParsed })
        let pandalm = imported.judgments.filter { $0.variant == "PandaLM-7B/PandaLM" }
        #expect(pandalm.count == 999)
        #expect(pandalm.allSatisfy { $0.reading.isParsed })
    }
}
