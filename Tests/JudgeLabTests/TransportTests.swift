// The libcurl transport on its own, against the loopback fake judge, and the runner's hand-over
// of answers to its recorder.
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

    @Test func theRecorderTakesEverythingWaitingAtOnceAndStopsWhenClosed() async throws {
        let queue = DeliveryQueue()
        let delivery = { (index: Int) in
            Delivery(tasks: [], reservation: Double(index), attempts: 1, result: .failed(reason: "r", detail: "d"))
        }
        queue.put(delivery(1))
        queue.put(delivery(2))
        #expect(await queue.take()?.map(\.reservation) == [1, 2])
        // A taker waiting on an empty queue is woken by the next put.
        async let next = queue.take()
        try await Task.sleep(for: .milliseconds(50))
        queue.put(delivery(3))
        #expect(await next?.map(\.reservation) == [3])
        queue.put(delivery(4))
        queue.close()
        #expect(await queue.take()?.map(\.reservation) == [4])  // what was left, then nothing
        #expect(await queue.take() == nil)
    }
}
