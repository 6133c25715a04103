// A response's header lines, as received; looked up by name, ignoring case. Kept as bytes: a

/// A response's header lines, as received; looked up by name, ignoring case. Kept as bytes: a
/// response's headers are read once or not at all (the runner asks only for `retry-after`, on
/// errors), and making a dictionary of them for every response cost more than the lookups.
public struct HTTPHeaders: Sendable, ExpressibleByDictionaryLiteral {
    /// "Name: value" lines, each ending in "\r\n" or "\n".
    private var lines: [UInt8] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { append(line: Array("\(name): \(value)\r\n".utf8)) }
    }

    /// Adds one header line as received; a status line ("HTTP/…", a new response after a
    /// 100 Continue or a redirect) clears what came before. Concrete, not generic: a transport in
    /// another module calls it for every header line, and a generic call there is not specialised
    /// (it was 5% of a request's CPU at one request in flight).
    public mutating func append(line: UnsafeRawBufferPointer) {
        if line.count >= 5, line[0] == 0x48, line[1] == 0x54, line[2] == 0x54, line[3] == 0x50, line[4] == 0x2F {  // "HTTP/"
            if !lines.isEmpty { lines.removeAll(keepingCapacity: true) }
        } else {
            // Room for a reply's usual headers at once: line by line, the buffer reallocated
            // four or five times per reply.
            if lines.capacity == 0 { lines.reserveCapacity(512) }
            lines.append(contentsOf: line)
        }
    }

    /// Adds one header line as received (see `append(line:)` above).
    public mutating func append(line: [UInt8]) {
        line.withUnsafeBytes { append(line: $0) }
    }

    /// The value of the first header named `name` (any case), without surrounding white space.
    public subscript(name: String) -> String? {
        let wanted = Array(name.utf8).map(Self.lowercased)
        var start = 0
        while start < lines.count {
            var end = start
            while end < lines.count, lines[end] != 0x0A { end += 1 }
            if let colon = lines[start..<end].firstIndex(of: UInt8(ascii: ":")), colon - start == wanted.count,
               zip(lines[start..<colon], wanted).allSatisfy({ Self.lowercased($0) == $1 }) {
                var from = colon + 1, to = end
                while from < to, Self.isSpace(lines[from]) { from += 1 }
                while to > from, Self.isSpace(lines[to - 1]) { to -= 1 }
                return String(decoding: lines[from..<to], as: UTF8.self)
            }
            start = end + 1
        }
        return nil
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
}
