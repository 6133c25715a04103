// The bad-input corpus (Tests/Corpus/bad-input): every malformed file gets one clear error that
// names the file, the line and the field, exit status 2, and no output.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct BadInputCorpusTests {
    static let folder = Paths.root + "/Tests/Corpus/bad-input"

    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var kind: String
        var line: Int?
        var field: String?
        var says: String
        var arguments: [String]
        var testDescription: String { ([file] + arguments).joined(separator: " ") }
    }

    static let cases: [Case] = {
        guard let text = try? String(contentsOfFile: folder + "/MANIFEST.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Case(file: f[0], kind: f[1], line: Int(f[2]), field: f[3] == "-" ? nil : f[3], says: f[4],
                        arguments: f.count > 5 ? f[5].split(separator: " ").map(String.init) : [])
        }
    }()

    @Test func theCorpusHasAtLeastSixtyFiles() {
        #expect(Self.cases.count >= 60)
        #expect(Set(Self.cases.map(\.kind)) == ["data", "judgments", "study", "template", "run"])
    }

    @Test(arguments: cases)
    func oneLocatedErrorAndNothingWritten(_ bad: Case) throws {
        let work = try TemporaryFolder()
        let path = Self.folder + "/" + bad.file
        var arguments: [String]
        var errorFile = path
        let out = work.path + "/out.jsonl"
        switch bad.kind {
        case "data":
            arguments = ["data", "convert", path, "--out", out] + bad.arguments
        case "judgments":
            arguments = ["analyze", "--dataset", Self.folder + "/good-data.jsonl", "--judgments", path]
        case "study":
            arguments = ["variants", path]
        case "run":
            // A judged command: refused before anything is written or sent. `--estimate` and
            // `--optimize` (as `optimize --estimate` and `optimize`) refuse what `run` does.
            let command = bad.arguments.first == "--optimize" ? ["optimize"] : bad.arguments.first == "--estimate" ? ["estimate"] : ["run"]
            let extra = bad.arguments.first.map { ["--estimate", "--optimize"].contains($0) } == true ? Array(bad.arguments.dropFirst()) : bad.arguments
            arguments = command + [path] + (command == ["estimate"] ? [] : ["--out", out]) + extra
            if let field = bad.field, field.hasPrefix("--") { errorFile = field }
        default:  // a broken file in an otherwise sound copy of the shipped templates
            try FileManager.default.copyItem(atPath: Paths.root + "/PromptTemplates", toPath: work.path + "/templates")
            let relative = bad.file.split(separator: "/").dropFirst().joined(separator: "/")
            errorFile = work.path + "/templates/" + relative
            try FileManager.default.removeItem(atPath: errorFile)
            try FileManager.default.copyItem(atPath: path, toPath: errorFile)
            try FileManager.default.copyItem(atPath: Self.folder + "/good-data.jsonl", toPath: work.path + "/data.jsonl")
            let study = try work.write("study.yaml", "dataset: data.jsonl\ntemplates: templates\njudge: {model: m}\nvariants:\n  grid: {template: choice-ab}\n")
            arguments = ["variants", study]
        }
        let result = try JudgeLabBinary.run(arguments)
        #expect(result.status == 2, "\(bad.file): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        let message = String(lines.first ?? "")
        let location = "error: \(errorFile)" + (bad.line.map { ":\($0):" } ?? (errorFile.hasPrefix("--") ? ":" : ""))
        #expect(message.hasPrefix(location), "\(message)")
        if let field = bad.field, !field.hasPrefix("--") { #expect(message.contains("field '\(field)'"), "\(message)") }
        #expect(message.contains(bad.says), "\(message)")
        // A key written where it does not belong is refused without being repeated.
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        for key in text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" && $0 != "_" }) where key.hasPrefix("sk-") {
            #expect(!result.stderr.contains(key), "\(bad.file): the error repeats the key")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(result.stdout.isEmpty)
    }
}
