// `judgelab sample`: the seeded, stratified subset of items a study is judged on.
import ArgumentParser
import Foundation
import JudgeLab

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw a seeded, stratified sample of item ids and show the stratum sizes.")

    @Option(help: "The data set to sample from.") var dataset: String
    @OptionGroup var input: DatasetInputOptions
    @Option(help: "Take this many items from every stratum (equal allocation).") var perStratum: Int?
    @Option(help: "Take this many items in all, spread in proportion to the strata.") var total: Int?
    @Option(help: "verdict, bins, category or verdict-category.") var by: Stratification = .verdict
    @Option(help: "The seed: the same seed gives the same sample everywhere.") var seed: UInt64 = 1
    @Option(help: "Ids to leave out (e.g. a few-shot pool), comma-separated.") var exclude: String?
    @Option(help: "text or json.") var format: OutputFormat = .table

    func validate() throws {
        guard (perStratum == nil) != (total == nil) else { throw ValidationError("give exactly one of --per-stratum and --total") }
    }

    func run() throws {
        try reportingInputErrors {
            let data = try input.load(dataset)
            let allocation: Allocation = perStratum.map { .equal(perStratum: $0) } ?? .proportional(total: total!)
            let excluded = Set((exclude ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
            let sample = try Sampler.draw(data.pairs, by: by, allocation: allocation, seed: seed, excluding: excluded)
            for warning in sample.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            if format == .json {
                print(sample.json.prettyText)
            } else {
                var rows = [["stratum", "population", "sampled"]]
                rows += sample.strata.map { [$0.name, "\($0.population)", "\($0.sampled)"] }
                print(TextTable.render(rows, header: true))
                print("seed \(seed): \(sample.ids.count) items")
                print(sample.ids.joined(separator: "\n"))
            }
        }
    }
}
