// HTTP over libcurl's multi interface: a few event-loop threads, each driving many requests at once.
import CCurl
import CCurlShim
import Foundation
import JudgeLab
import Synchronization

/// Sends requests through libcurl's multi interface (not a thread per request, not URLSession).
/// Connections are kept alive and reused; HTTP/2 is used where a TLS server offers it.
///
/// Requests are spread in turn over a few event loops, each a thread with its own multi handle
/// and connections: one loop works through a burst of answers one at a time, and at 256 in
/// flight that queue was the client's largest delay.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    private let loops: [CurlEventLoop]
    private let lock = NSLock()
    private var turn = 0

    /// `loops` event-loop threads. Four by default: at 256 requests in flight on two cores, four
    /// loops finished 5,000 judgments 20 ms sooner than two, and one took 70 ms longer (of 4.1 s).
    public init(loops: Int = 4) {
        Curl.ensureInitialised()
        // libcurl looks up the proxy variables for every request; with none set, saying "no
        // proxy" once is the same answer without the lookups.
        let environment = ProcessInfo.processInfo.environment
        let proxied = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"].contains { environment[$0] != nil }
        self.loops = (0..<max(1, loops)).map { CurlEventLoop(name: "judgelab-curl-\($0)", proxyFromEnvironment: proxied) }
    }

    public func send(_ request: HTTPRequest) async -> HTTPOutcome {
        // A worker running on a loop (see `executor(forWorker:)`) sends through that loop; any
        // other caller takes the loops in turn.
        let loop = loops.first(where: \.isCurrent) ?? lock.withLock {
            turn = (turn + 1) % loops.count
            return loops[turn]
        }
        return await loop.send(request)
    }

    /// Workers are spread over the loops; each runs on its loop's thread, where its answers
    /// arrive. At one request in flight, that is one thread doing everything, woken once per
    /// answer, where a hand-off to Swift's pool and back cost two more wake-ups.
    public func executor(forWorker index: Int) -> (any TaskExecutor)? {
        loops[index % loops.count]
    }

    /// Stops the loops after the requests in flight finish. Call once, when done sending.
    public func shutdown() {
        for loop in loops { loop.shutdown() }
    }
}

/// One event loop: a thread driving one libcurl multi handle.
///
/// It uses libcurl's multi_socket interface with epoll: libcurl says which sockets it waits on
/// (the socket callback) and when it next needs a timeout (the timer callback), and the loop
/// hands it only the sockets that are ready. Work per event is independent of how many requests
/// are in flight, where `curl_multi_perform` and `curl_multi_poll` walk every one of them each
/// time the loop wakes (at 256 in flight, that was most of the loop's CPU).
///
/// It is also a task executor: jobs enqueued on it run on the loop thread between events.
///
/// Thread-safety: the multi handle and every easy handle are touched only by the loop thread;
/// other threads hand work over through `pending` and `jobs`, under `lock`, and wake the loop
/// through an eventfd that epoll watches. Work queued from the loop thread itself needs no
/// wake-up: the loop looks at both queues before it waits.
final class CurlEventLoop: TaskExecutor, @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let epoll: Int32
    private let wakeup: Int32
    private let lock = NSLock()
    private var pending: [Exchange] = []
    private var jobs: [UnownedJob] = []
    /// The loop thread's pthread id, once it runs (0 before).
    private let threadID = Atomic<UInt>(0)
    private var stopping = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)
    /// When libcurl next wants `CURL_SOCKET_TIMEOUT` (its timer callback); nil for never. Loop thread only.
    private var deadline: ContinuousClock.Instant?
    /// Header lists by their lines, reused by every request with the same headers. Loop thread only.
    private var headerLists: [String: UnsafeMutablePointer<curl_slist>] = [:]
    /// The headers of the last request and their list (one of `headerLists`). Loop thread only.
    private var lastHeaders: (headers: [(name: String, value: String)], list: UnsafeMutablePointer<curl_slist>?)?
    /// The sockets registered with epoll, by number: 0 for none, else what for (CURL_POLL_IN,
    /// _OUT or _INOUT) plus `Self.wanted` while libcurl still waits on it. Loop thread only.
    /// A table, not a dictionary: socket numbers are small, and a lookup is an index.
    private var watched: [UInt8] = []
    private static let wanted: UInt8 = 0x10
    /// Whether libcurl should look for a proxy in the environment (one is set there).
    private let proxyFromEnvironment: Bool
    /// Easy handles of finished requests, with their shared options, for the next ones. Loop thread only.
    private var idle: [UnsafeMutableRawPointer] = []

    /// One request in flight: its buffers and the continuation to resume.
    final class Exchange {
        let request: HTTPRequest
        let continuation: UnsafeContinuation<HTTPOutcome, Never>
        var body: [UInt8] = []
        var headers = HTTPHeaders()
        var headerList: UnsafeMutablePointer<curl_slist>?
        var easy: UnsafeMutableRawPointer?
        /// For a GET, an upload or a download: the handle is not reused, and these are freed.
        var special = false
        var mime: OpaquePointer?
        var uploadFile: UnsafeMutablePointer<FILE>?
        var downloadFile: UnsafeMutablePointer<FILE>?
        var downloadFailed = false

        init(request: HTTPRequest, continuation: UnsafeContinuation<HTTPOutcome, Never>) {
            self.request = request
            self.continuation = continuation
        }
    }

    init(name: String, proxyFromEnvironment: Bool) {
        self.proxyFromEnvironment = proxyFromEnvironment
        multi = curl_multi_init()!
        epoll = jl_epoll_create()
        wakeup = jl_eventfd()
        precondition(epoll >= 0 && wakeup >= 0, "epoll and eventfd are needed for the HTTP loop")
        _ = jl_epoll_watch(epoll, wakeup, CURL_POLL_IN, 0)
        // Keep enough idle connections for high concurrency to reuse them.
        _ = jl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 1024)
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = jl_multi_setopt_socket_callback(multi, Self.watchSocket)
        _ = jl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context)
        _ = jl_multi_setopt_timer_callback(multi, Self.setTimer)
        _ = jl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context)
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = name
        self.thread = thread
        thread.start()
    }

    /// Stops the loop after the requests in flight finish.
    func shutdown() {
        lock.withLock { stopping = true }
        jl_eventfd_signal(wakeup)
        finished.wait()
        curl_multi_cleanup(multi)
        close(epoll)
        close(wakeup)
    }

    /// Whether the caller runs on this loop's thread.
    var isCurrent: Bool { threadID.load(ordering: .relaxed) == UInt(pthread_self()) }

    func send(_ request: HTTPRequest) async -> HTTPOutcome {
        // Unchecked: each exchange is resumed exactly once, when libcurl says it is done (or it
        // could not start); the checked kind costs an allocation and a check per request.
        await withUnsafeContinuation { continuation in
            let first = lock.withLock {
                pending.append(Exchange(request: request, continuation: continuation))
                return pending.count == 1
            }
            // One wake-up per batch: the loop takes everything pending when it wakes.
            if first && !isCurrent { jl_eventfd_signal(wakeup) }
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let first = lock.withLock {
            jobs.append(job)
            return jobs.count == 1
        }
        if first && !isCurrent { jl_eventfd_signal(wakeup) }
    }

    /// libcurl's socket callback: watch `socket` for what libcurl waits on.
    ///
    /// A socket libcurl no longer waits on stays registered: with keep-alive, the next request
    /// on that connection asks for the same again, and each request saves two `epoll_ctl` calls.
    /// An event on it meanwhile takes it out (see `loop`), and closing it forgets it (`closeSocket`).
    private static let watchSocket: curl_socket_callback = { _, socket, what, context, _ in
        guard let context else { return -1 }
        let transport = Unmanaged<CurlEventLoop>.fromOpaque(context).takeUnretainedValue()
        let current = transport.watchState(of: socket)
        if what == CURL_POLL_REMOVE {
            if current & wanted != 0 { transport.setWatchState(current & ~wanted, of: socket) }
            return 0
        }
        if Int32(current & ~wanted) != what {
            _ = jl_epoll_watch(transport.epoll, socket, what, current == 0 ? 0 : 1)
        }
        transport.setWatchState(UInt8(truncatingIfNeeded: what) | wanted, of: socket)
        return 0
    }

    /// What `socket` is registered for (see `watched`). Loop thread only.
    private func watchState(of socket: curl_socket_t) -> UInt8 {
        socket >= 0 && Int(socket) < watched.count ? watched[Int(socket)] : 0
    }

    private func setWatchState(_ state: UInt8, of socket: curl_socket_t) {
        guard socket >= 0 else { return }
        if Int(socket) >= watched.count {
            if state == 0 { return }
            watched += repeatElement(0, count: max(64, Int(socket) + 1 - watched.count))
        }
        watched[Int(socket)] = state
    }

    /// libcurl's close-socket callback: forgets `socket` (a closed socket leaves epoll by itself,
    /// and its number may come back for a new one), then closes it.
    private static let closeSocket: curl_closesocket_callback = { context, socket in
        if let context {
            Unmanaged<CurlEventLoop>.fromOpaque(context).takeUnretainedValue().setWatchState(0, of: socket)
        }
        return close(socket)
    }

    /// libcurl's timer callback: call back with `CURL_SOCKET_TIMEOUT` after `milliseconds` (-1: never).
    private static let setTimer: curl_multi_timer_callback = { _, milliseconds, context in
        guard let context else { return -1 }
        let transport = Unmanaged<CurlEventLoop>.fromOpaque(context).takeUnretainedValue()
        transport.deadline = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
        return 0
    }

    private func loop() {
        // Each exchange in flight is held by its handle (`CURLOPT_PRIVATE`, retained in `start`).
        var inFlight = 0
        let capacity: Int32 = 256
        var fds = [Int32](repeating: 0, count: Int(capacity))
        var flags = [Int32](repeating: 0, count: Int(capacity))
        var running: Int32 = 0
        var skipped = 0
        threadID.store(UInt(pthread_self()), ordering: .relaxed)
        let executor = asUnownedTaskExecutor()
        // The queues are swapped with these under the lock, emptied here and swapped back next
        // time: each keeps its storage, where copying them out and emptying them in place made
        // two new arrays every time the loop came round.
        var runnable: [UnownedJob] = []
        var incoming: [Exchange] = []
        while true {
            let stop = lock.withLock {
                swap(&runnable, &jobs)
                swap(&incoming, &pending)
                return stopping
            }
            for job in runnable { job.runSynchronously(on: executor) }
            for exchange in incoming {
                if start(exchange) { inFlight += 1 }
            }
            runnable.removeAll(keepingCapacity: true)
            incoming.removeAll(keepingCapacity: true)
            // Jobs just run may have queued more work on this thread, with no wake-up: then look
            // at the sockets without sleeping, and come back for it.
            let queued = lock.withLock { !jobs.isEmpty || !pending.isEmpty }
            if stop, inFlight == 0, !queued { break }

            var wait: Int32 = queued ? 0 : -1  // -1: until a socket, the eventfd or the timer
            if wait != 0, let deadline {
                let left = deadline - .now
                wait = left <= .zero ? 0 : Int32(min(60_000, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1))
            }
            // With work queued there is no need to sleep, and often none to look at the sockets
            // either: skip up to 8 looks in a row (it saved two system calls per request at C = 1).
            let events: Int32
            if wait == 0 && skipped < 8 {
                skipped += 1
                events = 0
            } else {
                skipped = 0
                events = jl_epoll_wait(epoll, &fds, &flags, capacity, wait)
            }
            for index in 0..<Int(max(0, events)) {
                if fds[index] == wakeup {
                    jl_eventfd_drain(wakeup)
                } else if case let state = watchState(of: fds[index]), state != 0, state & Self.wanted == 0 {
                    // Kept registered for its next request, but something happened first (the
                    // server closed it, say): stop watching it; libcurl checks it before reuse.
                    _ = jl_epoll_watch(epoll, fds[index], CURL_POLL_REMOVE, 1)
                    setWatchState(0, of: fds[index])
                } else {
                    curl_multi_socket_action(multi, fds[index], flags[index], &running)
                }
            }
            if let deadline, deadline <= .now {
                self.deadline = nil
                curl_multi_socket_action(multi, curl_socket_t(-1), 0, &running)  // CURL_SOCKET_TIMEOUT
            }

            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                var context: UnsafeMutableRawPointer?
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                      jl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &context) == CURLE_OK, let context else { continue }
                let exchange = Unmanaged<Exchange>.fromOpaque(context).takeRetainedValue()
                inFlight -= 1
                let outcome = outcome(of: exchange, code: message.pointee.data.result)
                curl_multi_remove_handle(multi, easy)
                curl_slist_free_all(exchange.headerList)
                if exchange.special {
                    exchange.finishTransfer()
                    curl_easy_cleanup(easy)
                    exchange.continuation.resume(returning: outcome)
                    continue
                }
                // Kept for the next request, with its options: a new handle each time was a
                // visible part of the loop's work per request.
                if idle.count < 256 {
                    idle.append(easy)
                } else {
                    curl_easy_cleanup(easy)
                }
                exchange.continuation.resume(returning: outcome)
            }
        }
        for easy in idle { curl_easy_cleanup(easy) }
        idle.removeAll()
        for list in headerLists.values { curl_slist_free_all(list) }
        headerLists.removeAll()
        lastHeaders = nil
        finished.signal()
    }

    private static let writeBody: curl_write_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        if let file = exchange.downloadFile {
            var status = 0
            _ = jl_easy_getinfo_long(exchange.easy, CURLINFO_RESPONSE_CODE, &status)
            if status == 200 {
                guard fwrite(data, 1, length, file) == length else {
                    exchange.downloadFailed = true
                    return 0  // the transfer stops with a write error
                }
                return length
            }
        }
        data.withMemoryRebound(to: UInt8.self, capacity: length) { exchange.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
        return length
    }

    private static let writeHeader: curl_write_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        // Kept as bytes; names and values are found only if someone asks (`HTTPHeaders`).
        exchange.headers.append(line: UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    /// A new easy handle with the options every request shares.
    private func newHandle() -> UnsafeMutableRawPointer? {
        guard let easy = curl_easy_init() else { return nil }
        _ = jl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        // Only HTTP and HTTPS, redirects included: libcurl itself refuses file://, ftp:// and the
        // rest, whatever URL reaches it.
        _ = jl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = jl_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        _ = jl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        _ = jl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        _ = jl_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, Self.writeBody)
        _ = jl_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION, Self.writeHeader)
        _ = jl_easy_setopt_closesocket_callback(easy, Self.closeSocket)
        _ = jl_easy_setopt_pointer(easy, CURLOPT_CLOSESOCKETDATA, Unmanaged.passUnretained(self).toOpaque())
        if !proxyFromEnvironment {
            _ = jl_easy_setopt_string(easy, CURLOPT_PROXY, "")
            _ = jl_easy_setopt_string(easy, CURLOPT_NOPROXY, "")
        }
        return easy
    }

    /// The header list for `headers`, built once per distinct set (a run sends the same few) and
    /// freed when the loop ends; past 64 sets, a list of the request's own (`owned`), to free
    /// when it is done. Loop thread only.
    private func headerList(_ headers: [(name: String, value: String)]) -> (list: UnsafeMutablePointer<curl_slist>?, owned: Bool) {
        // Most requests carry the same headers as the one before: compared field by field, that
        // costs no string building.
        if let last = lastHeaders, last.headers.count == headers.count,
           zip(last.headers, headers).allSatisfy({ $0.name == $1.name && $0.value == $1.value }) {
            return (last.list, false)
        }
        // No "Expect: 100-continue": it costs a round trip (or a one-second wait) per large body.
        let lines = headers.map { "\($0.name): \($0.value)" } + ["Expect:"]
        let key = lines.joined(separator: "\n")
        if let list = headerLists[key] {
            lastHeaders = (headers, list)
            return (list, false)
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines { list = curl_slist_append(list, line) }
        guard headerLists.count < 64 else { return (list, true) }
        headerLists[key] = list
        lastHeaders = (headers, list)
        return (list, false)
    }

    /// Hands `exchange` to libcurl; false if it could not (then it is already answered).
    private func start(_ exchange: Exchange) -> Bool {
        // A finished request's handle keeps its options: only the request's own are set again.
        guard let easy = idle.popLast() ?? newHandle() else {
            exchange.continuation.resume(returning: .failed("libcurl could not create a handle"))
            return false
        }
        // One pointer for libcurl's callbacks and for `loop`: the handle holds the exchange (a
        // retain) until it is done, and `loop` releases it then.
        let held = Unmanaged.passRetained(exchange)
        let context = held.toOpaque()
        let request = exchange.request
        exchange.easy = easy
        _ = jl_easy_setopt_string(easy, CURLOPT_URL, request.url)
        _ = jl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
        _ = jl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
        if request.method == .post && request.upload == nil && request.downloadTo == nil {
            _ = jl_easy_setopt_long(easy, CURLOPT_POSTFIELDSIZE, request.body.count)
            request.body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies the body now, so its lifetime does not matter.
                _ = jl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            }
        } else if let failure = exchange.prepareTransfer(easy) {
            held.release()
            exchange.finishTransfer()
            curl_easy_cleanup(easy)
            exchange.continuation.resume(returning: .failed(failure))
            return false
        }
        let (list, owned) = headerList(request.headers)
        if owned { exchange.headerList = list }
        _ = jl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
        _ = jl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        _ = jl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
        _ = jl_easy_setopt_pointer(easy, CURLOPT_PRIVATE, context)
        guard curl_multi_add_handle(multi, easy) == CURLM_OK else {
            held.release()
            if owned { curl_slist_free_all(list) }
            curl_easy_cleanup(easy)
            exchange.continuation.resume(returning: .failed("libcurl could not start the request"))
            return false
        }
        return true
    }

    private func outcome(of exchange: Exchange, code: CURLcode) -> HTTPOutcome {
        var message: String { String(cString: curl_easy_strerror(code)) }
        switch code {
        case CURLE_OK:
            var status = 0
            _ = jl_easy_getinfo_long(exchange.easy, CURLINFO_RESPONSE_CODE, &status)
            return .response(status: status, headers: exchange.headers, body: exchange.body)
        case CURLE_WRITE_ERROR where exchange.downloadFailed:
            return .failed("could not write \(exchange.request.downloadTo ?? "the download"): \(String(cString: strerror(errno)))")
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(message)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING,
             CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_SSL_CONNECT_ERROR:
            return .connectionFailed(message)
        default:
            return .failed(message)
        }
    }
}
