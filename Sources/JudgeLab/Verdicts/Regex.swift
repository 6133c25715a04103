// An NSRegularExpression shared across threads.
import Foundation
import Synchronization

/// An NSRegularExpression shared across threads. Safe: the object is immutable after creation
/// and Foundation documents matching as thread-safe.
/// A built-in pattern, compiled on first use (thread-safe: `lazy` is not, a lock is).
final class LazyRegex: Sendable {
    private let compiled: Mutex<CompiledRegex?> = Mutex(nil)
    private let pattern: String
    private let options: NSRegularExpression.Options

    init(_ pattern: String, options: NSRegularExpression.Options = [.caseInsensitive]) {
        self.pattern = pattern
        self.options = options
    }

    var regex: NSRegularExpression { compiledRegex.regex }

    private var compiledRegex: CompiledRegex {
        compiled.withLock { compiled in
            if let compiled { return compiled }
            let made = CompiledRegex(pattern, options: options)
            compiled = made
            return made
        }
    }
}

final class CompiledRegex: @unchecked Sendable {
    let regex: NSRegularExpression
    init(_ regex: NSRegularExpression) { self.regex = regex }

    convenience init(_ pattern: String, options: NSRegularExpression.Options = [.caseInsensitive]) {
        // The built-in patterns are constants; a typo in one is a programming error.
        self.init(try! NSRegularExpression(pattern: pattern, options: options))
    }
}
