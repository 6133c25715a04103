// The recorder: answers written to the journal and the cache as they arrive, in batches.
import Foundation
import Synchronization

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
    /// The endpoint refused the judge's key: its other requests are not sent.
    var refusedKey = false
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

extension Runner {
    /// Records a batch of deliveries for every task that shares each, durably, then counts them.
    static func record(_ batch: [Delivery], judges: [any Judge], store: any RunStore, ledger: RunLedger, backlog: CacheBacklog) throws {
        var replies: [FreshReply] = []
        var entries: [JournalEntry] = []
        for delivery in batch {
            switch delivery.result {
            case let .answered(reply):
                let first = delivery.tasks[0]
                // The request as sent; an in-process judge's has no body, so its canonical text stands in.
                let request = delivery.body.isEmpty ? first.request.canonicalText : String(decoding: delivery.body, as: UTF8.self)
                if first.cacheable { replies.append(FreshReply(hash: first.hash, request: request, reply: reply)) }
                for (index, task) in delivery.tasks.enumerated() {
                    entries.append(entry(task, reply: reply, paid: index == 0 ? reply.costUSD ?? 0 : 0, attempts: delivery.attempts,
                                         fromCache: index > 0))
                }
            case let .failed(_, detail):
                for task in delivery.tasks {
                    entries.append(JournalEntry(key: task.key, requestHash: task.hash, judgment: nil, paidUSD: 0,
                                                attempts: delivery.attempts, fromCache: false, finalError: detail))
                }
            }
        }
        try store.record(replies: backlog.add(replies), entries: entries)
        ledger.count(batch)
    }

    static func entry(_ task: RunTask, reply: CachedReply, paid: Double, attempts: Int, fromCache: Bool) -> JournalEntry {
        let parsed = task.parser.parse(reply.text)
        var reading = parsed.reading
        var distribution: VerdictDistribution?
        if task.verdictFromLogprobs {
            // The verdict is the most probable verdict token's, whatever the text went on to say.
            if let tokens = reply.logprobs.flatMap(TokenLogprobs.decode) {
                distribution = LogprobVerdict.read(tokens, kind: task.parser.kind, allowsTie: task.allowsTie, scale: task.pointwiseScale)
                // A pointwise score is the expected score (G-Eval's), a pair's the likeliest verdict.
                reading = (task.pointwiseScale != nil ? distribution?.expectedScore.map(JudgeReading.score) : distribution?.reading)
                    ?? .unparsed(task.parser.kind, reason: "no verdict token among the top log probabilities where the verdict is written")
            } else {
                reading = .unparsed(task.parser.kind, reason: "the reply carries no token log probabilities")
            }
        }
        var judgment = Judgment(item: task.key.item, variant: task.key.variant, order: task.key.order, output: reply.text,
                                reading: reading, reason: parsed.reason, inputTokens: reply.usage.inputTokens,
                                outputTokens: reply.usage.outputTokens, costUSD: reply.costUSD, latencyMS: reply.latencyMS)
        judgment.distribution = distribution
        judgment.sample = task.key.sample
        return JournalEntry(key: task.key, requestHash: task.hash, judgment: judgment, paidUSD: paid, attempts: attempts,
                            fromCache: fromCache, finalError: nil)
    }
}
