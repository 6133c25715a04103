// `judgelab cascade-check`: does a cascade's guarantee hold on these judges? Re-split recorded
// runs' items many times, or simulate stages whose true accuracies are known.
import ArgumentParser
import Foundation
import JudgeLab

struct CascadeCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade-check",
        abstract: "Check a cascade's guarantee (METRICS.md §10) over many random calibration/evaluation splits of runs' items, or in a simulation with known accuracies.",
        discussion: """
        With run folders: the stages' judgments in those runs (pooled when several) are split at \
        random --splits times, the thresholds fitted on --share of the items and read on the rest; \
        a split fails when the cascade's agreement on what it kept is below 1 − α. The guarantee \
        says at most δ of them fail. With --simulate: stages whose confidence is a random level \
        with a known accuracy, the failure judged against the true agreement.
        """)

    @Argument(help: "Run folders (judgments.jsonl and dataset.jsonl) whose items are pooled.") var runs: [String] = []
    @Option(help: "The stages' variant names, cheapest first, comma-separated.") var stages: String?
    @Option(help: "Target disagreement α (repeat for several).") var alpha: [Double] = [0.1, 0.2]
    @Option(help: "Risk δ.") var delta = 0.1
    @Option(help: "The share of items each split calibrates on.") var share = 0.5
    @Option(help: "Random splits.") var splits = 200
    @Option(help: "Simulate this many trials instead of reading runs.") var simulate: Int?
    @Option(help: "With --simulate: calibration items per trial.") var calibration = 500
    @Option(help: "The first split's or trial's seed.") var seed: UInt64 = 1

    func run() throws {
        try reportingInputErrors {
            for a in alpha + [delta] + [share] where !(a > 0 && a < 1) {
                throw ValidationError("--alpha, --delta and --share must be between 0 and 1, both excluded (not \(a))")
            }
            var rows = [["α", "δ", "runs", "failed", "failure rate", "kept nothing", "coverage", "selective agreement", "agreement", "cost share"]]
            let what: String
            if let trials = simulate {
                guard trials > 0, calibration > 0 else { throw ValidationError("--simulate and --calibration must be at least 1") }
                let simulated = CascadeCheck.simulatedStages
                what = "Simulation: \(trials) trials of \(calibration) calibration items; a cheap stage (confidence 0.5–1.0, accurate 60–97%, cost 1) then a strong one (accurate 70–99%, cost 20); failures against the true agreement"
                for a in alpha {
                    rows.append(Self.row(a, delta, CascadeCheck.simulate(stages: simulated, calibration: calibration, trials: trials, alpha: a, delta: delta, seed: seed)))
                }
            } else {
                guard !runs.isEmpty, let stages else { throw ValidationError("give run folders and --stages, or --simulate") }
                let names = stages.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
                var readings = [[Cascade.Reading]](repeating: [], count: names.count)
                var human: [Verdict] = []
                for folder in runs {
                    let report = try RunReport.load(runDirectory: folder, options: { var o = AnalysisOptions(); o.bootstrapResamples = 0; return o }())
                    let band = report.analysis.options.tieBand
                    let outcomes = try names.map { name -> [String: ItemOutcome] in
                        guard let list = report.analysis.outcomes[name] else { throw InputError(file: folder, field: "--stages", "no variant '\(name.excerpt())' in the run") }
                        return Dictionary(list.map { ($0.pair.id, $0) }, uniquingKeysWith: { a, _ in a })
                    }
                    let items = Set(outcomes.flatMap(\.keys)).sorted()
                    for id in items {
                        guard let pair = report.pairs[id] else { continue }
                        human.append(pair.humanVerdict(tieBand: band))
                        for (k, stage) in outcomes.enumerated() {
                            let o = stage[id]
                            readings[k].append(Cascade.Reading(verdict: o?.verdict, confidence: o?.cascadeConfidence(tieBand: report.analysis.options.judgeTieBands[names[k]] ?? band), cost: o?.costUSD ?? 0))
                        }
                    }
                }
                what = "\(human.count) items of \(runs.count) run(s), \(splits) random splits (\(Int(share * 100))% to calibration), stages \(names.joined(separator: " → "))"
                for a in alpha {
                    rows.append(Self.row(a, delta, CascadeCheck.resplit(stages: readings, human: human, share: share, splits: splits, alpha: a, delta: delta, seed: seed)))
                }
            }
            print(what)
            print(TextTable.render(rows, header: true))
        }
    }


    static func row(_ alpha: Double, _ delta: Double, _ s: CascadeCheck.Summary) -> [String] {
        [JSONValue.format(number: alpha), JSONValue.format(number: delta), "\(s.runs)", "\(s.failures)", Percent.text(s.failureRate),
         "\(s.keptNothing)", Percent.text(s.meanCoverage), Percent.text(s.meanSelectiveAgreement), Percent.text(s.meanAgreement), Percent.text(s.meanCostShare)]
    }
}
