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
            try ReportPublisher.publish(report, to: target, xml: RunEdges.live.xml)
            print("wrote \(RunLayout(directory: target).htmlReport), report.xml and metrics.json")
        }
    }
}

/// `judgelab diff RUN_A RUN_B`: what changed for the variants two runs share.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two run folders: every metric of their shared variants, a paired test on the items both judged, the items whose verdict flipped.",
        discussion: "For re-validating a judge prompt when the judge model changes or a template is edited. Variants are paired by name, or by --map A=B.")

    @Argument(help: "The earlier run folder.") var runA: String
    @Argument(help: "The later run folder.") var runB: String
    @Option(name: .customLong("map"), help: "Pair variant A of the first run with variant B of the second (repeatable): A=B.") var mapping: [String] = []
    @Option(help: "text, json or html.") var format: String = "text"
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func run() throws {
        try reportingInputErrors {
            guard ["text", "json", "html"].contains(format) else { throw ValidationError("--format is text, json or html") }
            let pairs = try mapping.map { text -> (String, String) in
                let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ValidationError("--map takes A=B") }
                return (parts[0], parts[1])
            }
            let reports = try [runA, runB].map { folder -> RunReport in
                let layout = RunLayout(directory: folder)
                for file in [layout.dataset, layout.judgments] where !FileManager.default.fileExists(atPath: file) {
                    throw InputError(file: folder, "not a complete run folder: it has no \(FilePath.name(file)) (judge into it with `judgelab run`, or give another folder)")
                }
                return try RunReport.load(runDirectory: folder)
            }
            let diff = try RunDiff(reports[0], reports[1], mapping: pairs)
            let text: String
            switch format {
            case "json": text = diff.json.prettyText + "\n"
            case "html": text = HTMLReport.render(diff)
            default: text = diff.text + "\n"
            }
            if let out {
                try AtomicFile.write(text, to: out)
                print("wrote \(out)")
            } else {
                print(text, terminator: "")
            }
        }
    }
}

/// `judgelab publish RESULTS --out SITE`: every run as a static site.
struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Write a static site of every run under a results folder: an index by study, each run's report, the diffs between consecutive runs, a trend of the best agreement.",
        discussion: "Self-contained like the reports: any static host serves it, and no page loads anything from elsewhere.")

    @Argument(help: "The results folder (run folders, or folders of them).") var results: String = "Results"
    @Option(help: "The site's folder.") var out: String

    func run() throws {
        try reportingInputErrors {
            let pages = try SitePublisher.publish(results: results, to: out, xml: RunEdges.live.xml)
            print("wrote \(pages.count) pages into \(out) (open \(FilePath.join(out, "index.html")))")
        }
    }
}
