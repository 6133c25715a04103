// Reading a batch's results: each result line recorded as the runner records an answer, or
// put into a later batch, or failed for good.
import Foundation

extension BatchRun {
    /// Records every result of a batch: answers (and the tasks that share them) into the cache
    /// and the journal, failures for good into the journal, the rest into a later batch. A
    /// result for a request the batch does not hold is ignored; a request with no result is
    /// tried again.
    mutating func readResults(_ record: BatchRecord, paths: [String]) throws {
        let members = try store.batchMembers(token: record.token)
        var byLeader: [Int: [BatchMember]] = [:]
        for member in members { byLeader[member.leader, default: []].append(member) }
        var seen = Set<Int>()
        var replies: [FreshReply] = []
        var entries: [JournalEntry] = []
        let latency = max(0, context.wallTime() - (record.createdAt ?? context.wallTime())) * 1000
        var unreadable = 0
        for path in paths {
            try service.readResults(path: path) { id, reply in
                guard id.hasPrefix("t"), let leader = Int(id.dropFirst()), let group = byLeader[leader],
                      let own = group.first(where: { $0.task == leader }), !seen.contains(leader) else {
                    unreadable += 1
                    return
                }
                // The task is made again from the study: its request must be the one that was sent.
                let leaderTask = try source.task(at: leader)
                guard BatchMember.tag(of: leaderTask.hash) == own.tag else {
                    unreadable += 1
                    return
                }
                seen.insert(leader)
                let tryCount = (tries[leader] ?? 0) + 1
                switch reply {
                case let .answer(text, usage, logprobs):
                    let cost = judge.price(of: leaderTask.request.model, in: settings.prices)?.cost(of: usage)
                    let cached = CachedReply(text: text, usage: usage, costUSD: cost, latencyMS: latency, logprobs: logprobs)
                    replies.append(FreshReply(hash: leaderTask.hash, request: String(decoding: service.line(customID: id, request: leaderTask.request), as: UTF8.self),
                                              reply: cached))
                    for member in group {
                        guard !answered.contains(member.task) else { continue }
                        let task = member.task == leader ? leaderTask : try source.task(at: member.task)
                        entries.append(Runner.entry(task, reply: cached, paid: member.task == leader ? cost ?? 0 : 0, attempts: tryCount,
                                                    fromCache: member.task != leader))
                        answered.insert(member.task)
                        done += 1
                    }
                    paid += cost ?? 0
                    summary.answered += 1
                case .retryable where tryCount < judge.limits.retry.maxAttempts:
                    tries[leader] = tryCount
                    retry.append(contentsOf: group.map(\.task))
                    summary.retries += 1
                case let .retryable(reason, _), let .permanent(reason), let .unauthorized(reason):
                    for member in group {
                        let task = member.task == leader ? leaderTask : try source.task(at: member.task)
                        entries.append(JournalEntry(key: task.key, requestHash: task.hash, judgment: nil, paidUSD: 0, attempts: tryCount,
                                                    fromCache: false, finalError: tryCount > 1 ? "\(reason) (after \(tryCount) attempts)" : reason))
                    }
                    summary.failed += 1
                    summary.failureReasons[reason.excerpt(120), default: 0] += 1
                }
                if entries.count >= 500 {
                    try store.record(replies: replies, entries: entries)
                    replies.removeAll(keepingCapacity: true)
                    entries.removeAll(keepingCapacity: true)
                    report()
                }
            }
        }
        try store.record(replies: replies, entries: entries)
        summary.ignoredResults += unreadable
        // Requests the results said nothing of: tried again.
        for (leader, group) in byLeader where !seen.contains(leader) {
            let tryCount = (tries[leader] ?? 0) + 1
            tries[leader] = tryCount
            if tryCount < judge.limits.retry.maxAttempts {
                retry.append(contentsOf: group.map(\.task))
            } else {
                var failures: [JournalEntry] = []
                for member in group {
                    let task = try source.task(at: member.task)
                    failures.append(JournalEntry(key: task.key, requestHash: task.hash, judgment: nil, paidUSD: 0, attempts: tryCount,
                                                 fromCache: false, finalError: "the batch's results have none for this request (after \(tryCount) attempts)"))
                }
                try store.record(replies: [], entries: failures)
                summary.failed += 1
                summary.failureReasons["no result in the batch", default: 0] += 1
            }
        }
        for member in members { inFlight.remove(member.task) }
    }
}
