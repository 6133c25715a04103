// A flag a signal handler can set to stop a run cleanly.
import Foundation

/// A flag a signal handler can set to stop a run cleanly.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    public init() {}
    public func set() { lock.withLock { value = true } }
    public var isSet: Bool { lock.withLock { value } }
}
