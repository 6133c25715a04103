// `judgelab critics`: label runs of several judges on the same pairs, side by side.
import ArgumentParser
import Foundation
import JudgeLab

struct CriticsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "critics",
        abstract: "Compare label runs of several judges on the same pairs: with each other, and with a human review.",
        discussion: """
        For each pair of critics: on the pairs both exported a label for, how often their labels \
        agree; on the reviewed pairs both labelled, which was right where they differ (McNemar's \
        exact p). For each critic: its labels' accuracy against the review, with Wilson's 95% \
        interval. Prints a table; --json for the figures.
        """)

    @Argument(help: "Label run folders (judgelab label), each of one variant.") var runs: [String]
    @Option(help: "A reviewer's labels (the review page's export) to measure the critics against.") var labels: String?
    @Flag(help: "The figures as JSON.") var json = false

    func run() throws {
        try reportingInputErrors {
            guard runs.count >= 2 else { throw ValidationError("give at least two label runs") }
            let critics = try runs.map { folder -> (name: String, labels: [PairLabel], pairs: [Pair]) in
                let (pairs, labels, variant) = try JudgedFolder.labels(folder, variant: nil)
                return ("\(FilePath.name(folder)): \(variant)", labels, pairs)
            }
            var reviewed: [String: Verdict] = [:]
            if let labels {
                let items = Set(critics.flatMap { $0.pairs.map(\.id) })
                for label in try ReviewLabels.load(path: labels, items: items) { reviewed[label.id] = label.verdict }
            }
            let comparison = CriticComparison(critics.map { ($0.name, $0.labels) }, reviewed: reviewed)
            if json {
                print(comparison.json.prettyText)
                return
            }
            let pct: (Double?) -> String = Percent.text
            var rows = [["critic", "exported", "reviewed", "right", "accuracy [95% CI]"]]
            for c in comparison.critics {
                rows.append([c.name, "\(c.exported)", "\(c.reviewed)", "\(c.right)", pct(c.accuracy) + (c.interval.map { " [\(pct($0.lo)), \(pct($0.hi))]" } ?? "")])
            }
            print("\(comparison.commonPairs) pairs labelled by every critic")
            print(TextTable.render(rows, header: true))
            var pairs = [["a", "b", "both labelled", "same label", "only a right", "only b right", "p"]]
            for p in comparison.pairings {
                pairs.append([p.a, p.b, "\(p.shared)", "\(p.same) (\(pct(p.agreement)))", "\(p.aOnly)", "\(p.bOnly)", String(format: "%.3g", p.p)])
            }
            print("")
            print(TextTable.render(pairs, header: true))
        }
    }
}
