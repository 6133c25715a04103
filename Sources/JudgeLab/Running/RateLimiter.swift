// Requests-per-minute and tokens-per-minute limits, as token buckets.
import Foundation

/// Paces requests so that neither a requests-per-minute nor a tokens-per-minute limit is
/// exceeded. Each bucket holds a minute's allowance and refills continuously, by `clock`.
public actor RateLimiter {
    private var requestBucket: Bucket?
    private var tokenBucket: Bucket?
    private let clock: any RunClock

    struct Bucket {
        var capacity: Double
        var level: Double
        var perSecond: Double
        var updated: Double

        init(perMinute: Int, now: Double) {
            capacity = Double(perMinute)
            level = Double(perMinute)
            perSecond = Double(perMinute) / 60
            updated = now
        }

        mutating func refill(now: Double) {
            level = min(capacity, level + max(0, now - updated) * perSecond)
            updated = now
        }

        /// Seconds until `amount` is available (0 when it is now).
        func wait(for amount: Double) -> Double {
            let needed = min(amount, capacity) - level
            return needed <= 0 ? 0 : needed / perSecond
        }
    }

    public init(requestsPerMinute: Int?, tokensPerMinute: Int?, clock: any RunClock = SystemClock()) {
        self.clock = clock
        let now = clock.now()
        requestBucket = requestsPerMinute.map { Bucket(perMinute: $0, now: now) }
        tokenBucket = tokensPerMinute.map { Bucket(perMinute: $0, now: now) }
    }

    /// Waits until one request of about `tokens` tokens may start, then takes its allowance.
    public func acquire(tokens: Int) async throws {
        while true {
            let now = clock.now()
            requestBucket?.refill(now: now)
            tokenBucket?.refill(now: now)
            let wait = max(requestBucket?.wait(for: 1) ?? 0, tokenBucket?.wait(for: Double(tokens)) ?? 0)
            if wait <= 0 {
                requestBucket?.level -= 1
                // Read the capacity before modifying the bucket: one statement may not do both.
                let take = min(Double(tokens), tokenBucket?.capacity ?? 0)
                tokenBucket?.level -= take
                return
            }
            try await clock.sleep(seconds: wait + 0.001)
        }
    }
}
