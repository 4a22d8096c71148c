/// Reads markup as bytes, before and independent of any XML parser: where every tag and attribute is,
/// and where a bare `&` or a stray `<` breaks the document.
///
/// A parser stops at the first fault and cannot say where a tag ends; the scanner keeps going, so
/// lint reports every unescaped character at its exact line and column even when the document is
/// not well-formed, and `--fix` knows the byte range of each tag it rewrites.
public struct RawScan: Sendable {
    public enum TagKind: Sendable { case start, end, empty }

    /// One attribute as written: `range` runs from the whitespace before the name to the closing quote.
    public struct Attribute: Sendable {
        public var name: String
        public var range: Range<Int>
        public var valueRange: Range<Int>
    }

    public struct Tag: Sendable {
        public var kind: TagKind
        public var name: String
        /// From `<` to `>` inclusive.
        public var range: Range<Int>
        public var attributes: [Attribute]
        /// For a start tag, the index of its end tag in ``tags`` (nil when unmatched or empty).
        public var partner: Int?
    }

    public enum ProblemKind: Sendable, Equatable {
        /// `&` that starts no entity reference.
        case bareAmpersand
        /// `&name;` that XML does not define (only amp, lt, gt, quot, apos exist without a DTD).
        case undefinedEntity(String)
        /// `<` that starts no tag, comment or instruction, or `<` inside an attribute value.
        case strayLessThan
    }

    public struct Problem: Sendable {
        public var kind: ProblemKind
        public var offset: Int
    }

    public let bytes: [UInt8]
    public private(set) var tags: [Tag] = []
    public private(set) var problems: [Problem] = []
    public let lines: LineIndex
    /// Byte offset where each line starts.
    public var lineStarts: [Int] { lines.lineStarts }

    public init(_ text: String) {
        bytes = Array(text.utf8)
        lines = LineIndex(bytes)
        scan()
        pairTags()
    }

    /// 1-based line and column (in Unicode scalars, as the XML parser counts) of a byte offset.
    public func position(of offset: Int) -> (line: Int, column: Int) { lines.position(of: offset) }

    /// The byte offset of a 1-based line and scalar column.
    public func offset(line: Int, column: Int) -> Int? { lines.offset(line: line, column: column) }

    /// The text of line `line` (1-based) without its newline.
    public func lineText(_ line: Int) -> String { text(lines.lineRange(line)) }

    /// The tag starting at byte `offset`.
    public func tag(at offset: Int) -> Int? {
        var low = 0, high = tags.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if tags[mid].range.lowerBound == offset { return mid }
            if tags[mid].range.lowerBound < offset { low = mid + 1 } else { high = mid - 1 }
        }
        return nil
    }

    public func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[max(0, range.lowerBound)..<min(bytes.count, range.upperBound)], as: UTF8.self)
    }

    // MARK: - Scanning

    private static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b >= 0x80
    }

    private static func isNameChar(_ b: UInt8) -> Bool {
        isNameStart(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    private func starts(_ literal: String, at index: Int) -> Bool {
        let pattern = Array(literal.utf8)
        guard index + pattern.count <= bytes.count else { return false }
        return bytes[index..<index + pattern.count].elementsEqual(pattern)
    }

    /// The index just past `terminator` at or after `index`, or the end.
    private func skip(to terminator: String, from index: Int) -> Int {
        var i = index
        while i < bytes.count && !starts(terminator, at: i) { i += 1 }
        return min(bytes.count, i + terminator.utf8.count)
    }

    private mutating func checkAmpersand(at i: Int) {
        var j = i + 1
        if j < bytes.count, bytes[j] == UInt8(ascii: "#") {
            j += 1
            let hex = j < bytes.count && (bytes[j] == UInt8(ascii: "x"))
            if hex { j += 1 }
            let digitsStart = j
            while j < bytes.count, hex ? bytes[j].isHexDigit : (bytes[j] >= 0x30 && bytes[j] <= 0x39) { j += 1 }
            if j > digitsStart, j < bytes.count, bytes[j] == UInt8(ascii: ";") { return }
            problems.append(Problem(kind: .bareAmpersand, offset: i))
            return
        }
        guard j < bytes.count, Self.isNameStart(bytes[j]) else {
            problems.append(Problem(kind: .bareAmpersand, offset: i))
            return
        }
        let nameStart = j
        while j < bytes.count, Self.isNameChar(bytes[j]) { j += 1 }
        guard j < bytes.count, bytes[j] == UInt8(ascii: ";") else {
            problems.append(Problem(kind: .bareAmpersand, offset: i))
            return
        }
        let name = String(decoding: bytes[nameStart..<j], as: UTF8.self)
        if !["amp", "lt", "gt", "quot", "apos"].contains(name) {
            problems.append(Problem(kind: .undefinedEntity(name), offset: i))
        }
    }

    private mutating func scan() {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "&") {
                checkAmpersand(at: i)
                i += 1
            } else if b == UInt8(ascii: "<") {
                if starts("<!--", at: i) { i = skip(to: "-->", from: i + 4); continue }
                if starts("<![CDATA[", at: i) { i = skip(to: "]]>", from: i + 9); continue }
                if starts("<?", at: i) { i = skip(to: "?>", from: i + 2); continue }
                if starts("<!", at: i) { i = skip(to: ">", from: i + 2); continue }
                let isEnd = i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "/")
                let nameStart = i + (isEnd ? 2 : 1)
                guard nameStart < bytes.count, Self.isNameStart(bytes[nameStart]) else {
                    problems.append(Problem(kind: .strayLessThan, offset: i))
                    i += 1
                    continue
                }
                i = scanTag(from: i, nameStart: nameStart, isEnd: isEnd)
            } else {
                i += 1
            }
        }
    }

    /// Reads one tag; a tag that never closes ends the scan of tags (the parser reports it).
    private mutating func scanTag(from start: Int, nameStart: Int, isEnd: Bool) -> Int {
        var i = nameStart
        while i < bytes.count, Self.isNameChar(bytes[i]) { i += 1 }
        let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
        var attributes: [Attribute] = []
        while i < bytes.count {
            let attributeStart = i
            while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count else { break }
            if bytes[i] == UInt8(ascii: ">") {
                tags.append(Tag(kind: isEnd ? .end : .start, name: name, range: start..<i + 1, attributes: attributes))
                return i + 1
            }
            if bytes[i] == UInt8(ascii: "/"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ">") {
                tags.append(Tag(kind: .empty, name: name, range: start..<i + 2, attributes: attributes))
                return i + 2
            }
            guard Self.isNameStart(bytes[i]) else { return i }  // Malformed: leave it to the parser.
            let attributeNameStart = i
            while i < bytes.count, Self.isNameChar(bytes[i]) { i += 1 }
            let attributeName = String(decoding: bytes[attributeNameStart..<i], as: UTF8.self)
            while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { return i }
            i += 1
            while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else { return i }
            let quote = bytes[i]
            i += 1
            let valueStart = i
            while i < bytes.count, bytes[i] != quote {
                if bytes[i] == UInt8(ascii: "&") { checkAmpersand(at: i) }
                if bytes[i] == UInt8(ascii: "<") { problems.append(Problem(kind: .strayLessThan, offset: i)) }
                i += 1
            }
            guard i < bytes.count else { return i }
            attributes.append(Attribute(name: attributeName, range: attributeStart..<i + 1, valueRange: valueStart..<i))
            i += 1
        }
        return i
    }

    private mutating func pairTags() {
        var open: [Int] = []
        for index in tags.indices {
            switch tags[index].kind {
            case .start: open.append(index)
            case .empty: break
            case .end:
                if let match = open.lastIndex(where: { tags[$0].name == tags[index].name }) {
                    tags[open[match]].partner = index
                    open.removeSubrange(match...)
                }
            }
        }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66)
    }
}
