// The libcurl transport on its own, against the loopback fake judge, and the runner's hand-over
// of answers to its recorder thread.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabHTTP

@Suite struct TransportTests {
    static func chat(_ text: String) -> HTTPRequest {
        let body = #"{"model":"m","messages":[{"role":"user","content":"\#(text)"}]}"#
        return HTTPRequest(url: "", headers: [("Content-Type", "application/json")], body: Array(body.utf8), timeout: 20)
    }

    @Test func manyRequestsAtOnceOverSeveralLoopsAreEachAnsweredOnce() async throws {
        let server = try FakeJudgeServer(["--latency-ms", "50"])
        defer { server.stop() }
        let transport = CurlTransport(loops: 3)
        defer { transport.shutdown() }
        let count = 120
        let statuses = await withTaskGroup(of: Int.self) { group in
            for index in 0..<count {
                var request = Self.chat("question \(index)")
                request.url = server.baseURL + "/chat/completions"
                group.addTask {
                    guard case let .response(status, headers, body) = await transport.send(request) else { return -1 }
                    // Every answer arrives whole, with its headers read (names lowercased).
                    return headers["content-type"]?.hasPrefix("application/json") == true && (try? JSONValue.parse(Data(body))) != nil ? status : -2
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == count)
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect(try await server.stats()["requests"]?.int == count)
    }

    @Test func aRetryAfterHeaderIsReadAndARefusedConnectionIsReported() async throws {
        let server = try FakeJudgeServer(["--fault-rate", "1", "--faults", "429", "--max-faults-per-request", "1"])
        defer { server.stop() }
        let transport = CurlTransport(loops: 1)
        defer { transport.shutdown() }
        var request = Self.chat("limited")
        request.url = server.baseURL + "/chat/completions"
        guard case let .response(status, headers, _) = await transport.send(request) else {
            Issue.record("no response")
            return
        }
        #expect(status == 429)
        #expect(headers["retry-after"].flatMap(Double.init) != nil)

        request.url = "http://127.0.0.1:9/v1/chat/completions"  // nothing listens on the discard port
        guard case .connectionFailed = await transport.send(request) else {
            Issue.record("a refused connection was not reported as such")
            return
        }
    }

    @Test func theRecorderWritesEverythingInOrderAndReportsAFailure() async throws {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var batches: [[Double]] = []
        }
        let delivery = { (index: Int) in
            Delivery(tasks: [], reservation: Double(index), attempts: 1, result: .failed(reason: "r", detail: "d"))
        }
        let log = Log()
        let recorder = Recorder { batch in
            Thread.sleep(forTimeInterval: 0.01)  // a slow disk: puts pile up meanwhile
            log.lock.withLock { log.batches.append(batch.map(\.reservation)) }
        }
        for index in 1...50 { try recorder.put(delivery(index)) }
        try await recorder.finish()
        #expect(log.batches.flatMap { $0 } == (1...50).map(Double.init))
        #expect(log.batches.count < 50)  // what piled up went in together

        struct DiskFull: Error {}
        let failing = Recorder { _ in throw DiskFull() }
        try failing.put(delivery(1))
        await #expect(throws: DiskFull.self) { try await failing.finish() }
        #expect(throws: DiskFull.self) { try failing.put(delivery(2)) }
    }
}
