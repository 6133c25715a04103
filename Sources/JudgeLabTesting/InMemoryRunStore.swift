// A run store in memory: the in-process double of the SQLite store, for tests and simulations.
import JudgeLab
import Synchronization

/// Keeps the response cache and the journal in memory, with the SQLite store's semantics: a
/// reply is cached once (the first kept), every entry is journaled (a failure, then an answer
/// for the same judgment on a later run), and the paid total sums every entry. It can be told to
/// fail, like a full disk.
public final class InMemoryRunStore: RunStore {
    private struct State {
        var cache: [String: CachedReply] = [:]
        var journal: [JournalEntry] = []
        var failAfterRecords: Int?
        var records = 0
        var batches: [BatchRecord] = []
        var members: [Int: BatchMember] = [:]
    }
    public struct Failure: Error {}
    private let state = Mutex(State())

    public init() {}

    /// After this many more calls to `record`, every call throws (and records nothing).
    public func failRecording(after calls: Int) {
        state.withLock { $0.failAfterRecords = $0.records + calls }
    }

    public func cachedReplies(forHashes hashes: [String]) throws -> [String: CachedReply] {
        state.withLock { state in
            var found: [String: CachedReply] = [:]
            for hash in hashes { if let reply = state.cache[hash] { found[hash] = reply } }
            return found
        }
    }

    public func record(replies: [FreshReply], entries: [JournalEntry]) throws {
        try state.withLock { state in
            if let limit = state.failAfterRecords, state.records >= limit { throw Failure() }
            state.records += 1
            for fresh in replies where state.cache[fresh.hash] == nil { state.cache[fresh.hash] = fresh.reply }
            state.journal += entries
        }
    }

    public func answeredKeys() throws -> Set<JudgmentKey> {
        state.withLock { Set($0.journal.filter { $0.finalError == nil }.map(\.key)) }
    }

    public func entries() throws -> [JournalEntry] {
        state.withLock { $0.journal }
    }

    public func paidUSD() throws -> Double {
        state.withLock { $0.journal.reduce(0) { $0 + $1.paidUSD } }
    }

    /// How many replies the cache holds.
    public var cachedCount: Int { state.withLock { $0.cache.count } }
}

extension InMemoryRunStore: BatchRunStore {
    public func batchRecords() throws -> [BatchRecord] { state.withLock { $0.batches } }

    public func addBatch(_ record: BatchRecord, members: [BatchMember]) throws {
        state.withLock { state in
            state.batches.append(record)
            for member in members { state.members[member.task] = member }
        }
    }

    public func addMembers(_ members: [BatchMember]) throws {
        state.withLock { state in for member in members { state.members[member.task] = member } }
    }

    public func updateBatch(_ record: BatchRecord) throws {
        state.withLock { state in
            if let index = state.batches.firstIndex(where: { $0.token == record.token }) { state.batches[index] = record }
        }
    }

    public func batchMembers(token: String) throws -> [BatchMember] {
        state.withLock { $0.members.values.filter { $0.token == token }.sorted { $0.task < $1.task } }
    }
}
