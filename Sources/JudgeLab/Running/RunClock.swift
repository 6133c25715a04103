// The clock and the randomness a run reads, injected: real ones at the edge, virtual ones in tests.
import Foundation
import Synchronization

/// Time as a run sees it: for rate limits, retry waits, latencies and the wall time.
public protocol RunClock: Sendable {
    /// Seconds since a fixed origin.
    func now() -> Double
    /// Waits `seconds`; throws when the task is cancelled.
    func sleep(seconds: Double) async throws
}

/// The machine's monotonic clock.
public struct SystemClock: RunClock {
    private static let origin = ContinuousClock.now
    public init() {}
    public func now() -> Double { (ContinuousClock.now - Self.origin).seconds }
    public func sleep(seconds: Double) async throws {
        try await Task.sleep(for: .microseconds(Int((max(0, seconds) * 1e6).rounded(.up))))
    }
}

extension Duration {
    /// The duration in seconds, with its fraction.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
