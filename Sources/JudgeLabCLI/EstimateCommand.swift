// `judgelab estimate`: what a run still needs, in requests, tokens and dollars, before anything is spent.
import ArgumentParser
import Foundation
import JudgeLab

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Say how many requests, tokens and dollars a run still needs, before anything is spent.")

    @OptionGroup var target: RunTarget
    @Flag(help: "Estimate a run with --batch (through the providers' batch APIs).") var batch = false

    func run() throws {
        try reportingInputErrors {
            var (plan, settings, layout, _) = try target.load()
            if batch { try settings.setBatchMode(file: target.study) }
            if let note = plan.splitNote { print("note: \(note)") }
            print(try RunEstimate.text(plan: plan, settings: settings, layout: layout, openStore: RunEdges.live.openStore))
        }
    }
}
