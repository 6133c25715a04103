// The runner in the process: scripted judges, an in-memory store and virtual time. Budget stops,
// retries with Retry-After, rate limits, cancellation, resume and several judges, in milliseconds.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTesting
import JudgeLabTestSupport

@Suite struct RunnerTests {
    @Test func retryAfterIsHonouredInVirtualTime() async throws {
        // Every judgment is refused once with "Retry-After: 30", then answered.
        let judge = ScriptedJudge(concurrency: 1) { _, previous in
            previous == 0 ? .retryable(reason: "HTTP 429: slow down", retryAfter: 30) : .answer(text: "A", usage: Usage(outputTokens: 1))
        }
        let clock = VirtualClock()
        let store = InMemoryRunStore()
        let summary = try await Runner.run(RunFixture.tasks(3), judges: [judge], settings: RunFixture.settings(), store: store,
                                           clock: clock, random: SeededRandom(seed: 1))
        #expect(summary.answered == 3 && summary.retries == 3 && summary.failed == 0)
        #expect(summary.requestsSent == 6)
        // Each wait is the server's 30 s (the backoff, 0.5–1 s, is shorter), and the run's wall
        // time in virtual seconds is theirs.
        #expect(clock.sleeps == [30, 30, 30])
        #expect(summary.seconds >= 90)
        #expect(judge.attempts.values.allSatisfy { $0 == 2 })
    }

    @Test func backoffDoublesWithJitterAndGivesUpAtMaxAttempts() async throws {
        let judge = ScriptedJudge(concurrency: 1, maxAttempts: 5) { _, _ in .retryable(reason: "HTTP 503: down", retryAfter: nil) }
        let clock = VirtualClock()
        let store = InMemoryRunStore()
        let summary = try await Runner.run(RunFixture.tasks(1), judges: [judge], settings: RunFixture.settings(), store: store,
                                           clock: clock, random: SeededRandom(seed: 9))
        #expect(summary.failed == 1 && summary.answered == 0 && summary.retries == 4)
        #expect(judge.totalAttempts == 5)
        let sleeps = clock.sleeps
        #expect(sleeps.count == 4)
        for (index, wait) in sleeps.enumerated() {
            let full = pow(2, Double(index))  // base 1 s, doubling
            #expect(wait >= full * 0.5 && wait < full, "wait \(index): \(wait)")
        }
        let entry = try #require(try store.entries().first)
        #expect(entry.finalError == "HTTP 503: down (after 5 attempts)")
        #expect(entry.attempts == 5)
    }

    @Test func theBudgetStopsTheRunAndIsNeverExceededThenAResumePaysOnlyForTheRest() async throws {
        // $1 per judgment, reserved at $1: a $3.50 cap admits three.
        let judge = ScriptedJudge(concurrency: 4)
        let store = InMemoryRunStore()
        let tasks = RunFixture.tasks(10)
        let first = try await Runner.run(tasks, judges: [judge], settings: RunFixture.settings(cap: 3.5), store: store, clock: VirtualClock())
        #expect(first.stoppedForBudget)
        #expect(first.answered == 3)
        #expect(try store.paidUSD() == 3)
        #expect(judge.totalAttempts == 3)

        let second = try await Runner.run(tasks, judges: [judge], settings: RunFixture.settings(cap: 10), store: store, clock: VirtualClock())
        #expect(!second.stoppedForBudget && second.answeredBefore == 3 && second.answered == 7)
        #expect(try store.paidUSD() == 10)
        // Nothing answered was asked again.
        #expect(judge.attempts.count == 10 && judge.attempts.values.allSatisfy { $0 == 1 })
    }

    @Test func aReplyCheaperThanItsReservationLetsTheNextRequestThrough() async throws {
        // Reserved at $2 each, each costs $1: with a $3 cap only one fits at a time, and a second
        // goes out once the first has settled at $1 ($1 + $2 ≤ $3); a third would not fit.
        let judge = ScriptedJudge(concurrency: 4)
        let store = InMemoryRunStore()
        let summary = try await Runner.run(RunFixture.tasks(5, maximumCost: 2), judges: [judge], settings: RunFixture.settings(cap: 3), store: store,
                                           clock: VirtualClock())
        #expect(summary.stoppedForBudget)
        #expect(try store.paidUSD() <= 3)
        #expect(summary.answered == 2)
        #expect(judge.maxInFlight == 1)
    }

    @Test func cancellationFinishesWhatIsInFlightAndTheSameRunResumes() async throws {
        let cancel = CancellationFlag()
        let judge = ScriptedJudge(concurrency: 2, afterAttempt: { total in if total >= 5 { cancel.set() } })
        let store = InMemoryRunStore()
        let tasks = RunFixture.tasks(40)
        let first = try await Runner.run(tasks, judges: [judge], settings: RunFixture.settings(), store: store, clock: VirtualClock(), cancel: cancel)
        #expect(first.cancelled)
        // The two workers may each have had one request out when the flag was set.
        #expect(first.answered >= 5 && first.answered <= 6)
        #expect(try store.answeredKeys().count == first.answered)

        let again = try await Runner.run(tasks, judges: [judge], settings: RunFixture.settings(), store: store, clock: VirtualClock())
        #expect(again.complete && again.answeredBefore == first.answered && again.answered == 40 - first.answered)
        #expect(judge.attempts.count == 40 && judge.attempts.values.allSatisfy { $0 == 1 })
        #expect(Set(try store.entries().map(\.key)).count == 40)
    }

    @Test func aRecordingFailureStopsTheRun() async throws {
        let judge = ScriptedJudge(concurrency: 1)
        let store = InMemoryRunStore()
        store.failRecording(after: 4)  // one call for the cache's empty batch, then answers
        await #expect(throws: InMemoryRunStore.Failure.self) {
            _ = try await Runner.run(RunFixture.tasks(200), judges: [judge], settings: RunFixture.settings(), store: store, clock: VirtualClock())
        }
        // The worker stops at its next hand-over after the failure (how many it sent before then
        // depends on the recorder thread's timing), and what was recorded stays recorded.
        #expect(judge.totalAttempts < 200)
        let recorded = try store.entries()
        #expect(!recorded.isEmpty && recorded.count < judge.totalAttempts)
        #expect(recorded.allSatisfy { $0.judgment != nil })
    }

    @Test func aRequestsPerMinuteLimitPacesInVirtualTime() async throws {
        var limits = JudgeLimits()
        limits.concurrency = 1
        limits.requestsPerMinute = 60
        let judge = LimitedJudge(inner: ScriptedJudge(concurrency: 1), limits: limits)
        let clock = VirtualClock()
        let summary = try await Runner.run(RunFixture.tasks(90), judges: [judge], settings: RunFixture.settings(), store: InMemoryRunStore(), clock: clock)
        #expect(summary.answered == 90)
        // A minute's allowance at once, then one a second: 30 more requests take about 30 s.
        #expect(clock.now() >= 29.9 && clock.now() < 31.5, "\(clock.now())")
        #expect(clock.sleeps.count >= 30)
    }

    @Test func eachJudgeGetsOnlyItsOwnRequestsWithinItsOwnConcurrency() async throws {
        let a = ScriptedJudge(name: "a", concurrency: 2)
        let b = ScriptedJudge(name: "b", concurrency: 5)
        let tasks = zip(RunFixture.tasks(30, judge: "a", variant: "va"), RunFixture.tasks(30, judge: "b", variant: "vb")).flatMap { [$0, $1] }
        let store = InMemoryRunStore()
        let summary = try await Runner.run(tasks, judges: [a, b], settings: RunFixture.settings(cap: 100), store: store, clock: VirtualClock())
        #expect(summary.complete && summary.answered == 60)
        #expect(Set(a.attempts.keys.map(\.variant)) == ["va"] && a.attempts.count == 30)
        #expect(Set(b.attempts.keys.map(\.variant)) == ["vb"] && b.attempts.count == 30)
        #expect(a.maxInFlight <= 2 && b.maxInFlight <= 5)
        #expect(b.maxInFlight > 2)
        // One budget across both: $1 each.
        #expect(try store.paidUSD() == 60)
    }

    @Test func aTaskForAJudgeTheRunDoesNotHaveIsOneError() async throws {
        await #expect(throws: InputError.self) {
            _ = try await Runner.run(RunFixture.tasks(2, judge: "nobody"), judges: [ScriptedJudge()], settings: RunFixture.settings(),
                                     store: InMemoryRunStore(), clock: VirtualClock())
        }
    }

    @Test func anInProcessJudgeCostsNothingWhateverItsModelsPrice() async throws {
        // Model "m" has a price, but an in-process judge is never billed: a $0 budget admits all.
        let judge = ScriptedJudge(isLocal: true)
        let store = InMemoryRunStore()
        let summary = try await Runner.run(RunFixture.tasks(4, maximumCost: 0), judges: [judge], settings: RunFixture.settings(cap: 0), store: store,
                                           clock: VirtualClock())
        #expect(summary.complete && summary.answered == 4)
        #expect(try store.paidUSD() == 0)
        #expect(try store.entries().allSatisfy { $0.judgment?.costUSD == 0 })
    }
}

/// A judge with other limits than the one it wraps.
struct LimitedJudge: Judge {
    let inner: ScriptedJudge
    let limits: JudgeLimits
    var name: String { inner.name }
    func answer(_ request: JudgeRequest) async -> JudgeAttempt { await inner.answer(request) }
}
