// libxml2 from Swift: parsing documents and reading their errors (writing and schema checks
// build on this for reports).
import CLibXML2
import Foundation

/// A problem libxml2 found in a document, with its line.
public struct XMLProblem: Error, CustomStringConvertible, Sendable {
    public var line: Int
    public var message: String
    /// `line N: message`, or the message alone when libxml2 gave no line.
    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}

/// Entry points into libxml2.
public enum LibXML2 {
    /// The linked library's version, e.g. `2.9.14`.
    public static var version: String {
        // xmlParserVersion ("20914") is a macro over this accessor in threaded builds.
        guard let text = __xmlParserVersion()?.pointee else { return "unknown" }
        let number = Int(String(cString: text)) ?? 0
        return "\(number / 10000).\(number / 100 % 100).\(number % 100)"
    }

    /// Parses a document strictly (no network, no entity expansion) and returns the name of its
    /// root element; a malformed document throws the first problem with its line.
    public static func rootElementName(of data: Data) throws -> String {
        let collector = ProblemCollector()
        let document = collector.collecting { () -> xmlDocPtr? in
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue)
            return data.withUnsafeBytes { buffer in
                xmlReadMemory(buffer.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(buffer.count),
                              nil, "UTF-8", options)
            }
        }
        guard let document else {
            throw collector.problems.first ?? XMLProblem(line: 0, message: "malformed XML")
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document), let name = root.pointee.name else {
            throw XMLProblem(line: 1, message: "the document has no root element")
        }
        return String(cString: name)
    }

}

/// Gathers libxml2's errors during one call, in order, instead of letting libxml2 print them.
///
/// libxml2's structured error handler is per thread, so it is set and reset around a
/// synchronous body with no suspension point in between.
final class ProblemCollector {
    private(set) var problems: [XMLProblem] = []

    /// Appends each error to the collector passed as the context.
    static let handler: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        let collector = Unmanaged<ProblemCollector>.fromOpaque(context).takeUnretainedValue()
        let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
        collector.problems.append(XMLProblem(line: Int(error.pointee.line),
                                             message: message.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    func collecting<T>(_ body: () -> T) -> T {
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(self).toOpaque(), Self.handler)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return body()
    }
}
