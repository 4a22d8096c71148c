import Foundation
import SSMLCore

/// Reads CSV (RFC 4180) record by record, with the exact line and column of every field.
///
/// Written here because neither CSV parser of the package mirror says where a bad row is: yaslab/CSV.swift 2.5.2
/// reports no quoting errors at all, and swiftcsv/SwiftCSV 0.10.0 throws "Can't have non-quote here" without a line.
/// A prompt library is edited by hand and by spreadsheets; `prompts.csv:14:23: error: …` is what makes a broken row
/// quick to fix.
///
/// - Fields are separated by the delimiter (`,` by default; ``detectDelimiter(_:)`` picks `;` or a tab from the
///   header line, as spreadsheets in some locales export), records by LF or CRLF.
/// - A field may be quoted with `"`; inside, `""` is one quote and line breaks are part of the value. A quote in an
///   unquoted field, text after a closing quote, and a quote that is never closed are errors at their place.
/// - Columns count Unicode scalars from 1, as the SSML parser's do, so places inside a field map exactly.
public struct CSVReader {
    /// One field and where it was written.
    public struct Field: Sendable, Equatable {
        public var value: String
        /// The field's first character: its opening quote when quoted.
        public var line: Int
        public var column: Int
        public var quoted: Bool

        /// Where line `line`, column `column` of the value lies in the file: a quoted field starts one column
        /// later, and each quote inside it is written twice.
        public func location(ofValueLine line: Int, column: Int, file: String) -> SourceLocation {
            guard quoted else { return SourceLocation(file: file, line: self.line + line - 1, column: self.column + column - 1) }
            var fileLine = self.line, fileColumn = self.column + 1
            var valueLine = 1, valueColumn = 1
            for scalar in value.unicodeScalars {
                if valueLine > line || (valueLine == line && valueColumn >= column) { break }
                if scalar == "\n" {
                    fileLine += 1
                    fileColumn = 1
                    valueLine += 1
                    valueColumn = 1
                } else {
                    fileColumn += scalar == "\"" ? 2 : 1
                    valueColumn += 1
                }
            }
            return SourceLocation(file: file, line: fileLine, column: fileColumn)
        }
    }

    /// One record: its fields, and the line it starts on.
    public struct Record: Sendable, Equatable {
        public var fields: [Field]
        public var line: Int
    }

    private let bytes: [UInt8]
    private let file: String
    public let delimiter: UInt8
    private var index = 0
    private var line = 1
    /// Where the current line starts, to count columns.
    private var lineStart = 0

    /// - Parameters:
    ///   - file: the name in messages.
    ///   - delimiter: the field separator; nil detects it from the first line that is not a comment.
    public init(_ data: Data, file: String, delimiter: UInt8? = nil) {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
        self.file = file
        self.delimiter = delimiter ?? Self.detectDelimiter(bytes)
    }

    /// `,` unless the first line that is not a `#` comment holds (outside quotes) more semicolons or tabs than commas.
    public static func detectDelimiter(_ bytes: [UInt8]) -> UInt8 {
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let line = bytes[start..<end]
            if line.first != UInt8(ascii: "#") && !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
                var counts: [UInt8: Int] = [:]
                var quoted = false
                for byte in line {
                    if byte == UInt8(ascii: "\"") { quoted.toggle() }
                    if !quoted { counts[byte, default: 0] += 1 }
                }
                let comma = counts[UInt8(ascii: ","), default: 0]
                let best = [UInt8(ascii: ";"), 0x09].max { counts[$0, default: 0] < counts[$1, default: 0] }!
                return counts[best, default: 0] > comma ? best : UInt8(ascii: ",")
            }
            start = end + 1
        }
        return UInt8(ascii: ",")
    }

    private var column: Int {
        var count = 1
        for byte in bytes[lineStart..<index] where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// Whether the next line starts with `#` (a comment or, before the header, a setting).
    public var atComment: Bool { index < bytes.count && bytes[index] == UInt8(ascii: "#") }

    /// The next line as text, without its line break, and its number; nil at the end. For `#` lines.
    public mutating func rawLine() throws -> (text: String, line: Int)? {
        guard index < bytes.count else { return nil }
        let start = index, number = line
        while index < bytes.count && bytes[index] != 0x0A { index += 1 }
        var end = index
        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
        if index < bytes.count { index += 1 }
        line += 1
        lineStart = index
        return (try Self.text(bytes[start..<end], file: file, line: number, column: 1), number)
    }

    /// The next record; nil at the end. Blank lines are skipped.
    public mutating func next() throws -> Record? {
        while index < bytes.count {
            // A blank line (only spaces, tabs or a carriage return) is no record.
            var probe = index
            while probe < bytes.count && (bytes[probe] == 0x20 || bytes[probe] == 0x09 || bytes[probe] == 0x0D) { probe += 1 }
            if probe < bytes.count && bytes[probe] != 0x0A { break }
            index = min(probe + 1, bytes.count)
            line += 1
            lineStart = index
            if probe >= bytes.count { return nil }
        }
        guard index < bytes.count else { return nil }
        let recordLine = line
        var fields: [Field] = []
        while true {
            let (field, ended) = try readField()
            fields.append(field)
            if ended { break }
        }
        return Record(fields: fields, line: recordLine)
    }

    /// Reads one field and what ends it: true at the end of the record.
    private mutating func readField() throws -> (Field, Bool) {
        let startLine = line, startColumn = column
        if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
            index += 1
            var value: [UInt8] = []
            while true {
                guard index < bytes.count else {
                    throw SSMLError(
                        .invalidValue,
                        "the quoted field opened here is never closed (a quote inside a quoted field is written twice: \"\")",
                        at: SourceLocation(file: file, line: startLine, column: startColumn))
                }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                        value.append(byte)
                        index += 2
                        continue
                    }
                    index += 1
                    break
                }
                value.append(byte)
                index += 1
                if byte == 0x0A {
                    line += 1
                    lineStart = index
                }
            }
            let text = try Self.text(value[...], file: file, line: startLine, column: startColumn + 1)
            let field = Field(value: text, line: startLine, column: startColumn, quoted: true)
            // After the closing quote: the delimiter, the end of the line, or the end of the file.
            if index >= bytes.count { return (field, true) }
            switch bytes[index] {
            case delimiter:
                index += 1
                return (field, false)
            case 0x0A:
                endLine()
                return (field, true)
            case 0x0D where index + 1 >= bytes.count || bytes[index + 1] == 0x0A:
                index += 1
                if index < bytes.count { endLine() }
                return (field, true)
            default:
                throw SSMLError(
                    .invalidValue,
                    "text after the closing quote of a field (a quote inside a quoted field is written twice: \"\")",
                    at: SourceLocation(file: file, line: line, column: column))
            }
        }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == delimiter || byte == 0x0A { break }
            if byte == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] == 0x0A) { break }
            if byte == UInt8(ascii: "\"") {
                throw SSMLError(
                    .invalidValue, "a quote inside an unquoted field (quote the whole field and write each quote in it twice: \"say \"\"hi\"\"\")",
                    at: SourceLocation(file: file, line: line, column: column))
            }
            index += 1
        }
        let field = Field(value: try Self.text(bytes[start..<index], file: file, line: startLine, column: startColumn), line: startLine, column: startColumn, quoted: false)
        if index >= bytes.count { return (field, true) }
        if bytes[index] == delimiter {
            index += 1
            return (field, false)
        }
        if bytes[index] == 0x0D { index += 1 }
        if index < bytes.count { endLine() }
        return (field, true)
    }

    private mutating func endLine() {
        index += 1
        line += 1
        lineStart = index
    }

    private static func text(_ bytes: ArraySlice<UInt8>, file: String, line: Int, column: Int) throws -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        // Where the first byte that is not UTF-8 is: lines and columns (characters) before it.
        let bad = InputDecoder.firstInvalidUTF8(bytes) ?? bytes.startIndex
        let before = String(decoding: bytes[bytes.startIndex..<bad], as: UTF8.self)
        let lines = before.split(separator: "\n", omittingEmptySubsequences: false)
        let badLine = line + lines.count - 1
        let badColumn = (lines.count == 1 ? column : 1) + (lines.last?.unicodeScalars.count ?? 0)
        throw SSMLError(
            .io, "\(file) is not UTF-8 text (the byte 0x\(String(bytes[bad], radix: 16, uppercase: true)) here cannot start a UTF-8 character; save the file as UTF-8)",
            at: SourceLocation(file: file, line: badLine, column: badColumn))
    }
}
