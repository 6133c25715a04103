// One server of a judge with several (`endpoints:`): its URL and how many requests it takes at
// once.

/// One server of a judge with several (`endpoints:`): its URL and how many requests it takes at once.
public struct Endpoint: Sendable, Equatable {
    public var baseURL: String
    public var concurrency: Int

    public init(baseURL: String, concurrency: Int) {
        self.baseURL = baseURL
        self.concurrency = concurrency
    }
}
