import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// Inputs are read up to a limit and decoded as they declare; locations are those of the decoded text.
@Suite(.ownThread) struct InputReaderTests {
    let reader = InputReader()

    func decode(_ bytes: [UInt8]) throws -> InputReader.Input {
        try reader.decode(bytes, name: "in.ssml", directory: URL(fileURLWithPath: "/"))
    }

    func expectError(_ bytes: [UInt8], _ fragment: String, line: Int, column: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        do {
            let input = try decode(bytes)
            Issue.record("decoded: \(input.text)", sourceLocation: sourceLocation)
        } catch let error as SSMLError {
            #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
            #expect(error.location?.line == line && error.location?.column == column, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    static func utf16(_ text: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
        var out: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 {
            let pair = [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            out += bigEndian ? pair.reversed() : pair
        }
        return out
    }

    @Test func latin1AsDeclared() throws {
        let bytes = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<speak>Caf".utf8) + [0xE9, 0x20, 0x63, 0x72, 0xE8] + Array("me</speak>".utf8)
        let input = try decode(bytes)
        #expect(input.text.hasSuffix("<speak>Café crème</speak>"))
        #expect(input.encoding.description == "ISO-8859-1")
        // Parsed as decoded text: the declaration's encoding is not applied a second time.
        let root = try SSMLDocument.load(input.text, file: "in.ssml", parser: LibXMLParser())
        #expect(root.textContent == "Café crème")
        // Written back as it came.
        #expect(try input.encoding.encode(input.text) == bytes)
    }

    @Test func windows1252AsDeclared() throws {
        let bytes = Array("<?xml version='1.0' encoding='windows-1252'?><speak>".utf8) + [0x80, 0x35, 0x20, 0x93, 0x71, 0x94] + Array("</speak>".utf8)
        let root = try SSMLDocument.load(try decode(bytes).text, file: "in.ssml", parser: LibXMLParser())
        #expect(root.textContent == "€5 \u{201C}q\u{201D}")
    }

    @Test func utf16InBothByteOrdersWithAndWithoutAMark() throws {
        let document = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<speak>Grüße <break time=\"1s\"/> 日本</speak>"
        for bigEndian in [false, true] {
            for bom in [false, true] {
                let input = try decode(Self.utf16(document, bigEndian: bigEndian, bom: bom))
                #expect(input.text == document, "big endian \(bigEndian), BOM \(bom)")
                let root = try SSMLDocument.load(input.text, file: "in.ssml", parser: LibXMLParser())
                #expect(root.textContent == "Grüße  日本")
                guard case .element(let pause)? = root.children.dropFirst().first else { Issue.record("no break"); continue }
                #expect(pause.location.line == 2 && pause.location.column == 14)
                #expect(try input.encoding.encode(input.text) == Self.utf16(document, bigEndian: bigEndian, bom: bom))
            }
        }
        // Plain text in UTF-16 with a mark, as Windows' Notepad saves it.
        #expect(try decode(Self.utf16("Hello", bigEndian: false, bom: true)).text == "Hello")
    }

    @Test func aUTF8MarkIsNotPartOfTheText() throws {
        let input = try decode([0xEF, 0xBB, 0xBF] + Array("<speak>Hi <break time=\"x\"/></speak>".utf8))
        #expect(input.text.hasPrefix("<speak>"))
        do {
            _ = try Planner().plan(input.text)
            Issue.record("accepted")
        } catch let error as SSMLError {
            // Column 18 (the time attribute) as an editor shows it: the mark takes no column.
            #expect(error.location?.column == 18, "\(error)")
        }
    }

    @Test func faultsAreLocatedInTheDecodedText() {
        expectError(Array("<speak>\nCaf".utf8) + [0xE9] + Array("</speak>".utf8), "is not UTF-8 text (the byte 0xE9", line: 2, column: 4)
        expectError(Array("<speak>日本".utf8) + [0xC3, 0x28], "is not UTF-8 text (the byte 0xC3", line: 1, column: 10)
        // An overlong form and a surrogate are not UTF-8 either.
        expectError(Array("ab".utf8) + [0xC0, 0xAF], "0xC0", line: 1, column: 3)
        expectError(Array("ab".utf8) + [0xED, 0xA0, 0x80], "0xED", line: 1, column: 3)
        // The declaration names an encoding nobody knows: the place of its name.
        expectError(Array("<?xml version=\"1.0\" encoding=\"x-klingon\"?><speak/>".utf8), "x-klingon", line: 1, column: 31)
        // A byte US-ASCII has no character for.
        expectError(Array("<?xml version=\"1.0\" encoding=\"US-ASCII\"?>\n<speak>ab".utf8) + [0xE9] + Array("</speak>".utf8), "US-ASCII", line: 2, column: 10)
        // A lone surrogate in UTF-16.
        expectError([0xFF, 0xFE, 0x41, 0x00, 0x0A, 0x00, 0x42, 0x00, 0x00, 0xD8, 0x43, 0x00], "lone surrogate", line: 2, column: 2)
    }

    @Test func readingStopsAtTheLimit() throws {
        let small = InputReader(limit: 1000)
        // A device that never ends: reading stops one byte past the limit.
        #expect {
            _ = try small.read("/dev/zero")
        } throws: { error in
            let error = error as? SSMLError
            return error?.kind == .limitExceeded && error?.message.contains("limited to 1000 bytes") == true && error?.location?.file == "/dev/zero"
        }
        // A regular file larger than the limit is refused by its size, with the size.
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("big.ssml")
        try Data(repeating: 0x61, count: 1001).write(to: file)
        #expect {
            _ = try small.read(file.path)
        } throws: { error in
            (error as? SSMLError)?.message.contains("is 1001 bytes") == true
        }
        try Data(repeating: 0x61, count: 1000).write(to: file)
        #expect(try small.read(file.path).text.count == 1000)
        #expect(InputReader(limit: 8 * 1024 * 1024).limit == Limits.standard.maxInputBytes)
    }

    @Test func unreadableInputsSayWhy() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (path, reason) in [(directory.path, "is a directory"), (directory.appendingPathComponent("none.ssml").path, "no such file")] {
            #expect {
                _ = try reader.read(path)
            } throws: { error in
                let error = error as? SSMLError
                return error?.kind == .io && error?.message.contains(reason) == true && error?.location?.file == path
            }
        }
    }
}
