// `judgelab optimize`: a study's search judged through a session, its files and reports written.
import Foundation

/// What a search did: its summary and report (nil when interrupted), and its status.
public struct SearchOutcome: Sendable {
    public var report: RunReport?
    /// 0 done; 3 stopped at the budget before the confirmation was complete; 130 interrupted.
    public var status: Int32
}

public enum SearchJob {
    /// The settings of every variant a search may judge (candidates, baseline, probes), with
    /// each judge's key read from `environment`.
    public static func settings(_ plan: OptimizePlan, environment: [String: String]) throws -> RunSettings {
        try RunSettings.from(plan: plan.studyPlan(variants: plan.candidates + [plan.baseline] + plan.probes(), items: plan.split.dev),
                             environment: environment, proposer: plan.proposer.map { ($0.judge, $0.model) })
    }

    /// Probes, races and confirms through `session`, then writes optimize.json, the dev and test
    /// judgments, winner.yaml and the reports into the session's folder.
    public static func run(_ plan: OptimizePlan, runID: String, session: RunSession,
                           events: (@Sendable (OptimizeEvent) -> Void)? = nil) async throws -> SearchOutcome {
        let store = try session.store()
        let progress = session.progress
        let engine = RunnerEngine(library: plan.library, settings: session.settings, store: store, judges: session.judges, file: plan.study.file,
                                  cancel: session.cancel, progress: progress.map { update in { @Sendable (_: String, p: RunProgress) in update(p) } })
        let result: OptimizeResult
        do {
            result = try await Optimizer(plan: plan).run(engine: engine, events: events)
            session.commit()
        } catch is CancellationError {
            session.commit()
            return SearchOutcome(report: nil, status: 130)
        } catch {
            // A search refused before its first judgment (a cap that cannot cover one round and
            // the confirmation) leaves no folder behind; one that judged keeps its journal.
            if (try? store.entries().isEmpty) != true { session.commit() }
            throw error
        }
        let templates = try plan.study.templatesPath.map(plan.study.resolve) ?? TemplateLibrary.locateShipped()
        let report = try OptimizeOutput.write(result, plan: plan, settings: session.settings, layout: session.layout, runID: runID,
                                              paidUSD: try store.paidUSD(), templatesPath: templates)
        try ReportPublisher.publish(report, to: session.layout.directory, xml: session.edges.xml)
        return SearchOutcome(report: report, status: result.confirmed ? 0 : 3)
    }
}
