// A strict RFC 8259 JSON parser that builds JSONValue straight from UTF-8 bytes.
//
// Foundation's JSONSerialization spends most of its time bridging to NSDictionary and back, and
// its messages do not say where a document went wrong ("Unexpected end of file" for `tru`).
// Data files are JudgeLab's largest inputs and their errors must name a line and column, so
// JSON is parsed here, in one pass, with the byte offset of every problem.

/// Where and why a JSON document is malformed: `offset` is the byte offset of the problem.
public struct JSONSyntaxError: Error, Equatable, Sendable {
    public var offset: Int
    public var message: String
}

struct JSONParser {
    /// Documents nested deeper than this are refused rather than overflowing the stack.
    static let maximumDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses one complete document; only white space may follow it.
    static func parse<Bytes: Collection>(_ input: Bytes) throws(JSONSyntaxError) -> JSONValue where Bytes.Element == UInt8 {
        let result: Result<JSONValue, JSONSyntaxError>? = input.withContiguousStorageIfAvailable { buffer in
            var parser = JSONParser(buffer)
            return Result { () throws(JSONSyntaxError) -> JSONValue in try parser.parseDocument() }
        }
        if let result { return try result.get() }
        return try parse(Array(input))
    }

    private mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        skipSpace()
        let value = try parseValue()
        skipSpace()
        if position < bytes.count { throw fail("unexpected text after the JSON value") }
        return value
    }

    private func fail(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? position, message: message)
    }

    private mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private func describeCurrent() -> String {
        guard position < bytes.count else { return "the end of the text" }
        let byte = bytes[position]
        return byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard position < bytes.count else { throw fail("expected a value, found the end of the text") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("expected a value, found \(describeCurrent())")
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
        let start = position
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for byte in expected {
            guard position < bytes.count, bytes[position] == byte else {
                throw fail("expected '\(word)'", at: start)
            }
            position += 1
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > JSONParser.maximumDepth { throw fail("nested more than \(JSONParser.maximumDepth) levels deep") }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        position += 1
        var members: [(String, JSONValue)] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(members)
        }
        // Room for most objects at once: growing one member at a time reallocated three times
        // on the way to five members.
        members.reserveCapacity(8)
        while true {
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw fail("expected a key in double quotes, found \(describeCurrent())")
            }
            let keyStart = position
            let key = try parseString()
            if members.contains(where: { $0.0 == key }) { throw fail("the key '\(key.excerpt())' appears twice in one object", at: keyStart) }
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw fail("expected ':' after the key '\(key.excerpt())', found \(describeCurrent())")
            }
            position += 1
            skipSpace()
            members.append((key, try parseValue()))
            skipSpace()
            guard position < bytes.count else { throw fail("the object is not closed: expected ',' or '}'") }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return .object(members)
            default: throw fail("expected ',' or '}' in an object, found \(describeCurrent())")
            }
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        position += 1
        var items: [JSONValue] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(items)
        }
        items.reserveCapacity(8)
        while true {
            skipSpace()
            items.append(try parseValue())
            skipSpace()
            guard position < bytes.count else { throw fail("the array is not closed: expected ',' or ']'") }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return .array(items)
            default: throw fail("expected ',' or ']' in an array, found \(describeCurrent())")
            }
        }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let open = position
        position += 1
        let start = position
        // Fast path: no escapes, the bytes are the string.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw fail("a control character inside a string (write it as an escape such as \\n)") }
            position += 1
        }
        var scratch = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { break }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escape)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    scratch.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    throw fail("an unknown escape '\\\(Character(Unicode.Scalar(escape)))' in a string", at: position - 2)
                }
            default:
                if byte < 0x20 { throw fail("a control character inside a string (write it as an escape such as \\n)") }
                scratch.append(byte)
                position += 1
            }
        }
        throw fail("the string is not closed", at: open)
    }

    /// After `\u`: four hex digits, and a second escape when they are a high surrogate.
    private mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let start = position - 2
        let high = try hexQuad()
        if (0xD800...0xDBFF).contains(high) {
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw fail("a lone surrogate in a \\u escape", at: start)
            }
            position += 2
            let low = try hexQuad()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("a lone surrogate in a \\u escape", at: start) }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else { throw fail("a lone surrogate in a \\u escape", at: start) }
        return scalar
    }

    private mutating func hexQuad() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < bytes.count else { throw fail("a \\u escape needs four hex digits") }
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("a \\u escape needs four hex digits")
            }
            value = value * 16 + digit
            position += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = position
        func digits() -> Int {
            let from = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - from
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { throw fail("a number needs digits", at: start) }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else if digits() == 0 {
            throw fail("a number needs digits", at: start)
        }
        var fraction = false
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            fraction = true
            guard digits() > 0 else { throw fail("a number needs digits after '.'", at: start) }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            fraction = true
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw fail("a number needs digits in its exponent", at: start) }
        }
        if position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            throw fail("a number may not have leading zeros", at: start)
        }
        // A plain integer of up to 15 digits (token counts, indexes) is exact as a Double and
        // needs no text: most numbers in a reply are such, and Double(String) was visible per reply.
        if !fraction, position - start <= 15 {
            let negative = bytes[start] == UInt8(ascii: "-")
            var value = 0
            for index in (negative ? start + 1 : start)..<position { value = value * 10 + Int(bytes[index] &- UInt8(ascii: "0")) }
            return negative ? -Double(value) : Double(value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw fail("the number \(text) is out of range", at: start) }
        return value
    }
}
