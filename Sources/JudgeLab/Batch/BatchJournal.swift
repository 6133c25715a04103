// What a batch run writes ahead: each batch (its file, its ids, where it is in its life) and the
// tasks in it, so that a run killed at any moment picks its batches up where they were.

/// One batch of a run, as journaled.
public struct BatchRecord: Sendable, Equatable {
    /// Where a batch is. Each step is journaled before the next call that depends on it:
    /// `written` (the file is complete on disk), `uploaded` (the provider has it: its file id),
    /// `creating` (a creation has been sent: a crash now means looking for the batch before
    /// making another), `created` (its id), `ended` (its result files are known), `done` (its
    /// results are recorded), `failed` (refused as a whole).
    public enum State: String, Sendable {
        case written, uploaded, creating, created, ended, done, failed
    }

    /// The run's name for it (in the file's name, and in the batch's metadata where the API has some).
    public var token: String
    public var judge: String
    public var state: State
    /// The batch file, on disk until its results are recorded.
    public var file: String
    public var fileID: String?
    public var batchID: String?
    public var requests: Int
    /// The most its requests can cost, held against the budget until it is done.
    public var reservedUSD: Double
    /// When the creation was sent (Unix time): how far back to look for it after a crash.
    public var creatingSince: Double?
    /// When it was created, and its result files or URL once it has ended.
    public var createdAt: Double?
    public var results: [String] = []
    /// Why it failed, for a failed batch.
    public var note: String?

    public init(token: String, judge: String, state: State, file: String, requests: Int, reservedUSD: Double) {
        self.token = token
        self.judge = judge
        self.state = state
        self.file = file
        self.requests = requests
        self.reservedUSD = reservedUSD
    }

    public var isOpen: Bool { state != .done && state != .failed }
}

/// A task in a batch: its own request (its leader is itself) or the same request as another
/// task's (its leader), which answers both.
public struct BatchMember: Sendable, Equatable {
    public var task: Int
    public var leader: Int
    /// The first 8 bytes of the request's hash: a result is recorded only for the request it was for.
    public var tag: Int64
    public var token: String

    public init(task: Int, leader: Int, tag: Int64, token: String) {
        self.task = task
        self.leader = leader
        self.tag = tag
        self.token = token
    }

    /// The tag of a request hash (hex).
    public static func tag(of hash: String) -> Int64 {
        Int64(bitPattern: UInt64(hash.prefix(16), radix: 16) ?? 0)
    }
}

/// A run store that also journals batches.
public protocol BatchRunStore: RunStore {
    /// Every batch of the run, oldest first.
    func batchRecords() throws -> [BatchRecord]
    /// A new batch with its members, in one transaction (its file is complete on disk before).
    /// A task in an earlier batch moves to this one.
    func addBatch(_ record: BatchRecord, members: [BatchMember]) throws
    /// More members of batches already added (tasks whose request one of them sends).
    func addMembers(_ members: [BatchMember]) throws
    func updateBatch(_ record: BatchRecord) throws
    func batchMembers(token: String) throws -> [BatchMember]
}
