// The network seam: what a transport sends, and what comes back.

/// What came back: a response (any status), or why none did.
public enum HTTPOutcome: Sendable {
    case response(status: Int, headers: HTTPHeaders, body: [UInt8])
    case timedOut(String)
    case connectionFailed(String)
    case failed(String)
}

/// Sends HTTP requests. The real one is libcurl's multi interface (JudgeLabHTTP); everything
/// above it is testable without a socket.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async -> HTTPOutcome

    /// Where the runner's `index`th worker should run, or nil for Swift's global executor. A
    /// transport with event-loop threads runs each worker on one of them, so that an answer is
    /// handled on the thread it arrived on and the next request leaves from there: no hand-off
    /// between threads per request.
    func executor(forWorker index: Int) -> (any TaskExecutor)?

    /// Stops the transport's threads, if it has any; after it, nothing is sent.
    func shutdown()
}

extension HTTPTransport {
    public func executor(forWorker index: Int) -> (any TaskExecutor)? { nil }
    /// Stops the transport's threads, if it has any; after it, nothing is sent.
    public func shutdown() {}
}
