// What `judgelab optimize` leaves in its folder: the journal (run.sqlite), the test split's
// judgments and report with the search's section, the dev judgments, optimize.json, and the
// winner as a study of its own.
import Foundation

public enum OptimizeOutput {
    /// Writes every file but the report pages, and returns the report to publish: the test
    /// split's analysis (the finalists and the baseline) with the search's section.
    public static func write(_ result: OptimizeResult, plan: OptimizePlan, settings: RunSettings, layout: RunLayout, runID: String,
                             paidUSD: Double, templatesPath: String) throws -> RunReport {
        let test = plan.split.test
        var confirming = result.finalists
        if !confirming.contains(result.baseline) { confirming.append(result.baseline) }
        let byName = Dictionary(result.candidates.map { ($0.name, $0.variant) }, uniquingKeysWith: { a, _ in a })
        let variants = confirming.map { byName[$0] ?? plan.baseline }
        let confirmationPlan = plan.studyPlan(variants: variants, items: test)
        let record = try StudyRecord(plan: confirmationPlan, settings: settings, runID: runID,
                                     notes: ["The test split of `judgelab optimize`: the search's finalists and its baseline, on \(test.count) items the search never used to decide. Racing, rounds and evidence: the search section and optimize.json."])
        try AtomicFile.write(String(decoding: try record.encoded(), as: UTF8.self) + "\n", to: layout.studyRecord)
        var items = test
        var seen = Set(test.map(\.id))
        for pair in plan.split.pool where seen.insert(pair.id).inserted { items.append(pair) }
        try AtomicFile.write(NativeFormat.text(items), to: layout.dataset)
        let testJudgments = RunLayout.orderedJudgments(result.testJudgments.map {
            JournalEntry(key: JudgmentKey(variant: $0.variant, item: $0.item, order: $0.order), requestHash: "", judgment: $0, paidUSD: 0, attempts: 0, fromCache: false, finalError: nil)
        }, plan: confirmationPlan)
        try AtomicFile.write(JudgmentsFile.text(testJudgments), to: layout.judgments)
        try AtomicFile.write(JudgmentsFile.text(result.devJudgments), to: layout.devJudgments)

        let report = try RunReport(dataset: Dataset(source: plan.dataset.source, pairs: test), judgments: testJudgments, record: record, runID: runID)
        let summary = OptimizeSummary(result: result, plan: plan, paidUSD: paidUSD, testAnalysis: report.analysis)
        try AtomicFile.write(String(decoding: try summary.encoded(), as: UTF8.self) + "\n", to: layout.searchSummary)

        // Each rubric the search wrote, as a template named by its content: what a proposal's
        // candidates asked, readable and diffable beside optimize.json.
        let written = result.candidates.compactMap { c -> (String, String)? in
            guard c.origin != nil, let text = c.variant.rubricText, let name = c.variant.rubric else { return nil }
            return (name, text)
        }
        if !written.isEmpty {
            try FileManager.default.createDirectory(atPath: layout.proposedRubrics, withIntermediateDirectories: true)
            for (name, text) in written { try AtomicFile.write(text + "\n", to: FilePath.join(layout.proposedRubrics, name + ".mustache")) }
        }
        let winner = byName[result.winner]!
        try AtomicFile.write(NativeFormat.text(WinnerStudy.items(winner: winner, plan: plan)), to: layout.winnerDataset)
        try AtomicFile.write(WinnerStudy.yaml(winner: winner, plan: plan, dataset: FilePath.name(layout.winnerDataset),
                                              templates: WinnerStudy.relative(templatesPath, from: layout.directory), result: result,
                                              caution: summary.confirmed && !summary.winnerBeatBaseline ? summary.advice : nil),
                             to: layout.winnerStudy)
        var withSearch = report
        withSearch.optimize = summary
        return withSearch
    }
}
