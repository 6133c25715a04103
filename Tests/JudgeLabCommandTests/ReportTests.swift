// The published report: its three files, its numbers, its safety with hostile data, and its size.
import Foundation
import Testing
@testable import JudgeLab
@testable import JudgeLabXML
import JudgeLabTestSupport

@Suite struct ReportTests {
    /// A run folder made by hand: items, judgments, and no study record.
    static func runFolder(_ folder: TemporaryFolder, pairs: [Pair], judgments: [Judgment]) throws -> String {
        let dir = folder.path + "/run"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AtomicFile.write(NativeFormat.text(pairs), to: dir + "/dataset.jsonl")
        try AtomicFile.write(JudgmentsFile.text(judgments), to: dir + "/judgments.jsonl")
        return dir
    }

    static func imported(_ folder: TemporaryFolder) throws -> String {
        let imported = try LLMBarImport.load(path: Paths.testData + "/llmbar/Dataset/LLMBar/Natural")
        return try runFolder(folder, pairs: imported.dataset.pairs, judgments: imported.judgments)
    }

    @Test
    func theReportWritesThreeValidFiles() throws {
        let folder = try TemporaryFolder()
        let dir = try Self.imported(folder)
        let result = try JudgeLabBinary.run(["report", dir, "--compare", "GPT-4/CoT,GPT-4/Vanilla"])
        #expect(result.status == 0, "\(result.stderr)")
        for file in ["report.html", "report.xml", "metrics.json"] { #expect(FileManager.default.fileExists(atPath: dir + "/" + file)) }
        let xml = try Data(contentsOf: URL(fileURLWithPath: dir + "/report.xml"))
        #expect(try XMLReportWriter.validate(file: dir + "/report.xml").isEmpty)
        #expect(try LibXML2.rootElementName(of: xml) == "report")
        #expect(try JudgeLabBinary.run(["report", "--validate", dir + "/report.xml"]).status == 0)
        // libxml2's own command-line checker agrees, when installed.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/xmllint") {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
            process.arguments = ["--noout", "--schema", Paths.root + "/Sources/JudgeLabXML/Resources/report-1.xsd", dir + "/report.xml"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let html = try Data(contentsOf: URL(fileURLWithPath: dir + "/report.html"))
        #expect(try LibXML2.rootElementName(of: html) == "html")  // well-formed, strictly parsed
        let text = String(decoding: html, as: UTF8.self)
        // LLMBar Natural's 100 pairs, GPT-4's recorded configurations: CoT 3 points behind Vanilla, not significant.
        #expect(text.contains("No significant difference between GPT-4/CoT and GPT-4/Vanilla: -3.0 points, 95% CI [-7.0, +0.0], p = 0.25"), "the known comparison")
        // Nothing loaded from elsewhere: no source attribute, no link out, no stylesheet import.
        #expect(!text.contains(" src=") && !text.contains("href=\"http") && !text.contains("url(") && !text.contains("@import"))
        #expect(!text.contains("<link") && !text.contains("<img"))
    }

    @Test
    func theNumbersOnThePageEqualAnalyze() throws {
        let folder = try TemporaryFolder()
        let dir = try Self.imported(folder)
        #expect(try JudgeLabBinary.run(["report", dir]).status == 0)
        let analyze = try JudgeLabBinary.run(["analyze", "--dataset", dir + "/dataset.jsonl", "--judgments", dir + "/judgments.jsonl", "--format", "json"])
        let json = try JSONValue.parse(Data(analyze.stdout.utf8))
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        let row = try NSRegularExpression(pattern: #"<tr data-variant="([^"]+)">(.*?)</tr>"#, options: [.dotMatchesLineSeparators])
        let cellValue = try NSRegularExpression(pattern: #"<td data-metric="([a-z_0-9]+)" data-value="([^"]*)"(?: data-hi="([^"]*)")?"#)
        guard case let .array(variants)? = json["variants"] else { Issue.record("no variants"); return }
        var checked = 0, independent = 0
        // The agreements as the independent implementation computes them (analyze runs the
        // report's own code).
        let reference = try ReferenceImplementationTests.referenceAgreements(dir)
        let ns = html as NSString
        for match in row.matches(in: html, range: NSRange(location: 0, length: ns.length)) {
            let name = ns.substring(with: match.range(at: 1)).replacingOccurrences(of: "&amp;", with: "&")
            let expected = try #require(variants.first { $0["variant"]?.stringValue == name })
            let body = ns.substring(with: match.range(at: 2)) as NSString
            for c in cellValue.matches(in: body as String, range: NSRange(location: 0, length: body.length)) {
                let metric = body.substring(with: c.range(at: 1))
                let shown = body.substring(with: c.range(at: 2))
                if metric == "agreement" {
                    #expect(abs((Double(shown) ?? -1) - (reference[name] ?? -2)) < 1e-9, "\(name): the page against the reference")
                    independent += 1
                }
                if metric == "agreement_ci" {
                    guard case let .array(bounds)? = expected["agreement_ci"] else { Issue.record("no CI"); continue }
                    #expect(Double(shown) == bounds[0].numberValue)
                    #expect(Double(body.substring(with: c.range(at: 3))) == bounds[1].numberValue)
                } else {
                    #expect(shown.isEmpty ? expected[metric] == .null : Double(shown) == expected[metric]?.numberValue, "\(name) \(metric)")
                }
                checked += 1
            }
        }
        // 6 variants × items, agreement, its CI and 8 more metrics: the columns no variant has a
        // value for (exact, within 1: these judges choose, they do not score; the leave-one-out
        // agreement: no item has three votes) are left out.
        #expect(checked == 6 * 11)
        #expect(independent == 6)
        #expect(!html.contains(">Exact</th>") && !html.contains(">Within 1</th>") && html.contains(">Agreement</th>"))
        // The page's order is analyze's ranking.
        let names = row.matches(in: html, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
        #expect(JSONValue.array(names.map(JSONValue.string)) == json["ranking"])
    }

    @Test func hostileDataRendersAsText() throws {
        let payloads = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>", "</textarea><b>bold</b>", "{{mustache}} & {{{triple}}}",
                        "']]></pre><script>alert(3)</script>", "\u{1}control\u{7}"]
        let pairs = payloads.enumerated().map { i, p in
            Pair(id: "x\(i)\(p)", question: "Q \(p)", answer1: "A1 \(p)", answer2: "A2 \(p)", label: .winner(.answer1), category: "cat \(p)", explanation: p)
        }
        let judgments = pairs.flatMap { pair in
            [Judgment(item: pair.id, variant: "v<script>", order: .original, output: "Output (b) \(pair.question)", reading: .choice(.second), reason: "because \(pair.answer2)"),
             Judgment(item: pair.id, variant: "v<script>", order: .swapped, output: "garbage \(pair.answer1)", reading: .unparsed(.choice, reason: "no verdict \(pair.answer1)")),
             Judgment(item: pair.id, variant: "w\"'", order: .original, output: "{{x}}", reading: .choice(.tie))]
        }
        let folder = try TemporaryFolder()
        let dir = try Self.runFolder(folder, pairs: pairs, judgments: judgments)
        try ReportPublisher.publish(try RunReport.load(runDirectory: dir), to: dir, xml: LibXML2ReportWriter())
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/report.html"))
        #expect(try LibXML2.rootElementName(of: data) == "html")
        let html = String(decoding: data, as: UTF8.self)
        #expect(html.components(separatedBy: "<script").count == 2)  // only the page's own script
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>bold"))
        #expect(!html.contains("</textarea>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("{{mustache}} &amp; {{{triple}}}"))
        #expect(!html.contains("\u{1}"))
        #expect(try XMLReportWriter.validate(file: dir + "/report.xml").isEmpty)
    }

    @Test func aFiveThousandItemReportStaysSmall() throws {
        let long = String(repeating: "A detailed answer with several sentences of text. ", count: 12)
        let pairs = (0..<5000).map { i in
            Pair(id: "p\(i)", question: "Question \(i): " + long, answer1: long + "\(i)", answer2: String(long.prefix(300)),
                 label: .votes([.answer1, i % 3 == 0 ? .tie : .answer2, .answer1]), category: "c\(i % 12)")
        }
        var judgments: [Judgment] = []
        for v in 0..<4 {
            for (i, pair) in pairs.enumerated() {
                for order in OrderPolicy.both.orders {
                    judgments.append(Judgment(item: pair.id, variant: "variant-\(v)", order: order, output: "{\"reason\": \"\(long.prefix(200))\", \"score\": \((i + v) % 9 + 1)}",
                                              reading: .score(Double((i * (v + 1) + (order == .original ? 0 : 3)) % 9 + 1)), costUSD: 0.0001 * Double(v + 1), latencyMS: 100))
                }
            }
        }
        let folder = try TemporaryFolder()
        let dir = try Self.runFolder(folder, pairs: pairs, judgments: judgments)
        try ReportPublisher.publish(try RunReport.load(runDirectory: dir), to: dir, xml: LibXML2ReportWriter())
        let size = try FileManager.default.attributesOfItem(atPath: dir + "/report.html")[.size] as! Int
        #expect(size < 5_000_000, "\(size) bytes")
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        #expect(html.contains("showing 100 of"))
        #expect(html.contains("The browser is capped"))
    }

    @Test func validateRejectsABrokenReport() throws {
        let folder = try TemporaryFolder()
        let bad = try folder.write("r.xml", "<?xml version=\"1.0\"?>\n<report version=\"2\" tool=\"x\" created=\"2026-01-01T00:00:00Z\">\n<run/>\n</report>\n")
        let result = try JudgeLabBinary.run(["report", "--validate", bad])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: \(bad):2: does not match the report schema"))
        let malformed = try folder.write("m.xml", "<report>\n<run>\n</report>")
        #expect(try JudgeLabBinary.run(["report", "--validate", malformed]).status == 2)
    }

    /// A writer whose document never validates: publishing must leave no file behind.
    struct RejectingWriter: XMLDocumentWriter {
        func write(to path: String, _ body: (any XMLEventSink) throws -> Void) throws {
            try LibXML2ReportWriter().write(to: path, body)
        }
        func problems(inFile path: String) throws -> [String] { ["line 3: made up"] }
    }

    @Test func anInvalidReportLeavesNoFileAndItemsComeInDataSetOrder() throws {
        let pairs = (0..<6).map { Pair(id: "p\($0)", question: "q", answer1: "a", answer2: "b", label: .winner(.answer1)) }
        // Variant "w" judges the later items first, and only some of them.
        let judgments = [4, 2, 5].map { Judgment(item: "p\($0)", variant: "w", order: .original, reading: .choice(.first)) }
            + (0..<6).map { Judgment(item: "p\($0)", variant: "v", order: .original, reading: .choice(.second)) }
        let folder = try TemporaryFolder()
        let dir = try Self.runFolder(folder, pairs: pairs, judgments: judgments)
        let out = folder.path + "/new/reports"
        #expect(throws: InputError.self) { try ReportPublisher.publish(try RunReport.load(runDirectory: dir), to: out, xml: RejectingWriter()) }
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["dataset.jsonl", "judgments.jsonl"])

        try ReportPublisher.publish(try RunReport.load(runDirectory: dir), to: dir, xml: LibXML2ReportWriter())
        let xml = try String(contentsOfFile: dir + "/report.xml", encoding: .utf8)
        let ids = xml.components(separatedBy: "<item id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(ids == (0..<6).map { "p\($0)" })
        #expect(xml.components(separatedBy: "<judgment ").count - 1 == 9)
        #expect(try XMLReportWriter.validate(file: dir + "/report.xml").isEmpty)
    }

    /// A folder the reports cannot go to is one line naming it, exit 2, nothing else on
    /// standard error. Before: Foundation's error dump (exit 1), or libxml2's own "I/O error"
    /// lines and "line 0: cannot write …/.report.xml.tmp-PID".
    @Test func anUnwritableReportFolderIsOneLine() throws {
        let folder = try TemporaryFolder()
        let dir = try Self.imported(folder)
        let file = try folder.write("a-file", "x")
        let underAFile = try JudgeLabBinary.run(["report", dir, "--out", file + "/reports"])
        #expect(underAFile.status == 2)
        #expect(underAFile.stderr == "error: \(file)/reports: the file system refused it: Not a directory\n")
    }

    /// A folder that exists but takes no file (as root too: sysfs refuses new files): libxml2's
    /// refusal, in one line.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel"), "no /sys/kernel here (sysfs), the folder that refuses files even to root"))
    func aFolderThatTakesNoFileIsOneLine() throws {
        let folder = try TemporaryFolder()
        let dir = try Self.imported(folder)
        let refused = try JudgeLabBinary.run(["report", dir, "--out", "/sys/kernel"])
        #expect(refused.status == 2)
        #expect(refused.stderr.hasPrefix("error: /sys/kernel/report.xml: cannot write here: "), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(!refused.stderr.contains("line 0") && !refused.stderr.contains("tmp"))
    }

    @Test func streamingValidationNamesTheLineOfEachProblem() throws {
        let folder = try TemporaryFolder()
        let bad = try folder.write("r.xml", "<?xml version=\"1.0\"?>\n<report version=\"1\" tool=\"x\" created=\"2026-01-01T00:00:00Z\">\n<run/>\n<nonsense/>\n</report>\n")
        let problems = try XMLReportWriter.validate(file: bad)
        #expect(!problems.isEmpty)
        #expect(problems.allSatisfy { $0.line >= 2 })
        let truncated = try folder.write("t.xml", "<?xml version=\"1.0\"?>\n<report version=\"1\">\n<run>\n")
        #expect(try !XMLReportWriter.validate(file: truncated).isEmpty)
        #expect(try !XMLReportWriter.validate(file: folder.path + "/missing.xml").isEmpty)
    }
}
