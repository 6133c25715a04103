// Starts the loopback test server (Tests/Support/fake_judge_server.py) for a test, and reads its counters.
import Foundation
import JudgeLab
import JudgeLabHTTP

/// A real HTTP server on 127.0.0.1 — JudgeLab's test server, speaking the OpenAI, Anthropic and
/// Gemini APIs with latency, faults and counters — started by the test itself and stopped with it.
public final class FakeJudgeServer {
    public let process = Process()
    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// The server's script, in the JudgeLab checkout this module was built from.
    public static let script: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/Tests/Support/fake_judge_server.py"
    }()

    /// - Parameter arguments: the server's options (`--latency-ms`, `--fault-rate`, … : see its `--help`).
    public init(_ arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, "--port", "0", "--max-seconds", "300"] + arguments
        port = try ChildServer.start(process, name: "fake_judge_server.py")
    }

    deinit { stop() }

    public func stop() { ChildServer.stop(process) }

    /// The server's counters: requests, ok (valid answers served), distinct_ok, faults.
    public func stats() async throws -> JSONValue {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let outcome = await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/stats", headers: [], body: Array("{}".utf8), timeout: 5))
        guard case let .response(200, _, body) = outcome else { throw InputError(file: "stats", "no stats: \(outcome)") }
        return try JSONValue.parse(Data(body))
    }
}

extension FakeJudgeServer {
    /// GET or POST on the server from this thread, through a child process (no awaiting: with
    /// the test pool's threads busy, an awaiting poll may resume too late to interrupt a run).
    public func blockingRequest(_ path: String, post body: JSONValue? = nil) throws -> JSONValue {
        let script = """
        import sys, urllib.request
        data = sys.argv[2].encode() if len(sys.argv) > 2 else None
        with urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=data, method="POST" if data else "GET"), timeout=5) as r:
            sys.stdout.write(r.read().decode())
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, "http://127.0.0.1:\(port)\(path)"] + (body.map { [$0.compactText] } ?? [])
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONValue.parse(data)
    }

    /// Tells the batch APIs to hold (`hold`, with a stage) or release held requests (`release`).
    public func control(_ action: String, _ body: [(String, JSONValue)]) throws {
        _ = try blockingRequest("/_control/" + action, post: .object(body))
    }

    /// Waits (at most 30 s) until a request hangs at `stage`.
    public func waitUntilHeld(_ stage: String) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let held = try? blockingRequest("/stats")["batch"]?["held"]?.stringValue, held == stage { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }
}

extension JSONValue {
    /// A counter of the server's stats as a whole number (-1 when it is not a number).
    public var int: Int { Int(numberValue ?? -1) }
}
