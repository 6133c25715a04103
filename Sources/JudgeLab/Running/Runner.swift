// Judges every (variant, item, order) of a study: cached answers first, then the network,
// never past the budget, recording each answer the moment it arrives.
import Foundation
import Synchronization

/// How a run talks to its judge.
public struct RunSettings: Sendable {
    public var provider: any JudgeProvider
    public var baseURL: String
    /// The API key's value. Sent in a header, never stored, logged or reported.
    public var apiKey: String?
    public var concurrency: Int = 16
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    public var retry = RetryPolicy()
    public var timeout: Double = 120
    public var seed: Int?
    public var jsonResponseFormat = false
    public var maxCostUSD: Double?
    public var prices: PriceTable

    public init(provider: any JudgeProvider, baseURL: String, apiKey: String?, prices: PriceTable) {
        self.provider = provider
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.prices = prices
    }

    /// Removes the API key from text that came from a server or a model before it is kept.
    public func redact(_ text: String) -> String {
        guard let apiKey, apiKey.count >= 4 else { return text }
        return text.replacingOccurrences(of: apiKey, with: "[redacted]")
    }
}

/// One judgment to make: its key, its request and how to read the answer.
public struct RunTask: Sendable {
    public var key: JudgmentKey
    /// Who answers: the study's endpoint, or a local judge (replay, baseline).
    public var provider: any JudgeProvider
    public var request: JudgeRequest
    public var hash: String
    public var parser: OutputParser
    /// The most this request can cost; nil when the model has no price.
    public var maximumCost: Double?
}

/// What a run did.
public struct RunSummary: Sendable {
    public var total = 0
    public var answeredBefore = 0
    public var fromCache = 0
    /// Distinct requests that needed the network.
    public var toSend = 0
    /// HTTP exchanges made, retries included.
    public var requestsSent = 0
    public var answered = 0
    public var failed = 0
    public var retries = 0
    public var paidUSD = 0.0
    public var stoppedForBudget = false
    public var cancelled = false
    /// Wall time of the judging phase.
    public var seconds = 0.0
    /// CPU time (user + system) of the whole process during the judging phase.
    public var cpuSeconds = 0.0
    /// Failures by reason, for the user.
    public var failureReasons: [String: Int] = [:]

    public var complete: Bool { !stoppedForBudget && !cancelled && failed == 0 }
}

/// A flag a signal handler can set to stop a run cleanly.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    public init() {}
    public func set() { lock.withLock { value = true } }
    public var isSet: Bool { lock.withLock { value } }
}

/// Live counters for progress lines.
public struct RunProgress: Sendable {
    public var done: Int
    public var total: Int
    public var paidUSD: Double
    public var retries: Int
    public var failed: Int
    public var seconds: Double
}

public enum Runner {
    /// Every judgment of a plan, item by item (so that a stopped run has every variant's share).
    public static func tasks(for plan: StudyPlan, settings: RunSettings) throws -> [RunTask] {
        var tasks: [RunTask] = []
        let builders = try plan.variants.map { try PromptBuilder(variant: $0, library: plan.library) }
        for pair in plan.items {
            for builder in builders {
                let variant = builder.variant
                let local = variant.source != .live
                let provider: any JudgeProvider = local ? LocalProvider(source: variant.source) : settings.provider
                for order in variant.order.orders {
                    let key = JudgmentKey(variant: variant.name, item: pair.id, order: order)
                    let request = JudgeRequest(provider: provider.name, baseURL: local ? LocalProvider.scheme : settings.baseURL, model: variant.model,
                                               temperature: variant.temperature, maxTokens: variant.maxTokens, seed: settings.seed,
                                               jsonResponseFormat: settings.jsonResponseFormat && variant.template.parser.kind == .score,
                                               messages: try builder.messages(for: pair, order: order),
                                               // A recording answers one judgment: keep replayed variants apart in the cache.
                                               subject: key)
                    let price = local ? Price(input: 0, output: 0) : settings.prices.price(of: variant.model)
                    let sent = variant.source == .replay ? request.keyed(by: key) : request
                    tasks.append(RunTask(key: key, provider: provider, request: sent, hash: sent.hash, parser: variant.template.parser,
                                         maximumCost: price?.maximumCost(inputTokens: request.estimatedInputTokens, maxOutputTokens: variant.maxTokens)))
                }
            }
        }
        return tasks
    }

    /// What a run of `tasks` would do now: how many are answered, cached, and left to send.
    public static func estimate(_ tasks: [RunTask], store: (any RunStore)?) throws -> (answered: Int, cached: Int, toSend: [RunTask]) {
        let answered = try store?.answeredKeys() ?? []
        let open = tasks.filter { !answered.contains($0.key) }
        let replies = try store?.cachedReplies(forHashes: open.map(\.hash)) ?? [:]
        var cached = 0
        var seen = Set<String>()
        var toSend: [RunTask] = []
        for task in open {
            if replies[task.hash] != nil {
                cached += 1
            } else if seen.insert(task.hash).inserted {
                toSend.append(task)
            } else {
                cached += 1  // the same request as an earlier task: sent once, answered for both
            }
        }
        return (tasks.count - open.count, cached, toSend)
    }

    public static func run(_ tasks: [RunTask], settings: RunSettings, store: any RunStore, transport: any HTTPTransport,
                           cancel: CancellationFlag = CancellationFlag(),
                           progress: (@Sendable (RunProgress) -> Void)? = nil) async throws -> RunSummary {
        let started = ContinuousClock.now
        let cpuAtStart = Self.processCPUSeconds()
        let state = RunState(total: tasks.count, paid: try store.paidUSD(), cap: settings.maxCostUSD, started: started)
        var summary = RunSummary()
        summary.total = tasks.count
        if settings.maxCostUSD != nil, let unpriced = tasks.first(where: { $0.maximumCost == nil }) {
            throw InputError(file: "prices", field: unpriced.request.model,
                             "a budget is set but model '\(unpriced.request.model.excerpt())' has no price: add it under `prices:` in the study")
        }

        // Answered before (a resumed run): nothing to do. Cached: record without sending.
        let answered = try store.answeredKeys()
        let open = tasks.filter { !answered.contains($0.key) }
        summary.answeredBefore = tasks.count - open.count
        var groups: [(hash: String, tasks: [RunTask])] = []
        var groupIndex: [String: Int] = [:]
        var fromCache: [JournalEntry] = []
        let replies = try store.cachedReplies(forHashes: open.map(\.hash))
        for task in open {
            if let reply = replies[task.hash] {
                fromCache.append(entry(task, reply: reply, paid: 0, attempts: 0, fromCache: true, settings: settings))
                if fromCache.count == 500 {
                    try store.record(replies: [], entries: fromCache)
                    fromCache.removeAll(keepingCapacity: true)
                }
                summary.fromCache += 1
                continue
            }
            if let index = groupIndex[task.hash] {
                groups[index].tasks.append(task)
            } else {
                groupIndex[task.hash] = groups.count
                groups.append((task.hash, [task]))
            }
        }
        try store.record(replies: [], entries: fromCache)
        summary.toSend = groups.count
        state.setDone(summary.answeredBefore + summary.fromCache)
        progress?(state.snapshot())

        let limiter = settings.requestsPerMinute != nil || settings.tokensPerMinute != nil
            ? RateLimiter(requestsPerMinute: settings.requestsPerMinute, tokensPerMinute: settings.tokensPerMinute) : nil
        // Four times a second, and only for a caller that shows progress: each tick wakes a thread.
        let reporter = progress.map { progress in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    progress(state.snapshot())
                }
            }
        }
        defer { reporter?.cancel() }

        // C workers each send a request, hand its answer to the recorder and take the next: the
        // next request goes out without waiting for the disk or for any other task, and the
        // recorder commits whatever has arrived in one transaction (a burst of answers costs one
        // commit, not one each).
        let backlog = CacheBacklog()
        let recorder = Recorder { batch in try record(batch, settings: settings, store: store, state: state, backlog: backlog) }
        let dispatcher = Dispatcher(groups.map(\.tasks), state: state, cancel: cancel)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<min(max(1, settings.concurrency), groups.count) {
                    group.addTask(executorPreference: transport.executor(forWorker: worker)) {
                        do {
                            while let (tasks, reservation) = await dispatcher.next() {
                                let delivery = try await send(tasks, reservation: reservation, settings: settings, transport: transport,
                                                              limiter: limiter, state: state)
                                state.settle(delivery)
                                dispatcher.returned()
                                try recorder.put(delivery)  // throws if recording has failed (a full disk, say)
                            }
                        } catch {
                            dispatcher.abandon()  // no worker sends more, and none waits for ever
                            throw error
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await recorder.finish()
            try store.record(replies: backlog.takeAll(), entries: [])
        } catch {
            recorder.close()
            try? store.record(replies: backlog.takeAll(), entries: [])  // paid for: keep them if the disk allows
            throw error
        }
        summary.stoppedForBudget = dispatcher.stoppedForBudget
        summary.cancelled = dispatcher.cancelled
        let tally = state.tally
        summary.requestsSent = tally.requestsSent
        summary.answered = tally.answered
        summary.failed = tally.failed
        summary.retries = tally.retries
        summary.failureReasons = tally.failureReasons
        summary.paidUSD = try store.paidUSD()
        summary.seconds = (ContinuousClock.now - started).seconds
        summary.cpuSeconds = Self.processCPUSeconds() - cpuAtStart
        progress?(state.snapshot())
        return summary
    }

    /// Sends one distinct request, with retries, and says how it ended.
    static func send(_ tasks: [RunTask], reservation: Double, settings: RunSettings, transport: any HTTPTransport,
                     limiter: RateLimiter?, state: RunState) async throws -> Delivery {
        let first = tasks[0]
        let local = first.provider.isLocal
        let http = first.provider.httpRequest(for: first.request, apiKey: local ? nil : settings.apiKey, timeout: settings.timeout)
        var attempt = 0
        while true {
            attempt += 1
            try await limiter?.acquire(tokens: first.request.estimatedInputTokens + first.request.maxTokens)
            let start = ContinuousClock.now
            let outcome = await transport.send(http)
            let elapsed = ContinuousClock.now - start
            state.sent()
            switch first.provider.interpret(outcome) {
            case let .answer(text, usage):
                let cost = local ? 0 : settings.prices.price(of: first.request.model)?.cost(of: usage)
                let reply = CachedReply(text: settings.redact(text), usage: usage, costUSD: cost, latencyMS: elapsed.seconds * 1000)
                return Delivery(tasks: tasks, reservation: reservation, attempts: attempt, result: .answered(reply), body: http.body)
            case let .retryable(_, retryAfter) where attempt < settings.retry.maxAttempts:
                state.retried()
                let wait = settings.retry.delay(afterAttempt: attempt, retryAfter: retryAfter, jitter: Double.random(in: 0..<1))
                try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            case let .retryable(reason, _), let .permanent(reason):
                return Delivery(tasks: tasks, reservation: reservation, attempts: attempt,
                                result: .failed(reason: settings.redact(reason),
                                                detail: settings.redact(attempt > 1 ? "\(reason) (after \(attempt) attempts)" : reason)))
            }
        }
    }

    /// Records a batch of deliveries for every task that shares each, durably, then counts them.
    static func record(_ batch: [Delivery], settings: RunSettings, store: any RunStore, state: RunState, backlog: CacheBacklog) throws {
        var replies: [FreshReply] = []
        var entries: [JournalEntry] = []
        for delivery in batch {
            switch delivery.result {
            case let .answered(reply):
                let first = delivery.tasks[0]
                // The request as sent; a local judge's has no body, so its canonical text stands in.
                let request = delivery.body.isEmpty ? first.request.canonicalText : String(decoding: delivery.body, as: UTF8.self)
                replies.append(FreshReply(hash: first.hash, request: request, reply: reply))
                for (index, task) in delivery.tasks.enumerated() {
                    entries.append(entry(task, reply: reply, paid: index == 0 ? reply.costUSD ?? 0 : 0, attempts: delivery.attempts,
                                         fromCache: index > 0, settings: settings))
                }
            case let .failed(_, detail):
                for task in delivery.tasks {
                    entries.append(JournalEntry(key: task.key, requestHash: task.hash, judgment: nil, paidUSD: 0,
                                                attempts: delivery.attempts, fromCache: false, finalError: detail))
                }
            }
        }
        try store.record(replies: backlog.add(replies), entries: entries)
        state.count(batch)
    }

    /// User plus system CPU seconds of this process (getrusage).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func entry(_ task: RunTask, reply: CachedReply, paid: Double, attempts: Int, fromCache: Bool, settings: RunSettings) -> JournalEntry {
        let parsed = task.parser.parse(reply.text)
        let judgment = Judgment(item: task.key.item, variant: task.key.variant, order: task.key.order, output: reply.text,
                                reading: parsed.reading, reason: parsed.reason, inputTokens: reply.usage.inputTokens,
                                outputTokens: reply.usage.outputTokens, costUSD: reply.costUSD, latencyMS: reply.latencyMS)
        return JournalEntry(key: task.key, requestHash: task.hash, judgment: judgment, paidUSD: paid, attempts: attempts,
                            fromCache: fromCache, finalError: nil)
    }
}

/// How one distinct request ended, for every task that shares it.
struct Delivery: Sendable {
    enum Result: Sendable {
        case answered(CachedReply)
        /// `reason` groups failures for the user; `detail` (with the attempts) goes in the journal.
        case failed(reason: String, detail: String)
    }

    var tasks: [RunTask]
    /// The budget held for it until it comes back.
    var reservation: Double
    var attempts: Int
    var result: Result
    /// The HTTP body sent, kept beside the reply in the cache.
    var body: [UInt8] = []
}

/// Hands the run's distinct requests to its workers in order, each with its budget reserved.
/// When the budget cannot cover the next request while others are in flight, a worker waits for
/// one of them to come back (it may have cost less than reserved) and looks again; with none in
/// flight, the run stops for the budget.
final class Dispatcher: @unchecked Sendable {
    private let groups: [[RunTask]]
    private let state: RunState
    private let cancel: CancellationFlag
    private let lock = NSLock()
    private var index = 0
    private var inFlight = 0
    /// Counts returns, so that a worker never waits for one that has already happened.
    private var returns = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private(set) var stoppedForBudget = false
    private(set) var cancelled = false
    private var abandoned = false

    init(_ groups: [[RunTask]], state: RunState, cancel: CancellationFlag) {
        self.groups = groups
        self.state = state
        self.cancel = cancel
    }

    private enum Decision {
        case send([RunTask], Double)
        case stop
        case wait(afterReturns: Int)
    }

    /// The next request and its reservation; nil when there is nothing more to send.
    func next() async -> ([RunTask], Double)? {
        while true {
            let decision = lock.withLock { () -> Decision in
                guard index < groups.count, !stoppedForBudget, !abandoned else { return .stop }
                if cancel.isSet {
                    cancelled = true
                    return .stop
                }
                let tasks = groups[index]
                let reservation = tasks[0].maximumCost ?? 0
                if state.reserve(reservation) {
                    index += 1
                    inFlight += 1
                    return .send(tasks, reservation)
                }
                if inFlight == 0 {
                    stoppedForBudget = true
                    return .stop
                }
                return .wait(afterReturns: returns)
            }
            switch decision {
            case let .send(tasks, reservation): return (tasks, reservation)
            case .stop: return nil
            case let .wait(seen):
                await withCheckedContinuation { continuation in
                    let now = lock.withLock { () -> Bool in
                        if returns != seen { return true }
                        waiting.append(continuation)
                        return false
                    }
                    if now { continuation.resume() }
                }
            }
        }
    }

    /// A worker failed: nothing more is sent, and waiting workers stop.
    func abandon() {
        let woken = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            abandoned = true
            returns += 1
            defer { waiting.removeAll() }
            return waiting
        }
        for continuation in woken { continuation.resume() }
    }

    /// A request came back (and its reservation was settled).
    func returned() {
        let woken = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            inFlight -= 1
            returns += 1
            defer { waiting.removeAll() }
            return waiting
        }
        for continuation in woken { continuation.resume() }
    }
}

/// Records deliveries durably, in order, one transaction per batch.
///
/// Answers that come in bursts go to a thread of its own, which takes everything waiting at
/// once: a burst is one transaction, and the threads that send requests never wait for the disk.
/// A sparse answer (none other in the last `sparse` interval, and nothing being written) is
/// written at once by the thread that `put` it: a hand-off to the recorder thread would cost two
/// thread wake-ups for a batch of one. After a failure it records nothing more; `put` (from then
/// on, or at once for its own delivery) and `finish` throw it.
final class Recorder: @unchecked Sendable {
    private let condition = NSCondition()
    private let write: @Sendable ([Delivery]) throws -> Void
    private let sparse: Duration?
    private var waiting: [Delivery] = []
    /// A batch is being written, by the thread or by a `put`.
    private var writing = false
    private var lastPut: ContinuousClock.Instant?
    private var closed = false
    private var stopped = false
    private var failure: (any Error)?
    private var whenStopped: CheckedContinuation<Void, Never>?

    /// - Parameter sparse: an answer with none other this long before it is written by `put`
    ///   itself; nil: always by the thread. 50 ms: below 20 answers a second.
    init(sparse: Duration? = .milliseconds(50), _ write: @escaping @Sendable ([Delivery]) throws -> Void) {
        self.write = write
        self.sparse = sparse
        let thread = Thread { self.loop() }
        thread.name = "judgelab-recorder"
        thread.start()
    }

    func put(_ delivery: Delivery) throws {
        let now = ContinuousClock.now
        let here = try condition.withLock { () -> Bool in
            if let failure { throw failure }
            defer { lastPut = now }
            if let sparse, !writing, waiting.isEmpty, lastPut.map({ now - $0 >= sparse }) ?? true {
                writing = true
                return true
            }
            waiting.append(delivery)
            if !writing { condition.signal() }
            return false
        }
        guard here else { return }
        var failed: (any Error)?
        do { try write([delivery]) } catch { failed = error }
        condition.withLock {
            writing = false
            if let failed { failure = failed }
            // What arrived meanwhile is the thread's; otherwise it sleeps on, unwoken.
            if !waiting.isEmpty || closed { condition.signal() }
        }
        if let failed { throw failed }
    }

    /// No more puts; the thread records what is waiting, then ends.
    func close() {
        condition.withLock {
            closed = true
            condition.signal()
        }
    }

    /// Closes, waits until everything put is recorded, and throws the failure if there was one.
    func finish() async throws {
        close()
        await withCheckedContinuation { continuation in
            let now = condition.withLock { () -> Bool in
                if stopped { return true }
                whenStopped = continuation
                return false
            }
            if now { continuation.resume() }
        }
        if let failure = condition.withLock({ failure }) { throw failure }
    }

    private func loop() {
        while true {
            condition.lock()
            while (waiting.isEmpty && !closed) || writing { condition.wait() }
            let batch = waiting
            waiting.removeAll(keepingCapacity: true)
            let skip = failure != nil
            writing = !batch.isEmpty && !skip
            condition.unlock()
            if batch.isEmpty { break }  // closed, and nothing left
            if skip { continue }
            var failed: (any Error)?
            do { try write(batch) } catch { failed = error }
            condition.withLock {
                writing = false
                if let failed { failure = failed }
            }
        }
        let continuation = condition.withLock { () -> CheckedContinuation<Void, Never>? in
            stopped = true
            defer { whenStopped = nil }
            return whenStopped
        }
        continuation?.resume()
    }
}

/// Fresh replies on their way to the response cache. The journal is written at once: it is what
/// a resumed run trusts. The cache only saves later runs a request, so it is written 32 replies at
/// a time and at the end of the run, which halves the commits per answer when answers come one by
/// one. A crash can lose the last few replies from the cache, never from the journal.
final class CacheBacklog: Sendable {
    static let batch = 32
    private let waiting = Mutex<[FreshReply]>([])

    /// Adds `fresh`; returns what is due: everything waiting, once that is `batch` or more.
    func add(_ fresh: [FreshReply]) -> [FreshReply] {
        waiting.withLock { waiting in
            waiting += fresh
            guard waiting.count >= Self.batch else { return [] }
            defer { waiting.removeAll(keepingCapacity: true) }
            return waiting
        }
    }

    func takeAll() -> [FreshReply] {
        waiting.withLock { waiting in
            defer { waiting.removeAll() }
            return waiting
        }
    }
}

/// The run's shared counters and its budget ledger. A lock, not an actor: senders touch it on
/// every request, and a hop to an actor per request delays the next one.
final class RunState: Sendable {
    private struct Ledger {
        var paid: Double
        var reserved = 0.0
        var done = 0
        /// Requests sent, answered, failed and retried, and why they failed.
        var tally = RunSummary()
    }

    let total: Int
    let cap: Double?
    let started: ContinuousClock.Instant
    private let ledger: Mutex<Ledger>

    init(total: Int, paid: Double, cap: Double?, started: ContinuousClock.Instant) {
        self.total = total
        self.cap = cap
        self.started = started
        ledger = Mutex(Ledger(paid: paid))
    }

    var tally: RunSummary { ledger.withLock { $0.tally } }

    /// Reserves a request's maximum cost; false when it could take the spend past the cap.
    func reserve(_ amount: Double) -> Bool {
        ledger.withLock { ledger in
            if let cap, ledger.paid + ledger.reserved + amount > cap { return false }
            ledger.reserved += amount
            return true
        }
    }

    /// Releases a delivery's reservation and counts what it cost, as soon as it arrives (before
    /// it is recorded), so that the budget always sees every request that has come back.
    func settle(_ delivery: Delivery) {
        ledger.withLock { ledger in
            ledger.reserved -= delivery.reservation
            if case let .answered(reply) = delivery.result { ledger.paid += reply.costUSD ?? 0 }
        }
    }

    /// Counts recorded deliveries as answered or failed.
    func count(_ batch: [Delivery]) {
        ledger.withLock { ledger in
            for delivery in batch {
                switch delivery.result {
                case .answered:
                    ledger.tally.answered += delivery.tasks.count
                case let .failed(reason, _):
                    ledger.tally.failed += delivery.tasks.count
                    ledger.tally.failureReasons[reason, default: 0] += delivery.tasks.count
                }
                ledger.done += delivery.tasks.count
            }
        }
    }

    func setDone(_ value: Int) { ledger.withLock { $0.done = value } }
    func sent() { ledger.withLock { $0.tally.requestsSent += 1 } }
    func retried() { ledger.withLock { $0.tally.retries += 1 } }

    func snapshot() -> RunProgress {
        ledger.withLock { ledger in
            RunProgress(done: ledger.done, total: total, paidUSD: ledger.paid, retries: ledger.tally.retries, failed: ledger.tally.failed,
                        seconds: (ContinuousClock.now - started).seconds)
        }
    }
}

extension Duration {
    /// The duration in seconds, with its fraction.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
