// One judged command's run: its folder and lock, its judges and their transport, its stop flag
// and progress. Every judged command (run, label, optimize, demo) opens one and judges through it.
import Foundation

/// A run in its folder: created, locked (a second command judging into the same folder stops
/// at once), its judges made once (those over HTTP share one transport, one event loop), the
/// flag that Ctrl-C sets, and where progress goes. Close it when done (the lock is released and
/// the transport stopped); closing twice is harmless.
public final class RunSession: @unchecked Sendable {
    public let layout: RunLayout
    public let settings: RunSettings
    public let edges: RunEdges
    public let cancel: CancellationFlag
    public let progress: (@Sendable (RunProgress) -> Void)?
    public let judges: [any Judge]
    /// The transport of the judges over HTTP; nil when every judge answers in the process.
    public let transport: (any HTTPTransport)?
    private let lock: RunLock
    private let closed = NSLock()
    private var isClosed = false
    /// Whether this session made the run folder (nothing was there before it).
    private let madeFolder: Bool
    /// Set when judging starts (`judge`, `commit`): from then on the folder holds the run's
    /// record. A session closed before it removes the folder it made: a refused start (a prompt
    /// over its judge's limit, say) leaves nothing behind.
    private var committed = false

    /// - Parameters:
    ///   - pairs: every item a judge may be asked about (baselines read the answers).
    ///   - seed: the baselines' coin.
    public init(layout: RunLayout, settings: RunSettings, pairs: [Pair], seed: UInt64, edges: RunEdges,
                cancel: CancellationFlag = CancellationFlag(), progress: (@Sendable (RunProgress) -> Void)? = nil) throws {
        // What can be refused is read before the folder is made: a refused start leaves nothing.
        let recordings = try settings.judges.map { judge in try judge.recordings.map { try JudgmentsFile.load(path: $0, parser: .choice) } ?? [] }
        _ = try edges.openStore(ResponseCache.none, try ResponseCache.prepare(settings.cachePath))  // a cache it cannot open
        madeFolder = !FileManager.default.fileExists(atPath: layout.directory)
        do {
            try FileManager.default.createDirectory(atPath: layout.directory, withIntermediateDirectories: true)
        } catch {
            throw InputError(file: layout.directory, "cannot create the run folder: \(InputError.reason(of: error) ?? String(describing: error))")
        }
        // Before anything in the folder is written: a second run into the same folder stops here.
        lock = try RunLock(path: layout.lock)
        self.layout = layout
        self.settings = settings
        self.edges = edges
        self.cancel = cancel
        self.progress = progress
        let transport = settings.httpJudges.isEmpty ? nil : edges.makeTransport()
        self.transport = transport
        judges = zip(settings.judges, recordings).map { judge, recordings in
            judge.makeJudge(transport: transport!, pairs: pairs, recordings: recordings, seed: seed)
        }
    }

    deinit { close() }

    /// A store in the run's folder: the journal at `path` (default: the run's own), with the
    /// user's response cache (`ResponseCache`), shared by every run wherever it starts.
    public func store(_ path: String? = nil) throws -> any BatchRunStore {
        try edges.openStore(path ?? layout.store, try ResponseCache.prepare(settings.cachePath))
    }

    /// Judges `tasks` through the runner into `store`: journaled, cached, within the budget,
    /// stopped by the session's flag.
    public func judge(_ tasks: [RunTask], into store: any RunStore) async throws -> RunSummary {
        commit()
        return try await Runner.run(tasks, judges: judges, settings: settings, store: store, cancel: cancel, progress: progress)
    }

    /// Says that judging starts: the folder is the run's from now on, whatever happens.
    public func commit() {
        closed.withLock { committed = true }
    }

    /// Releases the folder's lock and stops the transport; removes the folder when the session
    /// made it and nothing was judged into it.
    public func close() {
        let (first, keep) = closed.withLock { () -> (Bool, Bool) in
            defer { isClosed = true }
            return (!isClosed, committed || !madeFolder)
        }
        guard first else { return }
        transport?.shutdown()
        if !keep { try? FileManager.default.removeItem(atPath: layout.directory) }
        lock.release()
    }
}

extension RunSummary {
    /// The exit status every judged command ends with: 130 interrupted, 3 stopped at the budget,
    /// 1 requests failed for good, 0 done.
    public var exitStatus: Int32 {
        cancelled ? 130 : stoppedForBudget ? 3 : failed > 0 ? 1 : 0
    }
}
