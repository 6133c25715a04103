// `judgelab audit`: a reviewed random share turned into the accuracy of a label run's labels.
import ArgumentParser
import Foundation
import JudgeLab

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Estimate the accuracy of a label run's exported labels from a human review, with a 95% interval, and the preference share corrected for it.",
        discussion: """
        The review's targeted items count as a census, its random checks (reason "a random check", \
        as `judgelab review` exports them) as a sample of the rest stratified by the AI's verdict. \
        The estimator and its interval are stated in Sources/JudgeLab/Labels/Audit.swift. Writes \
        audit.json into the run folder.
        """)

    @Argument(help: "A label run's folder (judgelab label).") var folder: String
    @Option(help: "The labels the review page exported (JSONL: id, winner, note, reason).") var labels: String
    @Option(help: "The variant (needed when the run has several).") var variant: String?
    @Flag(help: "Treat every reviewed label as a random check (a review drawn at random by other means).") var allRandom = false

    func run() throws {
        try reportingInputErrors {
            let (pairs, judged, _) = try JudgedFolder.labels(folder, variant: variant)
            let exported = judged.filter(\.isExportable)
            let reviewed = try ReviewLabels.load(path: labels, items: Set(pairs.map(\.id)))
            guard allRandom || reviewed.contains(where: { $0.reason == "a random check" }) else {
                throw InputError(file: labels, field: "reason", "no random checks among the reviewed labels: the audit needs the review's random share (or --all-random)")
            }
            let estimate = AuditEstimate(exported: exported.map { ($0.pair.id, $0.verdict!) },
                                         reviewed: reviewed.map { ($0.id, $0.verdict, allRandom || $0.reason == "a random check") })
            try AtomicFile.write(String(decoding: try estimate.prettyJSON(), as: UTF8.self) + "\n", to: RunLayout(directory: folder).audit)
            let pct: (Double?) -> String = Percent.text
            print("\(estimate.exported) exported labels; reviewed \(estimate.targetedReviewed) targeted (\(estimate.targetedRight) right) and \(estimate.randomReviewed) random checks (\(estimate.randomRight) right)")
            print("accuracy of the exported labels: \(pct(estimate.accuracy))\(estimate.interval.map { " [\(pct($0[0])), \(pct($0[1]))]" } ?? "")")
            print("labels preferring answer 1: \(pct(estimate.shareAnswer1)) as exported, \(pct(estimate.correctedShareAnswer1)) corrected for that accuracy")
        }
    }
}
