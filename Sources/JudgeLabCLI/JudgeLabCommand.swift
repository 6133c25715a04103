// The `judgelab` command: parses arguments and calls the library. No logic lives here.
import ArgumentParser
import Foundation
import JudgeLab
import JudgeLabHTTP
import JudgeLabStore
import JudgeLabXML

@main
struct JudgeLabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judgelab",
        abstract: "Find the LLM-judge prompt that agrees best with human labels, at the lowest cost.",
        version: JudgeLabVersion.text,
        subcommands: [DemoCommand.self, InitCommand.self, VariantsCommand.self, PreviewCommand.self, EstimateCommand.self, RunCommand.self, OptimizeCommand.self, SimulateCommand.self, CascadeCheckCommand.self, LabelCommand.self, ReviewCommand.self, AuditCommand.self, CriticsCommand.self, ReportCommand.self, DataCommand.self, SampleCommand.self, AnalyzeCommand.self, CompareCommand.self, DiffCommand.self, PublishCommand.self, ImportCommand.self, VersionCommand.self]
    )

    /// What `AsyncParsableCommand.main` does, except where an async command runs: on a thread of
    /// its own (`CommandExecutor`), not in Swift's default pool of libdispatch workers. The first
    /// such worker arms libdispatch's pool monitor, a timer that wakes the process every second
    /// for as long as it lives: at one request in flight, 2.5% of a run's CPU (Benchmarks/RESULTS.md).
    static func main() {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            fail(error)
        }
        guard let asyncCommand = command as? any AsyncParsableCommand else {
            var command = command
            do { try command.run() } catch { fail(error) }
            return
        }
        let outcome = CommandOutcome(asyncCommand)
        Task(executorPreference: CommandExecutor()) { await outcome.run() }
        if let error = outcome.wait() { fail(error) }
    }

    /// Ends the process for `error`: a usage error (an unknown option, a value that does not
    /// parse) is bad input like any other, exit status 2 (ArgumentParser's own is 64).
    static func fail(_ error: any Error) -> Never {
        guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
        FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
        Foundation.exit(2)
    }
}

/// An async command run once, and how it ended, for the thread that waits for it.
private final class CommandOutcome: @unchecked Sendable {
    private var command: any AsyncParsableCommand
    private var error: (any Error)?
    private let done = DispatchSemaphore(value: 0)

    init(_ command: any AsyncParsableCommand) { self.command = command }

    func run() async {
        do { try await command.run() } catch { self.error = error }
        done.signal()
    }

    /// Waits until `run` has ended; its error, if any.
    func wait() -> (any Error)? {
        done.wait()
        return error
    }
}

/// Runs the jobs of a command's async code, one at a time, on one thread. Tasks that prefer
/// another executor (the HTTP loops' workers) run there.
final class CommandExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init() {
        let thread = Thread { [self] in loop() }
        thread.name = "judgelab-main"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    private func loop() {
        let executor = asUnownedTaskExecutor()
        var batch: [UnownedJob] = []
        while true {
            condition.withLock {
                while jobs.isEmpty { condition.wait() }
                swap(&batch, &jobs)
            }
            for job in batch { job.runSynchronously(on: executor) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Show versions of JudgeLab and the C libraries it uses.")

    func run() throws {
        print("judgelab \(JudgeLabVersion.text)")
        print("libcurl \(Curl.version)\(Curl.supportsHTTP2 ? ", HTTP/2" : "")")
        print("libxml2 \(LibXML2.version)")
    }
}

/// Runs a command body; bad input becomes one line on standard error and exit status 2.
func reportingInputErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        throw failure(error)
    }
}

/// The async form of `reportingInputErrors`.
func reportingInputErrorsAsync(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        throw failure(error)
    }
}

/// What an error that ends a command becomes: bad input (an `InputError`, or a path the file
/// system refuses) one line and exit 2; a store or other failure one line and exit 1; exit
/// codes and usage errors as they are.
func failure(_ error: any Error) -> any Error {
    switch error {
    case is ExitCode, is ValidationError, is CleanExit:
        return error
    case let error as InputError:
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return ExitCode(2)
    default:
        if let located = InputError(fileSystem: error) {
            FileHandle.standardError.write(Data("error: \(located)\n".utf8))
            return ExitCode(2)
        }
        // A store at a path that cannot hold one (read-only, not openable, not a database) was
        // given by the user: bad input. Any other store failure (a full disk) is not.
        if let store = error as? SQLiteError, [8, 14, 26].contains(store.code) {  // SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_NOTADB
            FileHandle.standardError.write(Data("error: \(store)\n".utf8))
            return ExitCode(2)
        }
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return ExitCode(1)
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}
