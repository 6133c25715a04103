// The seam between the runner and the network: one HTTP exchange, asynchronously.

/// An HTTP request to send: a POST of `body` (a judge request), or, for the batch APIs, a GET,
/// a POST streamed from a file, and a response body streamed to a file.
public struct HTTPRequest: Sendable {
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Whole-exchange and connect time limits, in seconds.
    public var timeout: Double
    public var connectTimeout: Double
    public var method: HTTPMethod = .post
    /// The body read from a file as it is sent, in place of `body` (which is then empty).
    public var upload: HTTPUpload?
    /// A file the response body is written to as it arrives, in place of the outcome's `body`
    /// (an error status's body is kept in memory, for its message).
    public var downloadTo: String?

    public init(url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Double = 120, connectTimeout: Double = 10) {
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }
}

public enum HTTPMethod: Sendable {
    case get
    case post
}

/// A request body streamed from disk.
public enum HTTPUpload: Sendable {
    /// The file itself is the body.
    case file(path: String)
    /// multipart/form-data: text fields, then the file as `field` with `fileName`.
    case multipart(fields: [(name: String, value: String)], field: String, path: String, fileName: String, contentType: String)
}

/// A response's header lines, as received; looked up by name, ignoring case. Kept as bytes: a
/// response's headers are read once or not at all (the runner asks only for `retry-after`, on
/// errors), and making a dictionary of them for every response cost more than the lookups.
public struct HTTPHeaders: Sendable, ExpressibleByDictionaryLiteral {
    /// "Name: value" lines, each ending in "\r\n" or "\n".
    private var lines: [UInt8] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { append(line: Array("\(name): \(value)\r\n".utf8)) }
    }

    /// Adds one header line as received; a status line ("HTTP/…", a new response after a
    /// 100 Continue or a redirect) clears what came before. Concrete, not generic: a transport in
    /// another module calls it for every header line, and a generic call there is not specialised
    /// (it was 5% of a request's CPU at one request in flight).
    public mutating func append(line: UnsafeRawBufferPointer) {
        if line.count >= 5, line[0] == 0x48, line[1] == 0x54, line[2] == 0x54, line[3] == 0x50, line[4] == 0x2F {  // "HTTP/"
            if !lines.isEmpty { lines.removeAll(keepingCapacity: true) }
        } else {
            // Room for a reply's usual headers at once: line by line, the buffer reallocated
            // four or five times per reply.
            if lines.capacity == 0 { lines.reserveCapacity(512) }
            lines.append(contentsOf: line)
        }
    }

    /// Adds one header line as received (see `append(line:)` above).
    public mutating func append(line: [UInt8]) {
        line.withUnsafeBytes { append(line: $0) }
    }

    /// The value of the first header named `name` (any case), without surrounding white space.
    public subscript(name: String) -> String? {
        let wanted = Array(name.utf8).map(Self.lowercased)
        var start = 0
        while start < lines.count {
            var end = start
            while end < lines.count, lines[end] != 0x0A { end += 1 }
            if let colon = lines[start..<end].firstIndex(of: UInt8(ascii: ":")), colon - start == wanted.count,
               zip(lines[start..<colon], wanted).allSatisfy({ Self.lowercased($0) == $1 }) {
                var from = colon + 1, to = end
                while from < to, Self.isSpace(lines[from]) { from += 1 }
                while to > from, Self.isSpace(lines[to - 1]) { to -= 1 }
                return String(decoding: lines[from..<to], as: UTF8.self)
            }
            start = end + 1
        }
        return nil
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
}

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
}

extension HTTPTransport {
    public func executor(forWorker index: Int) -> (any TaskExecutor)? { nil }
}
