// The demo's studies: real recorded judges and the baselines, on the shipped slices.
import Foundation

/// Writes the demo's two studies (LLMBar Natural; a PandaLM slice with human ties) into a
/// folder, each with its data and recordings, ready for a run.
public enum DemoStudies {
    public struct Entry: Sendable {
        public var name: String
        public var studyFile: String
        /// A/B comparisons to report, e.g. CoT against Vanilla.
        public var comparisons: [(String, String)]
        public var notes: [String]
    }

    static let baselines = """
        - {baseline: longer}
        - {baseline: tie}
        - {baseline: coin}
        - {baseline: first}
    """

    public static func write(into directory: String) throws -> [Entry] {
        let templates = try TemplateLibrary.locateShipped()
        let manager = FileManager.default
        var entries: [Entry] = []
        let specs: [(name: String, data: String, recorded: String, sample: String, variants: String, compare: [(String, String)], note: String)] = [
            ("llmbar-natural", "llmbar-natural.jsonl", "llmbar-natural-recorded.jsonl", "{per_stratum: 40, by: verdict, seed: 1}",
             ["GPT-4", "ChatGPT"].flatMap { judge in ["Vanilla", "Vanilla_NoRules", "CoT"].map { "    - {name: \(judge)/\($0), template: choice-ab, order: both}" } }.joined(separator: "\n"),
             [("GPT-4/CoT", "GPT-4/Vanilla"), ("ChatGPT/CoT", "ChatGPT/Vanilla")],
             "Recorded GPT-4 and ChatGPT outputs from LLMBar (Natural set, both answer orders), replayed at no cost; the prompts shown are JudgeLab's stand-ins, the outputs are LLMBar's. LLMBar has no human ties."),
            ("pandalm", "pandalm-200.jsonl", "pandalm-200-recorded.jsonl", "{per_stratum: 25, by: verdict, seed: 1}",
             ["GPT-3.5/PandaLM", "PandaLM-7B/PandaLM"].map { "    - {name: \($0), template: choice-ab, order: original}" }.joined(separator: "\n"),
             [("GPT-3.5/PandaLM", "PandaLM-7B/PandaLM")],
             "Recorded GPT-3.5 and PandaLM-7B verdicts from PandaLM's test set (one answer order), replayed at no cost; humans voted, three annotators an item, so ties exist."),
        ]
        for spec in specs {
            let folder = FilePath.join(directory, "studies/" + spec.name)
            try manager.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
            for file in [spec.data, spec.recorded] {
                try? manager.removeItem(atPath: folder + "/data/" + file)
                try manager.copyItem(atPath: try StudyScaffold.samplePath(file), toPath: folder + "/data/" + file)
            }
            let yaml = """
            # JudgeLab demo: recorded real judges and baseline judges, replayed through the runner.
            name: \(spec.name)
            dataset: data/\(spec.data)
            templates: \(templates)
            sample: \(spec.sample)
            judge: {provider: replay, recordings: data/\(spec.recorded)}
            variants:
              list:
            \(spec.variants)
            \(baselines)

            """
            try AtomicFile.write(yaml, to: folder + "/study.yaml")
            entries.append(Entry(name: spec.name, studyFile: folder + "/study.yaml", comparisons: spec.compare, notes: [spec.note]))
        }
        return entries
    }
}
