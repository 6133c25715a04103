// Loading data sets: every label form, the public formats, mappings, and every kind of bad input.
import Foundation
import Testing
@testable import JudgeLab
import JudgeLabTestSupport

@Suite struct DatasetLoaderTests {
    static let good = Fixtures.goodPair

    @Test func loadsEveryLabelForm() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("all.jsonl", """
        {"id":"s","question":"Q","answer_1":"a","answer_2":"b","scores":[3,7.5]}
        {"id":"s5","question":"Q","answer_1":"a","answer_2":"b","scores":[1,4],"scale_max":5}
        {"id":"v","question":"Q","answer_1":"a","answer_2":"b","votes":["1","tie","1"],"category":"c"}
        {"id":"w","question":"Q","answer_1":"a","answer_2":"b","winner":"TIE","explanation":"same"}

        {"id":"h","question":"Q","answer_1":"","answer_2":"b","human_score":2}
        """)
        let dataset = try DatasetLoader.load(path: file)
        #expect(dataset.pairs.map(\.id) == ["s", "s5", "v", "w", "h"])
        #expect(dataset.pairs[0].label == .scores(3, 7.5, scaleMax: 10))
        #expect(dataset.pairs[1].label == .scores(1, 4, scaleMax: 5))
        #expect(dataset.pairs[2].label == .votes([.answer1, .tie, .answer1]))
        #expect(dataset.pairs[2].category == "c")
        #expect(dataset.pairs[3].label == .winner(.tie))
        #expect(dataset.pairs[3].explanation == "same")
        #expect(dataset.pairs[4].label == .humanScore(2))
        #expect(dataset.pairs[4].answer1 == "")
        #expect(dataset.labelForm == nil)
    }

    @Test func nativeRoundTripsThroughTheWriter() throws {
        let folder = try TemporaryFolder()
        let original = try DatasetLoader.load(path: Paths.samples + "/scored-handmade.jsonl")
        let copy = try folder.write("copy.jsonl", NativeFormat.text(original.pairs))
        #expect(try DatasetLoader.load(path: copy).pairs == original.pairs)
        #expect(original.pairs.count == 12)
        #expect(original.labelForm == .scores)
    }

    @Test func keepsAMegabyteAnswerIntact() throws {
        let folder = try TemporaryFolder()
        let big = String(repeating: "ünïcødé ✓ ", count: 100_000)  // well over 1 MB of UTF-8
        let line = JSONValue.object([("id", "big"), ("question", "Q"), ("answer_1", .string(big)),
                                     ("answer_2", "short"), ("winner", "2")]).compactText
        let file = try folder.write("big.jsonl", line + "\n")
        let pair = try #require(try DatasetLoader.load(path: file).pairs.first)
        #expect(pair.answer1 == big)
        #expect(pair.answer1.utf8.count > 1_000_000)
    }

    // MARK: Bad input: one error naming the file, the line and the field

    struct BadCase: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var line: Int
        var field: String?
        var says: String
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        .init(name: "duplicate id", text: good + "\n" + good, line: 2, field: "id", says: "duplicate id 'a' (first on line 1)"),
        .init(name: "missing answer", text: #"{"id":"a","question":"Q","answer_1":"x","winner":"1"}"#, line: 1, field: "answer_2", says: "missing"),
        .init(name: "empty question", text: good + "\n" + #"{"id":"b","question":"  ","answer_1":"x","answer_2":"y","winner":"1"}"#, line: 2, field: "question", says: "is empty"),
        .init(name: "empty id", text: #"{"id":"","question":"Q","answer_1":"x","answer_2":"y","winner":"1"}"#, line: 1, field: "id", says: "is empty"),
        .init(name: "no label", text: #"{"id":"a","question":"Q","answer_1":"x","answer_2":"y"}"#, line: 1, field: nil, says: "no human label"),
        .init(name: "two labels", text: #"{"id":"a","question":"Q","answer_1":"x","answer_2":"y","winner":"1","votes":["1"]}"#, line: 1, field: "winner", says: "two human labels"),
        .init(name: "score out of range", text: #"{"id":"a","question":"Q","answer_1":"x","answer_2":"y","scores":[3,11]}"#, line: 1, field: "scores", says: "outside 0..10"),
        .init(name: "three scores", text: #"{"id":"a","question":"Q","answer_1":"x","answer_2":"y","scores":[3,1,2]}"#, line: 1, field: "scores", says: "expected two scores"),
        .init(name: "human score 0", text: #"{"id":"a","question":"Q","answer_1":"x","answer_2":"y","human_score":0}"#, line: 1, field: "human_score", says: "outside 1..9"),
        .init(name: "bad vote", text: #"{"id":"a","question":"Q","answer_1":"x","answer_2":"y","votes":["1","3"]}"#, line: 1, field: "votes", says: "'3' is not a verdict"),
        .init(name: "empty votes", text: #"{"id":"a","question":"Q","answer_1":"x","answer_2":"y","votes":[]}"#, line: 1, field: "votes", says: "no votes"),
        .init(name: "bad winner", text: #"{"id":"a","question":"Q","answer_1":"x","answer_2":"y","winner":"A"}"#, line: 1, field: "winner", says: "'A' is not a verdict"),
        .init(name: "question not a string", text: #"{"id":"a","question":["Q"],"answer_1":"x","answer_2":"y","winner":"1"}"#, line: 1, field: "question", says: "expected a string, found an array"),
        .init(name: "zero scale", text: #"{"id":"a","question":"Q","answer_1":"x","answer_2":"y","scores":[1,2],"scale_max":0}"#, line: 1, field: "scale_max", says: "must be above 0"),
        .init(name: "not JSON", text: good + "\n\n" + #"{"id":"b", question}"#, line: 3, field: nil, says: "not valid JSON at column 12: expected a key in double quotes, found 'q'"),
        .init(name: "truncated last line", text: good + "\n" + #"{"id":"b","question":"Q","answer_1":"x"#, line: 2, field: nil, says: "not valid JSON"),
        .init(name: "array line", text: "[1,2]\n", line: 1, field: nil, says: "expected a JSON object"),
        .init(name: "empty file", text: "", line: 1, field: nil, says: "the file is empty"),
        .init(name: "blank file", text: "\n  \n", line: 1, field: nil, says: "the file is empty"),
    ]

    @Test(arguments: badCases)
    func badNativeInputNamesLineAndField(_ bad: BadCase) throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("bad.jsonl", bad.text)
        let error = try #require(throws: InputError.self) { try DatasetLoader.load(path: file) }
        #expect(error.file == file)
        #expect(error.line == bad.line)
        #expect(error.field == bad.field)
        #expect(error.message.contains(bad.says), "\(error)")
    }

    @Test func invalidUTF8NamesItsLineAndColumn() throws {
        let folder = try TemporaryFolder()
        var bytes = Array((Self.good + "\n").utf8)
        bytes += Array(#"{"id":"b","question":"caf"#.utf8) + [0xC3, 0x28] + Array(#"","answer_1":"x","answer_2":"y","winner":"1"}"#.utf8)
        let file = try folder.write("latin.jsonl", bytes: bytes)
        let error = try #require(throws: InputError.self) { try DatasetLoader.load(path: file) }
        #expect(error.line == 2)
        #expect(error.message.contains("invalid UTF-8"))
        #expect(error.message.contains("column 26"))  // after the 25 characters of {"id":"b","question":"caf
    }

    @Test func aMissingFileIsAnInputError() throws {
        let error = try #require(throws: InputError.self) { try DatasetLoader.load(path: "/nonexistent/x.jsonl") }
        #expect(error.message.contains("cannot read"))
    }

    // MARK: CSV and JSON through a mapping

    @Test func csvWithMappingAndQuotedNewlinesKeepsPhysicalLines() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("pairs.csv", #"""
        key,prompt,a,b,who,topic
        1,"Say ""hi""",hello,"multi
        line",model_a,greet
        2,Q2,x,y,model_b,
        3,Q3,x,y,tie,misc
        4,Q4,x,y,model_c,misc

        """#)
        var mapping = FieldMapping()
        mapping.id = "key"
        mapping.question = "prompt"
        mapping.answer1 = "a"
        mapping.answer2 = "b"
        mapping.labelForm = .winner
        mapping.labelFields = ["who"]
        mapping.category = "topic"
        mapping.verdictAliases = FieldMapping.parseAliases("model_a=1,model_b=2")!
        let error = try #require(throws: InputError.self) { try DatasetLoader.load(path: file, mapping: mapping) }
        #expect(error.line == 6)  // the record after a quoted line break starts on line 6
        #expect(error.field == "who")
        #expect(error.message.contains("'model_c' is not a verdict"))

        let fixed = try folder.write("fixed.csv", try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "model_c", with: "model_a"))
        let dataset = try DatasetLoader.load(path: fixed, mapping: mapping)
        #expect(dataset.pairs.count == 4)
        #expect(dataset.pairs[0].question == #"Say "hi""#)
        #expect(dataset.pairs[0].answer2 == "multi\nline")
        #expect(dataset.pairs[0].label == .winner(.answer1))
        #expect(dataset.pairs[1].category == nil)
        #expect(dataset.pairs[2].label == .winner(.tie))
    }

    @Test func csvScoresInTwoColumnsAndVotesInOne() throws {
        let folder = try TemporaryFolder()
        let scores = try folder.write("s.csv", "id,question,answer_1,answer_2,s1,s2\nx,Q,a,b,2,9\n")
        var mapping = FieldMapping()
        mapping.labelForm = .scores
        mapping.labelFields = ["s1", "s2"]
        #expect(try DatasetLoader.load(path: scores, mapping: mapping).pairs[0].label == .scores(2, 9, scaleMax: 10))

        let votes = try folder.write("v.csv", "id,question,answer_1,answer_2,votes\nx,Q,a,b,1;2;2\ny,Q,a,b,\"[\"\"tie\"\",\"\"1\"\"]\"\n")
        let pairs = try DatasetLoader.load(path: votes).pairs
        #expect(pairs[0].label == .votes([.answer1, .answer2, .answer2]))
        #expect(pairs[1].label == .votes([.tie, .answer1]))
    }

    @Test func csvErrors() throws {
        let folder = try TemporaryFolder()
        let wrongColumns = try folder.write("w.csv", "id,question,answer_1,answer_2,winner\nx,Q,a,b,1\ny,Q,a,b\n")
        var error = try #require(throws: InputError.self) { try DatasetLoader.load(path: wrongColumns) }
        #expect(error.line == 3)
        #expect(error.message.contains("4 columns; the header has 5"))

        let unknownColumn = try folder.write("u.csv", "id,q,answer_1,answer_2,winner\nx,Q,a,b,1\n")
        error = try #require(throws: InputError.self) { try DatasetLoader.load(path: unknownColumn) }
        #expect(error.line == 1)
        #expect(error.field == "question")

        let badScore = try folder.write("n.csv", "id,question,answer_1,answer_2,human_score\nx,Q,a,b,seven\n")
        error = try #require(throws: InputError.self) { try DatasetLoader.load(path: badScore) }
        #expect(error.line == 2)
        #expect(error.field == "human_score")
        #expect(error.message.contains("expected a number"))

        let openQuote = try folder.write("o.csv", "id,question,answer_1,answer_2,winner\nx,\"Q,a,b,1\n")
        error = try #require(throws: InputError.self) { try DatasetLoader.load(path: openQuote) }
        #expect(error.line == 2)
        #expect(error.message.contains("not closed"))
    }

    @Test func jsonArrayErrorsNameTheElementsLine() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("pairs.json", #"""
        [
          {"q": "one", "r1": "a", "r2": "b", "pick": "1", "id": "p1"},
          {"q": "two, with [brackets] and \"quotes\"", "r1": "a", "r2": "b", "pick": "2", "id": "p2"},
          {"q": "three",
           "r1": "a", "r2": "b", "pick": "first", "id": "p3"}
        ]
        """#)
        var mapping = FieldMapping()
        mapping.question = "q"
        mapping.answer1 = "r1"
        mapping.answer2 = "r2"
        mapping.labelForm = .winner
        mapping.labelFields = ["pick"]
        let error = try #require(throws: InputError.self) { try DatasetLoader.load(path: file, format: .json, mapping: mapping) }
        #expect(error.line == 4)
        #expect(error.field == "pick")

        let syntax = try folder.write("syntax.json", "[\n {\"a\": 1},\n {\"a\": tru}\n]")
        let syntaxError = try #require(throws: InputError.self) { try DatasetLoader.load(path: syntax, format: .json) }
        #expect(syntaxError.line == 3)
        #expect(syntaxError.message == "not valid JSON at column 8: expected 'true'")

        let unclosed = try folder.write("unclosed.json", "[\n {\"a\": 1},\n {\"a\": 2}\n")
        #expect(throws: InputError.self) { try DatasetLoader.load(path: unclosed, format: .json) }
    }

    // MARK: The public data sets shipped for the tests (Tests/Data)

    @Test
    func pandaLMMajorityVotesMatchThePublishedSplit() throws {
        let dataset = try DatasetLoader.load(path: Paths.testData + "/pandalm/testset-v1.json")
        let stats = DatasetStats(dataset)
        #expect(stats.pairs == 999)
        #expect(stats.verdicts == [.answer1: 422, .tie: 105, .answer2: 472])
        #expect(dataset.pairs[157].answer1 == "true")  // a model answer recorded as a JSON boolean
    }

    @Test
    func llmEval2AndLLMBarLoad() throws {
        // LLMEval² may not be shipped: a made-up file in its format (mixed-case verdicts, an empty
        // query whose answers hold the conversation).
        let evalSet = try DatasetLoader.load(path: Paths.testData + "/llmeval2-madeup.jsonl")
        let eval = DatasetStats(evalSet)
        #expect(eval.pairs == 5)
        #expect(eval.verdicts == [.answer1: 2, .tie: 1, .answer2: 2])
        #expect(evalSet.pairs.map(\.id) == (0..<5).map { "llmeval2-\($0)" })
        #expect(evalSet.pairs[3].question == LLMEval2Format.conversationInAnswers)
        #expect(evalSet.pairs[0].category == "made-up")
        let natural = try DatasetLoader.load(path: Paths.testData + "/llmbar/Dataset/LLMBar/Natural", format: .llmbar)
        #expect(natural.pairs.count == 100)
        #expect(natural.pairs[0].id == "llmbar-natural-0")
        #expect(natural.pairs[0].label == .winner(.answer1))
        // The shipped slice is exactly this subset, converted.
        #expect(try DatasetLoader.load(path: Paths.samples + "/llmbar-natural.jsonl").pairs == natural.pairs)
    }

    @Test func sniffsFormatsFromTheFirstRecord() {
        #expect(DatasetFormat.sniff(path: "x.json", firstRecord: ["idx": 0, "annotator1": 1, "response1": "a"] as JSONValue) == .pandalm)
        #expect(DatasetFormat.sniff(path: "x.json", firstRecord: ["output_1": "a", "label": 1] as JSONValue) == .llmbar)
        #expect(DatasetFormat.sniff(path: "x.jsonl", firstRecord: ["human": "TIE", "query": "q"] as JSONValue) == .llmeval2)
        #expect(DatasetFormat.sniff(path: "x.jsonl", firstRecord: ["id": "a"] as JSONValue) == .native)
        #expect(DatasetFormat.sniff(path: "x.CSV", firstRecord: nil) == .csv)
    }

    @Test func theLineReaderMatchesTheWholeFileReaderAcrossChunkBoundaries() throws {
        let folder = try TemporaryFolder()
        // A byte-order mark, CRLF and LF endings, a blank line, a long line and no final newline.
        let text = "\u{FEFF}first\r\nsecond\n\n" + String(repeating: "long é ", count: 50) + "\nlast"
        let path = try folder.write("lines.txt", text)
        let whole = try SourceText(path: path).lines().map { ($0.number, Array($0.bytes)) }
        for chunk in [1, 2, 3, 7, 64, 1 << 20] {
            var reader = LineReader(path: path)
            reader.chunkSize = chunk
            var streamed: [(Int, [UInt8])] = []
            try reader.forEachLine { streamed.append(($0, Array($1))); return true }
            #expect(streamed.map(\.0) == whole.map(\.0), "chunk \(chunk)")
            #expect(streamed.map(\.1) == whole.map(\.1), "chunk \(chunk)")
        }
        let bad = try folder.write("bad.jsonl", bytes: Array("{\"a\": 1}\n{\"a\": \"".utf8) + [0xC3, 0x28] + Array("\"}\n".utf8))
        var reader = LineReader(path: bad)
        reader.chunkSize = 3
        #expect(throws: InputError(file: bad, line: 2, "invalid UTF-8 (byte 0xC3 at column 8)")) { try reader.forEachLine { _, _ in true } }
        let blank = try folder.write("blank.jsonl", "  \n\t\n")
        #expect(throws: InputError(file: blank, line: 1, "the file is empty")) { try LineReader(path: blank).forEachLine { _, _ in true } }
    }
}
