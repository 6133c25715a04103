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
    /// Asks the proposer for a proposal, as a judgment is asked: journaled, cached, within the cap.
    func propose(_ request: ProposalRequest, stage: String) async throws -> ProposalAnswer
    /// The most a proposal request can cost, when not answered yet; nil when the run has no cap.
    func maximumCost(of request: ProposalRequest) throws -> Double?
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
        return try mostToSend(try Runner.tasks(variants: variants, items: items, library: library, settings: settings, file: file))
    }

    /// The most the tasks not answered yet can cost.
    private func mostToSend(_ tasks: [RunTask]) throws -> Double {
        try Runner.estimate(tasks, store: store).toSend.reduce(0) { $0 + ($1.maximumCost ?? 0) }
    }

    public func spending() throws -> (paid: Double, cap: Double?) {
        (try store.paidUSD(), settings.maxCostUSD)
    }

    /// A proposal request as a run task: its own key (`proposer`, the proposal's number and its
    /// request's hash), so that a resumed search finds its reply in the journal, and any other
    /// search the same request in the cache.
    func task(for proposal: ProposalRequest) throws -> RunTask {
        guard let judge = settings.judge(named: proposal.judge) else {
            throw InputError(file: file, field: "search.propose.proposer", "the run has no judge '\(proposal.judge.excerpt())'")
        }
        var request = JudgeRequest(provider: judge.provider.identity(baseline: judge.baseline), baseURL: judge.endpointURL, model: proposal.model,
                                   temperature: proposal.temperature, maxTokens: proposal.maxTokens, seed: judge.seed, jsonResponseFormat: false,
                                   messages: proposal.messages)
        request.responseSchema = proposal.schema
        let hash = request.hash
        let key = JudgmentKey(variant: Self.proposerVariant, item: "proposal-\(proposal.number)-\(hash.prefix(12))", order: .original)
        request.subject = key
        let price = judge.price(of: proposal.model, in: settings.prices)
        return RunTask(key: key, judge: judge.name, request: request, hash: hash, parser: .choice,
                       maximumCost: price?.maximumCost(inputTokens: request.estimatedInputTokens, maxOutputTokens: proposal.maxTokens))
    }

    /// The journal's name for the proposer's requests (no variant may take it: variant names hold no space).
    public static let proposerVariant = "search proposer"

    public func propose(_ request: ProposalRequest, stage: String) async throws -> ProposalAnswer {
        let task = try task(for: request)
        let report = progress.map { progress in { @Sendable (p: RunProgress) in progress(stage, p) } }
        let summary = try await Runner.run([task], judges: judges, settings: settings, store: store, clock: clock, cancel: cancel, progress: report)
        let entry = try store.entries().last { $0.key == task.key }
        var answer = ProposalAnswer(text: entry?.judgment?.output, failure: entry?.finalError, costUSD: entry?.judgment?.costUSD ?? 0)
        if entry?.judgment == nil {
            answer.cancelled = summary.cancelled
            answer.stoppedForBudget = summary.stoppedForBudget
            if answer.failure == nil, !answer.cancelled, !answer.stoppedForBudget { answer.failure = "no reply was recorded" }
        }
        return answer
    }

    public func maximumCost(of request: ProposalRequest) throws -> Double? {
        guard settings.maxCostUSD != nil else { return nil }
        return try mostToSend([try task(for: request)])
    }
}
