// The strict JSON parser and writer: round trips, escapes, and where errors are reported.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct JSONValueTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue.parse(Data(#" {"s":"a\"b\\c\/\n\t\u00e9\ud83d\ude00","n":[-0,1.5e2,1E-2,42],"b":[true,false],"z":null,"o":{}} "#.utf8))
        #expect(value["s"] == .string("a\"b\\c/\n\té😀"))
        #expect(value["n"] == [-0.0, 150, 0.01, 42] as JSONValue)
        #expect(value["b"] == [true, false] as JSONValue)
        #expect(value["z"] == .null)
        #expect(value["o"] == .object([]))
    }

    @Test func objectEqualityIgnoresKeyOrder() {
        #expect(["a": 1, "b": 2] as JSONValue == ["b": 2, "a": 1] as JSONValue)
        #expect(["a": 1] as JSONValue != ["a": 1, "b": 2] as JSONValue)
        #expect(["a": 1] as JSONValue != ["b": 1] as JSONValue)
    }

    static let malformed: [(text: String, offset: Int, says: String)] = [
        (#"{"a": tru}"#, 6, "expected 'true'"),
        (#"{"a": 1,}"#, 8, "expected a key"),
        (#"{"a" 1}"#, 5, "expected ':'"),
        (#"[1 2]"#, 3, "expected ',' or ']'"),
        (#"{"a": 01}"#, 6, "leading zeros"),
        (#"{"a": 1.}"#, 6, "digits after '.'"),
        (#"{"a": .5}"#, 6, "expected a value"),
        (#"{"a": -}"#, 6, "needs digits"),
        (#"{"a": 1e}"#, 6, "exponent"),
        ("{\"a\": \"x\ny\"}", 8, "control character"),
        (#"{"a": "\x"}"#, 7, "unknown escape"),
        (#"{"a": "\ud800"}"#, 7, "lone surrogate"),
        (#"{"a": "\u12"}"#, 11, "four hex digits"),
        (#"{"a": "open}"#, 6, "not closed"),
        (#"{"a": 1, "a": 2}"#, 9, "appears twice"),
        (#"{"a": {"a": 1}, "b": [{"a": 2}], "a": 3}"#, 33, "appears twice"),  // nested keys are their objects' own
        (#"{"a": 1} x"#, 9, "after the JSON value"),
        (#"{"a": 1e999}"#, 6, "out of range"),
        ("", 0, "found the end"),
        (#"{"a": [1, 2"#, 11, "not closed"),
    ]

    @Test(arguments: 0..<malformed.count)
    func malformedJSONSaysWhereAndWhy(_ index: Int) {
        let (text, offset, says) = Self.malformed[index]
        do {
            let value = try JSONParser.parse(Array(text.utf8))
            Issue.record("parsed \(text) as \(value)")
        } catch {
            #expect(error.offset == offset, "\(text): \(error.message)")
            #expect(error.message.contains(says), "\(text): \(error.message)")
        }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(deep.utf8)) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONParser.parse(Array(fine.utf8))) != nil)
    }

    @Test func writerOutputParsesBackToTheSameValue() throws {
        var generator = SplitMix(seed: 7)
        for _ in 0..<300 {
            let value = randomValue(&generator, depth: 0)
            #expect(try JSONValue.parse(Data(value.compactText.utf8)) == value)
            #expect(try JSONValue.parse(Data(value.prettyText.utf8)) == value)
            // Foundation agrees that the writer's text is JSON.
            #expect((try? JSONSerialization.jsonObject(with: Data(value.compactText.utf8), options: [.fragmentsAllowed])) != nil)
        }
    }

    @Test func theStreamingWriterWritesWhatTheTreeWrites() {
        func write(_ value: JSONValue, to writer: inout JSONWriter) {
            switch value {
            case let .string(s): writer.string(s)
            case let .number(n): writer.number(n)
            case let .array(items):
                writer.openArray()
                for item in items { write(item, to: &writer) }
                writer.closeArray()
            case let .object(members):
                writer.openObject()
                for (key, member) in members {
                    writer.key(key)
                    write(member, to: &writer)
                }
                writer.closeObject()
            default: writer.number(.nan)  // null; the writer has no booleans
            }
        }
        var generator = SplitMix(seed: 11)
        for _ in 0..<300 {
            // Booleans become null, which the writer writes as a non-finite number does.
            let value = randomValue(&generator, depth: 0).replacingBooleans()
            var writer = JSONWriter(capacity: 0)
            write(value, to: &writer)
            #expect(writer.bytes == value.compactBytes, "\(value.compactText)")
        }
    }

    @Test func numbersPrintAsIntegersWhenWhole() {
        #expect(JSONValue.number(3).compactText == "3")
        #expect(JSONValue.number(-0.25).compactText == "-0.25")
        #expect(JSONValue.number(.nan).compactText == "null")
        #expect(JSONValue.string("\u{1}\u{2028}").compactText == #""\u0001\u2028""#)
    }

    /// The integer fast paths (writing digits, reading plain integers) agree with the general
    /// ones: Swift's own number text and Double(String), at the edges and at 5,000 random values.
    @Test func integerFastPathsAgreeWithTheGeneralOnes() throws {
        var g = SplitMix(seed: 11)
        let edges: [Double] = [0, -0.0, 1, -1, 9, 10, 99, 100, 512, 999_999_999_999_999, -999_999_999_999_999,
                               9_007_199_254_740_991, -9_007_199_254_740_991, 9_007_199_254_740_992, 1e300, 0.5]
        let randoms = (0..<5000).map { _ in Double(Int64(bitPattern: g.next()) >> (g.next() % 63)) }
        for n in edges + randoms {
            var written: [UInt8] = []
            JSONValue.writeNumber(n, to: &written)
            #expect(String(decoding: written, as: UTF8.self) == JSONValue.format(number: n), "\(n)")
            let text = JSONValue.format(number: n)
            let parsed = try JSONParser.parse(Array(text.utf8)).numberValue
            #expect(parsed == Double(text), "\(text)")
            #expect(parsed?.sign == Double(text)?.sign, "\(text)")
        }
        for text in ["-0", "0", "123456789012345", "-123456789012345", "1234567890123456", "12345678901234567890", "1.5", "2e3"] {
            #expect(try JSONParser.parse(Array(text.utf8)).numberValue == Double(text), "\(text)")
        }
    }

    private func randomValue(_ g: inout SplitMix, depth: Int) -> JSONValue {
        switch g.next() % (depth > 3 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(g.next() % 2 == 0)
        case 2: return .number(Double(Int64(bitPattern: g.next()) % 1_000_000) / Double(1 + g.next() % 1000))
        case 3:
            let alphabet: [Unicode.Scalar] = ["a", "\"", "\\", "\n", "\u{0}", "\u{1F}", "é", "😀", "/", "\u{2028}", " "]
            return .string(String(String.UnicodeScalarView((0..<(g.next() % 12)).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] })))
        case 4: return .array((0..<(g.next() % 5)).map { _ in randomValue(&g, depth: depth + 1) })
        default: return .object((0..<(g.next() % 5)).map { i in ("k\(i)", randomValue(&g, depth: depth + 1)) })
        }
    }
}

extension JSONValue {
    func replacingBooleans() -> JSONValue {
        switch self {
        case .bool: return .null
        case let .array(items): return .array(items.map { $0.replacingBooleans() })
        case let .object(members): return .object(members.map { ($0.0, $0.1.replacingBooleans()) })
        default: return self
        }
    }
}

/// A tiny seeded generator for test data (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
