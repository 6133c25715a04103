// `judgelab sample`: the seeded, stratified subset of items a study is judged on.
import ArgumentParser
import Foundation
import JudgeLab

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw a seeded, stratified sample of item ids and show the stratum sizes.")

    @Argument(help: "A study file: sample its evaluation pool (the few-shot pool left out) with its settings.") var study: String?
    @Option(help: "The data set to sample from (instead of a study).") var dataset: String?
    @OptionGroup var input: DatasetInputOptions
    @Option(help: "Take this many items from every stratum (equal allocation).") var perStratum: Int?
    @Option(help: "Take this many items in all, spread in proportion to the strata.") var total: Int?
    @Option(help: "verdict, bins, category or verdict-category (default: verdict, or the study's).") var by: Stratification?
    @Option(help: "The seed: the same seed gives the same sample everywhere (default: 1, or the study's).") var seed: UInt64?
    @Option(help: "Ids to leave out (e.g. a few-shot pool), comma-separated.") var exclude: String?
    @Option(help: "text or json.") var format: OutputFormat = .table

    func validate() throws {
        guard (study == nil) != (dataset == nil) else { throw ValidationError("give a study file or --dataset, not both") }
        guard perStratum == nil || total == nil else { throw ValidationError("give at most one of --per-stratum and --total") }
        if study == nil, perStratum == nil, total == nil { throw ValidationError("give --per-stratum or --total") }
    }

    func run() throws {
        try reportingInputErrors {
            var pairs: [Pair]
            var allocation: Allocation? = perStratum.map { .equal(perStratum: $0) } ?? total.map { .proportional(total: $0) }
            var strata = by ?? .verdict
            var chosenSeed = seed ?? 1
            if let study {
                let loaded = try Study.load(path: study)
                let data = try DatasetLoader.load(path: loaded.resolve(loaded.datasetPath), format: loaded.datasetFormat, mapping: loaded.mapping)
                // The few-shot pool is removed before sampling, as a run does.
                pairs = try PoolSplit(data.pairs, fraction: loaded.fewShotFraction, ids: loaded.fewShotIDs, seed: loaded.splitSeed, file: study).evaluation
                allocation = allocation ?? loaded.sampleAllocation
                strata = by ?? loaded.sampleBy
                chosenSeed = seed ?? loaded.sampleSeed
                guard allocation != nil else {
                    throw InputError(file: study, field: "sample", "the study has no per_stratum or total: give --per-stratum or --total")
                }
            } else {
                pairs = try input.load(dataset!).pairs
            }
            let excluded = Set((exclude ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
            let sample = try Sampler.draw(pairs, by: strata, allocation: allocation!, seed: chosenSeed, excluding: excluded)
            for warning in sample.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            if format == .json {
                print(sample.json.prettyText)
            } else {
                var rows = [["stratum", "population", "sampled"]]
                rows += sample.strata.map { [$0.name, "\($0.population)", "\($0.sampled)"] }
                print(TextTable.render(rows, header: true))
                print("seed \(chosenSeed): \(sample.ids.count) items")
                print(sample.ids.joined(separator: "\n"))
            }
        }
    }
}
