// Bad input the suite has not seen: seeded random damage to real files must load or give one
// single-line error with a line number, never crash or half-load.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct MutatedInputTests {
    static let sources = ["pandalm-200.jsonl", "scored-handmade.jsonl", "llmbar-natural.jsonl"]
    static let csv = Array("id,question,answer_1,answer_2,winner\nx,\"Q \"\"1\"\"\",a,b,1\ny,Q2,\"multi\nline\",b,tie\nz,Q3,a,b,2\n".utf8)

    @Test(arguments: [11, 12, 13] as [UInt64])
    func damagedFilesLoadOrFailWithOneLocatedError(seed: UInt64) throws {
        let folder = try TemporaryFolder()
        let originals = try Self.sources.map { Array(try Data(contentsOf: URL(fileURLWithPath: Paths.samples + "/" + $0))) }
        var g = SplitMix(seed: seed)
        var failures = 0
        for n in 0..<150 {
            let isCSV = g.next() % 3 == 0
            var bytes = isCSV ? Self.csv : originals[Int(g.next() % UInt64(originals.count))]
            Self.damage(&bytes, &g)
            let file = try folder.write("case\(n).\(isCSV ? "csv" : "jsonl")", bytes: bytes)
            do {
                _ = try DatasetLoader.load(path: file)
            } catch let error as InputError {
                failures += 1
                #expect(error.file == file)
                #expect(error.line != nil, "\(error)")
                #expect(!error.description.contains("\n"), "\(error)")
                #expect(error.description.count < 400, "\(error)")
            }
        }
        #expect(failures > 50)  // the damage really does break most files
    }

    static func damage(_ bytes: inout [UInt8], _ g: inout SplitMix) {
        let at = Int(g.next() % UInt64(max(bytes.count, 1)))
        switch g.next() % 6 {
        case 0: bytes.removeSubrange(at...)
        case 1:
            let symbols = Array(#"{}[]",:\01 xtn"#.utf8) + [10]
            for _ in 0...(g.next() % 3) { bytes[Int(g.next() % UInt64(bytes.count))] = symbols[Int(g.next() % UInt64(symbols.count))] }
        case 2: bytes.insert([0xC3, 0xFF, 0x80, 0xED][Int(g.next() % 4)], at: at)
        case 3: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(g.next() % 30)))
        case 4:
            var lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
            let i = Int(g.next() % UInt64(lines.count))
            if g.next() % 2 == 0 { lines.remove(at: i) } else { lines.insert(lines[i], at: i) }
            bytes = Array(lines.joined(separator: [10]))
        default:
            let inserts: [[UInt8]] = [Array("\"".utf8), Array("{".utf8), Array(",".utf8), Array(#""votes":["1"],"#.utf8), [10, 10], [0]]
            bytes.insert(contentsOf: inserts[Int(g.next() % UInt64(inserts.count))], at: at)
        }
    }

    @Test func excerptsKeepMessagesOnOneShortLine() {
        #expect("a\nb\tc".excerpt() == "a\\nb\\tc")
        #expect(String(repeating: "x", count: 50).excerpt(10) == "xxxxxxxxxx…")
        #expect("\u{1}é".excerpt() == "\\u{1}é")
        let error = InputError(file: "f", line: 3, field: "we\nird", "bad")
        #expect(error.description == "f:3: field 'we\\nird': bad")
    }
}
