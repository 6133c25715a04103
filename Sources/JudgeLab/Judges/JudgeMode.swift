// How a judge's requests are sent: one at a time as they are ready, or as the provider's batch jobs
// (half price, answered within a day).

/// How a judge's requests are sent: one at a time as they are ready, or as the provider's batch
/// jobs (half price, answered within a day).
public enum JudgeMode: String, Sendable {
    case sync
    case batch
}

/// How a batch judge's requests are cut into batches, and how often a batch is looked at.
public struct BatchLimits: Sendable {
    /// Requests per batch; nil for the provider's own limit.
    public var maxRequests: Int?
    /// Bytes per batch file; nil for the provider's own limit.
    public var maxBytes: Int?
    /// Seconds between looks at a batch in progress.
    public var pollSeconds: Double = 30

    public init() {}

    /// The study's limits within a provider's own (requests, bytes per batch).
    func within(requests: Int, bytes: Int) -> (requests: Int, bytes: Int) {
        (min(maxRequests ?? requests, requests), min(maxBytes ?? bytes, bytes))
    }
}
