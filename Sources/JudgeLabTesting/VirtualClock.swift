// Virtual time: a sleep returns at once and moves the clock on by its length, so code that waits
// minutes runs in microseconds, and a test reads back every wait it asked for.
import JudgeLab
import Foundation
import Synchronization

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
