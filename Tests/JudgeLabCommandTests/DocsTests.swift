// The documentation cannot drift from the tool: every command shown in docs/ and the README runs.
import Foundation
import Testing
import JudgeLabTesting
import JudgeLabTestSupport

@Suite struct DocsTests {
    /// A command of a page's `sh` block: continuation lines joined, the comment dropped.
    struct Command: CustomStringConvertible {
        var page: String
        var line: Int
        var text: String
        var description: String { "\(page):\(line): \(text)" }
    }

    static func commands(page: String) throws -> [Command] {
        let lines = try String(contentsOfFile: Paths.root + "/" + page, encoding: .utf8).components(separatedBy: "\n")
        var commands: [Command] = []
        var inShell = false, pending: Command?
        for (index, raw) in lines.enumerated() {
            if raw.hasPrefix("```") {
                inShell = !inShell && raw == "```sh"
                continue
            }
            guard inShell else { continue }
            var text = raw
            // A comment starts at a # outside quotes; the docs' commands quote no #.
            if let hash = text.range(of: " #") ?? (text.hasPrefix("#") ? text.startIndex..<text.index(after: text.startIndex) : nil) {
                text = String(text[..<hash.lowerBound])
            }
            text = text.trimmingCharacters(in: .whitespaces)
            if var command = pending {
                command.text += " " + text
                pending = command
            } else if !text.isEmpty {
                pending = Command(page: page, line: index + 1, text: text)
            }
            if let command = pending, !command.text.hasSuffix("\\") {
                commands.append(command)
                pending = nil
            } else if var command = pending {
                command.text.removeLast()
                pending = command
            }
        }
        return commands
    }

    /// The pages in the order docs/README.md lists them (each follows on from the one before).
    static func pages() throws -> [String] {
        let index = try String(contentsOfFile: Paths.root + "/docs/README.md", encoding: .utf8)
        let links = try NSRegularExpression(pattern: #"\]\(([A-Za-z-]+\.md)\)"#)
        var pages: [String] = []
        for match in links.matches(in: index, range: NSRange(index.startIndex..., in: index)) {
            let page = "docs/" + String(index[Range(match.range(at: 1), in: index)!])
            if !pages.contains(page) { pages.append(page) }
        }
        return ["README.md"] + pages
    }

    @Test func everyCommandInTheDocsRunsInOrder() throws {
        let pages = try Self.pages()
        // Every page of docs/ is in the index, so none escapes this test.
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: Paths.root + "/docs").filter { $0.hasSuffix(".md") && $0 != "README.md" }
        #expect(Set(onDisk.map { "docs/" + $0 }) == Set(pages.dropFirst()), "docs/README.md must list every page")
        let server = try FakeJudgeServer()
        defer { server.stop() }
        let folder = try TemporaryFolder()
        // Run from a clone: the docs read the repository's Tests/Data and shipped samples.
        for top in ["Tests", "Sources"] {
            try FileManager.default.createSymbolicLink(atPath: folder.path + "/" + top, withDestinationPath: Paths.root + "/" + top)
        }
        let bin = URL(fileURLWithPath: JudgeLabBinary.path).deletingLastPathComponent().path
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["JUDGE_URL"] = server.baseURL
        environment["HOME"] = folder.path  // nothing a docs command writes lands outside the scratch folder
        environment["XDG_CACHE_HOME"] = nil  // the response cache where a user's is: ~/.cache/judgelab
        environment["JUDGELAB_CACHE"] = nil
        var ran = 0, made: [String] = []
        for page in pages {
            for command in try Self.commands(page: page) {
                if command.text.hasPrefix("make ") { made.append(command.text); continue }
                #expect(command.text.hasPrefix("judgelab "), "\(command): a docs command is judgelab or make")
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", command.text]
                process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
                process.environment = environment
                let err = Pipe()
                process.standardOutput = FileHandle.nullDevice
                process.standardError = err
                try process.run()
                let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "\(command) exited \(process.terminationStatus): \(stderr)")
                ran += 1
            }
        }
        // The README's make targets are CI's own (make test) and the demo's test; make live is the live suite's.
        #expect(Set(made) == ["make demo", "make test", "make live"], "\(made)")
        #expect(ran >= 20, "ran \(ran) commands")
    }
}
