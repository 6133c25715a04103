// `judgelab label`: a study's variant judges unlabelled pairs, and the verdicts become
// preference data (TRL's DPO and reward formats) with a datasheet of their measured accuracy.
import ArgumentParser
import Foundation
import JudgeLab

struct LabelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Label unlabelled pairs with a study's variant: preference JSONL for DPO and reward training, and a datasheet of its accuracy.",
        discussion: """
        The variant is first judged on its study's own labelled items (from the cache when the study \
        has run), which gives the datasheet its agreement with humans and the accuracy of its labels \
        by confidence; then on every input pair, in the variant's orders. Both go through the runner, \
        its journal, cache and budget: after a crash the same command continues. Writes \
        preferences.jsonl (prompt, chosen, rejected, and each label's verdicts, consistency and \
        confidence), ties.jsonl and inconsistent.jsonl when those policies say `separate`, and \
        datasheet.json. Exit status as for `run`.
        """)

    @Argument(help: "The study the variant comes from.") var study: String
    @Option(help: "The variant (see `judgelab variants`).") var variant: String?
    @Option(help: "Label with one of the study's cascades instead: each pair goes to its stages in turn, the confident labels are exported and the rest queued for review.") var cascade: String?
    @Option(help: "The pairs to label: native JSONL without labels, or any format `judgelab data` reads.") var input: String
    @OptionGroup var inputOptions: DatasetInputOptions
    @Option(help: "The output folder (default: Results/<study>-label-<hash>).") var out: String?
    @Flag(help: "Write prompt, chosen and rejected as chat messages (TRL's conversational form).") var messages = false
    @Option(help: "Ties: drop, or separate (ties.jsonl).") var ties: String = "drop"
    @Option(help: "Order-inconsistent pairs: drop, or separate (inconsistent.jsonl).") var inconsistent: String = "drop"
    @Option(parsing: .unconditional, help: "Never spend more than this many US dollars (overrides the study's budget).") var maxCost: Double?
    @Flag(help: "Neither read nor write the response cache (by default, the user's: $JUDGELAB_CACHE or ~/.cache/judgelab).") var noCache = false
    @Flag(help: "No progress output.") var quiet = false

    func run() async throws {
        var code: Int32 = 0
        try await reportingInputErrorsAsync { code = try await execute() }
        if code != 0 { throw ExitCode(code) }
    }

    func execute() async throws -> Int32 {
        guard let tiePolicy = LabelPolicy(rawValue: ties) else { throw ValidationError("--ties: drop or separate") }
        guard let inconsistentPolicy = LabelPolicy(rawValue: inconsistent) else { throw ValidationError("--inconsistent: drop or separate") }
        let plan = try StudyPlan(study: try Study.load(path: study))
        guard (variant == nil) != (cascade == nil) else { throw ValidationError("give --variant or --cascade (one of them)") }
        if let cascade { return try await labelWithCascade(plan, named: cascade, policy: tiePolicy) }
        let chosen = try plan.variant(named: variant!)
        if let note = plan.splitNote, !quiet { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        let (pairs, _, layout, runID, session, context) = try prepare(plan, variants: [chosen])
        defer { session.close() }
        let outcome = try await LabelJob.run(plan: plan, chosen: chosen, pairs: pairs, ties: tiePolicy, inconsistent: inconsistentPolicy,
                                             messages: messages, runID: runID, session: session)
        context.finish()
        if let datasheet = outcome.datasheet {
            print(Self.describe(datasheet, folder: layout.directory))
        } else if outcome.status == 130 {
            print("interrupted: run the same command to continue where it stopped")
        } else if outcome.status == 3 {
            print("stopped at the budget: raise --max-cost and run the same command to continue")
        }
        return outcome.status
    }

    /// The pairs to label, the plan of the variants that judge them, and the run's folder and session.
    func prepare(_ plan: StudyPlan, variants: [Variant]) throws
        -> (pairs: [Pair], plan: StudyPlan, layout: RunLayout, runID: String, session: RunSession, context: CommandContext) {
        var mapping = try inputOptions.mapping()
        mapping.labelsOptional = true
        guard FileManager.default.fileExists(atPath: input) else { throw InputError(file: input, "cannot read the pairs to label (does the file exist?)") }
        let pairs = try DatasetLoader.load(path: input, format: inputOptions.from, mapping: mapping).pairs
        guard !pairs.isEmpty else { throw InputError(file: input, "no pairs to label") }
        let one = StudyPlan(study: plan.study, dataset: plan.dataset, library: plan.library, split: plan.split, items: plan.items, variants: variants)
        var settings = try RunSettings.from(plan: one, environment: ProcessInfo.processInfo.environment)
        try settings.override(maxCost: maxCost, concurrency: nil, noCache: noCache)
        let runID = RunLayout.labelRunID(plan: one, settings: settings, pairs: pairs)
        let layout = RunLayout(directory: out ?? "Results/\(runID)")
        let context = CommandContext(quiet: quiet)
        let session = try context.session(layout, settings: settings, pairs: plan.dataset.pairs + pairs, seed: plan.study.sampleSeed)
        return (pairs, one, layout, runID, session, context)
    }

    /// `--cascade`: the stages judged on the study's items (the thresholds), then on the pairs in turn.
    func labelWithCascade(_ plan: StudyPlan, named name: String, policy: LabelPolicy) async throws -> Int32 {
        guard let spec = plan.study.cascades.first(where: { $0.name == name }) else {
            throw InputError(file: study, field: "--cascade", "no cascade named '\(name.excerpt())' (the study's: \(plan.study.cascades.map(\.name).joined(separator: ", ")))")
        }
        if spec.isFitted, plan.items.count < spec.calibrationNeeded {
            throw InputError(file: study, field: "sample", "\(plan.items.count) labelled items cannot fit any threshold of cascade '\(name.excerpt())': it needs at least \(spec.calibrationNeeded)")
        }
        let members = Set(spec.stages.flatMap { stage in plan.study.juries.first { $0.name == stage }?.members ?? [stage] })
        let (pairs, one, layout, runID, session, context) = try prepare(plan, variants: plan.variants.filter { members.contains($0.name) })
        defer { session.close() }
        let outcome = try await LabelJob.runCascade(plan: one, cascade: spec, pairs: pairs, ties: policy, messages: messages, runID: runID, session: session)
        context.finish()
        if let d = outcome.datasheet {
            var lines = ["\(d.exported) of \(d.pairs) pairs labelled as preferences in \(layout.preferences) by cascade \(d.cascade); \(d.ties) ties \(d.tiePolicy == "drop" ? "dropped" : "in ties.jsonl"); \(d.abstained) abstained (in abstained.jsonl, queued in \(layout.directory)/review/review.html)"]
            for stage in d.stages {
                lines.append("  \(stage.name): λ \(stage.threshold.map { JSONValue.format(number: $0) } ?? "∞ (keeps nothing)"), kept \(stage.kept) of the \(stage.reached) pairs that reached it")
            }
            lines.append(d.guarantee)
            lines.append("datasheet: \(layout.datasheet)")
            print(lines.joined(separator: "\n"))
        } else if outcome.status == 130 {
            print("interrupted: run the same command to continue where it stopped")
        } else if outcome.status == 3 {
            print("stopped at the budget: raise --max-cost and run the same command to continue")
        }
        return outcome.status
    }

    static func describe(_ d: Datasheet, folder: String) -> String {
        let pct: (Double?) -> String = Percent.text
        var lines = [
            "\(d.exported) of \(d.pairs) pairs labelled as preferences in \(folder)/preferences.jsonl "
                + "(\(d.ties) ties \(d.tiePolicy == "drop" ? "dropped" : "in ties.jsonl"), \(d.inconsistent) order-inconsistent \(d.inconsistentPolicy == "drop" ? "dropped" : "in inconsistent.jsonl"), \(d.unparsed) unparsed)",
            "\(d.variant) agrees with humans on \(pct(d.agreement))\(d.agreementCI.map { " [\(pct($0[0])), \(pct($0[1]))]" } ?? "") of its study's \(d.studyItems) items; "
                + "its exportable labels there are right \(pct(d.exportedAccuracy)) of the time",
        ]
        for band in d.bands where band.items > 0 || band.exported > 0 {
            let range = band.lo.map { String(format: "confidence %g–%g", $0, band.hi!) } ?? "no confidence"
            lines.append("  \(range): \(pct(band.accuracy)) right on \(band.items) study items; \(band.exported) exported here")
        }
        lines.append("datasheet: \(folder)/datasheet.json")
        return lines.joined(separator: "\n")
    }
}
