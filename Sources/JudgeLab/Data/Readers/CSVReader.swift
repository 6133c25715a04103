// RFC 4180 CSV with a header row, keeping the line each record starts on.
import Foundation
//
// Written here rather than taken from a package because every error must name the physical
// line of the record, and quoted fields may span lines; the CSV packages available report rows.

/// Reads CSV (or another single-byte delimiter) into header-keyed records.
enum CSVReader {
    struct Row {
        var line: Int
        var fields: [String]
    }

    static func read(_ source: SourceText, delimiter: UInt8 = UInt8(ascii: ",")) throws -> (header: [String], records: [(line: Int, values: [String: String])]) {
        let rows = try parseRows(source, delimiter: delimiter)
        guard let headerRow = rows.first else { throw InputError(file: source.path, line: 1, "the file is empty") }
        let header = headerRow.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<String>()
        for (column, name) in header.enumerated() {
            if name.isEmpty {
                throw InputError(file: source.path, line: headerRow.line, "header column \(column + 1) has no name")
            }
            if !seen.insert(name).inserted {
                throw InputError(file: source.path, line: headerRow.line, field: name, "the header names this column twice")
            }
        }
        var records: [(Int, [String: String])] = []
        for row in rows.dropFirst() {
            if row.fields.count == 1, row.fields[0].isEmpty { continue }  // a blank line
            guard row.fields.count == header.count else {
                throw InputError(file: source.path, line: row.line,
                                 "this row has \(row.fields.count) columns; the header has \(header.count)")
            }
            records.append((row.line, Dictionary(uniqueKeysWithValues: zip(header, row.fields))))
        }
        return (header, records)
    }

    static func parseRows(_ source: SourceText, delimiter: UInt8) throws -> [Row] {
        let bytes = source.bytes
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var rows: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, rowLine = 1
        var i = 0
        var inQuotes = false, wasQuoted = false
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while i < bytes.count {
            let byte = bytes[i]
            if inQuotes {
                if byte == quote {
                    if i + 1 < bytes.count, bytes[i + 1] == quote { field.append(quote); i += 1 } else { inQuotes = false }
                } else {
                    if byte == newline { line += 1 }
                    field.append(byte)
                }
            } else if byte == quote {
                guard field.isEmpty, !wasQuoted else {
                    throw InputError(file: source.path, line: line, "a quote inside an unquoted field (quote the whole field and double the quote)")
                }
                inQuotes = true
                wasQuoted = true
            } else if byte == delimiter {
                endField()
            } else if byte == newline || byte == cr {
                if byte == cr, i + 1 < bytes.count, bytes[i + 1] == newline { i += 1 }
                endField()
                rows.append(Row(line: rowLine, fields: fields))
                fields = []
                line += 1
                rowLine = line
            } else {
                if wasQuoted {
                    throw InputError(file: source.path, line: line, "text after a closing quote")
                }
                field.append(byte)
            }
            i += 1
        }
        if inQuotes { throw InputError(file: source.path, line: rowLine, "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted {
            endField()
            rows.append(Row(line: rowLine, fields: fields))
        }
        return rows
    }
}
