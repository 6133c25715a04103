// One run at a time in a run folder.
import Foundation

/// An exclusive lock on a run folder (`run.lock`), held while a run judges into it.
///
/// Two runs of the same study in one folder would both send every open request, pay twice, and
/// record the same judgments twice. The second one stops at once instead, with the first's
/// process id. The lock is the kernel's (`flock`), so it goes when its process does, kill -9
/// included: a crashed run never leaves its folder locked.
public final class RunLock: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32

    /// Takes the lock at `path` (a run folder's `RunLayout.lock`), or throws if another run holds it.
    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw InputError(file: path, "cannot open the run folder's lock: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            var holder = ""
            if busy, let text = try? String(contentsOfFile: path, encoding: .utf8), let pid = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                holder = " (process \(pid))"
            }
            close(descriptor)
            throw InputError(file: path, busy
                ? "another judgelab run is judging into this folder\(holder): wait for it to finish, or stop it (Ctrl-C), then run again"
                : "cannot lock the run folder: \(reason)")
        }
        // Who holds it, for the message above; the lock itself does not depend on this text.
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    /// Lets the next run in. (Closing the file, or the process ending, does the same.)
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
