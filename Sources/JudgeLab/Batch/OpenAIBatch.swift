// OpenAI's Batch API: the batch file uploaded through the Files API (purpose "batch"), a batch
// made of it for /v1/chat/completions within 24 hours, polled, its output and error files read.
import Foundation

public struct OpenAIBatchService: BatchService {
    let baseURL: String
    let apiKey: String?
    let transport: any HTTPTransport
    let timeout: Double
    private let provider = OpenAIProvider()
    /// Set on every batch, so that a batch whose creation was cut short can be found again.
    static let tokenKey = "judgelab_batch"

    public let maxRequests: Int
    public let maxBytes: Int
    public var framing: (head: [UInt8], separator: [UInt8], tail: [UInt8]) { ([], [0x0A], [0x0A]) }

    /// OpenAI's limits: 50,000 requests and 200 MB per batch file.
    public init(baseURL: String, apiKey: String?, transport: any HTTPTransport, limits: BatchLimits, timeout: Double) {
        self.baseURL = baseURL.withoutFinalSlash
        self.apiKey = apiKey
        self.transport = transport
        self.timeout = max(timeout, 300)
        (maxRequests, maxBytes) = limits.within(requests: 50_000, bytes: 200 * 1_000_000)
    }

    var headers: [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let apiKey, !apiKey.isEmpty { headers.append((name: "Authorization", value: "Bearer " + apiKey)) }
        return headers
    }

    func get(_ path: String) async -> HTTPOutcome {
        var request = HTTPRequest(url: baseURL + path, headers: headers, body: [], timeout: timeout)
        request.method = .get
        return await transport.send(request)
    }

    func post(_ path: String, _ body: [UInt8]) async -> HTTPOutcome {
        await transport.send(HTTPRequest(url: baseURL + path, headers: headers + [(name: "Content-Type", value: "application/json")], body: body, timeout: timeout))
    }

    public func line(customID: String, request: JudgeRequest) -> [UInt8] {
        var line = JSONWriter(capacity: request.bodyCapacity + 96)
        line.openObject()
        line.key("custom_id")
        line.string(customID)
        line.key("method")
        line.string("POST")
        line.key("url")
        line.string("/v1/chat/completions")
        line.key("body")
        line.raw(provider.httpRequest(for: request, apiKey: nil, timeout: timeout).body)
        line.closeObject()
        return line.bytes
    }

    public func upload(path: String, name: String) async -> BatchStep<String?> {
        var request = HTTPRequest(url: baseURL + "/files", headers: headers, body: [], timeout: timeout)
        request.upload = .multipart(fields: [(name: "purpose", value: "batch")], field: "file", path: path, fileName: name, contentType: "application/jsonl")
        return json(await transport.send(request)) { reply in
            guard let id = reply["id"]?.stringValue else { return .retry("the upload's reply has no file id", after: nil) }
            return .done(id)
        }
    }

    public func create(path: String, fileID: String?, token: String) async -> BatchStep<RemoteBatch> {
        var body = JSONWriter(capacity: 256)
        body.openObject()
        body.key("input_file_id")
        body.string(fileID ?? "")
        body.key("endpoint")
        body.string("/v1/chat/completions")
        body.key("completion_window")
        body.string("24h")
        body.key("metadata")
        body.openObject()
        body.key(Self.tokenKey)
        body.string(token)
        body.closeObject()
        body.closeObject()
        return json(await post("/batches", body.bytes)) { reply in Self.batch(reply).map(BatchStep.done) ?? .retry("the reply is not a batch", after: nil) }
    }

    public func find(token: String, since: Double, requests: Int, excluding: Set<String>) async -> BatchStep<RemoteBatch?> {
        // Newest first, a page at a time, back to the time the creation was begun.
        await searchPages({ after in await get("/batches?limit=100" + (after.map { "&after=" + $0 } ?? "")) }) { reply in
            guard case let .array(data)? = reply["data"] else { return .retry("the list of batches has no data", after: nil) }
            for item in data {
                if item["metadata"]?[Self.tokenKey]?.stringValue == token, let batch = Self.batch(item), !excluding.contains(batch.id) {
                    return .done((batch, nil))
                }
            }
            let oldest = data.last?["created_at"]?.numberValue ?? 0
            let more = reply["has_more"] == .bool(true) && oldest >= since
            return .done((nil, more ? data.last?["id"]?.stringValue : nil))
        }
    }

    public func poll(_ id: String) async -> BatchStep<RemoteBatch> {
        json(await get("/batches/" + id)) { reply in Self.batch(reply).map(BatchStep.done) ?? .retry("the reply is not a batch", after: nil) }
    }

    public func download(_ batch: RemoteBatch, to prefix: String) async -> BatchStep<[String]> {
        await download(urls: batch.results.map { baseURL + "/files/" + $0 + "/content" }, headers: headers, transport: transport,
                       timeout: timeout, to: prefix)
    }

    /// An output or error file's lines: `response` with the status and body a request alone
    /// would have had, or `error` (expired, cancelled).
    public func readResults(path: String, _ each: (String, ProviderReply) throws -> Void) throws {
        try LineReader.forEachResult(path: path) { line in
            guard let value = try? JSONParser.parse(line), let id = value["custom_id"]?.stringValue else {
                return try each("", .permanent(reason: "a result line that is not JSON with a custom_id"))
            }
            if let response = value["response"], case let .number(status) = response["status_code"] ?? .null {
                let body = response["body"]?.compactBytes ?? []
                return try each(id, provider.interpret(.response(status: Int(status), headers: HTTPHeaders(), body: body)))
            }
            let code = value["error"]?["code"]?.stringValue ?? "error"
            let message = value["error"]?["message"]?.stringValue ?? "no response"
            try each(id, .retryable(reason: "batch \(code): \(message.excerpt(200))", retryAfter: nil))
        }
    }

    /// A batch object: id, status, and its output and error files once it has ended.
    static func batch(_ value: JSONValue) -> RemoteBatch? {
        guard let id = value["id"]?.stringValue, let status = value["status"]?.stringValue else { return nil }
        switch status {
        case "completed", "expired", "cancelled":
            let files = [value["output_file_id"]?.stringValue, value["error_file_id"]?.stringValue].compactMap { $0 }
            return RemoteBatch(id: id, status: .ended(status), results: files)
        case "failed":
            var reasons: [String] = []
            if case let .array(errors)? = value["errors"]?["data"] {
                reasons = errors.compactMap { error in error["message"]?.stringValue.map { m in error["line"]?.numberValue.map { "line \(Int($0)): \(m)" } ?? m } }
            }
            return RemoteBatch(id: id, status: .failed("the batch failed validation" + (reasons.isEmpty ? "" : ": " + reasons.prefix(3).joined(separator: "; "))))
        default:
            return RemoteBatch(id: id, status: .running(status))
        }
    }
}
