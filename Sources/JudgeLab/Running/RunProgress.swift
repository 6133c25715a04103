// Live counters for progress lines.
import Foundation

/// Live counters for progress lines.
public struct RunProgress: Sendable {
    public var done: Int
    public var total: Int
    public var paidUSD: Double
    public var retries: Int
    public var failed: Int
    public var seconds: Double
}
