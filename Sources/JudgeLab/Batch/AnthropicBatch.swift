// Anthropic's Message Batches: the requests sent as one body (each a custom id and the Messages
// request's params), the batch polled until it has ended, its results read from `results_url`.
import Foundation

public struct AnthropicBatchService: BatchService {
    let baseURL: String
    let apiKey: String?
    let transport: any HTTPTransport
    let timeout: Double
    private let provider = AnthropicProvider()

    public let maxRequests: Int
    public let maxBytes: Int
    /// The batch file is the creation's body: {"requests": [line, line, …]}.
    public var framing: (head: [UInt8], separator: [UInt8], tail: [UInt8]) {
        (Array(#"{"requests":["#.utf8) + [0x0A], [0x2C, 0x0A], [0x0A] + Array("]}".utf8))
    }

    /// Anthropic's limits: 100,000 requests and 256 MB per batch.
    public init(baseURL: String, apiKey: String?, transport: any HTTPTransport, limits: BatchLimits, timeout: Double) {
        var base = baseURL.withoutFinalSlash
        if !base.hasSuffix("/v1") { base += "/v1" }
        self.baseURL = base
        self.apiKey = apiKey
        self.transport = transport
        self.timeout = max(timeout, 300)
        (maxRequests, maxBytes) = limits.within(requests: 100_000, bytes: 256 * 1_000_000)
    }

    var headers: [(name: String, value: String)] {
        var headers = [(name: "anthropic-version", value: AnthropicProvider.apiVersion)]
        if let apiKey, !apiKey.isEmpty { headers.append((name: "x-api-key", value: apiKey)) }
        return headers
    }

    func get(_ url: String) async -> HTTPOutcome {
        var request = HTTPRequest(url: url, headers: headers, body: [], timeout: timeout)
        request.method = .get
        return await transport.send(request)
    }

    public func line(customID: String, request: JudgeRequest) -> [UInt8] {
        var line = JSONWriter(capacity: request.bodyCapacity + 48)
        line.openObject()
        line.key("custom_id")
        line.string(customID)
        line.key("params")
        line.raw(provider.httpRequest(for: request, apiKey: nil, timeout: timeout).body)
        line.closeObject()
        return line.bytes
    }

    /// Nothing to upload: the file is the creation's body.
    public func upload(path: String, name: String) async -> BatchStep<String?> { .done(nil) }

    public func create(path: String, fileID: String?, token: String) async -> BatchStep<RemoteBatch> {
        var request = HTTPRequest(url: baseURL + "/messages/batches", headers: headers + [(name: "Content-Type", value: "application/json")],
                                  body: [], timeout: timeout)
        request.upload = .file(path: path)
        return json(await transport.send(request)) { reply in Self.batch(reply).map(BatchStep.done) ?? .retry("the reply is not a message batch", after: nil) }
    }

    /// Message batches carry no metadata: the one found is the newest created since `since`
    /// with as many requests, not already known. (Its results are checked against the run's
    /// own custom ids when read: a wrong guess answers nothing, and its requests are sent again.)
    public func find(token: String, since: Double, requests: Int, excluding: Set<String>) async -> BatchStep<RemoteBatch?> {
        await searchPages({ after in await get(baseURL + "/messages/batches?limit=100" + (after.map { "&after_id=" + $0 } ?? "")) }) { reply in
            guard case let .array(data)? = reply["data"] else { return .retry("the list of batches has no data", after: nil) }
            var oldest = Double.infinity
            for item in data {
                let created = item["created_at"]?.stringValue.flatMap(Self.unixTime) ?? 0
                oldest = min(oldest, created)
                let counts = item["request_counts"]
                let total = ["processing", "succeeded", "errored", "canceled", "expired"].reduce(0) { $0 + Int(counts?[$1]?.numberValue ?? 0) }
                if created >= since, total == requests, let batch = Self.batch(item), !excluding.contains(batch.id) {
                    return .done((batch, nil))
                }
            }
            let more = reply["has_more"] == .bool(true) && oldest >= since
            return .done((nil, more ? reply["last_id"]?.stringValue : nil))
        }
    }

    public func poll(_ id: String) async -> BatchStep<RemoteBatch> {
        json(await get(baseURL + "/messages/batches/" + id)) { reply in Self.batch(reply).map(BatchStep.done) ?? .retry("the reply is not a message batch", after: nil) }
    }

    public func download(_ batch: RemoteBatch, to prefix: String) async -> BatchStep<[String]> {
        await download(urls: batch.results, headers: headers, transport: transport, timeout: timeout, to: prefix)
    }

    /// Each line: `result` succeeded (the message, as the Messages API returns it), errored
    /// (an invalid request is not retried; other errors are), expired or canceled (retried).
    public func readResults(path: String, _ each: (String, ProviderReply) throws -> Void) throws {
        try LineReader.forEachResult(path: path) { line in
            guard let value = try? JSONParser.parse(line), let id = value["custom_id"]?.stringValue, let result = value["result"] else {
                return try each("", .permanent(reason: "a result line that is not JSON with a custom_id and a result"))
            }
            switch result["type"]?.stringValue {
            case "succeeded":
                let message = result["message"]?.compactBytes ?? []
                try each(id, provider.interpret(.response(status: 200, headers: HTTPHeaders(), body: message)))
            case "errored":
                let error = result["error"]?["error"] ?? result["error"]
                let kind = error?["type"]?.stringValue ?? "error"
                let message = "batch \(kind): \((error?["message"]?.stringValue ?? "").excerpt(200))"
                try each(id, kind == "invalid_request_error" ? .permanent(reason: message) : .retryable(reason: message, retryAfter: nil))
            case let other:
                try each(id, .retryable(reason: "batch request \(other ?? "without a result type")", retryAfter: nil))
            }
        }
    }

    static func batch(_ value: JSONValue) -> RemoteBatch? {
        guard let id = value["id"]?.stringValue, let status = value["processing_status"]?.stringValue else { return nil }
        if status == "ended" {
            return RemoteBatch(id: id, status: .ended(status), results: value["results_url"]?.stringValue.map { [$0] } ?? [])
        }
        return RemoteBatch(id: id, status: .running(status))
    }

    /// RFC 3339 time, with or without fractions of a second, as Unix time.
    static func unixTime(_ text: String) -> Double? {
        // The fraction apart: the formatter takes at most milliseconds, the API writes micro.
        var whole = text, fraction = 0.0
        if let dot = text.firstIndex(of: ".") {
            let end = text[text.index(after: dot)...].firstIndex { !$0.isASCII || !$0.isNumber } ?? text.endIndex
            fraction = Double("0" + text[dot..<end]) ?? 0
            whole = String(text[..<dot] + text[end...])
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: whole).map { $0.timeIntervalSince1970 + fraction }
    }
}
