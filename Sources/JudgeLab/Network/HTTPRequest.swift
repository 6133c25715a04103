// A request body streamed from disk.

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
