// The batch run: a judge's open judgments written as the provider's batch files, each batch
// journaled ahead of every step, polled until it ends, its results recorded as the runner
// records answers; what failed goes into a later batch, up to the judge's attempts.
import Foundation

public enum BatchRunner {
    /// What the run needs from its surroundings.
    public struct Context: Sendable {
        public var store: any BatchRunStore
        /// Where batch files and downloaded results are kept until their batch is recorded.
        public var folder: String
        public var clock: any RunClock = SystemClock()
        public var random: any RandomSource = SystemRandom()
        public var cancel = CancellationFlag()
        public var progress: (@Sendable (RunProgress) -> Void)?
        /// Unix time, for the journal's creation times (the clock above is for waits).
        public var wallTime: @Sendable () -> Double = { Date().timeIntervalSince1970 }

        public init(store: any BatchRunStore, folder: String) {
            self.store = store
            self.folder = folder
        }
    }

    /// Runs every task of `source` that `judge` answers through `service`.
    public static func run(_ source: TaskSource, judge: JudgeSettings, service: any BatchService, settings: RunSettings,
                           context: Context) async throws -> RunSummary {
        var run = try BatchRun(source: source, judge: judge, service: service, settings: settings, context: context)
        return try await run.execute()
    }
}

/// One batch judge's run: its state between steps.
struct BatchRun {
    let source: TaskSource
    let judge: JudgeSettings
    let service: any BatchService
    let settings: RunSettings
    let context: BatchRunner.Context
    var store: any BatchRunStore { context.store }

    var summary = RunSummary()
    let started: Double
    let cpuAtStart: Double
    /// Tasks answered before this run or during it (answered ones are never sent again).
    var answered: TaskBits
    /// Tasks in batches not done yet.
    var inFlight: TaskBits
    /// A request's tag → the task that sends it, for tasks in batches of this run.
    var leaders: [Int64: Int] = [:]
    /// Batches this run drives, in order.
    var open: [BatchRecord] = []
    var knownBatchIDs = Set<String>()
    /// Tries this run, per task that has failed at least once.
    var tries: [Int: Int] = [:]
    /// Failed tasks to put into a later batch.
    var retry: [Int] = []
    /// Tasks the budget could not cover yet: tried again once the open batches are done.
    var overBudget: [Int] = []
    /// Dollars paid so far (every run of the folder), and held for batches not done.
    var paid: Double
    var reserved: Double = 0
    /// Consecutive failed attempts at a batch's current step.
    var stepFailures: [String: Int] = [:]
    var done = 0

    init(source: TaskSource, judge: JudgeSettings, service: any BatchService, settings: RunSettings, context: BatchRunner.Context) throws {
        self.source = source
        self.judge = judge
        self.service = service
        self.settings = settings
        self.context = context
        started = context.clock.now()
        cpuAtStart = Runner.processCPUSeconds()
        // The journal's answered keys become a bit per task (the set is let go at once).
        answered = TaskBits(count: source.count)
        inFlight = TaskBits(count: source.count)
        let keys = try context.store.answeredKeys()
        if !keys.isEmpty {
            for index in 0..<source.count where keys.contains(source.key(at: index)) { answered.insert(index) }
        }
        paid = try context.store.paidUSD()
    }

    mutating func execute() async throws -> RunSummary {
        try FileManager.default.createDirectory(atPath: context.folder, withIntermediateDirectories: true)
        // The batches an earlier run left open are picked up where they are.
        for record in try store.batchRecords() {
            if let id = record.batchID { knownBatchIDs.insert(id) }
            guard record.judge == judge.name, record.isOpen else { continue }
            open.append(record)
            reserved += record.reservedUSD
            for member in try store.batchMembers(token: record.token) {
                inFlight.insert(member.task)
                if member.task == member.leader { leaders[member.tag] = member.task }
            }
        }
        var mine: [Int] = []
        for index in 0..<source.count where source.judge(at: index) == judge.name { mine.append(index) }
        summary.total = mine.count
        try submit(mine, first: true)
        report()
        while true {
            try await drive()
            guard !summary.cancelled, !overBudget.isEmpty else { break }
            // What the batches cost is known now: the budget may cover more.
            let again = overBudget, before = open.count
            overBudget.removeAll()
            summary.stoppedForBudget = false
            summary.budgetBlocker = nil
            try submit(again, first: false)
            if open.count == before { break }
        }
        summary.paidUSD = try store.paidUSD()
        summary.seconds = context.clock.now() - started
        summary.cpuSeconds = Runner.processCPUSeconds() - cpuAtStart
        report()
        return summary
    }

    /// Takes every open batch on until none is left (or the run is interrupted).
    mutating func drive() async throws {
        while !open.isEmpty {
            if context.cancel.isSet {
                summary.cancelled = true
                break
            }
            var moved = false
            var index = 0
            while index < open.count {
                let before = open[index].state
                try await advance(index)
                if open[index].state != before { moved = true }
                if !open[index].isOpen {
                    open.remove(at: index)
                } else {
                    index += 1
                }
            }
            if !retry.isEmpty {
                let again = retry
                retry.removeAll()
                try submit(again, first: false)
                moved = true
            }
            report()
            if !moved && !open.isEmpty { try await context.clock.sleep(seconds: judge.batch.pollSeconds) }
        }
    }

    func report() {
        context.progress?(RunProgress(done: summary.answeredBefore + summary.fromCache + done, total: summary.total, paidUSD: paid,
                                      retries: summary.retries, failed: summary.failed, seconds: context.clock.now() - started))
    }

    // MARK: - Writing batches

    /// Puts the open ones of `indices` into new batches: the answered and those in a batch
    /// already are skipped, the cache answers what it can, a request shared by several tasks
    /// is sent once, and no batch holds more than the provider takes or the budget covers.
    mutating func submit(_ indices: [Int], first: Bool) throws {
        var writer: BatchFileWriter?
        var followers: [BatchMember] = []
        var slab: [(Int, RunTask)] = []

        func flushSlab(_ run: inout BatchRun) throws {
            guard !slab.isEmpty else { return }
            let hashes = slab.compactMap { $0.1.cacheable ? $0.1.hash : nil }
            let cached = try run.store.cachedReplies(forHashes: hashes)
            var entries: [JournalEntry] = []
            for (index, task) in slab {
                if let reply = cached[task.hash] {
                    entries.append(Runner.entry(task, reply: reply, paid: 0, attempts: 0, fromCache: true))
                    run.answered.insert(index)
                    run.summary.fromCache += 1
                    continue
                }
                let tag = BatchMember.tag(of: task.hash)
                if let leader = run.leaders[tag], leader != index, run.inFlight.contains(leader) || writer?.holds(leader) == true {
                    // The same request as one already in a batch: answered with it.
                    let member = BatchMember(task: index, leader: leader, tag: tag, token: writer?.holds(leader) == true ? writer!.token : "")
                    if member.token.isEmpty {
                        followers.append(member)
                    } else {
                        writer!.members.append(member)
                    }
                    continue
                }
                guard let cost = task.maximumCost ?? (run.settings.maxCostUSD == nil ? 0 : nil) else {
                    let model = task.request.model
                    throw InputError(file: "prices", field: model, "a budget is set but model '\(model.excerpt())' has no batch price: add batch_input and batch_output for it under `prices:` in the study")
                }
                if let cap = run.settings.maxCostUSD, run.paid + run.reserved + (writer?.reservedUSD ?? 0) + cost > cap {
                    run.summary.stoppedForBudget = true
                    if run.summary.budgetBlocker == nil {
                        run.summary.budgetBlocker = RunSummary.BudgetBlocker(item: task.key.item, variant: task.key.variant, maximumCost: cost,
                                                                             inputTokens: task.request.estimatedInputTokens, maxTokens: task.request.maxTokens, cap: cap)
                    }
                    run.overBudget.append(index)
                    continue
                }
                let line = run.service.line(customID: "t\(index)", request: task.request)
                if let current = writer, current.requests > 0, !current.fits(line) {
                    try run.close(current)
                    writer = nil
                }
                if writer == nil { writer = try run.newWriter() }
                try writer!.append(line, member: BatchMember(task: index, leader: index, tag: tag, token: writer!.token), cost: cost)
                run.leaders[tag] = index
            }
            try run.store.record(replies: [], entries: entries)
            slab.removeAll(keepingCapacity: true)
        }

        for index in indices {
            if inFlight.contains(index) {
                if first { summary.toSend += 1 }
                continue
            }
            if answered.contains(index) {
                if first { summary.answeredBefore += 1 }
                continue
            }
            let task = try source.task(at: index)
            if task.oversized {
                if first { summary.skipped += 1 }
                continue
            }
            if first { summary.toSend += 1 }
            slab.append((index, task))
            if slab.count == 256 { try flushSlab(&self) }
        }
        try flushSlab(&self)
        if let writer { try close(writer) }
        if !followers.isEmpty {
            // Their leaders' batches are journaled already: say which batch answers them.
            var tokenOf: [Int: String] = [:]
            for record in open { for member in try store.batchMembers(token: record.token) where member.task == member.leader { tokenOf[member.task] = record.token } }
            var resolved: [BatchMember] = []
            for var member in followers {
                guard let token = tokenOf[member.leader] else {
                    overBudget.append(member.task)  // cannot happen: its leader is in an open batch; tried again after
                    continue
                }
                member.token = token
                resolved.append(member)
                inFlight.insert(member.task)
            }
            try store.addMembers(resolved)
        }
    }

    func newWriter() throws -> BatchFileWriter {
        let token = "jl" + Hex.string((0..<8).map { _ in UInt8.random(in: 0...255) })
        let path = FilePath.join(context.folder, "\(token).jsonl")
        return try BatchFileWriter(path: path, token: token, framing: service.framing, maxRequests: service.maxRequests, maxBytes: service.maxBytes)
    }

    /// Finishes a batch file (on disk for good), then journals the batch and its tasks.
    mutating func close(_ writer: BatchFileWriter) throws {
        try writer.finish()
        let record = BatchRecord(token: writer.token, judge: judge.name, state: .written, file: writer.path,
                                 requests: writer.requests, reservedUSD: writer.reservedUSD)
        try store.addBatch(record, members: writer.members)
        for member in writer.members { inFlight.insert(member.task) }
        reserved += writer.reservedUSD
        open.append(record)
    }

    // MARK: - A batch's life

    /// Takes batch `index` one step on, journaling where it got to.
    mutating func advance(_ index: Int) async throws {
        var record = open[index]
        switch record.state {
        case .written:
            let name = FilePath.name(record.file)
            guard let fileID = try await attempt(record, await service.upload(path: record.file, name: name)) else { return }
            record.fileID = fileID
            record.state = .uploaded
        case .uploaded:
            record.state = .creating
            record.creatingSince = context.wallTime()
            try store.updateBatch(record)
            open[index] = record
            summary.requestsSent += 1
            switch await service.create(path: record.file, fileID: record.fileID, token: record.token) {
            case let .done(batch):
                record.batchID = batch.id
                record.createdAt = context.wallTime()
                record.state = .created
                knownBatchIDs.insert(batch.id)
                summary.batchesCreated += 1
                stepFailures[record.token] = nil
            case let .retry(reason, after):
                // Refused with a rate limit: no batch was made. Not so after a server error or a
                // dropped connection: the batch may exist, and is looked for before another is made.
                record.state = reason.hasPrefix("HTTP 429") ? .uploaded : .creating
                try store.updateBatch(record)
                open[index] = record
                try await wait(record, reason: reason, after: after)
                return
            case let .failed(reason):
                try fail(&record, reason: "creating the batch: \(reason)")
            }
        case .creating:
            // A creation was sent and its answer never journaled: the batch is looked for first.
            let since = (record.creatingSince ?? 0) - 120  // allowing for the two clocks to differ
            guard let found = try await attempt(record, await service.find(token: record.token, since: since, requests: record.requests,
                                                                          excluding: knownBatchIDs)) else { return }
            if let batch = found {
                record.batchID = batch.id
                record.createdAt = record.creatingSince
                record.state = .created
                knownBatchIDs.insert(batch.id)
            } else {
                record.state = .uploaded
            }
        case .created:
            guard let batch = try await attempt(record, await service.poll(record.batchID ?? "")) else { return }
            switch batch.status {
            case .running:
                return
            case .ended:
                record.results = batch.results
                record.state = .ended
            case let .failed(reason):
                try fail(&record, reason: reason)
            }
        case .ended:
            let prefix = FilePath.join(context.folder, record.token + "-results")
            let remote = RemoteBatch(id: record.batchID ?? "", status: .ended("ended"), results: record.results)
            guard let paths = try await attempt(record, await service.download(remote, to: prefix)) else { return }
            try readResults(record, paths: paths)
            record.state = .done
            try store.updateBatch(record)
            open[index] = record
            // Recorded for good: the files are not needed any more.
            for path in paths + [record.file] { try? FileManager.default.removeItem(atPath: path) }
            release(record)
            return
        case .done, .failed:
            return
        }
        try store.updateBatch(record)
        open[index] = record
    }

    /// A step's value, or nil after a failure to try again later (after a wait); a step that
    /// keeps failing, or fails for good, stops the run (the batch stays journaled where it is).
    mutating func attempt<Value>(_ record: BatchRecord, _ step: BatchStep<Value>) async throws -> Value? {
        summary.requestsSent += 1
        switch step {
        case let .done(value):
            stepFailures[record.token] = nil
            return value
        case let .retry(reason, after):
            try await wait(record, reason: reason, after: after)
            return nil
        case let .failed(reason):
            throw InputError(file: record.file, "batch \(record.batchID ?? record.token), \(record.state.rawValue): \(reason); run the same command to continue with it")
        }
    }

    mutating func wait(_ record: BatchRecord, reason: String, after: Double?) async throws {
        let failures = (stepFailures[record.token] ?? 0) + 1
        stepFailures[record.token] = failures
        summary.retries += 1
        let retryPolicy = judge.limits.retry
        guard failures < max(retryPolicy.maxAttempts, 3) else {
            throw InputError(file: record.file, "batch \(record.batchID ?? record.token), \(record.state.rawValue): \(reason) (after \(failures) attempts); run the same command to continue with it")
        }
        try await context.clock.sleep(seconds: retryPolicy.delay(afterAttempt: failures, retryAfter: after, jitter: context.random.next()))
    }

    /// A batch refused as a whole: its tasks fail for good with the reason.
    mutating func fail(_ record: inout BatchRecord, reason: String) throws {
        record.state = .failed
        record.note = reason
        var entries: [JournalEntry] = []
        for member in try store.batchMembers(token: record.token) {
            let task = try source.task(at: member.task)
            entries.append(JournalEntry(key: task.key, requestHash: task.hash, judgment: nil, paidUSD: 0, attempts: tries[member.task] ?? 1,
                                        fromCache: false, finalError: reason))
            summary.failed += 1
            summary.failureReasons[reason.excerpt(120), default: 0] += 1
        }
        try store.record(replies: [], entries: entries)
        release(record)
    }

    mutating func release(_ record: BatchRecord) {
        reserved -= record.reservedUSD
    }
}
