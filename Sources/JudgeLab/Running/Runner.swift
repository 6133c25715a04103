// The run loop: every open judgment of a study, cached answers first, then the judges, never
// past the budget, recording each answer the moment it arrives.
import Foundation

public enum Runner {
    /// Runs `tasks` through `judges` (each task names its judge), recording into `store`.
    /// - Parameters:
    ///   - clock: rate limits, retry waits, latencies and the wall time are read from it.
    ///   - random: the retries' jitter.
    public static func run(_ tasks: [RunTask], judges: [any Judge], settings: RunSettings, store: any RunStore,
                           clock: any RunClock = SystemClock(), random: any RandomSource = SystemRandom(),
                           cancel: CancellationFlag = CancellationFlag(),
                           progress: (@Sendable (RunProgress) -> Void)? = nil) async throws -> RunSummary {
        let cpuAtStart = Self.processCPUSeconds()
        let ledger = RunLedger(total: tasks.count, paid: try store.paidUSD(), cap: settings.maxCostUSD, clock: clock)
        var summary = RunSummary()
        summary.total = tasks.count
        if settings.maxCostUSD != nil, let unpriced = tasks.first(where: { $0.maximumCost == nil }) {
            throw InputError(file: "prices", field: unpriced.request.model,
                             "a budget is set but model '\(unpriced.request.model.excerpt())' has no price: add it under `prices:` in the study")
        }
        let names = judges.map(\.name)
        if let orphan = tasks.first(where: { !names.contains($0.judge) }) {
            throw InputError(file: "run", field: "judge", "no judge '\(orphan.judge.excerpt())' for variant '\(orphan.key.variant.excerpt())'")
        }

        // Answered before (a resumed run): nothing to do. Cached: recorded without sending.
        let work = try RunWork(tasks, store: store)
        summary.answeredBefore = work.answeredBefore
        var fromCache: [JournalEntry] = []
        for (index, reply) in work.cached {
            fromCache.append(entry(tasks[index], reply: reply, paid: 0, attempts: 0, fromCache: true))
            if fromCache.count == 500 {
                try store.record(replies: [], entries: fromCache)
                fromCache.removeAll(keepingCapacity: true)
            }
        }
        try store.record(replies: [], entries: fromCache)
        summary.fromCache = work.cached.count
        summary.toSend = work.groups.count
        summary.skipped = work.skipped
        ledger.setDone(summary.answeredBefore + summary.fromCache)
        progress?(ledger.snapshot())

        let queues = work.queues(for: names)
        let limiters = judges.map { judge in
            judge.limits.requestsPerMinute != nil || judge.limits.tokensPerMinute != nil
                ? RateLimiter(requestsPerMinute: judge.limits.requestsPerMinute, tokensPerMinute: judge.limits.tokensPerMinute, clock: clock) : nil
        }
        // Four times a second, and only for a caller that shows progress: each tick wakes a thread.
        let reporter = progress.map { progress in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    progress(ledger.snapshot())
                }
            }
        }
        defer { reporter?.cancel() }

        // Each judge's workers (as many as its concurrency) send a request, hand its answer to the
        // recorder and take the next: the next request goes out without waiting for the disk or
        // for any other judge, and the recorder commits whatever has arrived in one transaction.
        let backlog = CacheBacklog()
        let recorder = Recorder { batch in try record(batch, judges: judges, store: store, ledger: ledger, backlog: backlog) }
        let dispatcher = Dispatcher(queues, ledger: ledger, cancel: cancel)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, judge) in judges.enumerated() {
                    let limiter = limiters[index]
                    for worker in 0..<min(max(1, judge.limits.concurrency), queues[index].count) {
                        group.addTask(executorPreference: judge.executor(forWorker: worker)) {
                            do {
                                while let (tasks, reservation) = await dispatcher.next(judge: index) {
                                    let delivery = try await send(tasks, reservation: reservation, judge: judge, prices: settings.prices,
                                                                  limiter: limiter, ledger: ledger, clock: clock, random: random, cancel: cancel)
                                    ledger.settle(delivery)
                                    // A refused key ends this judge's work: none of its requests is sent after it.
                                    if delivery.refusedKey, case let .failed(reason, _) = delivery.result { dispatcher.refuse(judge: index, reason: reason) }
                                    dispatcher.returned()
                                    try recorder.put(delivery)  // throws if recording has failed (a full disk, say)
                                }
                            } catch {
                                dispatcher.abandon()  // no worker sends more, and none waits for ever
                                throw error
                            }
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
        if let task = dispatcher.budgetBlocker, let cap = settings.maxCostUSD {
            summary.budgetBlocker = RunSummary.BudgetBlocker(item: task.key.item, variant: task.key.variant, maximumCost: task.maximumCost ?? 0,
                                                             inputTokens: task.request.estimatedInputTokens, maxTokens: task.request.maxTokens, cap: cap)
        }
        summary.cancelled = dispatcher.cancelled
        for (index, refusal) in dispatcher.refusals.sorted(by: { $0.key < $1.key }) {
            let name = judges[index].name
            summary.refusedJudges.append(RunSummary.Refusal(judge: name, keyVariable: settings.judge(named: name)?.apiKeyVariable,
                                                            reason: refusal.reason, notSent: refusal.notSent))
        }
        let tally = ledger.tally
        summary.requestsSent = tally.requestsSent
        summary.answered = tally.answered
        summary.failed = tally.failed
        summary.retries = tally.retries
        summary.failureReasons = tally.failureReasons
        summary.paidUSD = try store.paidUSD()
        summary.seconds = clock.now() - ledger.started
        summary.cpuSeconds = Self.processCPUSeconds() - cpuAtStart
        progress?(ledger.snapshot())
        return summary
    }

    /// Sends one distinct request, with retries, and says how it ended.
    /// Once the run is stopped (`cancel`), a failed attempt is not retried.
    static func send(_ tasks: [RunTask], reservation: Double, judge: any Judge, prices: PriceTable, limiter: RateLimiter?,
                     ledger: RunLedger, clock: any RunClock, random: any RandomSource, cancel: CancellationFlag = CancellationFlag()) async throws -> Delivery {
        let first = tasks[0]
        let retry = judge.limits.retry
        var attempt = 0
        while true {
            attempt += 1
            try await limiter?.acquire(tokens: first.request.estimatedInputTokens + first.request.maxTokens)
            let start = clock.now()
            let outcome = await judge.answer(first.request)
            let elapsed = clock.now() - start
            ledger.sent()
            switch outcome.reply {
            case let .answer(text, usage, logprobs):
                // A judge in the process costs nothing, unless it is a priced replay.
                let cost = judge.isPriced ? prices.price(of: first.request.model)?.cost(of: usage) : 0
                let reply = CachedReply(text: judge.redact(text), usage: usage, costUSD: cost, latencyMS: elapsed * 1000, logprobs: logprobs)
                return Delivery(tasks: tasks, reservation: reservation, attempts: attempt, result: .answered(reply), body: outcome.sent)
            case let .retryable(_, retryAfter) where attempt < retry.maxAttempts && !cancel.isSet:
                ledger.retried()
                try await clock.sleep(seconds: retry.delay(afterAttempt: attempt, retryAfter: retryAfter, jitter: random.next()))
            case let .retryable(reason, _), let .permanent(reason):
                return Delivery(tasks: tasks, reservation: reservation, attempts: attempt,
                                result: .failed(reason: judge.redact(reason),
                                                detail: judge.redact(attempt > 1 ? "\(reason) (after \(attempt) attempts)" : reason)))
            case let .unauthorized(reason):
                return Delivery(tasks: tasks, reservation: reservation, attempts: attempt,
                                result: .failed(reason: judge.redact(reason), detail: judge.redact(reason)), refusedKey: true)
            }
        }
    }

    /// User plus system CPU seconds of this process (getrusage).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}
