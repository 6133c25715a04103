// The run's counters and its budget ledger, shared by every worker.
import Foundation
import Synchronization

/// The run's shared counters and its budget ledger. A lock, not an actor: senders touch it on
/// every request, and a hop to an actor per request delays the next one.
final class RunLedger: Sendable {
    private struct Ledger {
        var paid: Double
        var reserved = 0.0
        var done = 0
        /// Requests sent, answered, failed and retried, and why they failed.
        var tally = RunSummary()
    }

    let total: Int
    let cap: Double?
    let started: Double
    let clock: any RunClock
    private let ledger: Mutex<Ledger>

    init(total: Int, paid: Double, cap: Double?, clock: any RunClock) {
        self.total = total
        self.cap = cap
        self.clock = clock
        started = clock.now()
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
                        seconds: clock.now() - started)
        }
    }
}
