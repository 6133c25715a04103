// The seam between the batch runner and a provider's batch API: each step of a batch's life is
// one call, so that the runner can journal between them. OpenAI's is OpenAIBatch.swift,
// Anthropic's AnthropicBatch.swift; a provider with a batch API adds a file beside them and an
// arm to `ProviderKind.batchService`.
import Foundation

/// A batch as the provider reports it.
public struct RemoteBatch: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        /// Still being worked on; the provider's word for where it is.
        case running(String)
        /// Finished (completed, expired or cancelled): its results can be read, whatever they are.
        case ended(String)
        /// Refused as a whole (a file that did not validate): nothing in it was answered.
        case failed(String)
    }

    public var id: String
    public var status: Status
    /// Where its results are: the output and error files' ids (OpenAI), the results URL (Anthropic).
    public var results: [String]

    public init(id: String, status: Status, results: [String] = []) {
        self.id = id
        self.status = status
        self.results = results
    }
}

/// How one step went.
public enum BatchStep<Value: Sendable>: Sendable {
    case done(Value)
    /// Worth trying again (a rate limit, a server error, a dropped connection).
    case retry(String, after: Double?)
    /// Not worth trying again: the provider's message.
    case failed(String)
}

/// A provider's batch API.
public protocol BatchService: Sendable {
    /// The provider's own limits per batch: requests and bytes of the batch's file.
    var maxRequests: Int { get }
    var maxBytes: Int { get }
    /// How a batch file is put together: before the first request's line, between two, after the last.
    var framing: (head: [UInt8], separator: [UInt8], tail: [UInt8]) { get }
    /// A request's line in a batch file: the request exactly as it is sent alone, with its id.
    func line(customID: String, request: JudgeRequest) -> [UInt8]
    /// Uploads the batch file, if the provider takes files apart (OpenAI): its file id.
    func upload(path: String, name: String) async -> BatchStep<String?>
    /// Creates the batch. `token` is the run's name for it, kept with the batch where the API allows.
    func create(path: String, fileID: String?, token: String) async -> BatchStep<RemoteBatch>
    /// The batch a creation that may have happened made, found again after a crash: one created
    /// since `since` (Unix time) with `requests` requests, marked `token` where the API allows,
    /// and not one of `excluding`.
    func find(token: String, since: Double, requests: Int, excluding: Set<String>) async -> BatchStep<RemoteBatch?>
    func poll(_ id: String) async -> BatchStep<RemoteBatch>
    /// Saves each of the batch's result files as `prefix`-N.jsonl, streamed to disk: their paths.
    func download(_ batch: RemoteBatch, to prefix: String) async -> BatchStep<[String]>
    /// Calls `each` with every result of a downloaded file: its custom id and the reply, read as
    /// the synchronous API's reply would be. A line that cannot be read is reported with an
    /// empty id (and counted by the caller).
    func readResults(path: String, _ each: (String, ProviderReply) throws -> Void) throws
}

extension BatchService {
    /// An HTTP outcome as a batch step: 2xx read by `read`, 408/409/429/5xx and transport failures
    /// retried, other statuses failed with the server's message.
    func step<Value>(_ outcome: HTTPOutcome, _ read: ([UInt8]) -> BatchStep<Value>) -> BatchStep<Value> {
        switch outcome {
        case let .timedOut(message): return .retry("timed out: \(message)", after: nil)
        case let .connectionFailed(message): return .retry("connection failed: \(message)", after: nil)
        case let .failed(message): return .retry("transport error: \(message)", after: nil)
        case let .response(status, headers, body):
            if (200..<300).contains(status) { return read(body) }
            let message = OpenAIProvider.errorMessage(body) ?? "HTTP \(status)"
            if status == 408 || status == 409 || status == 429 || status >= 500 {
                return .retry("HTTP \(status): \(message)", after: headers["retry-after"].flatMap(RetryPolicy.parseRetryAfter))
            }
            return .failed("HTTP \(status): \(message)")
        }
    }

    /// A JSON body read by `read`; a body that is not JSON is retried.
    func json<Value>(_ outcome: HTTPOutcome, _ read: @escaping (JSONValue) -> BatchStep<Value>) -> BatchStep<Value> {
        step(outcome) { body in
            guard let value = try? JSONParser.parse(body) else { return .retry("the reply is not valid JSON (\(body.count) bytes)", after: nil) }
            return read(value)
        }
    }

    /// Looks through a list of batches a page at a time (newest first): `page` fetches the page
    /// after a cursor (nil: the first), `read` returns the batch it finds there, or the cursor
    /// of the next page to look at (nil: look no further).
    func searchPages(_ page: (String?) async -> HTTPOutcome,
                     _ read: @escaping (JSONValue) -> BatchStep<(RemoteBatch?, next: String?)>) async -> BatchStep<RemoteBatch?> {
        var after: String?
        while true {
            switch json(await page(after), read) {
            case let .done((found?, _)): return .done(found)
            case let .done((nil, next?)): after = next
            case .done((nil, nil)): return .done(nil)
            case let .retry(reason, delay): return .retry(reason, after: delay)
            case let .failed(reason): return .failed(reason)
            }
        }
    }

    /// Downloads each of `urls` to `prefix`-N.jsonl.
    func download(urls: [String], headers: [(name: String, value: String)], transport: any HTTPTransport, timeout: Double,
                  to prefix: String) async -> BatchStep<[String]> {
        var paths: [String] = []
        for (index, url) in urls.enumerated() {
            let path = "\(prefix)-\(index + 1).jsonl"
            var request = HTTPRequest(url: url, headers: headers, body: [], timeout: timeout)
            request.method = .get
            request.downloadTo = path
            switch step(await transport.send(request), { _ in BatchStep<Void>.done(()) }) {
            case .done: paths.append(path)
            case let .retry(reason, after): return .retry(reason, after: after)
            case let .failed(reason): return .failed(reason)
            }
        }
        return .done(paths)
    }
}

extension LineReader {
    /// Every line of a results file, through `LineReader`'s fixed buffer (memory stays the size of
    /// the longest line); nothing for an empty file.
    static func forEachResult(path: String, _ body: (ArraySlice<UInt8>) throws -> Void) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size > 0 else { return }
        try LineReader(path: path).forEachLine { _, line in
            if line.contains(where: { $0 != 0x20 && $0 != 0x09 }) { try body(line) }
            return true
        }
    }
}
