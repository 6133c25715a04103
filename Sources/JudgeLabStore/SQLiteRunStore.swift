// The run store in SQLite (WAL): the run's journal in its folder, the response cache shared.
import Foundation
import JudgeLab

/// A run's journal (`run.sqlite` in the run folder) and the response cache shared by every run
/// and study (`cache.sqlite`). Each `record` call commits before it returns, so a kill -9 loses
/// nothing that was recorded.
///
/// "Answered exactly once" is kept by the writer, not by an index: one run at a time judges into
/// a folder (`RunLock`), and it sends only what the journal does not hold yet, each key once. A
/// unique index on (variant, item, order) held the same rule, at the cost of a second page
/// written with every answer (3.5% of the CPU per judgment at one request in flight); journals
/// made with it keep it.
public final class SQLiteRunStore: RunStore, @unchecked Sendable {
    private let journal: SQLiteDatabase
    private let cacheDB: SQLiteDatabase
    // One lock for both connections: calls come from many tasks, SQLite wants one at a time.
    private let lock = NSLock()
    // The statements run for every answer, held rather than looked up by their text each time.
    private let insertReply: SQLiteDatabase.Statement
    private let insertEntry: SQLiteDatabase.Statement
    /// Whether the batch tables are known to exist (guarded by `lock`).
    private var hasBatchTables = false

    public init(runPath: String, cachePath: String) throws {
        journal = try SQLiteDatabase(path: runPath)
        cacheDB = try SQLiteDatabase(path: cachePath)
        try journal.execute("""
            CREATE TABLE IF NOT EXISTS journal (
                id INTEGER PRIMARY KEY,
                variant TEXT NOT NULL, item TEXT NOT NULL, presented_order TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                kind TEXT, output TEXT, score REAL, choice TEXT, parse_error TEXT, reason TEXT,
                input_tokens INTEGER, output_tokens INTEGER, cost_usd REAL, latency_ms REAL,
                paid_usd REAL NOT NULL DEFAULT 0, attempts INTEGER NOT NULL, from_cache INTEGER NOT NULL,
                final_error TEXT, recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            );
            """)
        try cacheDB.execute("""
            CREATE TABLE IF NOT EXISTS responses (
                hash TEXT PRIMARY KEY, request TEXT NOT NULL, text TEXT NOT NULL,
                input_tokens INTEGER NOT NULL, cached_input_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL,
                output_tokens INTEGER NOT NULL, cost_usd REAL, latency_ms REAL NOT NULL,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            );
            """)
        // Columns added since the first stores, added to older ones as they are opened.
        try Self.addColumn("logprobs TEXT", to: "responses", in: cacheDB)
        try Self.addColumn("verdict_logprobs TEXT", to: "journal", in: journal)
        try Self.addColumn("sample INTEGER", to: "journal", in: journal)
        insertReply = try cacheDB.statement("""
            INSERT OR IGNORE INTO responses (hash, request, text, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, cost_usd, latency_ms, created_at, logprobs)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertEntry = try journal.statement("""
            INSERT INTO journal (variant, item, presented_order, request_hash, kind, output, score, choice, parse_error, reason,
                input_tokens, output_tokens, cost_usd, latency_ms, paid_usd, attempts, from_cache, final_error, recorded_at, verdict_logprobs, sample)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    /// `ALTER TABLE … ADD COLUMN` unless the table has the column already.
    static func addColumn(_ definition: String, to table: String, in db: SQLiteDatabase) throws {
        let name = String(definition.prefix { $0 != " " })
        var present = false
        try db.query("PRAGMA table_info(\(table))") { row in if row.text(1) == name { present = true } }
        if !present { try db.execute("ALTER TABLE \(table) ADD COLUMN \(definition)") }
    }

    public func cachedReplies(forHashes hashes: [String]) throws -> [String: CachedReply] {
        var replies: [String: CachedReply] = [:]
        let batch = 256
        for start in stride(from: 0, to: hashes.count, by: batch) {
            let chunk = hashes[start..<min(start + batch, hashes.count)]
            // One statement per full batch size, so that it is prepared once and reused.
            let padded = Array(chunk) + Array(repeating: "", count: batch - chunk.count)
            try lock.withLock {
                try cacheDB.query("""
                    SELECT hash, text, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, cost_usd, latency_ms, logprobs
                    FROM responses WHERE hash IN (\(Self.placeholders))
                    """, padded.map { .text($0) }) { row in
                    replies[row.text(0) ?? ""] = CachedReply(
                        text: row.text(1) ?? "",
                        usage: Usage(inputTokens: Int(row.int(2) ?? 0), cachedInputTokens: Int(row.int(3) ?? 0),
                                     cacheWriteTokens: Int(row.int(4) ?? 0), outputTokens: Int(row.int(5) ?? 0)),
                        costUSD: row.double(6), latencyMS: row.double(7) ?? 0, logprobs: row.text(8))
                }
            }
        }
        return replies
    }

    private static let placeholders = Array(repeating: "?", count: 256).joined(separator: ", ")

    public func record(replies: [FreshReply], entries: [JournalEntry]) throws {
        try lock.withLock {
            if !replies.isEmpty {
                let now = Self.timestamp()
                try cacheDB.transaction {
                    for fresh in replies { try insert(fresh, at: now) }
                }
            }
            if !entries.isEmpty {
                let now = Self.timestamp()
                try journal.transaction {
                    for entry in entries { try insert(entry, at: now) }
                }
            }
        }
    }

    private func insert(_ fresh: FreshReply, at now: String) throws {
        let reply = fresh.reply
        try cacheDB.query(insertReply, [.text(fresh.hash), .text(fresh.request), .text(reply.text), .int(Int64(reply.usage.inputTokens)),
                  .int(Int64(reply.usage.cachedInputTokens)), .int(Int64(reply.usage.cacheWriteTokens)),
                  .int(Int64(reply.usage.outputTokens)), reply.costUSD.map { .double($0) } ?? .null, .double(reply.latencyMS), .text(now),
                  reply.logprobs.map { .text($0) } ?? .null])
    }

    private func insert(_ entry: JournalEntry, at now: String) throws {
        let j = entry.judgment
        var kind: SQLiteDatabase.Value = .null, score: SQLiteDatabase.Value = .null, choice: SQLiteDatabase.Value = .null
        var parseError: SQLiteDatabase.Value = .null
        if let reading = j?.reading {
            kind = .text(reading.kind.rawValue)
            switch reading {
            case let .score(value): score = .double(value)
            case let .choice(value): choice = .text(value.rawValue)
            case let .unparsed(_, reason): parseError = .text(reason)
            }
        }
        func text(_ value: String?) -> SQLiteDatabase.Value { value.map { .text($0) } ?? .null }
        func int(_ value: Int?) -> SQLiteDatabase.Value { value.map { .int(Int64($0)) } ?? .null }
        func double(_ value: Double?) -> SQLiteDatabase.Value { value.map { .double($0) } ?? .null }
        try journal.query(insertEntry, [.text(entry.key.variant), .text(entry.key.item), .text(entry.key.order.rawValue), .text(entry.requestHash),
                  kind, text(j?.output), score, choice, parseError, text(j?.reason), int(j?.inputTokens), int(j?.outputTokens),
                  double(j?.costUSD), double(j?.latencyMS), .double(entry.paidUSD), .int(Int64(entry.attempts)),
                  .int(entry.fromCache ? 1 : 0), text(entry.finalError), .text(now), text(j?.distribution?.json.compactText), int(entry.key.sample)])
    }

    public func answeredKeys() throws -> Set<JudgmentKey> {
        try lock.withLock {
            var keys = Set<JudgmentKey>()
            try journal.query("SELECT variant, item, presented_order, sample FROM journal WHERE final_error IS NULL") { row in
                keys.insert(JudgmentKey(variant: row.text(0) ?? "", item: row.text(1) ?? "", order: PresentedOrder(rawValue: row.text(2) ?? "") ?? .original,
                                        sample: row.int(3).map(Int.init)))
            }
            return keys
        }
    }

    /// The answered judgments alone, their repeated names sharing one string each: what a run's
    /// files and reports are made of, in about half the memory of `entries()`.
    public func judgments() throws -> [Judgment] {
        var judgments: [Judgment] = []
        // Exactly the room needed: growing by doubling would hold the old and the new buffer at
        // once (a million judgments: 64 MB and 128 MB).
        var count = 0
        try lock.withLock { try journal.query("SELECT COUNT(*) FROM journal WHERE final_error IS NULL") { count = Int($0.int(0) ?? 0) } }
        judgments.reserveCapacity(count)
        var names: [String: String] = [:]
        func shared(_ text: String) -> String {
            if let known = names[text] { return known }
            names[text] = text
            return text
        }
        try forEachEntry(answeredOnly: true) { entry in
            guard var judgment = entry.judgment else { return }
            judgment.variant = shared(judgment.variant)
            judgments.append(judgment)
        }
        return judgments
    }

    public func entries() throws -> [JournalEntry] {
        var entries: [JournalEntry] = []
        try forEachEntry(answeredOnly: false) { entries.append($0) }
        return entries
    }

    /// Every journal entry in order, one at a time.
    public func forEachEntry(answeredOnly: Bool, _ visit: (JournalEntry) throws -> Void) throws {
        // The query's row callback is an optional closure (escaping): this one does not escape it.
        try withoutActuallyEscaping(visit) { body in try lock.withLock {
            try journal.query("""
                SELECT variant, item, presented_order, request_hash, kind, output, score, choice, parse_error, reason,
                       input_tokens, output_tokens, cost_usd, latency_ms, paid_usd, attempts, from_cache, final_error, verdict_logprobs, sample
                FROM journal \(answeredOnly ? "WHERE final_error IS NULL" : "") ORDER BY id
                """) { row in
                let key = JudgmentKey(variant: row.text(0) ?? "", item: row.text(1) ?? "", order: PresentedOrder(rawValue: row.text(2) ?? "") ?? .original,
                                      sample: row.int(19).map(Int.init))
                var judgment: Judgment?
                if row.text(17) == nil {
                    let kind = OutputKind(rawValue: row.text(4) ?? "") ?? .choice
                    let reading: JudgeReading
                    if let score = row.double(6) {
                        reading = .score(score)
                    } else if let choice = row.text(7).flatMap(Choice.init(rawValue:)) {
                        reading = .choice(choice)
                    } else {
                        reading = .unparsed(kind, reason: row.text(8) ?? "did not parse")
                    }
                    judgment = Judgment(item: key.item, variant: key.variant, order: key.order, output: row.text(5), reading: reading,
                                        reason: row.text(9), inputTokens: row.int(10).map(Int.init), outputTokens: row.int(11).map(Int.init),
                                        costUSD: row.double(12), latencyMS: row.double(13))
                    judgment?.distribution = row.text(18).flatMap { try? JSONValue.parse(Data($0.utf8)) }.flatMap(VerdictDistribution.init(json:))
                    judgment?.sample = key.sample
                }
                try body(JournalEntry(key: key, requestHash: row.text(3) ?? "", judgment: judgment, paidUSD: row.double(14) ?? 0,
                                      attempts: Int(row.int(15) ?? 0), fromCache: row.int(16) == 1, finalError: row.text(17)))
            }
        } }
    }

    public func paidUSD() throws -> Double {
        try lock.withLock {
            var total = 0.0
            try journal.query("SELECT COALESCE(SUM(paid_usd), 0) FROM journal") { total = $0.double(0) ?? 0 }
            return total
        }
    }

    /// The time now in UTC as the columns' default writes it ("2026-11-24T10:00:00.123Z"), built
    /// here: SQLite's strftime was 1.5% of the CPU of each judgment.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return timestamp(seconds: Int(now.tv_sec), milliseconds: Int(now.tv_nsec) / 1_000_000)
    }

    /// The UTC date and time of `seconds` since 1970 plus `milliseconds`, by the days-to-civil
    /// calculation of the proleptic Gregorian calendar (no time zone files or libc calls).
    static func timestamp(seconds: Int, milliseconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let shifted = days + 719_468  // days since 0000-03-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153  // 0 = March
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        // Written straight into the string's own storage: 24 bytes, one allocation.
        return String(unsafeUninitializedCapacity: 24) { out in
            var at = 0
            func put(_ value: Int, _ digits: Int, then separator: UInt8) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    out[at] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                    at += 1
                    divisor /= 10
                }
                out[at] = separator
                at += 1
            }
            put(year, 4, then: UInt8(ascii: "-"))
            put(month, 2, then: UInt8(ascii: "-"))
            put(day, 2, then: UInt8(ascii: "T"))
            put(secondOfDay / 3600, 2, then: UInt8(ascii: ":"))
            put(secondOfDay / 60 % 60, 2, then: UInt8(ascii: ":"))
            put(secondOfDay % 60, 2, then: UInt8(ascii: "."))
            put(milliseconds, 3, then: UInt8(ascii: "Z"))
            return at
        }
    }

    /// Both databases' `PRAGMA integrity_check`.
    public func integrityCheck() throws -> String {
        try lock.withLock { "journal: \(try journal.integrityCheck()); cache: \(try cacheDB.integrityCheck())" }
    }
}

extension SQLiteRunStore: BatchRunStore {
    /// The batch tables, made by the first batch run of a folder (a run one request at a time
    /// writes nothing for them: on a full disk, opening its store must not need a page).
    private func batchTables() throws {
        guard !hasBatchTables else { return }
        try journal.execute("""
            CREATE TABLE IF NOT EXISTS batches (
                token TEXT PRIMARY KEY, judge TEXT NOT NULL, state TEXT NOT NULL, file TEXT NOT NULL,
                file_id TEXT, batch_id TEXT, requests INTEGER NOT NULL, reserved_usd REAL NOT NULL,
                creating_since REAL, created_at REAL, results TEXT NOT NULL DEFAULT '', note TEXT
            );
            CREATE TABLE IF NOT EXISTS batch_members (
                task INTEGER PRIMARY KEY, leader INTEGER NOT NULL, tag INTEGER NOT NULL, token TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS batch_members_token ON batch_members (token);
            """)
        hasBatchTables = true
    }

    public func batchRecords() throws -> [BatchRecord] {
        try lock.withLock {
            try batchTables()
            var records: [BatchRecord] = []
            try journal.query("""
                SELECT token, judge, state, file, file_id, batch_id, requests, reserved_usd, creating_since, created_at, results, note
                FROM batches ORDER BY rowid
                """) { row in
                var record = BatchRecord(token: row.text(0) ?? "", judge: row.text(1) ?? "", state: BatchRecord.State(rawValue: row.text(2) ?? "") ?? .failed,
                                         file: row.text(3) ?? "", requests: Int(row.int(6) ?? 0), reservedUSD: row.double(7) ?? 0)
                record.fileID = row.text(4)
                record.batchID = row.text(5)
                record.creatingSince = row.double(8)
                record.createdAt = row.double(9)
                record.results = (row.text(10) ?? "").split(separator: "\n").map(String.init)
                record.note = row.text(11)
                records.append(record)
            }
            return records
        }
    }

    public func addBatch(_ record: BatchRecord, members: [BatchMember]) throws {
        try lock.withLock {
            try batchTables()
            try journal.transaction {
                try journal.query("INSERT INTO batches (token, judge, state, file, requests, reserved_usd) VALUES (?, ?, ?, ?, ?, ?)",
                                  [.text(record.token), .text(record.judge), .text(record.state.rawValue), .text(record.file),
                                   .int(Int64(record.requests)), .double(record.reservedUSD)])
                try insertMembers(members)
            }
            try writeBatchFields(record)
        }
    }

    public func addMembers(_ members: [BatchMember]) throws {
        try lock.withLock {
            try batchTables()
            try journal.transaction { try insertMembers(members) }
        }
    }

    private func insertMembers(_ members: [BatchMember]) throws {
        let insert = try journal.statement("INSERT OR REPLACE INTO batch_members (task, leader, tag, token) VALUES (?, ?, ?, ?)")
        for member in members {
            try journal.query(insert, [.int(Int64(member.task)), .int(Int64(member.leader)), .int(member.tag), .text(member.token)])
        }
    }

    public func updateBatch(_ record: BatchRecord) throws {
        try lock.withLock {
            try batchTables()
            try writeBatchFields(record)
        }
    }

    private func writeBatchFields(_ record: BatchRecord) throws {
        func text(_ value: String?) -> SQLiteDatabase.Value { value.map { .text($0) } ?? .null }
        func double(_ value: Double?) -> SQLiteDatabase.Value { value.map { .double($0) } ?? .null }
        try journal.query("""
            UPDATE batches SET state = ?, file_id = ?, batch_id = ?, creating_since = ?, created_at = ?, results = ?, note = ? WHERE token = ?
            """, [.text(record.state.rawValue), text(record.fileID), text(record.batchID), double(record.creatingSince), double(record.createdAt),
                  .text(record.results.joined(separator: "\n")), text(record.note), .text(record.token)])
    }

    public func batchMembers(token: String) throws -> [BatchMember] {
        try lock.withLock {
            try batchTables()
            var members: [BatchMember] = []
            try journal.query("SELECT task, leader, tag FROM batch_members WHERE token = ?", [.text(token)]) { row in
                members.append(BatchMember(task: Int(row.int(0) ?? 0), leader: Int(row.int(1) ?? 0), tag: row.int(2) ?? 0, token: token))
            }
            return members
        }
    }
}
