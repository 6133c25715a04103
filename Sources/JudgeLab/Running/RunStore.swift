// The seam between the runner and the disk: the response cache and the run's journal.

/// Where a run keeps what it learns. Every call is durable when it returns, so a crash loses
/// nothing that was recorded.
public protocol RunStore: Sendable {
    /// The cached replies among these request hashes (looked up in batches where the store can).
    func cachedReplies(forHashes hashes: [String]) throws -> [String: CachedReply]
    /// Records a batch: the fresh replies into the response cache first, then the journal
    /// entries, each in one transaction where the store has them. (A crash between the two
    /// leaves replies in the cache, which a resumed run uses without paying again.)
    func record(replies: [FreshReply], entries: [JournalEntry]) throws
    /// The judgments already answered in this run.
    func answeredKeys() throws -> Set<JudgmentKey>
    func entries() throws -> [JournalEntry]
    /// The answered judgments alone, in journal order: what a run's files and reports are made of.
    func judgments() throws -> [Judgment]
    /// Dollars paid so far in this run, across every resume.
    func paidUSD() throws -> Double
}

extension RunStore {
    public func judgments() throws -> [Judgment] { try entries().compactMap(\.judgment) }
}
