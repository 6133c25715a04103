// A large JSONL file, line by line, without holding it in memory.
import Foundation

/// Reads a file in fixed-size chunks and hands over one line at a time, with the same checks as
/// `SourceText` (the file exists, is not blank, is UTF-8; a byte-order mark is skipped), each
/// reported at its line. For judgments files of a million lines, where `SourceText` would hold
/// the whole file, its line table and a copy of its bytes.
public struct LineReader {
    public let path: String
    public var chunkSize = 1 << 20

    public init(path: String) {
        self.path = path
    }

    /// The file's first byte that is not white space, reading no further than the line it is on.
    /// Throws as `forEachLine` does for a file that is missing, a folder, or blank, so it doubles
    /// as a cheap check before a file is handed to another reader.
    public func firstContentByte() throws -> UInt8? {
        var found: UInt8?
        try forEachLine { _, line in
            found = line.first { ![0x20, 0x09, 0x0D].contains($0) }
            return found == nil
        }
        return found
    }

    /// Calls `visit` with each line's 1-based number and bytes (without `\n` or `\r\n`), in
    /// order, until it returns false. Throws for a file that cannot be read, is blank, or has a
    /// line that is not UTF-8 (that line's number and column).
    public func forEachLine(_ visit: (_ number: Int, _ line: ArraySlice<UInt8>) throws -> Bool) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(file: path, "cannot read the file (does it exist?)")
        }
        if isDirectory.boolValue { throw InputError(file: path, "is a folder, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError(file: path, "cannot read the file (is it readable?)")
        }
        defer { try? handle.close() }

        var pending: [UInt8] = []  // the start of a line that continues in the next chunk
        var number = 0
        var first = true
        var sawContent = false
        var stopped = false

        func emit(_ line: ArraySlice<UInt8>) throws {
            number += 1
            var line = line
            if first {
                first = false
                if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }  // a UTF-8 byte-order mark
            }
            if line.last == 0x0D { line = line.dropLast() }
            if let bad = SourceText.firstInvalidUTF8(in: Array(line)) {
                throw InputError(file: path, line: number,
                                 "invalid UTF-8 (byte 0x\(String(line[line.startIndex + bad], radix: 16, uppercase: true)) at column \(bad + 1))")
            }
            if !sawContent, line.contains(where: { ![0x20, 0x09].contains($0) }) { sawContent = true }
            if try !visit(number, line) { stopped = true }
        }

        while !stopped {
            let chunk = try handle.read(upToCount: chunkSize) ?? Data()
            if chunk.isEmpty { break }
            try chunk.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                let bytes = buffer.bindMemory(to: UInt8.self)
                var start = 0
                while !stopped, let newline = bytes[start...].firstIndex(of: 0x0A) {
                    if pending.isEmpty {
                        try emit(ArraySlice(bytes[start..<newline]))
                    } else {
                        pending.append(contentsOf: bytes[start..<newline])
                        try emit(pending[...])
                        pending.removeAll(keepingCapacity: true)
                    }
                    start = newline + 1
                }
                if !stopped { pending.append(contentsOf: bytes[start...]) }
            }
        }
        if !stopped, !pending.isEmpty || number == 0 { try emit(pending[...]) }
        if !stopped, !sawContent { throw InputError(file: path, line: 1, "the file is empty") }
    }
}
