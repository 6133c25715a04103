// Helpers shared by the tests: temporary folders, fixture paths, and running the real binary.
import Foundation
import JudgeLab

/// A fresh temporary folder, removed when the value goes away.
public final class TemporaryFolder {
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "judgelab-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes a file in the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    public var files: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted() ?? [] }
}

public enum Paths {
    /// The repository's root folder.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static let samples = root + "/Sources/JudgeLab/Resources/Samples"
    /// Public data the tests read, shipped in the repository (Tests/Data/README.md).
    public static let testData = root + "/Tests/Data"
}

/// The outcome of running the `judgelab` binary.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

public enum JudgeLabBinary {
    /// `judgelab`, built beside the test bundle (the test target depends on it).
    public static let path: String = {
        isolateTheUsersCache
        if let override = ProcessInfo.processInfo.environment["JUDGELAB_BIN"] { return override }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("judgelab").path
    }()

    /// No `judgelab` a test starts reads or writes the user's response cache: the test process's
    /// own cache folder ($XDG_CACHE_HOME) is a fresh temporary one, and $JUDGELAB_CACHE is unset
    /// (a child inherits both). Evaluated once, before the first child starts.
    private static let isolateTheUsersCache: Void = {
        let folder = NSTemporaryDirectory() + "judgelab-test-cache-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        setenv("XDG_CACHE_HOME", folder, 1)
        unsetenv(ResponseCache.variable)
    }()

    /// The environment of a `judgelab` a test starts: its response cache where the run folder's
    /// parent is (`--out`'s parent, or `Results/` in its working folder), as runs kept it before
    /// the cache was the user's, so that each test has a cache of its own and two commands of
    /// one test share theirs. A test that names $JUDGELAB_CACHE in `environment` keeps it.
    public static func environment(for arguments: [String], cwd: String?, _ environment: [String: String] = [:]) -> [String: String] {
        isolateTheUsersCache
        var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if environment[ResponseCache.variable] == nil {
            var out: String?
            for (index, argument) in arguments.enumerated() {
                if argument == "--out", index + 1 < arguments.count { out = arguments[index + 1] }
                if argument.hasPrefix("--out=") { out = String(argument.dropFirst(6)) }
            }
            let folder = cwd ?? FileManager.default.currentDirectoryPath
            let runFolder = out.map { $0.hasPrefix("/") ? $0 : folder + "/" + $0 } ?? folder + "/Results/run"
            merged[ResponseCache.variable] = FilePath.parent(runFolder) + "/cache.sqlite"
        }
        return merged
    }

    /// Starts `judgelab` in the background with its output discarded (for kill tests).
    public static func start(_ arguments: [String], cwd: String? = nil, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        process.environment = Self.environment(for: arguments, cwd: cwd, environment)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A shell command line, its status.
    @discardableResult
    public static func runShell(_ line: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", line]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    public static func run(_ arguments: [String], cwd: String? = nil, environment: [String: String] = [:]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        process.environment = Self.environment(for: arguments, cwd: cwd, environment)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a large output cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Any program: its status and its standard output and error together, read before waiting
/// so that a large output cannot block it.
public enum Program {
    public static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A Python script of the repository's (the reference implementations, the page checks), run
/// with `python3` from the PATH: its status and standard output.
public enum PythonScript {
    public static func run(_ script: String, _ arguments: [String] = [], input: String? = nil) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        let stdin = Pipe(), stdout = Pipe()
        if input != nil { process.standardInput = stdin }
        process.standardOutput = stdout
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }
}

/// Headless Chromium, through Tests/Support/report_screenshots.sh.
public enum Browser {
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") }

    /// Opens `page` at desktop and phone widths: true when it logged nothing to the console and
    /// asked for nothing beyond itself.
    public static func pageIsQuiet(_ page: String, shots: String) throws -> Bool {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: Paths.root + "/Tests/Support/report_screenshots.sh")
        check.arguments = [page, shots]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        return check.terminationStatus == 0
    }
}

/// The run and batch tests' study: data.jsonl (PandaLM's slice, in the folder already), its first
/// `items` items with a tenth of them as the few-shot pool, 3 variants in both orders.
public enum TestStudy {
    /// - Parameter judge: the judge's keys, each line indented by two spaces.
    public static func write(in folder: TemporaryFolder, file: String, name: String, items: Int, judge: String, extra: String) throws -> String {
        try folder.write(file, """
        name: \(name)
        dataset: data.jsonl
        templates: \(Paths.root)/PromptTemplates
        split: {fewshot_fraction: 0.1, seed: 3}
        sample: {first: \(items)}
        judge:
        \(judge)
        \(extra)
        variants:
          list:
            - {template: rating-1to9, order: both}
            - {template: choice-ab, order: both}
            - {template: rating-1to9, shots: 2, selection: balanced, order: both}
        """)
    }
}

/// Small values several test targets share.
public enum Fixtures {
    /// One valid native pair, as a JSONL line.
    public static let goodPair = #"{"id":"a","question":"Q?","answer_1":"x","answer_2":"y","winner":"1"}"#
    /// A judge request with every optional field set (seed, JSON mode, a system message).
    public static let request = JudgeRequest(provider: "openai", baseURL: "http://h/v1/", model: "m", temperature: 0.3, maxTokens: 50, seed: 7,
                                             jsonResponseFormat: true, messages: [ChatMessage(role: "system", content: "S"), ChatMessage(role: "user", content: "U")])
}
