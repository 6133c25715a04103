// A batch file written a line at a time, within the provider's limits.
import Foundation

/// A batch file being written: its lines streamed to disk, its members and reservation counted.
struct BatchFileWriter {
    let path: String
    let token: String
    let framing: (head: [UInt8], separator: [UInt8], tail: [UInt8])
    let maxRequests: Int
    let maxBytes: Int
    private let file: UnsafeMutablePointer<FILE>
    private(set) var requests = 0
    private(set) var bytes = 0
    private(set) var reservedUSD = 0.0
    var members: [BatchMember] = []
    private var leaders = Set<Int>()

    init(path: String, token: String, framing: (head: [UInt8], separator: [UInt8], tail: [UInt8]), maxRequests: Int, maxBytes: Int) throws {
        guard let file = fopen(path, "wb") else { throw InputError(file: path, "cannot write the batch file: \(String(cString: strerror(errno)))") }
        self.path = path
        self.token = token
        self.framing = framing
        self.maxRequests = maxRequests
        self.maxBytes = maxBytes
        self.file = file
        try write(framing.head)
    }

    func holds(_ task: Int) -> Bool { leaders.contains(task) }

    /// Whether one more line keeps the batch within the provider's limits.
    func fits(_ line: [UInt8]) -> Bool {
        requests < maxRequests && bytes + framing.separator.count + line.count + framing.tail.count <= maxBytes
    }

    mutating func append(_ line: [UInt8], member: BatchMember, cost: Double) throws {
        if requests > 0 { try write(framing.separator) }
        try write(line)
        requests += 1
        reservedUSD += cost
        members.append(member)
        leaders.insert(member.task)
    }

    private mutating func write(_ data: [UInt8]) throws {
        guard data.withUnsafeBytes({ fwrite($0.baseAddress, 1, $0.count, file) }) == data.count else {
            throw InputError(file: path, "cannot write the batch file: \(String(cString: strerror(errno)))")
        }
        bytes += data.count
    }

    /// The file complete and on disk (flushed and synced) before the batch is journaled.
    func finish() throws {
        var tail = framing.tail
        let written = tail.withUnsafeMutableBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == framing.tail.count, fflush(file) == 0, fsync(fileno(file)) == 0 else {
            fclose(file)
            throw InputError(file: path, "cannot write the batch file: \(String(cString: strerror(errno)))")
        }
        fclose(file)
    }
}
