// The seam between the runner and the network: one HTTP exchange, asynchronously.

/// An HTTP POST to send.
public struct HTTPRequest: Sendable {
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Whole-exchange and connect time limits, in seconds.
    public var timeout: Double
    public var connectTimeout: Double

    public init(url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Double = 120, connectTimeout: Double = 10) {
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }
}

/// What came back: a response (any status), or why none did.
public enum HTTPOutcome: Sendable {
    case response(status: Int, headers: [String: String], body: [UInt8])
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
}

extension HTTPTransport {
    public func executor(forWorker index: Int) -> (any TaskExecutor)? { nil }
}
