// Where the retry policy's jitter comes from: a number in [0, 1) per retry.
import Foundation
import Synchronization

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
