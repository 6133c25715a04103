// One input record (a JSON object or a CSV row) and typed access to its fields, with errors
// that name the file, the line and the field.
import Foundation

/// One record of an input file: its fields, and where it stands.
struct Record {
    var fields: JSONValue
    var file: String
    var line: Int
    /// 0-based position in the file, for ids made from positions.
    var index: Int
    /// CSV values are all text: numbers and lists are read from strings.
    var textual: Bool = false

    func error(_ field: String?, _ message: String) -> InputError {
        InputError(file: file, line: line, field: field, message)
    }

    /// The field's value; nil when absent or null.
    func value(_ key: String) -> JSONValue? {
        switch fields[key] {
        case nil, .null?: return nil
        case let value?: return value
        }
    }

    func has(_ key: String) -> Bool {
        guard let value = value(key) else { return false }
        if textual, case let .string(s) = value, s.isBlank { return false }
        return true
    }

    /// A required, non-empty string. Integer ids are accepted and written as text.
    /// - Parameter scalarsAsText: also accept any number or boolean as its JSON text; public data
    ///   sets record some model answers that way (PandaLM has answers that are `true`).
    func string(_ key: String, allowEmpty: Bool = false, scalarsAsText: Bool = false) throws -> String {
        guard let value = value(key) else { throw error(key, "missing") }
        let text: String
        switch value {
        case let .string(s): text = s
        case let .number(n) where n == n.rounded() && abs(n) < 1e15: text = String(Int64(n))
        case .number where scalarsAsText, .bool where scalarsAsText: text = value.compactText
        default: throw error(key, "expected a string, found \(value.kindName)")
        }
        if !allowEmpty, text.isBlank { throw error(key, "is empty") }
        return text
    }

    /// An optional string; an empty one counts as absent.
    func optionalString(_ key: String) throws -> String? {
        guard has(key) else { return nil }
        let text = try string(key, allowEmpty: true)
        return text.isEmpty ? nil : text
    }

    func number(_ key: String) throws -> Double {
        guard let value = value(key) else { throw error(key, "missing") }
        return try number(value, key)
    }

    func number(_ value: JSONValue, _ key: String) throws -> Double {
        switch value {
        case let .number(n): return n
        case let .string(s) where textual:
            guard let n = Double(s.trimmed), n.isFinite else {
                throw error(key, "expected a number, found '\(s.excerpt())'")
            }
            return n
        default: throw error(key, "expected a number, found \(value.kindName)")
        }
    }

    /// An array field; CSV text may hold a JSON array or values separated by ',', ';' or '|'.
    func list(_ key: String) throws -> [JSONValue] {
        guard let value = value(key) else { throw error(key, "missing") }
        switch value {
        case let .array(items): return items
        case let .string(s) where textual:
            let trimmed = s.trimmed
            if trimmed.hasPrefix("["), let parsed = try? JSONValue.parse(Data(trimmed.utf8)), case let .array(items) = parsed {
                return items
            }
            return trimmed.split(whereSeparator: { ",;|".contains($0) })
                .map { .string($0.trimmed) }
        default: throw error(key, "expected an array, found \(value.kindName)")
        }
    }
}
