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
        var out = ""
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Indented JSON text for people, two spaces a level.
    public var prettyText: String {
        var out = ""
        write(to: &out, indent: "  ", level: 0)
        return out
    }

    private func write(to out: inout String, indent: String?, level: Int) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .number(n): out += JSONValue.format(number: n)
        case let .string(s): JSONValue.writeString(s, to: &out)
        case let .array(items):
            writeContainer(open: "[", close: "]", count: items.count, to: &out, indent: indent, level: level) { i, out in
                items[i].write(to: &out, indent: indent, level: level + 1)
            }
        case let .object(members):
            writeContainer(open: "{", close: "}", count: members.count, to: &out, indent: indent, level: level) { i, out in
                JSONValue.writeString(members[i].0, to: &out)
                out += indent == nil ? ":" : ": "
                members[i].1.write(to: &out, indent: indent, level: level + 1)
            }
        }
    }

    private func writeContainer(open: String, close: String, count: Int, to out: inout String,
                                indent: String?, level: Int, element: (Int, inout String) -> Void) {
        out += open
        guard count > 0 else { out += close; return }
        for i in 0..<count {
            if i > 0 { out += "," }
            if let indent { out += "\n" + String(repeating: indent, count: level + 1) }
            element(i, &out)
        }
        if let indent { out += "\n" + String(repeating: indent, count: level) }
        out += close
    }

    /// Integers print without a fraction; other numbers in Swift's shortest round-trip form.
    /// Non-finite numbers have no JSON form and print as null.
    static func format(number n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 9_007_199_254_740_992 { return String(Int64(n)) }
        return "\(n)"
    }

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
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
