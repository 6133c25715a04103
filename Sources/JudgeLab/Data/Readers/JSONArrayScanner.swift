// Splits a top-level JSON array into its elements' byte ranges, so each can be parsed (and its
// errors reported) with the line it starts on.

/// Finds the elements of a top-level JSON array without parsing them. Strings and nesting are
/// tracked, so commas and brackets inside values are skipped; each element is then parsed on
/// its own, which lets an error name the line of the element it is in.
enum JSONArrayScanner {
    static func elements(of source: SourceText) throws -> [Range<Int>] {
        let bytes = source.bytes
        var i = 0
        func skipSpace() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else {
            throw InputError(file: source.path, line: source.line(ofOffset: min(i, bytes.count - 1)),
                             "expected a JSON array (a file that starts with '[')")
        }
        i += 1
        var ranges: [Range<Int>] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { return [] }
        while i < bytes.count {
            skipSpace()
            let start = i
            var depth = 0
            var inString = false
            scan: while i < bytes.count {
                let byte = bytes[i]
                if inString {
                    if byte == UInt8(ascii: "\\") { i += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                } else {
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        if depth == 0 { break scan }
                        depth -= 1
                    case UInt8(ascii: ","): if depth == 0 { break scan }
                    default: break
                    }
                }
                i += 1
            }
            guard i < bytes.count else {
                throw InputError(file: source.path, line: source.line(ofOffset: start),
                                 "the array is not closed (unterminated element starting here)")
            }
            var end = i
            while end > start, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[end - 1]) { end -= 1 }
            guard end > start else {
                throw InputError(file: source.path, line: source.line(ofOffset: i), "an empty array element (a stray ',')")
            }
            ranges.append(start..<end)
            if bytes[i] == UInt8(ascii: "]") {
                i += 1
                skipSpace()
                if i < bytes.count {
                    throw InputError(file: source.path, line: source.line(ofOffset: i), "unexpected text after the closing ']'")
                }
                return ranges
            }
            i += 1  // the comma
        }
        throw InputError(file: source.path, line: source.line(ofOffset: bytes.count - 1), "the array is not closed")
    }
}
