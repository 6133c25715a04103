// What a run leaves in its folder, and how the folder is named.
import Crypto
import Foundation

/// The files of `Results/<run-id>/`: the store, the study as run, the judgments, the metrics.
public struct RunLayout: Sendable {
    public var directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public var store: String { FilePath.join(directory, "run.sqlite") }
    /// Held by the run judging into the folder (`RunLock`).
    public var lock: String { FilePath.join(directory, "run.lock") }
    public var studyRecord: String { FilePath.join(directory, "study.json") }
    public var judgments: String { FilePath.join(directory, "judgments.jsonl") }
    public var metrics: String { FilePath.join(directory, "metrics.json") }
    /// The evaluated items and the few-shot examples, in native JSONL: the run folder needs no
    /// other file to be analysed or reported.
    public var dataset: String { FilePath.join(directory, "dataset.jsonl") }
    /// Batch files and downloaded results of batch judges, each kept until its batch is recorded.
    public var batches: String { FilePath.join(directory, "batches") }
    public var htmlReport: String { FilePath.join(directory, "report.html") }
    public var xmlReport: String { FilePath.join(directory, "report.xml") }
    // A label run's files (`judgelab label`).
    /// The journal of the variant judged on its own study's items (the datasheet's evidence).
    public var labelStudyStore: String { FilePath.join(directory, "study.sqlite") }
    public var preferences: String { FilePath.join(directory, "preferences.jsonl") }
    public var ties: String { FilePath.join(directory, "ties.jsonl") }
    /// A cascade's label run: the pairs no stage kept, for human review.
    public var abstained: String { FilePath.join(directory, "abstained.jsonl") }
    public var inconsistent: String { FilePath.join(directory, "inconsistent.jsonl") }
    public var datasheet: String { FilePath.join(directory, "datasheet.json") }
    public var datasheetPage: String { FilePath.join(directory, "datasheet.html") }

    // A search's files (`judgelab optimize`).
    public var searchSummary: String { FilePath.join(directory, "optimize.json") }
    /// Every candidate's dev judgments, as the race saw them.
    public var devJudgments: String { FilePath.join(directory, "dev-judgments.jsonl") }
    /// The winner as a study of its own, and the items it judges (the test split).
    public var winnerStudy: String { FilePath.join(directory, "winner.yaml") }
    public var winnerDataset: String { FilePath.join(directory, "winner-dataset.jsonl") }
    /// Each rubric a search wrote, as a template named by its content (`text-<digest>.mustache`).
    public var proposedRubrics: String { FilePath.join(directory, "proposals") }

    // A review of a run (`judgelab review`, in the folder it writes: `review/` by default) and
    // the audit of a label run (`judgelab audit`).
    public var reviewSheet: String { FilePath.join(directory, "review.csv") }
    public var reviewPage: String { FilePath.join(directory, "review.html") }
    public var audit: String { FilePath.join(directory, "audit.json") }

    /// `STUDY-NAME-<hash>`: the same study and settings give the same id, so running the same
    /// command again resumes the same run.
    public static func runID(plan: StudyPlan, settings: RunSettings) -> String {
        // One judge: the same signature as before judges were named, so that old runs resume.
        let http = settings.judges.filter { !$0.provider.isLocal || $0.provider == .replay }
        let judges: [(String, JSONValue)] = http.count == 1
            ? [("provider", .string(http[0].provider.rawValue)), ("base_url", .string(http[0].provider.isLocal ? "judgelab-local:" : http[0].endpointURL))]
            : [("judges", .array(http.map { .string([$0.name, $0.provider.rawValue, $0.endpointURL].joined(separator: "|")) }))]
        let signature = JSONValue.object(judges + [
            ("variants", .array(plan.variants.map { .string($0.name + "|" + $0.examples.map(\.id).joined(separator: ",") + "|" + $0.maxTokens.description) })),
            ("items", .array(plan.items.map { .string($0.id) })),
            ("templates", .array(plan.variants.map { .string($0.template.sources.sorted { $0.key < $1.key }.map(\.value).joined()) })),
        ]).compactText
        let digest = Hex.string(SHA256.hash(data: Data(signature.utf8)).prefix(5))
        let slug = plan.study.name.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        return "\(slug)-\(digest)"
    }

    /// `STUDY-optimize-<hash>`: the same search gives the same folder, so the same command resumes it.
    public static func searchRunID(plan: OptimizePlan, settings: RunSettings) -> String {
        let all = plan.studyPlan(variants: plan.candidates + [plan.baseline], items: plan.split.dev + plan.split.test + plan.split.pool)
        let id = runID(plan: all, settings: settings)
        guard let dash = id.lastIndex(of: "-") else { return id + "-optimize" }
        return id[..<dash] + "-optimize" + id[dash...]
    }

    /// `STUDY-label-<hash>`: a label run of the plan's variant over `pairs` (the same pairs and
    /// variant give the same folder, so the same command resumes it).
    public static func labelRunID(plan: StudyPlan, settings: RunSettings, pairs: [Pair]) -> String {
        let signature = runID(plan: plan, settings: settings) + "|" + pairs.map(\.id).joined(separator: ",")
        let digest = Hex.string(SHA256.hash(data: Data(signature.utf8)).prefix(5))
        let slug = plan.study.name.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        return "\(slug)-label-\(digest)"
    }

    /// The items a run needs on file: the evaluated items, then the few-shot examples.
    public static func items(of plan: StudyPlan) -> [Pair] {
        var seen = Set(plan.items.map(\.id))
        let nearest = plan.variants.compactMap(\.nearest).flatMap { index in plan.items.flatMap { index.examples(for: $0) } }
        return plan.items + (plan.variants.flatMap(\.examples) + nearest).filter { seen.insert($0.id).inserted }
    }

    /// The answered judgments in plan order: variant, then item, then order.
    /// `judgments` in the plan's order, sorted in place (a million of them are not copied).
    public static func ordered(_ judgments: inout [Judgment], plan: StudyPlan) {
        let variantIndex = Dictionary(uniqueKeysWithValues: plan.variants.enumerated().map { ($1.name, $0) })
        let itemIndex = Dictionary(plan.items.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        func rank(_ j: Judgment) -> UInt64 {
            // A sampled variant's samples in their numbers' order (at most 100 a slot).
            UInt64((((variantIndex[j.variant] ?? plan.variants.count) * (plan.items.count + 1) + (itemIndex[j.item] ?? plan.items.count)) * 2
                   + j.order.slot) * 100 + (j.sample ?? 0))
        }
        // Ranks and positions sorted (8 bytes a judgment), then the judgments moved into place
        // along the permutation's cycles: sorting the judgments themselves would take a buffer
        // of half of them.
        var order = judgments.indices.map { rank(judgments[$0]) << 24 | UInt64($0) }
        let ranks = UInt64((plan.variants.count + 1) * (plan.items.count + 1) * 2 * 100)
        if judgments.count >= 1 << 24 || ranks >= 1 << 40 {
            order = judgments.indices.sorted { (rank(judgments[$0]), $0) < (rank(judgments[$1]), $1) }.map(UInt64.init)
        } else {
            order.sort()
            for i in order.indices { order[i] &= (1 << 24) - 1 }
        }
        // order[k] is the position of the judgment that belongs at k.
        var placed = [Bool](repeating: false, count: judgments.count)
        for start in judgments.indices where !placed[start] {
            var k = start
            let first = judgments[start]
            while true {
                placed[k] = true
                let from = Int(order[k])
                if from == start {
                    judgments[k] = first
                    break
                }
                judgments[k] = judgments[from]
                k = from
            }
        }
    }

    public static func orderedJudgments(_ entries: [JournalEntry], plan: StudyPlan) -> [Judgment] {
        var judgments = entries.compactMap(\.judgment)
        ordered(&judgments, plan: plan)
        return judgments
    }
}
