// The edges a judged command needs, made once by the executable: the network, the disk, XML.
import Foundation

/// What a run reaches outside the process, injected: the network (one transport for every
/// judge over HTTP), the run store (a journal and the response cache on disk), and report.xml's
/// writer. The `judgelab` executable makes the real ones (libcurl, SQLite, libxml2); tests can
/// make in-process ones (JudgeLabTesting).
public struct RunEdges: Sendable {
    /// A transport for the run's judges over HTTP, made only when a judge needs one.
    public var makeTransport: @Sendable () -> any HTTPTransport
    /// A run store: the journal at `run`, the response cache at `cache` (`:memory:` for none).
    public var openStore: @Sendable (_ run: String, _ cache: String) throws -> any BatchRunStore
    /// Writes and checks report.xml.
    public var xml: any XMLDocumentWriter

    public init(makeTransport: @escaping @Sendable () -> any HTTPTransport,
                openStore: @escaping @Sendable (_ run: String, _ cache: String) throws -> any BatchRunStore,
                xml: any XMLDocumentWriter) {
        self.makeTransport = makeTransport
        self.openStore = openStore
        self.xml = xml
    }
}
