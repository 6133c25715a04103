// A JSON value with ordered object keys: parsed input keeps its shape, output keeps a fixed order.
import Foundation

/// A JSON value. Objects keep their keys in order so that JudgeLab's output is stable and
/// readable (`id` first, not alphabetical).
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            // JSON objects are unordered: equal when they hold the same keys with equal values.
            guard a.count == b.count else { return false }
            return a.allSatisfy { key, value in b.first { $0.0 == key }.map { $0.1 == value } ?? false }
        default: return false
        }
    }

    /// The value under `key` of an object; nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// The strings of an array (others skipped); empty for anything else.
    public var strings: [String] {
        guard case let .array(items) = self else { return [] }
        return items.compactMap(\.stringValue)
    }

    public var numberValue: Double? {
        if case let .number(n) = self { return n }
        return nil
    }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

// MARK: - Parsing

extension JSONValue {
    /// Parses one JSON document strictly (RFC 8259); throws `JSONSyntaxError` with the offset.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONParser.parse(data)
    }
}

// MARK: - Writing

extension JSONValue {
    /// Compact JSON text, one line.
    public var compactText: String {
        String(decoding: compactBytes, as: UTF8.self)
    }

    /// Compact JSON text as UTF-8 bytes (a request body, with no String in between).
    public var compactBytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Indented JSON text for people, two spaces a level.
    public var prettyText: String {
        var out: [UInt8] = []
        write(to: &out, indent: "  ", level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    // Written as UTF-8 bytes: appending to a String scalar by scalar was a hot spot.
    private func write(to out: inout [UInt8], indent: String?, level: Int) {
        switch self {
        case .null: out += "null".utf8
        case let .bool(b): out += (b ? "true" : "false").utf8
        case let .number(n): JSONValue.writeNumber(n, to: &out)
        case let .string(s): JSONValue.writeString(s, to: &out)
        case let .array(items):
            writeContainer(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), count: items.count, to: &out, indent: indent, level: level) { i, out in
                items[i].write(to: &out, indent: indent, level: level + 1)
            }
        case let .object(members):
            writeContainer(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), count: members.count, to: &out, indent: indent, level: level) { i, out in
                JSONValue.writeString(members[i].0, to: &out)
                out += (indent == nil ? ":" : ": ").utf8
                members[i].1.write(to: &out, indent: indent, level: level + 1)
            }
        }
    }

    private func writeContainer(open: UInt8, close: UInt8, count: Int, to out: inout [UInt8],
                                indent: String?, level: Int, element: (Int, inout [UInt8]) -> Void) {
        out.append(open)
        guard count > 0 else { out.append(close); return }
        for i in 0..<count {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if let indent {
                out.append(UInt8(ascii: "\n"))
                for _ in 0..<(level + 1) { out += indent.utf8 }
            }
            element(i, &out)
        }
        if let indent {
            out.append(UInt8(ascii: "\n"))
            for _ in 0..<level { out += indent.utf8 }
        }
        out.append(close)
    }

    /// `format(number:)` appended to `out`; an integer's digits go straight in, with no String.
    static func writeNumber(_ n: Double, to out: inout [UInt8]) {
        guard var value = exactInteger(n) else {
            out += format(number: n).utf8
            return
        }
        if value < 0 { out.append(UInt8(ascii: "-")); value = -value }
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(value % 10))
            value /= 10
        } while value > 0
        out[start...].reverse()
    }

    /// Integers print without a fraction; other numbers in Swift's shortest round-trip form.
    /// Non-finite numbers have no JSON form and print as null.
    public static func format(number n: Double) -> String {
        guard n.isFinite else { return "null" }
        if let integer = exactInteger(n) { return String(integer) }
        return n.description  // what "\(n)" writes, without an interpolation buffer
    }

    /// `n` as an integer, when it is one that a Double holds exactly (below 2^53 in size).
    private static func exactInteger(_ n: Double) -> Int64? {
        n.isFinite && n == n.rounded() && abs(n) < 9_007_199_254_740_992 ? Int64(n) : nil
    }

    static func writeString(_ s: String, to out: inout String) {
        var bytes: [UInt8] = []
        writeString(s, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, and U+2028 and
    /// U+2029 too (they end lines in JavaScript). Runs without escapes are copied whole.
    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // Room for the whole string at once, growing geometrically: an exact reserve per
            // string made every later append to the same buffer reallocate again.
            let needed = out.count + bytes.count + 2
            if out.capacity < needed { out.reserveCapacity(max(needed, 2 * out.capacity)) }
            var runStart = 0
            var i = 0
            let backslash = UInt8(ascii: "\\")
            while i < bytes.count {
                let byte = bytes[i]
                // Most bytes need no escape: test for that first, with no allocation on any path.
                if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != backslash && byte != 0xE2 {
                    i += 1
                    continue
                }
                var width = 1
                let escaped: StaticString
                switch byte {
                case UInt8(ascii: "\""): escaped = "\\\""
                case backslash: escaped = "\\\\"
                case 0x0A: escaped = "\\n"
                case 0x0D: escaped = "\\r"
                case 0x09: escaped = "\\t"
                case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                    escaped = bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                    width = 3
                case 0xE2:
                    i += 1
                    continue
                default:
                    escaped = "\\u00"  // a control character: two hex digits follow
                }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                escaped.withUTF8Buffer { out.append(contentsOf: $0) }
                if byte < 0x20 && byte != 0x0A && byte != 0x0D && byte != 0x09 {
                    out.append(Self.hexDigits[Int(byte >> 4)])
                    out.append(Self.hexDigits[Int(byte & 0xF)])
                }
                i += width
                runStart = i
            }
            if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

/// Compact JSON written as it is built: the same bytes as `JSONValue.compactBytes` of the same
/// value, with no tree of values first. For request bodies, made for every request, where the
/// tree cost an allocation per object, array and member list.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next member or item follows another in its object or array.
    private var follows = false

    /// `capacity`: the bytes expected, so that the buffer is allocated once.
    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func openObject() { open(UInt8(ascii: "{")) }
    mutating func closeObject() { close(UInt8(ascii: "}")) }
    mutating func openArray() { open(UInt8(ascii: "[")) }
    mutating func closeArray() { close(UInt8(ascii: "]")) }

    /// An object member's key; its value comes next.
    mutating func key(_ name: String) {
        separate()
        JSONValue.writeString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        follows = false
    }

    mutating func string(_ value: String) {
        separate()
        JSONValue.writeString(value, to: &bytes)
        follows = true
    }

    mutating func number(_ value: Double) {
        separate()
        JSONValue.writeNumber(value, to: &bytes)
        follows = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes += value ? Array("true".utf8) : Array("false".utf8)
        follows = true
    }

    /// A whole value, written compactly.
    mutating func value(_ value: JSONValue) {
        separate()
        bytes += value.compactBytes
        follows = true
    }

    /// A value already written as JSON (a request body inside a batch line), as it is.
    mutating func raw(_ json: [UInt8]) {
        separate()
        bytes += json
        follows = true
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        follows = false
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        follows = true
    }

    private mutating func separate() {
        if follows { bytes.append(UInt8(ascii: ",")) }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue {
    /// A number, or null when absent: METRICS.md's `null` for undefined rates.
    public static func optional(_ n: Double?) -> JSONValue { n.map(JSONValue.number) ?? .null }
    public static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
}
