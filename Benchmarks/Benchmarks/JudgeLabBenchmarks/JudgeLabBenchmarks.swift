// Micro-benchmarks of JudgeLab's hot paths: parsing, bootstrap intervals, the full analysis,
// and rendering a report, on synthetic data made here.
import Benchmark
import Foundation
import JudgeLab

/// 5,000 items with human verdicts, and 10 variants' choices in both orders.
private let pairs: [Pair] = (0..<5000).map { i in
    Pair(id: "p\(i)", question: "Question \(i)?", answer1: String(repeating: "a", count: 50 + i % 200),
         answer2: String(repeating: "b", count: 40 + i % 250), label: .winner([.answer1, .tie, .answer2][i % 3]), category: "c\(i % 12)")
}
private let judgments: [Judgment] = (0..<10).flatMap { v in
    pairs.enumerated().flatMap { i, pair in
        PresentedOrder.allCases.map { order in
            Judgment(item: pair.id, variant: "variant-\(v)", order: order, output: "Output (a)",
                     reading: .choice([.first, .second, .tie][(i * 7 + v + (order == .original ? 0 : 1)) % 3]), costUSD: 0.0001, latencyMS: 200)
        }
    }
}
private let judgmentsText = JudgmentsFile.text(judgments)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(5)
    Benchmark.defaultConfiguration.maxIterations = 20

    Benchmark("JSON: parse 100,000 judgment lines") { benchmark in
        for line in judgmentsText.split(separator: "\n") {
            blackHole(try JSONValue.parse(Data(line.utf8)))
        }
    }

    Benchmark("Bootstrap: 5,000 items × 2,000 resamples") { benchmark in
        let values = (0..<5000).map { Double($0 % 3 == 0 ? 1 : 0) }
        blackHole(Bootstrap.interval(values, resamples: 2000, seed: 1))
    }

    Benchmark("Analysis: 10 variants × 5,000 items, both orders, 2,000 resamples") { benchmark in
        blackHole(Analysis(dataset: Dataset(source: "bench", pairs: pairs), judgments: judgments))
    }

    Benchmark("Report: HTML for 10 variants × 5,000 items") { benchmark in
        let report = try RunReport(dataset: Dataset(source: "bench", pairs: pairs), judgments: judgments, record: .object([]), runID: "bench")
        blackHole(HTMLReport.render(report))
    }

    Benchmark("Parsers: json-score and choice on 10,000 outputs") { benchmark in
        for i in 0..<5000 {
            blackHole(OutputParser.jsonScore.parse("```json\n{\"reason\": \"Assistant \(i % 2 + 1) is better.\", \"score\": \(i % 9 + 1)}\n```"))
            blackHole(OutputParser.choice.parse("Output (a) is short. Therefore, Output (\(i % 2 == 0 ? "a" : "b")) is better."))
        }
    }
}
