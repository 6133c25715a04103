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
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is "PORT <n>".
        var line = [UInt8]()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == 10 { break }
            line.append(first)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).replacingOccurrences(of: "PORT ", with: "")) else {
            process.terminate()
            throw InputError(file: "fake_judge_server.py", "did not start")
        }
        self.port = port
    }

    deinit { stop() }

    /// SIGKILL: a child started from a libdispatch worker thread inherits its blocked signal
    /// mask, so SIGTERM would stay pending for ever.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

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
