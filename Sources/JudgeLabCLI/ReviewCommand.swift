// `judgelab review`: a queue of the items most worth a human look, as CSV and as one offline
// page to label in.
import ArgumentParser
import Foundation
import JudgeLab

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Queue the items most worth a human look, as review.csv and an offline page (review.html) that exports labels as JSONL.",
        discussion: """
        On a labelled run, the judge's disagreements with the human labels come first; on a label \
        run (`judgelab label`), order-inconsistent verdicts, then the lowest confidence. A fifth of \
        the count is drawn at random from the rest, stratified by verdict, so that the check is not \
        only of hard cases. The page shows each item's answers in a seeded random order; keys 1, t \
        and 2 label it; work is kept in the browser's local storage; Export writes the labels as \
        JSONL (id, winner, note), which `judgelab data merge` reads back.
        """)

    @Argument(help: "A run folder (run, label or optimize): its dataset.jsonl and judgments.jsonl.") var folder: String
    @Option(help: "How many items to queue.") var count: Int = 50
    @Option(help: "The variant whose verdicts to review (needed when the run has several).") var variant: String?
    @Option(help: "Seed of the random share and of the answers' order.") var seed: UInt64 = 1
    @Option(help: "Queue the items one of the run's cascades abstained on (no stage was confident), all of them.") var cascade: String?
    @Option(help: "Where review.csv and review.html go (default: RUN/review).") var out: String?

    func run() throws {
        try reportingInputErrors {
            guard count > 0 else { throw ValidationError("--count must be at least 1") }
            if let cascade {
                try queueAbstentions(of: cascade)
                return
            }
            let (pairs, labels, chosen) = try JudgedFolder.labels(folder, variant: variant)
            let labelled = pairs.contains { $0.label != .none }
            let items = ReviewQueue.build(labels, labelled: labelled, count: count, seed: seed)
            let target = out ?? FilePath.join(folder, "review")
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            let review = RunLayout(directory: target)
            try AtomicFile.write(ReviewQueue.csv(items), to: review.reviewSheet)
            try AtomicFile.write(HTMLReport.renderReview(items, title: chosen, runID: FilePath.name(folder)), to: review.reviewPage)
            let reasons = Dictionary(grouping: items, by: \.reason).map { "\($0.value.count) \($0.key)" }.sorted()
            print("\(items.count) items to review in \(target)/review.html and review.csv: \(reasons.joined(separator: "; "))")
        }
    }
}

extension ReviewCommand {
    /// `--cascade`: every evaluated item the cascade abstained on, in the data set's order.
    func queueAbstentions(of name: String) throws {
        let report = try RunReport.load(runDirectory: folder, options: { var o = AnalysisOptions(); o.bootstrapResamples = 0; return o }())
        guard let cascade = report.cascades.first(where: { $0.spec.name == name }) else {
            throw InputError(file: RunLayout(directory: folder).studyRecord, field: "cascades",
                             "no cascade named '\(name.excerpt())' in the run (its: \(report.cascades.map(\.spec.name).joined(separator: ", ")))")
        }
        var generator = SeededGenerator(seed: seed)
        let items = cascade.abstained.compactMap { report.pairs[$0] }.map { pair in
            ReviewItem(pair: pair, reason: "the cascade abstained: no stage was confident enough", flipped: generator.next() & 1 == 1,
                       label: PairLabel(pair: pair, original: nil, swapped: nil))
        }
        let target = out ?? FilePath.join(folder, "review")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let review = RunLayout(directory: target)
        try AtomicFile.write(ReviewQueue.csv(items), to: review.reviewSheet)
        try AtomicFile.write(HTMLReport.renderReview(items, title: name, runID: FilePath.name(folder)), to: review.reviewPage)
        print("\(items.count) items cascade \(name) abstained on, to review in \(target)/review.html and review.csv")
    }
}

/// A run folder's pairs and one variant's labels of them (`review`, `audit`).
enum JudgedFolder {
    static func labels(_ folder: String, variant: String?) throws -> (pairs: [Pair], labels: [PairLabel], variant: String) {
        let layout = RunLayout(directory: folder)
        var mapping = FieldMapping()
        mapping.labelsOptional = true
        for file in [layout.dataset, layout.judgments] where !FileManager.default.fileExists(atPath: file) {
            throw InputError(file: file, "missing: not a run folder (it needs dataset.jsonl and judgments.jsonl)")
        }
        let pairs = try DatasetLoader.load(path: layout.dataset, format: .native, mapping: mapping).pairs
        let judgments = try JudgmentsFile.load(path: layout.judgments, items: Set(pairs.map(\.id)))
        let variants = Array(Set(judgments.map(\.variant))).sorted()
        let chosen: String
        if let variant {
            guard variants.contains(variant) else {
                throw InputError(file: layout.judgments, field: "variant", "no judgments of '\(variant)' (the run's: \(variants.joined(separator: ", ")))")
            }
            chosen = variant
        } else {
            guard variants.count == 1 else {
                throw InputError(file: layout.judgments, field: "variant", "the run has \(variants.count) variants: name one with --variant (\(variants.joined(separator: ", ")))")
            }
            chosen = variants[0]
        }
        let own = judgments.filter { $0.variant == chosen }
        let judged = Set(own.map(\.item))
        return (pairs, PairLabel.labels(pairs.filter { judged.contains($0.id) }, judgments: own), chosen)
    }
}
