// A cascade judged as it is meant to be: a later stage judges only the evaluated items that the
// stages before it did not keep (the calibration items are judged by every stage, first).
import Foundation

/// The rounds of a study whose cascades judge later stages only where they are reached: round k
/// fits every cascade's thresholds on the calibration items, reads its first k stages on the
/// evaluated items, and judges stage k + 1 on those that no earlier stage kept. Deterministic
/// given the answers, so that a killed run, started again, asks for the same items (the journal
/// and the cache answer what was asked before).
struct Escalation {
    let cascades: [CascadeSpec]
    let partial: Set<String>
    let calibration: Set<String>
    let evaluated: Set<String>

    init(plan: StudyPlan) {
        cascades = plan.study.cascades.filter { $0.judging == .reached }
        partial = CascadeSpec.partialStages(plan.study.cascades, juries: plan.study.juries)
        calibration = Set(plan.calibration?.calibration.map(\.id) ?? [])
        evaluated = Set(plan.calibration?.evaluated.map(\.id) ?? [])
    }

    var isNeeded: Bool { !partial.isEmpty }

    /// Whether the first pass leaves this judgment for a later round.
    func defers(_ key: JudgmentKey) -> Bool {
        partial.contains(key.variant) && evaluated.contains(key.item)
    }

    func run(source: TaskSource, plan: StudyPlan, session: RunSession, store: any RunStore) async throws -> RunSummary {
        var summary = RunSummary()
        guard let split = plan.calibration else { return summary }
        let rounds = cascades.map(\.stages.count).max() ?? 1
        var options = AnalysisOptions()
        options.bootstrapResamples = 0
        for variant in plan.variants { if let band = variant.tieBand { options.judgeTieBands[variant.name] = band } }
        let dataset = Dataset(source: plan.dataset.source, pairs: RunLayout.items(of: plan))
        var asked = Set<JudgmentKey>()
        for level in 1..<max(rounds, 1) {
            if session.cancel.isSet || summary.stoppedForBudget { break }
            var judgments = try store.judgments()
            let members = RepeatedSamples.folded(judgments)
            for jury in plan.study.juries { judgments += Jury.judgments(jury, from: members, tieBand: .standard) }
            let outcomes = Analysis(dataset: dataset, judgments: judgments, options: options).outcomes
            var wanted: [String: Set<String>] = [:]
            for cascade in cascades where cascade.stages.count > level && partial.contains(cascade.stages[level]) {
                let thresholds = CascadeReport.thresholds(cascade, outcomes: outcomes, calibration: split.calibration,
                                                          humanBand: options.tieBand, bands: options.judgeTieBands)
                let readings = CascadeReport.readings(stages: Array(cascade.stages.prefix(level)), outcomes: outcomes, items: split.evaluated,
                                                      humanBand: options.tieBand, bands: options.judgeTieBands)
                var reaching = Array(split.evaluated.indices)
                for k in 0..<level { reaching = reaching.filter { !Cascade.keeps(readings[k][$0], thresholds[k]) } }
                wanted[cascade.stages[level], default: []].formUnion(reaching.map { split.evaluated[$0].id })
            }
            var tasks: [RunTask] = []
            for index in 0..<source.count {
                let key = source.key(at: index)
                guard wanted[key.variant]?.contains(key.item) == true, asked.insert(key).inserted else { continue }
                tasks.append(try source.task(at: index))
            }
            if !tasks.isEmpty { summary.merge(try await session.judge(tasks, into: store)) }
        }
        return summary
    }
}
