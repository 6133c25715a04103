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
    public var htmlReport: String { FilePath.join(directory, "report.html") }
    public var xmlReport: String { FilePath.join(directory, "report.xml") }
    /// The response cache, shared by every run under the same Results folder.
    public var sharedCache: String { FilePath.join(FilePath.parent(directory).isEmpty ? "." : FilePath.parent(directory), "cache.sqlite") }

    /// `STUDY-NAME-<hash>`: the same study and settings give the same id, so running the same
    /// command again resumes the same run.
    public static func runID(plan: StudyPlan, settings: RunSettings) -> String {
        // One judge: the same signature as before judges were named, so that old runs resume.
        let http = settings.judges.filter { !$0.kind.isLocal || $0.kind == .replay }
        let judges: [(String, JSONValue)] = http.count == 1
            ? [("provider", .string(http[0].kind.rawValue)), ("base_url", .string(http[0].kind.isLocal ? "judgelab-local:" : http[0].baseURL))]
            : [("judges", .array(http.map { .string([$0.name, $0.kind.rawValue, $0.baseURL].joined(separator: "|")) }))]
        let signature = JSONValue.object(judges + [
            ("variants", .array(plan.variants.map { .string($0.name + "|" + $0.examples.map(\.id).joined(separator: ",") + "|" + $0.maxTokens.description) })),
            ("items", .array(plan.items.map { .string($0.id) })),
            ("templates", .array(plan.variants.map { .string($0.template.sources.sorted { $0.key < $1.key }.map(\.value).joined()) })),
        ]).compactText
        let digest = Hex.string(SHA256.hash(data: Data(signature.utf8)).prefix(5))
        let slug = plan.study.name.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        return "\(slug)-\(digest)"
    }

    /// The study as run: resolved variants with their prompts and examples, the sampled items,
    /// and the judge's settings (the API key's variable name, never its value).
    public static func studyRecord(plan: StudyPlan, settings: RunSettings, runID: String) throws -> JSONValue {
        var sample: [(String, JSONValue)] = [("items", .array(plan.items.map { .string($0.id) }))]
        if let drawn = plan.sample {
            sample.append(("seed", .number(Double(drawn.seed))))
            sample.append(("by", .string(drawn.by.rawValue)))
            sample.append(("strata", .object(drawn.strata.map { ($0.name, .object([("population", .number(Double($0.population))), ("sampled", .number(Double($0.sampled)))])) })))
        }
        return .object([
            ("run_id", .string(runID)),
            ("study", .string(plan.study.name)),
            ("study_file", .string(plan.study.file)),
            ("dataset", .string(plan.dataset.source)),
            ("judgelab_version", .string(JudgeLabVersion.text)),
            ("judges", .array(settings.judges.map { judge in
                .object([
                    ("name", .string(judge.name)), ("provider", .string(judge.kind.rawValue)), ("base_url", .string(judge.baseURL)),
                    ("api_key_env", .optional(judge.apiKeyVariable)), ("concurrency", .number(Double(judge.limits.concurrency))),
                    ("seed", .optional(judge.seed.map(Double.init))),
                ])
            })),
            ("max_cost_usd", .optional(settings.maxCostUSD)),
            ("sample", .object(sample)),
            ("fewshot_pool", .array(plan.split.fewShot.map { .string($0.id) })),
            ("variants", .array(try plan.variants.map { v in
                let builder = try PromptBuilder(variant: v, library: plan.library)
                let prompt = try builder.messages(for: plan.items[0], order: v.order.orders[0])
                return .object([
                    ("name", .string(v.name)), ("judge", .string(v.judge)), ("template", .string(v.template.name)), ("parser", .string(v.template.parser.name)),
                    ("shots", .number(Double(v.shots))), ("selection", .string(v.selection.rawValue)), ("rubric", .string(v.rubric ?? "none")),
                    ("order", .string(v.order.rawValue)), ("model", .string(v.model)), ("temperature", .number(v.temperature)),
                    ("max_tokens", .number(Double(v.maxTokens))), ("examples", .array(v.examples.map { .string($0.id) })),
                    ("template_files", .object(v.template.sources.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                    ("example_prompt", .object([("item", .string(plan.items[0].id)), ("order", .string(v.order.orders[0].rawValue)),
                                                ("messages", .array(prompt.map { .object([("role", .string($0.role)), ("content", .string($0.content))]) }))])),
                ])
            })),
        ])
    }

    /// The items a run needs on file: the evaluated items, then the few-shot examples.
    public static func items(of plan: StudyPlan) -> [Pair] {
        var seen = Set(plan.items.map(\.id))
        return plan.items + plan.variants.flatMap(\.examples).filter { seen.insert($0.id).inserted }
    }

    /// The answered judgments in plan order: variant, then item, then order.
    public static func orderedJudgments(_ entries: [JournalEntry], plan: StudyPlan) -> [Judgment] {
        let variantIndex = Dictionary(uniqueKeysWithValues: plan.variants.enumerated().map { ($1.name, $0) })
        let itemIndex = Dictionary(plan.items.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        return entries.compactMap(\.judgment).sorted {
            let a = (variantIndex[$0.variant] ?? .max, itemIndex[$0.item] ?? .max, $0.order == .original ? 0 : 1)
            let b = (variantIndex[$1.variant] ?? .max, itemIndex[$1.item] ?? .max, $1.order == .original ? 0 : 1)
            return a < b
        }
    }
}
