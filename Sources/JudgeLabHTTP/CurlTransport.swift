// HTTP over libcurl's multi interface: one event-loop thread drives every request at once.
import CCurl
import CCurlShim
import Foundation
import JudgeLab

/// Sends requests through one libcurl multi handle on a dedicated thread (not a thread per
/// request, not URLSession). Connections are kept alive and reused; HTTP/2 is used where a TLS
/// server offers it.
///
/// Thread-safety: the multi handle and every easy handle are touched only by the loop thread;
/// other threads hand work over through `pending`, under `lock`, and wake the loop with
/// `curl_multi_wakeup`, which libcurl allows from any thread.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var pending: [Exchange] = []
    private var stopping = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    /// One request in flight: its buffers and the continuation to resume.
    final class Exchange {
        let request: HTTPRequest
        let continuation: CheckedContinuation<HTTPOutcome, Never>
        var body: [UInt8] = []
        var headers: [String: String] = [:]
        var headerList: UnsafeMutablePointer<curl_slist>?
        var easy: UnsafeMutableRawPointer?

        init(request: HTTPRequest, continuation: CheckedContinuation<HTTPOutcome, Never>) {
            self.request = request
            self.continuation = continuation
        }
    }

    public init() {
        Curl.ensureInitialised()
        multi = curl_multi_init()!
        // Keep enough idle connections for high concurrency to reuse them.
        _ = jl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 1024)
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "judgelab-curl"
        self.thread = thread
        thread.start()
    }

    /// Stops the loop after the requests in flight finish. Call once, when done sending.
    public func shutdown() {
        lock.withLock { stopping = true }
        curl_multi_wakeup(multi)
        finished.wait()
        curl_multi_cleanup(multi)
    }

    public func send(_ request: HTTPRequest) async -> HTTPOutcome {
        await withCheckedContinuation { continuation in
            lock.withLock { pending.append(Exchange(request: request, continuation: continuation)) }
            curl_multi_wakeup(multi)
        }
    }

    private func loop() {
        var inFlight: [UnsafeMutableRawPointer: Exchange] = [:]
        while true {
            let (incoming, stop) = lock.withLock { () -> ([Exchange], Bool) in
                defer { pending.removeAll() }
                return (pending, stopping)
            }
            for exchange in incoming {
                if let easy = start(exchange) { inFlight[easy] = exchange }
            }
            if stop, inFlight.isEmpty, incoming.isEmpty { break }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                      let exchange = inFlight.removeValue(forKey: easy) else { continue }
                let outcome = outcome(of: exchange, code: message.pointee.data.result)
                curl_multi_remove_handle(multi, easy)
                curl_easy_cleanup(easy)
                curl_slist_free_all(exchange.headerList)
                exchange.continuation.resume(returning: outcome)
            }
            if running > 0 || !inFlight.isEmpty || lock.withLock({ pending.isEmpty }) {
                curl_multi_poll(multi, nil, 0, 1000, nil)
            }
        }
        finished.signal()
    }

    private static let writeBody: curl_write_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        data.withMemoryRebound(to: UInt8.self, capacity: length) { exchange.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
        return length
    }

    private static let writeHeader: curl_write_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) }
        if line.hasPrefix("HTTP/") {
            exchange.headers.removeAll()  // a new response (after 100 Continue or a redirect)
        } else if let colon = line.firstIndex(of: ":") {
            exchange.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return length
    }

    private func start(_ exchange: Exchange) -> UnsafeMutableRawPointer? {
        guard let easy = curl_easy_init() else {
            exchange.continuation.resume(returning: .failed("libcurl could not create a handle"))
            return nil
        }
        let context = Unmanaged.passUnretained(exchange).toOpaque()
        let request = exchange.request
        _ = jl_easy_setopt_string(easy, CURLOPT_URL, request.url)
        _ = jl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = jl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        _ = jl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        _ = jl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
        _ = jl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
        _ = jl_easy_setopt_long(easy, CURLOPT_POSTFIELDSIZE, request.body.count)
        request.body.withUnsafeBytes { bytes in
            // COPYPOSTFIELDS copies the body now, so its lifetime does not matter.
            _ = jl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
        }
        var list: UnsafeMutablePointer<curl_slist>?
        // No "Expect: 100-continue": it costs a round trip (or a one-second wait) per large body.
        for header in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            list = curl_slist_append(list, header)
        }
        exchange.headerList = list
        _ = jl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
        _ = jl_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, Self.writeBody)
        _ = jl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        _ = jl_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION, Self.writeHeader)
        _ = jl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
        _ = jl_easy_setopt_pointer(easy, CURLOPT_PRIVATE, context)
        exchange.easy = easy
        curl_multi_add_handle(multi, easy)
        return easy
    }

    private func outcome(of exchange: Exchange, code: CURLcode) -> HTTPOutcome {
        let message = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_OK:
            var status = 0
            _ = jl_easy_getinfo_long(exchange.easy, CURLINFO_RESPONSE_CODE, &status)
            return .response(status: status, headers: exchange.headers, body: exchange.body)
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
