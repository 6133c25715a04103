// `judgelab data stats|convert`: look at a data set and turn it into the native format.
import ArgumentParser
import Foundation
import JudgeLab

extension DatasetFormat: ExpressibleByArgument {}

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect and convert human-labelled pair data.",
        subcommands: [Stats.self, Convert.self, Merge.self]
    )

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge a reviewer's exported labels (judgelab review's page) into a data set as human labels.")

        @Argument(help: "The data set the labels are for (unlabelled pairs read too).") var file: String
        @OptionGroup var input: DatasetInputOptions
        @Option(help: "The labels the review page exported (JSONL: id, winner, note).") var labels: String
        @Option(help: "The native JSONL file to write. Nothing is written unless every label is valid.") var out: String
        @Flag(help: "Write the reviewed pairs only.") var reviewedOnly = false

        func run() throws {
            try reportingInputErrors {
                var mapping = try input.mapping()
                mapping.labelsOptional = true
                let pairs = try DatasetLoader.load(path: file, format: input.from, mapping: mapping).pairs
                let reviewed = try ReviewLabels.load(path: labels, items: Set(pairs.map(\.id)))
                let merged = ReviewLabels.merge(reviewed, into: pairs, reviewedOnly: reviewedOnly)
                try AtomicFile.write(NativeFormat.text(merged), to: out)
                FileHandle.standardError.write(Data("wrote \(merged.count) pairs to \(out), \(reviewed.count) labelled by their reviewer\n".utf8))
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count pairs, label forms, human verdicts, categories and answer lengths.")

        @Argument(help: "The data set file (or an LLMBar subset folder).") var file: String
        @OptionGroup var input: DatasetInputOptions
        @Option(help: "table or json.") var format: OutputFormat = .table

        func run() throws {
            try reportingInputErrors {
                let stats = DatasetStats(try input.load(file))
                print(format == .json ? stats.json.prettyText : stats.table)
            }
        }
    }

    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a data set to JudgeLab's native JSONL.")

        @Argument(help: "The data set file (or an LLMBar subset folder).") var file: String
        @OptionGroup var input: DatasetInputOptions
        @Option(help: "The native JSONL file to write. Nothing is written unless every item is valid.") var out: String

        func run() throws {
            try reportingInputErrors {
                let dataset = try input.load(file)
                try AtomicFile.write(NativeFormat.text(dataset.pairs), to: out)
                FileHandle.standardError.write(Data("wrote \(dataset.pairs.count) pairs to \(out)\n".utf8))
            }
        }
    }
}

/// How to read a data set: its format and, for CSV and JSON, which field holds what.
struct DatasetInputOptions: ParsableArguments {
    @Option(help: "native, pandalm, llmbar, llmeval2, csv, json, responses or arena (default: guessed from the file).")
    var from: DatasetFormat?
    @Option(help: "CSV/JSON: the id field ('-' to number the rows).") var idField: String?
    @Option(help: "CSV/JSON: the question field.") var questionField: String?
    @Option(help: "CSV/JSON: the first answer's field.") var answer1Field: String?
    @Option(help: "CSV/JSON: the second answer's field.") var answer2Field: String?
    @Option(help: "CSV/JSON: the label's form: scores, votes, winner or human_score.") var labelForm: String?
    @Option(help: "CSV/JSON: the label's field; for scores in two columns, 'A,B'.") var labelField: String?
    @Option(help: "CSV/JSON: the category field.") var categoryField: String?
    @Option(help: "CSV/JSON: the explanation field.") var explanationField: String?
    @Option(help: "The top of the per-answer score scale (default 10).") var scaleMax: Double?
    @Option(help: "The bottom of the per-answer score scale (default 0; 1 for a 1–5 Likert scale).") var scaleMin: Double?
    @Option(help: "Other spellings of verdicts, e.g. 'model_a=1,model_b=2,both=tie'.") var verdictValues: String?
    @Option(help: "Response items rated on several criteria: the one to read, e.g. relevance.") var criterion: String?
    @Option(help: "Arena/MT-Bench judgments without conversations: the answers, one JSON object a line (question_id, model, answer).") var answers: String?
    @Option(help: "Arena/MT-Bench: the questions, one JSON object a line (question_id, turns), for judgments without conversations.") var questions: String?

    func mapping() throws -> FieldMapping {
        var mapping = FieldMapping()
        if let idField { mapping.id = idField == "-" ? nil : idField }
        if let questionField { mapping.question = questionField }
        if let answer1Field { mapping.answer1 = answer1Field }
        if let answer2Field { mapping.answer2 = answer2Field }
        if let categoryField { mapping.category = categoryField }
        if let explanationField { mapping.explanation = explanationField }
        if let labelForm {
            guard let form = LabelForm(rawValue: labelForm) else {
                throw ValidationError("--label-form must be scores, votes, winner or human_score")
            }
            mapping.labelForm = form
        }
        if let labelField {
            let fields = labelField.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            guard mapping.labelForm != nil else { throw ValidationError("--label-field needs --label-form") }
            guard fields.count == 1 || (fields.count == 2 && mapping.labelForm == .scores) else {
                throw ValidationError("--label-field takes one field, or two for scores")
            }
            mapping.labelFields = fields
        }
        if let scaleMin { mapping.scaleMin = scaleMin }
        if let scaleMax {
            guard scaleMax > 0 else { throw ValidationError("--scale-max must be above 0") }
            mapping.scaleMax = scaleMax
        }
        mapping.criterion = criterion
        mapping.answersPath = answers
        mapping.questionsPath = questions
        if let verdictValues {
            guard let aliases = FieldMapping.parseAliases(verdictValues) else {
                throw ValidationError("--verdict-values takes NAME=VERDICT pairs, e.g. 'A=1,B=2,same=tie'")
            }
            mapping.verdictAliases = aliases
        }
        return mapping
    }

    func load(_ file: String) throws -> Dataset {
        try DatasetLoader.load(path: file, format: from, mapping: mapping())
    }
}
