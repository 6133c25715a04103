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

/// Virtual time: a sleep returns at once and moves the clock on by its length, so code that
/// waits minutes runs in microseconds, and a test reads back every wait it asked for.
public final class VirtualClock: RunClock {
    private struct State {
        var now = 0.0
        var sleeps: [Double] = []
    }
    private let state = Mutex(State())

    public init() {}

    public func now() -> Double { state.withLock { $0.now } }

    public func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.now += max(0, seconds)
            state.sleeps.append(seconds)
        }
        await Task.yield()
        try Task.checkCancellation()
    }

    /// Every wait asked for, in order.
    public var sleeps: [Double] { state.withLock { $0.sleeps } }

    /// Moves the clock on without a sleep (time spent elsewhere).
    public func advance(by seconds: Double) { state.withLock { $0.now += seconds } }
}

/// Where the retry policy's jitter comes from: a number in [0, 1) per retry.
public protocol RandomSource: Sendable {
    func next() -> Double
}

/// The system's random numbers.
public struct SystemRandom: RandomSource {
    public init() {}
    public func next() -> Double { Double.random(in: 0..<1) }
}

/// A seeded sequence, the same on every run.
public final class SeededRandom: RandomSource {
    private let generator: Mutex<SeededGenerator>
    public init(seed: UInt64) { generator = Mutex(SeededGenerator(seed: seed)) }
    public func next() -> Double { generator.withLock { Double($0.next() >> 11) / Double(1 << 53) } }
}

extension Duration {
    /// The duration in seconds, with its fraction.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
