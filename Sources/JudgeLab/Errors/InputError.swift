// The one error type for bad input: it names the file, the line and the field.

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
