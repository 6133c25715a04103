// The search's one way to get judgments: through the runner, its journal, cache and budget.
import Foundation

/// What one call to the engine came back with.
public struct EngineBatch: Sendable {
    public var judgments: [Judgment]
    public var summary: RunSummary
}

/// Judges variants on items. The search decides; the engine only judges, so that the search
/// runs the same over SQLite and libcurl (`judgelab optimize`) and in memory (tests, simulations).
public protocol JudgmentEngine: Sendable {
    /// Every variant on every item in each of its orders: the judgments recorded for them
    /// (answered now, before, or from the cache) and how the run ended.
    func judge(_ variants: [Variant], on items: [Pair], stage: String) async throws -> EngineBatch
    /// The most `variants` on `items` can cost, for the tasks not answered yet; nil when the
    /// run has no dollar cap.
    func maximumCost(_ variants: [Variant], on items: [Pair]) throws -> Double?
    /// Dollars paid so far (the run's journal) and the cap.
    func spending() throws -> (paid: Double, cap: Double?)
}

/// The engine over `Runner.run`: one store (journal and cache), the judges, the run settings.
public final class RunnerEngine: JudgmentEngine, @unchecked Sendable {
    let library: TemplateLibrary
    let settings: RunSettings
    let store: any RunStore
    let judges: [any Judge]
    let file: String
    let clock: any RunClock
    let cancel: CancellationFlag
    let progress: (@Sendable (String, RunProgress) -> Void)?

    public init(library: TemplateLibrary, settings: RunSettings, store: any RunStore, judges: [any Judge], file: String,
                clock: any RunClock = SystemClock(), cancel: CancellationFlag = CancellationFlag(),
                progress: (@Sendable (String, RunProgress) -> Void)? = nil) {
        self.library = library
        self.settings = settings
        self.store = store
        self.judges = judges
        self.file = file
        self.clock = clock
        self.cancel = cancel
        self.progress = progress
    }

    public func judge(_ variants: [Variant], on items: [Pair], stage: String) async throws -> EngineBatch {
        let tasks = try Runner.tasks(variants: variants, items: items, library: library, settings: settings, file: file)
        let report = progress.map { progress in { @Sendable (p: RunProgress) in progress(stage, p) } }
        let summary = try await Runner.run(tasks, judges: judges, settings: settings, store: store, clock: clock, cancel: cancel, progress: report)
        let wanted = Set(tasks.map(\.key))
        let judgments = try store.entries().compactMap(\.judgment).filter {
            wanted.contains(JudgmentKey(variant: $0.variant, item: $0.item, order: $0.order))
        }
        return EngineBatch(judgments: judgments, summary: summary)
    }

    public func maximumCost(_ variants: [Variant], on items: [Pair]) throws -> Double? {
        guard settings.maxCostUSD != nil else { return nil }
        let tasks = try Runner.tasks(variants: variants, items: items, library: library, settings: settings, file: file)
        return try Runner.estimate(tasks, store: store).toSend.reduce(0) { $0 + ($1.maximumCost ?? 0) }
    }

    public func spending() throws -> (paid: Double, cap: Double?) {
        (try store.paidUSD(), settings.maxCostUSD)
    }
}
