// What every judged command shares on the terminal: Ctrl-C as a clean stop, progress, and the
// session it judges through, made with the real edges.
import Foundation
import JudgeLab

/// The context of a judged command (run, label, optimize, demo): Ctrl-C sets the stop flag, the
/// progress line goes to standard error, and sessions are opened with the real edges.
final class CommandContext: @unchecked Sendable {
    let cancel = CancellationFlag()
    let printer: ProgressPrinter
    private let interrupt: Interrupt
    let quiet: Bool

    init(quiet: Bool) {
        self.quiet = quiet
        printer = ProgressPrinter(quiet: quiet)
        interrupt = Interrupt(cancel: cancel)
    }

    deinit { interrupt.stop() }

    var progress: (@Sendable (RunProgress) -> Void)? { quiet ? nil : printer.update }

    /// A session in `layout`'s folder (created and locked) with the run's judges.
    func session(_ layout: RunLayout, settings: RunSettings, pairs: [Pair], seed: UInt64) throws -> RunSession {
        try RunSession(layout: layout, settings: settings, pairs: pairs, seed: seed, edges: .live, cancel: cancel, progress: progress)
    }

    /// Ends the progress line (before other output).
    func pause() { printer.finish() }

    /// Stops listening for Ctrl-C and ends the progress line.
    func finish() {
        interrupt.stop()
        printer.finish()
    }
}

/// Turns Ctrl-C into a clean stop: the first one stops new requests, the second ends at once.
final class Interrupt: @unchecked Sendable {
    /// How long requests in flight may take to come back after the first Ctrl-C.
    static let grace = 5.0
    private let source: DispatchSourceSignal
    private let lock = NSLock()
    private var count = 0
    private var stopped = false
    private var deadline: DispatchWorkItem?

    /// The first Ctrl-C stops sending (no new request, no retry) and gives the requests in flight
    /// `grace` seconds; then the process ends with status 130 whatever is still out, since what
    /// was answered is already journaled and the same command continues from it. The second
    /// Ctrl-C ends the process at once.
    init(cancel: CancellationFlag) {
        // A parent that blocked SIGINT (a libdispatch worker starting this process, say) passes
        // its mask on: unblocked here, so that Ctrl-C always reaches the handler.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in
            let first = lock.withLock { () -> Bool in
                count += 1
                return count == 1
            }
            guard first else { exit(130) }
            cancel.set()
            FileHandle.standardError.write(Data(String(format: "\nstopping: no new requests; waiting at most %.0f s for those in flight (Ctrl-C again to quit at once). Run the same command to continue.\n", Self.grace).utf8))
            let abandon = DispatchWorkItem { exit(130) }
            lock.withLock { deadline = abandon }
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.grace, execute: abandon)
        }
        source.resume()
    }

    /// Stops listening (idempotent): Ctrl-C ends the process again, and a stop under way is no
    /// longer cut short (the command is past its requests).
    func stop() {
        let (wasStopped, pending) = lock.withLock { () -> (Bool, DispatchWorkItem?) in
            defer { stopped = true }
            return (stopped, deadline)
        }
        guard !wasStopped else { return }
        pending?.cancel()
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}

/// Progress: a live line on a terminal, a plain line every ten seconds otherwise.
final class ProgressPrinter: @unchecked Sendable {
    private let quiet: Bool
    private let terminal = isatty(STDERR_FILENO) != 0
    private let lock = NSLock()
    private var lastPrinted = -1.0
    private var last: RunProgress?

    init(quiet: Bool) {
        self.quiet = quiet
    }

    var update: @Sendable (RunProgress) -> Void {
        { [self] progress in
            guard !quiet else { return }
            lock.withLock {
                last = progress
                guard terminal || progress.seconds - lastPrinted >= 10 || lastPrinted < 0 else { return }
                lastPrinted = progress.seconds
                let line = Self.line(progress)
                FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[2K" + line : line + "\n").utf8))
            }
        }
    }

    func finish() {
        guard !quiet else { return }
        lock.withLock {
            if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }

    static func line(_ p: RunProgress) -> String {
        let rate = p.seconds > 0 ? Double(p.done) / p.seconds : 0
        let eta = rate > 0 ? Double(p.total - p.done) / rate : 0
        return String(format: "%d/%d judgments (%.0f%%), %.1f/s, ETA %@, $%.4f spent, %d retries, %d errors",
                      p.done, p.total, p.total > 0 ? Double(p.done) / Double(p.total) * 100 : 100, rate,
                      eta > 0 ? Self.duration(eta) : "—", p.paidUSD, p.retries, p.failed)
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.0fs", seconds) : String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60)
    }
}
