// The real edges, made in one place: libcurl for the network, SQLite for the run store, libxml2 for report.xml.
import JudgeLab
import JudgeLabHTTP
import JudgeLabStore
import JudgeLabXML

extension RunEdges {
    static let live = RunEdges(makeTransport: { CurlTransport() },
                               openStore: { try SQLiteRunStore(runPath: $0, cachePath: $1) },
                               xml: LibXML2ReportWriter())
}
