// A small, safe wrapper over SQLite's C API: open in WAL mode, prepared statements, transactions.
import CSQLite
import Foundation
import JudgeLab

/// A problem reported by SQLite, with the database's path.
public struct SQLiteError: Error, CustomStringConvertible {
    public var path: String
    public var code: Int32
    public var message: String
    /// The system's error under SQLite's (errno), when it gave one.
    public var systemError: Int32 = 0
    public var description: String {
        let hint: String
        let system = systemError != 0 && !message.contains(String(cString: strerror(systemError))) ? " (\(String(cString: strerror(systemError))))" : ""
        switch code {
        case _ where systemError == ENOSPC, 13: hint = " (free some space and run the same command again: nothing already recorded is lost)"
        case 8: hint = " (the folder is read-only)"
        case 14: hint = " (is its folder there and writable, and is the path not a folder?)"
        case 26: hint = " (the file is not a JudgeLab store: move it away or name another path)"
        default: hint = ""
        }
        return "\(path): SQLite error \(code): \(message)\(system)\(hint)"
    }
}

/// One SQLite connection. Not shared between threads: its owner serialises access (SQLite is
/// built thread-safe here, and each connection is used by one caller at a time).
public final class SQLiteDatabase: @unchecked Sendable {
    let handle: OpaquePointer
    public let path: String
    private var statements: [String: OpaquePointer] = [:]

    /// Opens (creating if needed) a database in WAL mode with a busy timeout, so that a second
    /// process waits for the lock instead of failing.
    public init(path: String) throws {
        var db: OpaquePointer?
        // NOMUTEX: the owner serialises calls (see above), so SQLite's own per-call mutex is waste.
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(path: path, code: status, message: message)
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, 10_000)
        try execute("PRAGMA journal_mode=WAL")
        // NORMAL in WAL mode: a committed transaction survives a process crash (kill -9);
        // only a power loss may lose the last few.
        try execute("PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    func error(_ status: Int32) -> SQLiteError {
        var error = SQLiteError(path: path, code: status, message: String(cString: sqlite3_errmsg(handle)))
        error.systemError = sqlite3_system_errno(handle)
        return error
    }

    /// Runs SQL with no results (several statements allowed).
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        if status != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "failed"
            sqlite3_free(message)
            throw SQLiteError(path: path, code: status, message: text, systemError: sqlite3_system_errno(handle))
        }
    }

    /// A bindable value.
    public enum Value {
        case null
        case int(Int64)
        case double(Double)
        case text(String)
    }

    /// A statement prepared once for this connection and kept until it closes: a caller that
    /// runs the same SQL for every record holds one, where `query(_ sql:)` would hash the SQL
    /// text each time to find it.
    public struct Statement {
        fileprivate let handle: OpaquePointer
    }

    /// The statement for `sql`, prepared on first use.
    public func statement(_ sql: String) throws -> Statement {
        Statement(handle: try prepared(sql))
    }

    /// Runs one statement (cached by its SQL) and calls `row` for each result row.
    public func query(_ sql: String, _ values: [Value] = [], row: ((Row) throws -> Void)? = nil) throws {
        try query(statement(sql), values, row: row)
    }

    /// Runs a prepared statement and calls `row` for each result row.
    public func query(_ statement: Statement, _ values: [Value] = [], row: ((Row) throws -> Void)? = nil) throws {
        let statement = statement.handle
        try bind(values, from: 0, to: statement) {
            defer { Self.finish(statement) }  // before the text bound goes out of scope
            try step(statement, row: row)
        }
    }

    /// Readies `statement` for its next run, with nothing bound.
    private static func finish(_ statement: OpaquePointer) {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    private func step(_ statement: OpaquePointer, row: ((Row) throws -> Void)?) throws {
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw error(status) }
            try row?(Row(statement: statement))
        }
    }

    /// Binds `values[index...]` and runs `body` with them bound. Text is bound where it lies, from
    /// inside each string's `withUTF8`, one inside the next, so that SQLite need not copy it (a
    /// copy was an allocation per text column per row); the bindings are cleared before those
    /// closures return (by `body`, or here when SQLite refuses a value).
    private func bind(_ values: [Value], from index: Int, to statement: OpaquePointer, then body: () throws -> Void) throws {
        guard index < values.count else { return try body() }
        let position = Int32(index + 1)
        // On to the next value once this one is bound; if SQLite refused it, unbind all and stop.
        func next(_ status: Int32) throws {
            guard status == SQLITE_OK else {
                Self.finish(statement)
                throw error(status)
            }
            try bind(values, from: index + 1, to: statement, then: body)
        }
        switch values[index] {
        case .null: try next(sqlite3_bind_null(statement, position))
        case let .int(v): try next(sqlite3_bind_int64(statement, position, v))
        case let .double(v): try next(sqlite3_bind_double(statement, position, v))
        case var .text(v):
            try v.withUTF8 { bytes in
                try next(bytes.withMemoryRebound(to: CChar.self) { text in
                    // SQLITE_STATIC (nil): SQLite uses the bytes where they are, until unbound.
                    guard let base = text.baseAddress, !text.isEmpty else { return sqlite3_bind_text(statement, position, "", 0, jl_sqlite_transient()) }
                    return sqlite3_bind_text(statement, position, base, Int32(text.count), nil)
                })
            }
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(status) }
        statements[sql] = statement
        return statement
    }

    /// Runs `body` in one transaction: all of it is stored, or none.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try query("BEGIN IMMEDIATE")  // prepared once, like every statement run through `query`
        do {
            let result = try body()
            try query("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// `PRAGMA integrity_check`: "ok" for a sound database.
    public func integrityCheck() throws -> String {
        var result: [String] = []
        try query("PRAGMA integrity_check") { result.append($0.text(0) ?? "") }
        return result.joined(separator: "; ")
    }

    /// A result row's columns.
    public struct Row {
        let statement: OpaquePointer

        public func text(_ column: Int32) -> String? {
            guard sqlite3_column_type(statement, column) != SQLITE_NULL, let text = sqlite3_column_text(statement, column) else { return nil }
            return String(cString: text)
        }

        public func int(_ column: Int32) -> Int64? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
        }

        public func double(_ column: Int32) -> Double? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_double(statement, column)
        }
    }
}
