// A data file's bytes, checked for UTF-8, with byte offsets turned into line numbers.
import Foundation

/// The raw bytes of one input file, with the checks every reader needs first: that the file
/// exists, is not empty and is valid UTF-8. Offsets map to 1-based line numbers.
public struct SourceText: Sendable {
    public let path: String
    public let bytes: [UInt8]
    /// Byte offset of the start of each line.
    private let lineStarts: [Int]

    public init(path: String, allowEmpty: Bool = false) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw InputError(file: path, "is a folder, not a file")
            }
            throw InputError(file: path, "cannot read the file (does it exist?)")
        }
        try self.init(path: path, data: data, allowEmpty: allowEmpty)
    }

    public init(path: String, data: Data, allowEmpty: Bool = false) throws {
        self.path = path
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a UTF-8 byte-order mark
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
        self.lineStarts = starts
        if !allowEmpty, bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw InputError(file: path, line: 1, "the file is empty")
        }
        if let bad = SourceText.firstInvalidUTF8(in: bytes) {
            let (line, column) = location(ofOffset: bad)
            throw InputError(file: path, line: line,
                             "invalid UTF-8 (byte 0x\(String(bytes[bad], radix: 16, uppercase: true)) at column \(column))")
        }
    }

    /// The 1-based line holding a byte offset.
    public func line(ofOffset offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }

    /// The 1-based line and column (in bytes) of a byte offset.
    public func location(ofOffset offset: Int) -> (line: Int, column: Int) {
        let line = line(ofOffset: offset)
        return (line, offset - lineStarts[line - 1] + 1)
    }

    /// Each line's bytes (without its `\n` or `\r\n`) and its 1-based number.
    public func lines() -> [(number: Int, bytes: ArraySlice<UInt8>)] {
        var result: [(Int, ArraySlice<UInt8>)] = []
        result.reserveCapacity(lineStarts.count)
        for (i, start) in lineStarts.enumerated() {
            var end = i + 1 < lineStarts.count ? lineStarts[i + 1] - 1 : bytes.count
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            if start <= end { result.append((i + 1, bytes[start..<end])) }
        }
        return result
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> Int? {
        // Fast path: pure ASCII or valid UTF-8.
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
