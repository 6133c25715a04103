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

    /// Serialises a tree as an indented UTF-8 document; escaping is libxml2's.
    public static func write(_ tree: XMLTree) throws -> Data {
        guard let buffer = xmlBufferCreate() else { throw XMLProblem(line: 0, message: "libxml2 is out of memory") }
        defer { xmlBufferFree(buffer) }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else { throw XMLProblem(line: 0, message: "libxml2 could not make a writer") }
        var failed = false
        func check(_ status: Int32) { if status < 0 { failed = true } }
        check(xmlTextWriterSetIndent(writer, 1))
        check(xmlTextWriterSetIndentString(writer, "  "))
        check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil))
        func element(_ node: XMLTree) {
            check(xmlTextWriterStartElement(writer, node.name))
            for attribute in node.attributes { check(xmlTextWriterWriteAttribute(writer, attribute.name, attribute.value)) }
            if let text = node.text { check(xmlTextWriterWriteString(writer, text)) }
            for child in node.children { element(child) }
            check(xmlTextWriterEndElement(writer))
        }
        element(tree)
        check(xmlTextWriterEndDocument(writer))
        xmlFreeTextWriter(writer)  // flushes into the buffer
        guard !failed, let content = xmlBufferContent(buffer) else { throw XMLProblem(line: 0, message: "libxml2 failed to write the document") }
        return Data(bytes: content, count: Int(xmlBufferLength(buffer)))
    }

    /// Every problem with a document against the report schema (empty when valid).
    public static func validate(_ document: Data) throws -> [XMLProblem] {
        let xsd = Array(try schema().utf8)
        let collector = ProblemCollector()
        return collector.collecting { () -> [XMLProblem] in
            guard let parserContext = xsd.withUnsafeBufferPointer({ buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { xmlSchemaNewMemParserCtxt($0, Int32(buffer.count)) }
            }) else { return [XMLProblem(line: 0, message: "cannot read the schema")] }
            defer { xmlSchemaFreeParserCtxt(parserContext) }
            guard let schema = xmlSchemaParse(parserContext) else { return collector.problems + [XMLProblem(line: 0, message: "the schema does not parse")] }
            defer { xmlSchemaFree(schema) }
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue)
            guard let doc = document.withUnsafeBytes({ bytes in
                xmlReadMemory(bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil, "UTF-8", options)
            }) else { return collector.problems.isEmpty ? [XMLProblem(line: 0, message: "not well-formed XML")] : collector.problems }
            defer { xmlFreeDoc(doc) }
            guard let validation = xmlSchemaNewValidCtxt(schema) else { return [XMLProblem(line: 0, message: "libxml2 is out of memory")] }
            defer { xmlSchemaFreeValidCtxt(validation) }
            xmlSchemaSetValidStructuredErrors(validation, ProblemCollector.handler, Unmanaged.passUnretained(collector).toOpaque())
            let status = xmlSchemaValidateDoc(validation, doc)
            if status != 0, collector.problems.isEmpty {
                return [XMLProblem(line: 0, message: "the document is not valid (libxml2 code \(status))")]
            }
            return collector.problems
        }
    }
}

/// The report XML writer used by `judgelab report` and `run`: libxml2 writes and validates.
public struct LibXML2ReportWriter: XMLDocumentWriter {
    public init() {}

    public func serialise(_ tree: XMLTree) throws -> Data {
        try XMLReportWriter.write(tree)
    }

    public func problems(in document: Data) throws -> [String] {
        try XMLReportWriter.validate(document).map(\.description)
    }
}
