// `judgelab report`: the HTML page, the XML and metrics.json of a run; or validate a report.xml.
import ArgumentParser
import Foundation
import JudgeLab
import JudgeLabXML

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write report.html, report.xml and metrics.json for a run folder, or check a report.xml against its schema.")

    @Argument(help: "The run folder (holding dataset.jsonl, judgments.jsonl and study.json).") var runDirectory: String?
    @Option(help: "Where to write the reports (default: the run folder).") var out: String?
    @Option(help: "Also compare two variants, A,B (repeatable).") var compare: [String] = []
    @Option(name: .customLong("validate"), help: "Validate this report.xml against the schema instead.") var validateFile: String?

    func validate() throws {
        guard (runDirectory == nil) != (validateFile == nil) else { throw ValidationError("give a run folder, or --validate FILE.xml") }
    }

    func run() throws {
        try reportingInputErrors {
            if let file = validateFile {
                _ = try LineReader(path: file).firstContentByte()  // exists, is a file, is not empty
                let problems = try XMLReportWriter.validate(file: file)
                guard problems.isEmpty else {
                    throw InputError(file: file, line: problems[0].line, "does not match the report schema: \(problems[0].message)"
                                     + (problems.count > 1 ? " (and \(problems.count - 1) more)" : ""))
                }
                print("\(file): valid (report schema version \(XMLReport.schemaVersion))")
                return
            }
            let pairs = try compare.map { text -> (String, String) in
                let parts = text.split(separator: ",", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--compare takes A,B") }
                return (parts[0], parts[1])
            }
            let report = try RunReport.load(runDirectory: runDirectory!, compare: pairs)
            let target = out ?? runDirectory!
            try ReportPublisher.publish(report, to: target, xml: LibXML2ReportWriter())
            print("wrote \(FilePath.join(target, "report.html")), report.xml and metrics.json")
        }
    }
}
