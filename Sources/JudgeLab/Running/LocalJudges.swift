// Judges that need no model: recorded outputs replayed, and baselines. They answer through the
// same runner, journal, parsers, metrics and reports as a live endpoint, at no cost.
import Foundation

/// A reference judge that needs no model.
public enum Baseline: String, CaseIterable, Sendable {
    /// Prefers the longer answer (a known strong baseline).
    case longer
    /// Always a tie.
    case tie
    /// A seeded coin: first or second.
    case coin
    /// Always the answer presented first: a pure position-bias reference.
    case first
}

/// Where a variant's answers come from.
public enum JudgeSource: Equatable, Sendable {
    /// The study's endpoint.
    case live
    /// Recorded outputs, by item, variant and order.
    case replay
    case baseline(Baseline)
}

/// The provider of local judges: requests go to `judgelab-local:` URLs, which `LocalTransport`
/// answers in the OpenAI reply format.
public struct LocalProvider: JudgeProvider {
    public let source: JudgeSource
    public static let scheme = "judgelab-local:"

    public init(source: JudgeSource) {
        self.source = source
    }

    public var isLocal: Bool { true }

    public var name: String {
        switch source {
        case .live: return "live"
        case .replay: return "replay"
        case let .baseline(kind): return "baseline-" + kind.rawValue
        }
    }

    public func httpRequest(for request: JudgeRequest, apiKey: String?, timeout: Double) -> HTTPRequest {
        let subject = request.subject.map { [$0.variant, $0.item, $0.order.rawValue].joined(separator: "\t") } ?? ""
        return HTTPRequest(url: Self.scheme + "//" + name, headers: [(name: "X-JudgeLab-Subject", value: subject)], body: [], timeout: timeout)
    }

    public func interpret(_ outcome: HTTPOutcome) -> ProviderReply {
        OpenAIProvider().interpret(outcome)
    }
}

/// Answers local judges' requests from recordings and the items themselves; no socket.
public struct LocalTransport: HTTPTransport {
    let recordings: [JudgmentKey: String]
    let pairs: [String: Pair]
    let seed: UInt64

    /// - Parameters:
    ///   - recordings: raw outputs by (variant, item, order), e.g. from `judgelab import`.
    ///   - pairs: the items, for baselines that look at the answers.
    public init(recordings: [Judgment] = [], pairs: [Pair], seed: UInt64 = 1) {
        var byKey: [JudgmentKey: String] = [:]
        for judgment in recordings {
            byKey[JudgmentKey(variant: judgment.variant, item: judgment.item, order: judgment.order)] = judgment.output ?? ""
        }
        self.recordings = byKey
        self.pairs = Dictionary(pairs.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.seed = seed
    }

    public func send(_ request: HTTPRequest) async -> HTTPOutcome {
        let subject = request.headers.first { $0.name == "X-JudgeLab-Subject" }?.value.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) ?? []
        guard subject.count == 3, let order = PresentedOrder(rawValue: subject[2]) else {
            return Self.reply(status: 400, error: "a local judge's request names no judgment")
        }
        let key = JudgmentKey(variant: subject[0], item: subject[1], order: order)
        let kind = String(request.url.dropFirst(LocalProvider.scheme.count + 2))
        if kind == "replay" {
            guard let output = recordings[key] else {
                return Self.reply(status: 404, error: "no recording for variant '\(key.variant)', item '\(key.item)', \(key.order.rawValue) order")
            }
            return Self.reply(text: output)
        }
        guard kind.hasPrefix("baseline-"), let baseline = Baseline(rawValue: String(kind.dropFirst("baseline-".count))) else {
            return Self.reply(status: 400, error: "unknown local judge '\(kind)'")
        }
        guard let pair = pairs[key.item] else { return Self.reply(status: 404, error: "no item '\(key.item)'") }
        return Self.reply(text: answer(baseline, pair: pair, order: order))
    }

    /// A choice in the `choice-ab` form: A (the answer shown first), B, or tie.
    func answer(_ baseline: Baseline, pair: Pair, order: PresentedOrder) -> String {
        let (first, second) = order == .original ? (pair.answer1, pair.answer2) : (pair.answer2, pair.answer1)
        switch baseline {
        case .tie: return "tie"
        case .first: return "A"
        case .longer:
            let (a, b) = (first.count, second.count)
            return a == b ? "tie" : (a > b ? "A" : "B")
        case .coin:
            // Seeded by the seed, the item and the order: the same coin on every run.
            var hash: UInt64 = seed
            for byte in (pair.id + "\u{0}" + order.rawValue).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
            var generator = SeededGenerator(seed: hash)
            return generator.uniform(below: 2) == 0 ? "A" : "B"
        }
    }

    static func reply(text: String) -> HTTPOutcome {
        let body = JSONValue.object([
            ("choices", .array([.object([("message", .object([("role", "assistant"), ("content", .string(text))]))])])),
            ("usage", .object([("prompt_tokens", 0), ("completion_tokens", 0)])),
        ])
        return .response(status: 200, headers: [:], body: Array(body.compactText.utf8))
    }

    static func reply(status: Int, error: String) -> HTTPOutcome {
        .response(status: status, headers: [:], body: Array(JSONValue.object([("error", .object([("message", .string(error))]))]).compactText.utf8))
    }
}

/// Sends local judges' requests to `LocalTransport` and everything else to the network.
public struct RoutingTransport: HTTPTransport {
    let local: LocalTransport
    let network: (any HTTPTransport)?

    public init(local: LocalTransport, network: (any HTTPTransport)?) {
        self.local = local
        self.network = network
    }

    public func send(_ request: HTTPRequest) async -> HTTPOutcome {
        if request.url.hasPrefix(LocalProvider.scheme) { return await local.send(request) }
        guard let network else { return .failed("no network transport for \(request.url)") }
        return await network.send(request)
    }

    public func executor(forWorker index: Int) -> (any TaskExecutor)? {
        network?.executor(forWorker: index)
    }
}
