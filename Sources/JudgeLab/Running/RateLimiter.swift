// Requests-per-minute and tokens-per-minute limits, as token buckets.
import Foundation

/// Paces requests so that neither a requests-per-minute nor a tokens-per-minute limit is
/// exceeded. Each bucket holds a minute's allowance and refills continuously.
public actor RateLimiter {
    private var requestBucket: Bucket?
    private var tokenBucket: Bucket?

    struct Bucket {
        var capacity: Double
        var level: Double
        var perSecond: Double
        var updated: ContinuousClock.Instant

        init(perMinute: Int) {
            capacity = Double(perMinute)
            level = Double(perMinute)
            perSecond = Double(perMinute) / 60
            updated = .now
        }

        mutating func refill() {
            let now = ContinuousClock.now
            level = min(capacity, level + (now - updated).seconds * perSecond)
            updated = now
        }

        /// Seconds until `amount` is available (0 when it is now).
        func wait(for amount: Double) -> Double {
            let needed = min(amount, capacity) - level
            return needed <= 0 ? 0 : needed / perSecond
        }
    }

    public init(requestsPerMinute: Int?, tokensPerMinute: Int?) {
        requestBucket = requestsPerMinute.map(Bucket.init(perMinute:))
        tokenBucket = tokensPerMinute.map(Bucket.init(perMinute:))
    }

    /// Waits until one request of about `tokens` tokens may start, then takes its allowance.
    public func acquire(tokens: Int) async throws {
        while true {
            requestBucket?.refill()
            tokenBucket?.refill()
            let wait = max(requestBucket?.wait(for: 1) ?? 0, tokenBucket?.wait(for: Double(tokens)) ?? 0)
            if wait <= 0 {
                requestBucket?.level -= 1
                // Read the capacity before modifying the bucket: one statement may not do both.
                let take = min(Double(tokens), tokenBucket?.capacity ?? 0)
                tokenBucket?.level -= take
                return
            }
            try await Task.sleep(for: .milliseconds(Int(wait * 1000) + 1))
        }
    }
}
