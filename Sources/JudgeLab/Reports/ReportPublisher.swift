// Writes a run's three report files, or none of them.
import Foundation

/// Serialises and validates XML; libxml2 does it at the edge (JudgeLabXML).
public protocol XMLDocumentWriter: Sendable {
    func serialise(_ tree: XMLTree) throws -> Data
    /// Problems with a document against the report schema, each with its line; empty when valid.
    func problems(in document: Data) throws -> [String]
}

/// Publishes `report.html`, `report.xml` and `metrics.json`. Everything is rendered and the XML
/// validated first; an invalid document is an error, never a file.
public enum ReportPublisher {
    public static func publish(_ report: RunReport, to directory: String, xml: any XMLDocumentWriter) throws {
        let html = HTMLReport.render(report)
        let document = try xml.serialise(XMLReport.tree(report))
        let problems = try xml.problems(in: document)
        guard problems.isEmpty else {
            throw InputError(file: FilePath.join(directory, "report.xml"), "the report does not match its schema: \(problems.prefix(3).joined(separator: "; "))")
        }
        let metrics = report.metricsJSON.prettyText + "\n"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let layout = RunLayout(directory: directory)
        try AtomicFile.write(html, to: layout.htmlReport)
        try AtomicFile.write(document, to: layout.xmlReport)
        try AtomicFile.write(metrics, to: layout.metrics)
    }
}
