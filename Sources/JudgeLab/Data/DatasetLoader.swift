// Loads a data set file of any supported format into pairs, all or nothing.
import Foundation

/// Reads a data set. Loading is all-or-nothing: the first problem throws an `InputError` naming
/// the file, the line and the field, and no pairs are returned.
public enum DatasetLoader {
    /// - Parameters:
    ///   - format: nil sniffs the format from the file's name and first record.
    ///   - mapping: field names for `csv` and `json`; the native keys otherwise.
    public static func load(path: String, format: DatasetFormat? = nil, mapping: FieldMapping = .native,
                            csvDelimiter: UInt8 = UInt8(ascii: ",")) throws -> Dataset {
        var filePath = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            // LLMBar's subsets are folders holding dataset.json (and evaluators/).
            filePath = FilePath.join(path, "dataset.json")
        }
        let source = try SourceText(path: filePath)
        let records: [Record]
        let chosen: DatasetFormat
        let csvName = DatasetFormat.sniff(path: filePath, firstRecord: nil) == .csv
        if format == .csv || (format == nil && csvName) || (format == .responses && csvName) {
            // Response items may come as CSV too (`ratings` as "4;5;3" or a JSON list).
            chosen = format == .responses ? .responses : .csv
            let delimiter = filePath.lowercased().hasSuffix(".tsv") ? UInt8(ascii: "\t") : csvDelimiter
            let table = try CSVReader.read(source, delimiter: delimiter)
            if chosen == .csv { try checkColumns(table.header, mapping: mapping, file: filePath) }
            records = table.records.enumerated().map { index, row in
                Record(fields: .object(row.values.map { ($0.key, .string($0.value)) }), file: filePath,
                       line: row.line, index: index, textual: true)
            }
        } else {
            records = try jsonRecords(source)
            chosen = format ?? DatasetFormat.sniff(path: filePath, firstRecord: records.first?.fields)
        }
        var pairs: [Pair] = []
        if let readFile = chosen.fileReader(mapping: mapping) {
            for record in records {
                guard case .object = record.fields else { throw record.error(nil, "expected a JSON object, found \(record.fields.kindName)") }
            }
            pairs = try readFile(records)
            guard !pairs.isEmpty else { throw InputError(file: filePath, line: 1, "the file holds no pairs") }
            return Dataset(source: filePath, pairs: pairs)
        }
        pairs.reserveCapacity(records.count)  // (the data set is small next to its judgments)
        let read = chosen.pairReader(path: filePath, mapping: mapping)
        var lineOfID: [String: Int] = [:]
        for record in records {
            guard case .object = record.fields else {
                throw record.error(nil, "expected a JSON object, found \(record.fields.kindName)")
            }
            let pair = try read(record)
            if let first = lineOfID.updateValue(record.line, forKey: pair.id) {
                throw record.error(chosen == .native || chosen == .csv || chosen == .json ? (mapping.id ?? "id") : nil,
                                   "duplicate id '\(pair.id.excerpt())' (first on line \(first))")
            }
            pairs.append(pair)
        }
        guard !pairs.isEmpty else { throw InputError(file: filePath, line: 1, "the file holds no pairs") }
        return Dataset(source: filePath, pairs: pairs)
    }

    /// A mapped field that the CSV header lacks is one error on line 1, not one per row.
    static func checkColumns(_ header: [String], mapping: FieldMapping, file: String) throws {
        var required = [mapping.id, mapping.question, mapping.answer1, mapping.answer2].compactMap { $0 }
        if let form = mapping.labelForm { required += mapping.labelFields(for: form) }
        for field in required where !header.contains(field) {
            throw InputError(file: file, line: 1, field: field,
                             "no such column in the header (it has: \(header.joined(separator: ", ").excerpt(120)))")
        }
    }

    /// The objects of a JSON array, or of JSON lines, each with the line it starts on.
    static func jsonRecords(_ source: SourceText) throws -> [Record] {
        var records: [Record] = []
        try forEachJSONRecord(source) { records.append($0) }
        return records
    }

    /// Each JSON record of a file, reading JSONL a line at a time (a JSON array is read whole), so
    /// that a large file is never in memory whole.
    static func forEachJSONRecord(path: String, _ visit: (Record) throws -> Void) throws {
        var index = 0
        var array = false
        try LineReader(path: path).forEachLine { number, bytes in
            guard let first = bytes.first(where: { ![0x20, 0x09].contains($0) }) else { return true }
            if index == 0, first == UInt8(ascii: "[") {
                array = true  // a JSON array: read whole below
                return false
            }
            let fields = try parse(bytes, path: path) { (number, $0 + 1) }
            try visit(Record(fields: fields, file: path, line: number, index: index))
            index += 1
            return true
        }
        if array { try forEachJSONRecord(try SourceText(path: path), visit) }
    }

    /// Visits the records one at a time, so that a large file never holds every parsed tree at once.
    static func forEachJSONRecord(_ source: SourceText, _ visit: (Record) throws -> Void) throws {
        let firstByte = source.bytes.first { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }
        if firstByte == UInt8(ascii: "[") {
            for (index, range) in try JSONArrayScanner.elements(of: source).enumerated() {
                let fields = try parse(source.bytes[range], path: source.path) { source.location(ofOffset: range.lowerBound + $0) }
                try visit(Record(fields: fields, file: source.path, line: source.line(ofOffset: range.lowerBound), index: index))
            }
            return
        }
        var index = 0
        for (number, bytes) in source.lines() where bytes.contains(where: { ![0x20, 0x09].contains($0) }) {
            let fields = try parse(bytes, path: source.path) { (number, $0 + 1) }
            try visit(Record(fields: fields, file: source.path, line: number, index: index))
            index += 1
        }
    }

    /// Parses one record's JSON; a syntax error names the line and column it is at.
    private static func parse(_ bytes: ArraySlice<UInt8>, path: String = "",
                              locate: (Int) -> (line: Int, column: Int)) throws -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            let (line, column) = locate(error.offset)
            throw InputError(file: path, line: line, "not valid JSON at column \(column): \(error.message)")
        }
    }
}
