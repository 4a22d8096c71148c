import Foundation
import SSMLTestSupport
import Testing
@testable import SSMLCore

/// Positions stay exact now that they are looked up by checkpoint instead of by scanning each line.
@Suite struct PositionLookupTests {
    /// The obvious definition the index must agree with: count scalars from the line start.
    static func naivePosition(_ bytes: [UInt8], _ offset: Int) -> (Int, Int) {
        let before = bytes[0..<offset]
        let line = before.filter { $0 == 0x0A }.count + 1
        let lineStart = (before.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        return (line, String(decoding: bytes[lineStart..<offset], as: UTF8.self).unicodeScalars.count + 1)
    }

    /// A long single line and a few short ones, with 1- to 4-byte characters straddling every checkpoint.
    static let sample: String = {
        var text = ""
        for i in 0..<900 { text += ["a", "é", "€", "😀", "<b/>", "\t"][i % 6] }
        text += "\nshort\n\n"
        for i in 0..<700 { text += ["ß", "x", "日本", "🎵"][i % 4] }
        return text + "\nend"
    }()

    @Test func everyOffsetMatchesTheNaiveCount() {
        let bytes = Array(Self.sample.utf8)
        let index = LineIndex(bytes)
        var offset = 0
        for scalar in Self.sample.unicodeScalars {
            let (line, column) = index.position(of: offset)
            let (expectedLine, expectedColumn) = Self.naivePosition(bytes, offset)
            #expect(line == expectedLine && column == expectedColumn, "offset \(offset)")
            // And back: the column of a scalar start gives its offset.
            #expect(index.offset(line: line, column: column) == offset, "offset \(offset)")
            offset += String(scalar).utf8.count
        }
        #expect(index.position(of: bytes.count) == Self.naivePosition(bytes, bytes.count))
    }

    @Test func offsetsAtTheCheckpointStrideAndTheEnds() {
        for length in [0, 1, LineIndex.checkpointStride - 1, LineIndex.checkpointStride, LineIndex.checkpointStride + 1, 3 * LineIndex.checkpointStride] {
            let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            let index = LineIndex(bytes)
            #expect(index.position(of: length) == (1, length + 1))
            #expect(index.position(of: length + 10) == (1, length + 1), "clamped")
            #expect(index.offset(line: 1, column: length + 1) == length)
            #expect(index.offset(line: 1, column: length + 2) == nil)
            #expect(index.offset(line: 2, column: 1) == nil)
        }
    }

    @Test func columnsPastALineEndAreRefused() {
        let index = LineIndex("ab\ncd")
        #expect(index.offset(line: 1, column: 3) == 2)  // the newline itself
        #expect(index.offset(line: 1, column: 4) == nil)
        #expect(index.offset(line: 2, column: 3) == 5)
    }

    @Test func excerptIsAWindowAroundTheColumn() {
        let line = String(repeating: "0123456789", count: 1000)
        let index = LineIndex("x\n" + line + "\ny")
        let offset = 2 + 5000
        let window = index.excerpt(around: offset, width: 20)
        #expect(window.cutBefore && window.cutAfter)
        #expect(window.text.unicodeScalars.count == 40)
        #expect(window.column == 21)
        #expect(Array(window.text.unicodeScalars)[window.column - 1] == "0")
        let start = index.excerpt(around: 2, width: 20)
        #expect(!start.cutBefore && start.column == 1 && start.text.hasPrefix("0123"))
    }

    @Test func lintReportShowsAWindowWithTheCaretUnderTheFault() throws {
        // 3,000 escaping faults on one 60 KB line: each gets a short excerpt, the caret under its '&'.
        let body = String(repeating: "Tom & Jerry and friends ", count: 3000)
        let text = "<speak>" + body + "</speak>"
        let dialect = try Repository.dialect("w3c")
        let findings = (0..<3).map { i in
            LintFinding(.error, "escape", "unescaped '&'", at: SSMLCore.SourceLocation(file: "f", line: 1, column: 12 + 24 * i * 1000))
        }
        let report = LintReport(dialect: dialect, files: [LintReport.File(name: "f", text: text, findings: findings)], failOn: .error)
        let lines = report.text().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 10)
        for k in 0..<3 {
            let excerpt = lines[3 * k + 1], caret = lines[3 * k + 2]
            #expect(excerpt.count < 140, "the excerpt is a window, not the 72 KB line")
            let column = caret.count - 1
            #expect(Array(excerpt)[column] == "&", "caret under the '&' in \(excerpt)")
        }
    }

    // MARK: - JSON strings

    /// The old definition: walk the raw string, counting decoded lines and columns.
    static func naiveLocation(raw: String, start: SSMLCore.SourceLocation, line: Int, column: Int) -> Int {
        let scalars = Array(raw.unicodeScalars)
        var i = 0, decodedLine = 1, decodedColumn = 1, fileColumn = start.column + 1
        while i < scalars.count {
            if decodedLine > line || (decodedLine == line && decodedColumn >= column) { break }
            var width = 1
            var newline = false
            if scalars[i] == "\\" {
                let next = scalars[i + 1]
                width = next == "u" ? 6 : 2
                newline = next == "n" || (next == "u" && String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 6)])).lowercased() == "000a")
                if next == "u", (0xD800...0xDBFF).contains(UInt32(String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 6)])), radix: 16)!) { width = 12 }
            }
            i += width
            fileColumn += width
            if newline { decodedLine += 1; decodedColumn = 1 } else { decodedColumn += 1 }
        }
        return fileColumn
    }

    @Test func decodedStringPlacesMapBackToTheFile() throws {
        let raw = #"<speak>caf\u00e9 \"quoted\" <break time=\"1s\"/>\nline two \ud83d\ude00 emoji\\ back\u000Athree \/ end</speak>"#
        let json = "[{\"action\": \"talk\", \"text\": \"\(raw)\"}]"
        let root = try JSONParser.parse(json, file: "n.json")
        guard case .array(let actions) = root.kind, let text = actions[0]["text"], case .string(let decoded) = text.kind else {
            Issue.record("no text"); return
        }
        let lines = decoded.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        for (number, line) in lines.enumerated() {
            for column in 1...(line.unicodeScalars.count + 2) {
                let expected = Self.naiveLocation(raw: raw, start: text.location, line: number + 1, column: column)
                let found = text.sourceLocation(ofDecodedLine: number + 1, column: column)
                #expect(found.column == expected, "line \(number + 1) column \(column)")
                #expect(found.line == text.location.line)
            }
        }
    }

    @Test func placesInALongTalkTextAreExact() throws {
        // 2,000 escaped breaks on one line: the column of each `<break` in the file.
        let unit = #"a <break time=\"1ms\"/> "#
        let json = "[{\"action\":\"talk\",\"text\":\"<speak>" + String(repeating: unit, count: 2000) + "</speak>\"}]"
        let root = try JSONParser.parse(json, file: "n.json")
        guard case .array(let actions) = root.kind, let text = actions[0]["text"] else { Issue.record("no text"); return }
        let fileColumns = Array(json.unicodeScalars)
        for k in stride(from: 0, to: 2000, by: 97) {
            // Decoded: `<speak>` then k units of `a <break time="1ms"/> ` (22 scalars each), then "a ".
            let decodedColumn = 8 + 22 * k + 2
            let found = text.sourceLocation(ofDecodedLine: 1, column: decodedColumn)
            #expect(String(String.UnicodeScalarView(fileColumns[(found.column - 1)..<(found.column + 5)])) == "<break")
        }
    }
}
