// The one error type for bad input: it names the file, the line and the field.
import Foundation

/// A problem with something the user gave JudgeLab (a data set, a config, a template, a reply).
///
/// Its description reads `FILE:LINE: field 'NAME': message`, the form compilers use, so that
/// editors can jump to it. The command line turns it into exit status 2.
public struct InputError: Error, Equatable, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    public var field: String?
    public var message: String

    public init(file: String, line: Int? = nil, field: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let field { text += "field '\(field.excerpt())': " }
        return text + message
    }
}

extension InputError {
    /// A file system error from Foundation (a folder that cannot be made, a file that cannot be
    /// written or read) as one located line: the path and the system's reason, instead of
    /// Foundation's dump of its error domain. nil for any other error.
    public init?(fileSystem error: any Error) {
        let error = error as NSError
        guard let path = error.userInfo[NSFilePathErrorKey] as? String ?? (error.userInfo[NSURLErrorKey] as? URL)?.path,
              let reason = Self.reason(of: error) else { return nil }
        self.init(file: path, "the file system refused it: \(reason)")
    }

    /// The system's reason for a Foundation file system error ("Permission denied", "Not a
    /// directory"), nil for another kind of error.
    public static func reason(of error: any Error) -> String? {
        let error = error as NSError
        guard error.domain == NSCocoaErrorDomain || error.domain == NSPOSIXErrorDomain else { return nil }
        let underlying = (error.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
        let code = error.domain == NSPOSIXErrorDomain ? error.code : underlying?.domain == NSPOSIXErrorDomain ? underlying!.code : nil
        return code.map { String(cString: strerror(Int32($0))) } ?? error.localizedFailureReason ?? "the file system refused it"
    }
}
