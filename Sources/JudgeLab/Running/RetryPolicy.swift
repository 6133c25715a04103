// When and how long to wait before trying a request again.
import Foundation

/// Exponential backoff with jitter, a bounded number of attempts, and Retry-After honoured.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int = 6
    /// The first wait; each later one doubles, up to `maxDelay`.
    public var baseDelay: Double = 1
    public var maxDelay: Double = 60

    public init(maxAttempts: Int = 6, baseDelay: Double = 1, maxDelay: Double = 60) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before attempt `attempt + 1`: base·2^(attempt−1), capped, times a jitter in
    /// [0.5, 1); never shorter than the server's Retry-After.
    public func delay(afterAttempt attempt: Int, retryAfter: Double?, jitter: Double) -> Double {
        let backoff = min(maxDelay, baseDelay * pow(2, Double(attempt - 1))) * (0.5 + 0.5 * jitter)
        return max(backoff, min(retryAfter ?? 0, 600))
    }

    /// Retry-After as seconds, or as an HTTP date.
    public static func parseRetryAfter(_ value: String) -> Double? {
        let text = value.trimmed
        if let seconds = Double(text), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSinceNow)
    }
}
