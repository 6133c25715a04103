// Writes a run's three report files, or none of them.
import Foundation

/// Streams and validates XML; libxml2 does it at the edge (JudgeLabXML).
public protocol XMLDocumentWriter: Sendable {
    /// Writes a document to the file at `path` as `body` sends it, without holding it whole.
    func write(to path: String, _ body: (any XMLEventSink) throws -> Void) throws
    /// Problems with the document in a file against the report schema, each with its line; empty
    /// when valid. Reads the file as a stream.
    func problems(inFile path: String) throws -> [String]
}

/// Publishes `report.html`, `report.xml` and `metrics.json`. Everything is rendered and the XML
/// written to a temporary file and validated first; an invalid document is an error, never a
/// file, and no report file is replaced unless all three are ready.
public enum ReportPublisher {
    public static func publish(_ report: RunReport, to directory: String, xml: any XMLDocumentWriter) throws {
        let html = HTMLReport.render(report)
        let metrics = report.metricsJSON.prettyText + "\n"
        let existed = FileManager.default.fileExists(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let layout = RunLayout(directory: directory)
        let temporary = try AtomicFile.temporaryPath(for: layout.xmlReport)
        do {
            try xml.write(to: temporary) { try XMLReport.write(report, to: $0) }
            let problems = try xml.problems(inFile: temporary)
            guard problems.isEmpty else {
                throw InputError(file: layout.xmlReport, "the report does not match its schema: \(problems.prefix(3).joined(separator: "; "))")
            }
            try AtomicFile.write(html, to: layout.htmlReport)
            try AtomicFile.commit(temporary, to: layout.xmlReport)
            try AtomicFile.write(metrics, to: layout.metrics)
        } catch var error as InputError where error.file == temporary {
            // Named by the file it stands for, not by its temporary name.
            unlink(temporary)
            if !existed { try? FileManager.default.removeItem(atPath: directory) }
            error.file = layout.xmlReport
            throw error
        } catch {
            unlink(temporary)
            if !existed { try? FileManager.default.removeItem(atPath: directory) }
            throw error
        }
    }
}
