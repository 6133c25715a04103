// Writes an XMLTree with libxml2's text writer, and validates documents against the report schema.
import CLibXML2
import Foundation
import JudgeLab

/// libxml2's writer and XML Schema validation, for report.xml.
public enum XMLReportWriter {
    /// The report schema's text (Resources/report-1.xsd).
    public static func schema() throws -> String {
        guard let url = Bundle.module.url(forResource: "report-1", withExtension: "xsd"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw XMLProblem(line: 0, message: "the report schema is missing from JudgeLab's resources")
        }
        return text
    }

    /// Writes a document to a file as `body` sends it: an indented UTF-8 document, escaping
    /// libxml2's, streamed to disk by its text writer.
    public static func write(to path: String, _ body: (any XMLEventSink) throws -> Void) throws {
        // libxml2 says why it cannot open the file to its error handler (on standard error, by
        // default): gathered instead, and said in one located line.
        let collector = ProblemCollector()
        guard let writer = collector.collecting({ xmlNewTextWriterFilename(path, 0) }) else {
            let reason = collector.problems.first { !$0.message.isEmpty }?.message ?? "libxml2 cannot open it"
            throw InputError(file: path, "cannot write here: \(reason) (is the folder writable, is the disk full?)")
        }
        let sink = TextWriterSink(writer)
        defer { xmlFreeTextWriter(writer) }
        try sink.check(xmlTextWriterSetIndent(writer, 1))
        try sink.check(xmlTextWriterSetIndentString(writer, "  "))
        try sink.check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil))
        try body(sink)
        try sink.check(xmlTextWriterEndDocument(writer))
        try sink.check(xmlTextWriterFlush(writer))
    }

    /// Every problem with the document in a file against the report schema (empty when valid),
    /// read as a stream: memory stays flat however large the file.
    public static func validate(file path: String) throws -> [XMLProblem] {
        let xsd = Array(try schema().utf8)
        let collector = ProblemCollector()
        return collector.collecting { () -> [XMLProblem] in
            guard let parserContext = xsd.withUnsafeBufferPointer({ buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { xmlSchemaNewMemParserCtxt($0, Int32(buffer.count)) }
            }) else { return [XMLProblem(line: 0, message: "cannot read the schema")] }
            defer { xmlSchemaFreeParserCtxt(parserContext) }
            guard let schema = xmlSchemaParse(parserContext) else { return collector.problems + [XMLProblem(line: 0, message: "the schema does not parse")] }
            defer { xmlSchemaFree(schema) }
            guard let validation = xmlSchemaNewValidCtxt(schema) else { return [XMLProblem(line: 0, message: "libxml2 is out of memory")] }
            defer { xmlSchemaFreeValidCtxt(validation) }
            let context = Unmanaged.passUnretained(collector).toOpaque()
            xmlSchemaSetValidStructuredErrors(validation, ProblemCollector.handler, context)
            guard let reader = xmlReaderForFile(path, "UTF-8", Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue)) else {
                return [XMLProblem(line: 0, message: "cannot read the document")]
            }
            defer { xmlFreeTextReader(reader) }
            xmlTextReaderSetStructuredErrorHandler(reader, ProblemCollector.handler, context)
            guard xmlTextReaderSchemaValidateCtxt(reader, validation, 0) == 0 else {
                return [XMLProblem(line: 0, message: "libxml2 could not start validating")]
            }
            var status: Int32 = 1
            while status == 1 { status = xmlTextReaderRead(reader) }
            if status != 0 || xmlTextReaderIsValid(reader) != 1, collector.problems.isEmpty {
                return [XMLProblem(line: 0, message: status != 0 ? "not well-formed XML" : "the document is not valid")]
            }
            return collector.problems
        }
    }
}

/// Sends elements to libxml2's text writer, failing at the first write it refuses.
final class TextWriterSink: XMLEventSink {
    private let writer: xmlTextWriterPtr

    init(_ writer: xmlTextWriterPtr) {
        self.writer = writer
    }

    func check(_ status: Int32) throws {
        if status < 0 { throw XMLProblem(line: 0, message: "libxml2 failed to write the document (is the disk full?)") }
    }

    func start(_ name: String, attributes: [XMLTree.Attribute]) throws {
        try check(xmlTextWriterStartElement(writer, name))
        for attribute in attributes { try check(xmlTextWriterWriteAttribute(writer, attribute.name, attribute.value)) }
    }

    func text(_ text: String) throws {
        try check(xmlTextWriterWriteString(writer, text))
    }

    func end() throws {
        try check(xmlTextWriterEndElement(writer))
    }
}

/// The report XML writer used by `judgelab report` and `run`: libxml2 writes and validates.
public struct LibXML2ReportWriter: XMLDocumentWriter {
    public init() {}

    public func write(to path: String, _ body: (any XMLEventSink) throws -> Void) throws {
        try XMLReportWriter.write(to: path, body)
    }

    public func problems(inFile path: String) throws -> [String] {
        try XMLReportWriter.validate(file: path).map(\.description)
    }
}
