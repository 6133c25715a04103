// `judgelab init`, `variants` and `preview`: start a study and see exactly what it will send.
import ArgumentParser
import Foundation
import JudgeLab

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write a working example study (study.yaml, templates, a data sample) into a new folder.")

    @Argument(help: "The folder to create.") var directory: String
    @Option(help: "The judge's OpenAI-compatible endpoint (default: http://127.0.0.1:8080/v1, llama.cpp's server).") var baseURL: String?

    func run() throws {
        try reportingInputErrors {
            try StudyScaffold.write(to: directory, baseURL: baseURL)
            print("wrote \(directory)/study.yaml, \(directory)/templates and \(directory)/data")
            print("next: judgelab variants \(directory)/study.yaml, then judgelab preview \(directory)/study.yaml")
        }
    }
}

struct VariantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "variants", abstract: "List a study's variants: the grid expanded, with each variant's examples.")

    @Argument(help: "The study file.") var study: String
    @Option(help: "text or json.") var format: OutputFormat = .table

    func run() throws {
        try reportingInputErrors {
            let plan = try StudyPlan(study: try Study.load(path: study))
            if format == .json {
                print(JSONValue.array(plan.variants.map { v in
                    .object([("name", .string(v.name)), ("template", .string(v.template.name)), ("shots", .number(Double(v.shots))),
                             ("selection", .string(v.selection.rawValue)), ("rubric", .string(v.rubric ?? "none")),
                             ("order", .string(v.order.rawValue)), ("model", .string(v.model)), ("temperature", .number(v.temperature)),
                             ("max_tokens", .number(Double(v.maxTokens))), ("samples", .number(Double(v.samples))),
                             ("examples", .array(v.examples.map { .string($0.id) }))])
                }).prettyText)
                return
            }
            let sampled = plan.variants.contains { $0.samples > 1 }
            var rows = [["variant", "template", "k", "rubric", "order", "model", "temp"] + (sampled ? ["samples"] : []) + ["examples"]]
            for v in plan.variants {
                rows.append([v.name, v.template.name, v.shots == 0 ? "0" : "\(v.shots) \(v.selection.rawValue)", v.rubric ?? "none",
                             v.order.rawValue, v.model, v.temperature.description] + (sampled ? ["\(v.samples)"] : []) + [v.examples.map(\.id).joined(separator: " ")])
            }
            print(TextTable.render(rows, header: true))
            let judgments = plan.variants.reduce(0) { $0 + $1.order.orders.count * $1.samples * plan.items.count }
            print("\(plan.variants.count) variants × \(plan.items.count) items = \(judgments) judgments; few-shot pool \(plan.split.fewShot.count) items")
        }
    }
}

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview", abstract: "Show the exact messages a variant would send for one item.")

    @Argument(help: "The study file.") var study: String
    @Option(help: "The variant (default: the first).") var variant: String?
    @Option(help: "The item id (default: the first evaluated item).") var item: String?
    @Option(help: "original or swapped (default: the variant's first order).") var order: PresentedOrder?
    @Option(help: "text or json.") var format: OutputFormat = .table

    func run() throws {
        try reportingInputErrors {
            let plan = try StudyPlan(study: try Study.load(path: study))
            let chosen = try variant.map(plan.variant(named:)) ?? plan.variants[0]
            let pair: Pair
            if let item {
                guard let found = plan.dataset.pairs.first(where: { $0.id == item }) else {
                    throw InputError(file: study, field: "item", "no item '\(item.excerpt())' in the data set")
                }
                pair = found
            } else {
                pair = plan.items[0]
            }
            let shownOrder = order ?? chosen.order.orders[0]
            let builder = try PromptBuilder(variant: chosen, library: plan.library)
            let messages = try builder.messages(for: pair, order: shownOrder)
            let prefix = try builder.staticPrefix(for: pair, order: shownOrder)
            if format == .json {
                print(JSONValue.object([
                    ("variant", .string(chosen.name)), ("item", .string(pair.id)), ("order", .string(shownOrder.rawValue)),
                    ("messages", .array(messages.map { .object([("role", .string($0.role)), ("content", .string($0.content))]) })),
                    ("static_prefix_share", .number(prefix.share)), ("estimated_tokens", .number(Double(prefix.totalTokens))),
                    ("examples", .array(chosen.examples.map { .string($0.id) })),
                ]).prettyText)
                return
            }
            print("variant: \(chosen.name)")
            print("item: \(pair.id), order: \(shownOrder.rawValue)\(chosen.examples.isEmpty ? "" : ", examples: \(chosen.examples.map(\.id).joined(separator: " "))")")
            print(String(format: "static prefix: %.0f%% of about %d tokens (UTF-8 bytes / 4), cacheable by providers", prefix.share * 100, prefix.totalTokens))
            for message in messages {
                print("\n─── \(message.role) " + String(repeating: "─", count: 60))
                print(message.content)
            }
        }
    }
}

extension PresentedOrder: ExpressibleByArgument {}
