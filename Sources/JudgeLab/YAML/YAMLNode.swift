// YAML read through Yams, keeping each value's line so that errors can name it.
import Foundation
import Yams

/// A YAML value with its file, line and dotted path, and typed accessors whose errors say where.
struct YAMLNode {
    let node: Node
    let file: String
    /// The dotted path of this value, e.g. `variants.grid.shots`.
    let path: String

    /// Parses a whole YAML document; a syntax error names its line.
    static func parse(_ text: String, file: String) throws -> YAMLNode {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw InputError(file: file, line: 1, "the file is empty")
            }
            return YAMLNode(node: node, file: file, path: "")
        } catch let error as YamlError {
            throw InputError(file: file, line: line(of: error), "malformed YAML: \(describe(error))")
        }
    }

    static func load(path: String) throws -> YAMLNode {
        let source = try SourceText(path: path)
        return try parse(String(decoding: source.bytes, as: UTF8.self), file: path)
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): return mark.line
        case let .duplicatedKeysInMapping(_, context): return context.mark.line
        default: return nil
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, _, _), let .parser(context, problem, _, _), let .composer(context, problem, _, _):
            return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        case let .duplicatedKeysInMapping(duplicates, _): return "the key '\(duplicates.joined(separator: "', '"))' appears twice"
        default: return "\(error)"
        }
    }

    var line: Int? { node.mark?.line }

    func error(_ message: String) -> InputError {
        InputError(file: file, line: line, field: path.isEmpty ? nil : path, message)
    }

    private func child(_ node: Node, _ name: String) -> YAMLNode {
        YAMLNode(node: node, file: file, path: path.isEmpty ? name : path + "." + name)
    }

    /// The mapping's keys in order, with their values.
    func members() throws -> [(key: String, value: YAMLNode)] {
        guard case let .mapping(mapping) = node else { throw error("expected a mapping (key: value lines), found \(kind)") }
        return try mapping.map { key, value in
            guard let name = key.string else { throw YAMLNode(node: key, file: file, path: path).error("a key must be text") }
            return (name, child(value, name))
        }
    }

    /// Checks that every key is one of `allowed`, so that a typo is an error rather than ignored.
    func requireKeys(in allowed: [String]) throws {
        for (key, value) in try members() where !allowed.contains(key) {
            throw value.error("unknown key '\(key.excerpt())' (expected one of: \(allowed.joined(separator: ", ")))")
        }
    }

    subscript(key: String) -> YAMLNode? {
        guard case let .mapping(mapping) = node, let value = mapping[Node(key)] else { return nil }
        if case .scalar = value, value.null != nil { return nil }
        return child(value, key)
    }

    var kind: String {
        switch node {
        case .scalar: return "a single value"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    func string() throws -> String {
        guard case .scalar = node, let text = node.string else { throw error("expected text, found \(kind)") }
        return text
    }

    func int() throws -> Int {
        guard case .scalar = node, let value = node.int else { throw error("expected a whole number, found '\((node.string ?? kind).excerpt())'") }
        return value
    }

    func double() throws -> Double {
        guard case .scalar = node, let value = node.float ?? node.int.map(Double.init), value.isFinite else {
            throw error("expected a number, found '\((node.string ?? kind).excerpt())'")
        }
        return value
    }

    func bool() throws -> Bool {
        guard case .scalar = node, let value = node.bool else { throw error("expected true or false, found '\((node.string ?? kind).excerpt())'") }
        return value
    }

    /// A list's items; a single value counts as a list of one.
    func list() -> [YAMLNode] {
        if case let .sequence(sequence) = node {
            return sequence.enumerated().map { YAMLNode(node: $1, file: file, path: "\(path)[\($0)]") }
        }
        return [self]
    }
}
