// The libcurl transport on its own, against the loopback fake judge, and the runner's hand-over
// of answers to its recorder thread.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTesting
import JudgeLabHTTP
import JudgeLabTestSupport

@Suite struct TransportTests {
    /// A chat completion request, addressed to `server` when one is given.
    static func chat(_ text: String, to server: FakeJudgeServer? = nil) -> HTTPRequest {
        let body = #"{"model":"m","messages":[{"role":"user","content":"\#(text)"}]}"#
        return HTTPRequest(url: server.map { $0.baseURL + "/chat/completions" } ?? "", headers: [("Content-Type", "application/json")],
                           body: Array(body.utf8), timeout: 20)
    }

    @Test func manyRequestsAtOnceOverSeveralLoopsAreEachAnsweredOnce() async throws {
        let server = try FakeJudgeServer(["--latency-ms", "50"])
        defer { server.stop() }
        let transport = CurlTransport(loops: 3)
        defer { transport.shutdown() }
        let count = 120
        let statuses = await withTaskGroup(of: Int.self) { group in
            for index in 0..<count {
                let request = Self.chat("question \(index)", to: server)
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

    @Test func aWorkerOnALoopStaysOnItsThreadAndWorkersAreSpreadOverTheLoops() async throws {
        let server = try FakeJudgeServer(["--latency-ms", "20"])
        defer { server.stop() }
        let transport = CurlTransport(loops: 3)
        defer { transport.shutdown() }
        let request = Self.chat("on a loop", to: server)
        // Six workers, each sending five requests: where does each run after every answer?
        let threads = await withTaskGroup(of: (Int, [pthread_t], [Int]).self) { group in
            for worker in 0..<6 {
                group.addTask(executorPreference: transport.executor(forWorker: worker)) {
                    var seen: [pthread_t] = [], statuses: [Int] = []
                    for _ in 0..<5 {
                        guard case let .response(status, _, _) = await transport.send(request) else { continue }
                        statuses.append(status)
                        seen.append(pthread_self())
                    }
                    return (worker, seen, statuses)
                }
            }
            return await group.reduce(into: [Int: ([pthread_t], [Int])]()) { $0[$1.0] = ($1.1, $1.2) }
        }
        #expect(threads.values.allSatisfy { $0.1 == [200, 200, 200, 200, 200] })
        let home = threads.mapValues { Set($0.0) }
        #expect(home.values.allSatisfy { $0.count == 1 })  // one thread per worker, answer after answer
        #expect(home[0] == home[3] && home[1] == home[4] && home[2] == home[5])  // worker i on loop i mod 3
        #expect(Set(home.values.flatMap { $0 }).count == 3)
        #expect(!home[0]!.contains(pthread_self()))  // a loop's thread, not the test's
        #expect(try await server.stats()["requests"]?.int == 30)
    }

    /// The loop leaves a finished request's socket registered with epoll (the next request on
    /// that kept-alive connection wants the same): when the server closes it while it is idle,
    /// the loop must let it go rather than wake for it again and again, and the next request
    /// must get a new connection (its socket often has the closed one's number).
    @Test func aConnectionTheServerClosesWhileIdleIsLetGoAndTheNextRequestGetsANewOne() async throws {
        let server = try FakeJudgeServer(["--idle-close-seconds", "0.1"])
        defer { server.stop() }
        let transport = CurlTransport(loops: 1)
        defer { transport.shutdown() }
        // CPU time of the loop's own thread, read on that thread.
        func loopCPUSeconds() async -> Double {
            await Task(executorPreference: transport.executor(forWorker: 0)) {
                var time = timespec()
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
                return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
            }.value
        }
        for round in 0..<4 {
            let request = Self.chat("idle \(round)", to: server)
            guard case let .response(status, _, _) = await transport.send(request) else {
                Issue.record("round \(round): no response")
                continue
            }
            #expect(status == 200)
            let before = await loopCPUSeconds()
            try await Task.sleep(for: .milliseconds(500))  // the server closes the connection after 0.1 s
            let spent = await loopCPUSeconds() - before
            #expect(spent < 0.1, "the loop spent \(spent) s of CPU while its only connection sat closed")
        }
        #expect(try await server.stats()["requests"]?.int == 4)
    }

    /// A file:// or ftp:// URL never reaches libcurl's other protocols: a base URL of
    /// `file:///…/secret.txt?` once read the file and printed it back (issue 28).
    @Test func onlyHTTPAndHTTPSLeaveTheProcess() async throws {
        let folder = try TemporaryFolder()
        let secret = try folder.write("secret.txt", "secret-of-this-machine")
        let transport = CurlTransport(loops: 1)
        defer { transport.shutdown() }
        for url in ["file://" + secret, "file://" + secret + "?", "ftp://127.0.0.1:9/x", "gopher://127.0.0.1:9/x"] {
            let outcome = await transport.send(HTTPRequest(url: url, headers: [], body: Array("{}".utf8), timeout: 5))
            if case let .response(_, _, body) = outcome {
                Issue.record("\(url) was answered: \(String(decoding: body, as: UTF8.self))")
            }
            #expect(!"\(outcome)".contains("secret-of-this-machine"), "\(url): \(outcome)")
        }
    }

    @Test func aRetryAfterHeaderIsReadAndARefusedConnectionIsReported() async throws {
        let server = try FakeJudgeServer(["--fault-rate", "1", "--faults", "429", "--max-faults-per-request", "1"])
        defer { server.stop() }
        let transport = CurlTransport(loops: 1)
        defer { transport.shutdown() }
        var request = Self.chat("limited", to: server)
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
        // The default: the first put is sparse and written by its caller, the rest pile up.
        let recorder = Recorder { batch in
            Thread.sleep(forTimeInterval: 0.01)  // a slow disk: puts pile up meanwhile
            log.lock.withLock { log.batches.append(batch.map(\.reservation)) }
        }
        for index in 1...50 { try recorder.put(delivery(index)) }
        try await recorder.finish()
        #expect(log.batches.flatMap { $0 } == (1...50).map(Double.init))
        #expect(log.batches.first == [1])
        #expect(log.batches.count < 50)  // what piled up went in together

        struct DiskFull: Error {}
        let failing = Recorder(sparse: nil) { _ in throw DiskFull() }
        try failing.put(delivery(1))  // the thread writes it, and fails later
        await #expect(throws: DiskFull.self) { try await failing.finish() }
        #expect(throws: DiskFull.self) { try failing.put(delivery(2)) }
    }

    @Test func headersAreFoundByNameInAnyCaseAndOnlyFromTheLastResponse() {
        var headers = HTTPHeaders()
        for line in ["HTTP/1.1 100 Continue\r\n", "Retry-After: 99\r\n", "\r\n",
                     "HTTP/1.1 429 Too Many Requests\r\n", "Content-Type:application/json\r\n", "RETRY-AFTER: \t 3 \r\n",
                     "retry-after: 4\r\n", "X-Empty:\r\n", "\r\n"] {
            headers.append(line: Array(line.utf8))
        }
        #expect(headers["retry-after"] == "3")  // the first of the last response's, trimmed
        #expect(headers["Content-Type"] == "application/json")
        #expect(headers["x-empty"] == "")
        #expect(headers["retry"] == nil && headers["after"] == nil && headers["content-length"] == nil)
        let literal: HTTPHeaders = ["Retry-After": "7"]
        #expect(literal["retry-after"] == "7")
    }

    @Test func cacheRowsAreDueThirtyTwoAtATimeAndTheRestAtTheEnd() {
        let backlog = CacheBacklog()
        let reply = { (index: Int) in
            FreshReply(hash: "h\(index)", request: "r", reply: CachedReply(text: "A", usage: Usage(), costUSD: nil, latencyMS: 1))
        }
        var due: [[String]] = []
        for index in 0..<70 {
            let written = backlog.add([reply(index)])
            if !written.isEmpty { due.append(written.map(\.hash)) }
        }
        #expect(due == [(0..<32).map { "h\($0)" }, (32..<64).map { "h\($0)" }])
        #expect(backlog.takeAll().map(\.hash) == (64..<70).map { "h\($0)" })
        #expect(backlog.takeAll().isEmpty)
    }

    @Test func aSparseAnswerIsWrittenByTheThreadThatPutItAndItsFailureThrowsAtOnce() async throws {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var batches: [[Double]] = []
            var threads: [pthread_t] = []
        }
        let delivery = { (index: Int) in
            Delivery(tasks: [], reservation: Double(index), attempts: 1, result: .failed(reason: "r", detail: "d"))
        }
        let log = Log()
        let recorder = Recorder(sparse: .zero) { batch in
            log.lock.withLock {
                log.batches.append(batch.map(\.reservation))
                log.threads.append(pthread_self())
            }
        }
        for index in 1...5 {
            let caller = pthread_self()
            try recorder.put(delivery(index))
            #expect(log.lock.withLock { log.threads.count == index && log.threads.last == caller })  // written before put returned
        }
        try await recorder.finish()
        #expect(log.batches == [[1], [2], [3], [4], [5]])

        struct DiskFull: Error {}
        let failing = Recorder(sparse: .zero) { _ in throw DiskFull() }
        #expect(throws: DiskFull.self) { try failing.put(delivery(1)) }
        #expect(throws: DiskFull.self) { try failing.put(delivery(2)) }
        await #expect(throws: DiskFull.self) { try await failing.finish() }
    }
}
