// The dispatcher: which request each worker sends next, and when the budget says stop.
import Foundation

/// Hands the run's distinct requests to the workers of each judge, in order, each with its budget
/// reserved. Every judge has a queue of its own (and workers of its own, as many as its
/// concurrency); the budget is the run's, across all of them. When the budget cannot cover a
/// judge's next request while others are in flight, its worker waits for one of them to come
/// back (it may have cost less than reserved) and looks again; with none in flight anywhere, the
/// run stops for the budget.
final class Dispatcher: @unchecked Sendable {
    private let queues: [[[RunTask]]]
    private let ledger: RunLedger
    private let cancel: CancellationFlag
    private let lock = NSLock()
    private var positions: [Int]
    private var inFlight = 0
    /// Counts returns, so that a worker never waits for one that has already happened.
    private var returns = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private(set) var stoppedForBudget = false
    /// The request the budget could not cover when the run stopped for it.
    private(set) var budgetBlocker: RunTask?
    private(set) var cancelled = false
    private var abandoned = false
    private var refused: [Int: (reason: String, notSent: Int)] = [:]

    /// - Parameter queues: for each judge, its distinct requests (each the tasks that share it).
    init(_ queues: [[[RunTask]]], ledger: RunLedger, cancel: CancellationFlag) {
        self.queues = queues
        self.ledger = ledger
        self.cancel = cancel
        positions = [Int](repeating: 0, count: queues.count)
    }

    private enum Decision {
        case send([RunTask], Double)
        case stop
        case wait(afterReturns: Int)
    }

    /// Judge `judge`'s next request and its reservation; nil when there is nothing more to send.
    func next(judge: Int) async -> ([RunTask], Double)? {
        while true {
            let decision = lock.withLock { () -> Decision in
                guard positions[judge] < queues[judge].count, !stoppedForBudget, !abandoned else { return .stop }
                if cancel.isSet {
                    cancelled = true
                    return .stop
                }
                let tasks = queues[judge][positions[judge]]
                let reservation = tasks[0].maximumCost ?? 0
                if ledger.reserve(reservation) {
                    positions[judge] += 1
                    inFlight += 1
                    return .send(tasks, reservation)
                }
                if inFlight == 0 {
                    stoppedForBudget = true
                    budgetBlocker = tasks[0]
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

    /// Judge `judge`'s endpoint refused its key: none of its requests is sent any more (the
    /// other judges go on). The first refusal's reason is kept, with how many were not sent.
    func refuse(judge: Int, reason: String) {
        lock.withLock {
            guard refused[judge] == nil else { return }
            refused[judge] = (reason, queues[judge].count - positions[judge])
            positions[judge] = queues[judge].count
        }
    }

    /// The judges whose keys were refused: the reason, and their requests left unsent.
    var refusals: [Int: (reason: String, notSent: Int)] { lock.withLock { refused } }

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
