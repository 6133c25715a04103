// Starts the loopback fake judge (Tests/Support/fake_judge_server.py) for a test, and reads its counters.
import Foundation
import JudgeLab
import JudgeLabHTTP

/// A real HTTP server on 127.0.0.1, started by the test itself and stopped with it.
final class FakeJudgeServer {
    let process = Process()
    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    init(_ arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Paths.root + "/Tests/Support/fake_judge_server.py", "--port", "0", "--max-seconds", "300"] + arguments
        port = try ChildServer.start(process, name: "fake_judge_server.py")
    }

    deinit { stop() }

    func stop() { ChildServer.stop(process) }

    /// The server's counters: requests, ok (valid answers served), distinct_ok, faults.
    func stats() async throws -> JSONValue {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let outcome = await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/stats", headers: [], body: Array("{}".utf8), timeout: 5))
        guard case let .response(200, _, body) = outcome else { throw InputError(file: "stats", "no stats: \(outcome)") }
        return try JSONValue.parse(Data(body))
    }
}

extension JSONValue {
    var int: Int { Int(numberValue ?? -1) }
}
