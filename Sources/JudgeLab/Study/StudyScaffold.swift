// `judgelab init`: a working example study to start from.
import Foundation

/// Writes an example study folder: `study.yaml`, a copy of the templates, and a data sample.
public enum StudyScaffold {
    /// The shipped samples (Resources/Samples), found through the package's resource bundle.
    public static func samplePath(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "Samples/" + name, withExtension: nil)
            ?? Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Samples") else {
            throw InputError(file: name, "the shipped sample is missing from JudgeLab's resources")
        }
        return url.path
    }

    public static let studyYAML = """
    # A JudgeLab study: which data, which items, which judge, and which prompt variants to compare.
    # Paths are relative to this file. `judgelab variants study.yaml` lists the variants,
    # `judgelab preview study.yaml` shows the exact messages one of them sends.
    name: example

    dataset:
      path: data/pandalm-200.jsonl     # JudgeLab's native JSONL (docs/data.md has CSV/JSON mappings)
      format: native

    templates: templates               # a copy of JudgeLab's PromptTemplates: edit freely

    split:                             # the few-shot pool, kept apart from the evaluated items
      fewshot_fraction: 0.15
      seed: 7

    sample:                            # the evaluated items, the same for every variant
      per_stratum: 10                  # 10 human-prefers-1, 10 ties, 10 human-prefers-2
      by: verdict
      seed: 1

    judge:
      provider: openai                 # any OpenAI-compatible endpoint: OpenAI, vLLM, Ollama, llama.cpp, OpenRouter
      base_url: http://127.0.0.1:8080/v1
      model: gpt-4o-mini
      api_key_env: OPENAI_API_KEY      # read from the environment, never written anywhere

    budget:
      max_cost_usd: 2.00

    variants:
      grid:                            # every combination, in this order
        template: [rating-1to9, choice-ab]
        shots: [3, 0]
        selection: balanced
        rubric: [none, expanded]
        order: both                    # judge each item in both answer orders

    search:                            # `judgelab optimize study.yaml`: search this space instead of judging a grid
      seed: 7
      candidates: 12                   # drawn from the space
      split: {test: 0.3}               # of the items outside the few-shot pool, kept for confirmation; the rest is dev
      space:
        template: [choice-ab, rating-1to9]
        shots: [0, 2, 4]
        selection: [random, balanced, hard, diverse, nearest]
        example_sets: 2                # distinct seeded draws of random examples
        rubric: [none, expanded]
        order: both
      racing: {first_round: 20, growth: 20, alpha: 0.05, finalists: 3, proposals: 2}   # proposals: neighbours of the leader (one more example, one swapped, the next rubric)
                                       # mode: halving (a fixed budget_share of the full grid) or significance; by default halving below 300 dev items, unless the search proposes
      propose:                         # rubrics written during the race from the leader's disagreements with people
        kinds: [rubric, rules]         # rewrite the leader's rubric; or append a few rules to it
        per_round: 2
        total: 2                       # the judge above writes them (or name one as `proposer:`), its requests journaled, cached and budgeted
        feedback: {share: 0.5}         # the part of dev it may see; never the test split
      max_judgments: 4000
    """

    /// - Parameter baseURL: the judge's endpoint, written into the study (default: llama.cpp's
    ///   server on this machine, as in `studyYAML`); checked as the study's other keys are.
    public static func write(to directory: String, baseURL: String? = nil) throws {
        var yaml = studyYAML
        if let baseURL {
            if let problem = BaseURL.problem(baseURL) { throw InputError(file: "--base-url", problem) }
            yaml = yaml.replacingOccurrences(of: "base_url: http://127.0.0.1:8080/v1", with: "base_url: \(baseURL)")
        }
        let manager = FileManager.default
        if manager.fileExists(atPath: directory), !((try? manager.contentsOfDirectory(atPath: directory))?.isEmpty ?? true) {
            throw InputError(file: directory, "the folder exists and is not empty: choose a new one")
        }
        let templates = try TemplateLibrary.locateShipped()
        // Build beside the target, then move into place: a failure leaves nothing half-made.
        let parent = FilePath.parent(directory)
        let staging = (parent.isEmpty ? "." : parent) + "/.judgelab-init-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try? manager.removeItem(atPath: staging)
            try manager.createDirectory(atPath: staging + "/data", withIntermediateDirectories: true)
            try manager.copyItem(atPath: templates, toPath: staging + "/templates")
            for file in ["pandalm-200.jsonl", "SOURCE.md", "LICENSE-PandaLM"] {
                try manager.copyItem(atPath: try samplePath(file), toPath: staging + "/data/" + file)
            }
            try Data(yaml.utf8).write(to: URL(fileURLWithPath: staging + "/study.yaml"))
            if manager.fileExists(atPath: directory) { try manager.removeItem(atPath: directory) }
            try manager.moveItem(atPath: staging, toPath: directory)
        } catch let error as InputError {
            try? manager.removeItem(atPath: staging)
            throw error
        } catch {
            try? manager.removeItem(atPath: staging)
            throw InputError(file: directory, "cannot write the study: \(InputError.reason(of: error) ?? String(describing: error))")
        }
    }
}
