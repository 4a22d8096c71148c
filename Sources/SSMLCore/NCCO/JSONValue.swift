/// A JSON value that remembers where it was written, so NCCO errors can name `file:line:column`.
///
/// Foundation's JSON decoders lose positions; this small recursive-descent parser keeps them. Columns
/// count Unicode scalars from 1, as the XML parser's do.
public struct JSONValue: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case null
        case bool(Bool)
        /// The number and its text as written (`1`, `0.50`, `1e3`).
        case number(Double, String)
        case string(String)
        case array([JSONValue])
        /// Members in written order; a repeated key keeps every occurrence (lookups take the last, as most parsers do).
        case object([Member])
    }

    public struct Member: Sendable, Equatable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: JSONValue
    }

    public var kind: Kind
    /// Where the value starts (for a string, its opening quote).
    public var location: SourceLocation
    /// For strings: how the decoded text maps back onto the characters between the quotes, so a place
    /// inside the decoded text can be mapped back to the file (see ``sourceLocation(ofDecodedLine:column:)``).
    var stringMap: StringMap?

    /// Where the escapes of a string are and where its decoded lines start, kept by the parser so a
    /// lookup is a binary search rather than a scan of the string (a 10,000-break `talk` text is one line
    /// of the file, and every segment of it is located).
    struct StringMap: Sendable, Equatable {
        /// Decoded scalar index of each escape, in order.
        var escapes: [Int] = []
        /// Extra file characters of the escapes up to and including each one (`\n` is 1, `\u00e9` is 5).
        var extra: [Int] = []
        /// Decoded scalar index where each decoded line after the first starts (the first starts at 0; empty
        /// for one line, which costs no allocation).
        var laterLineStarts: [Int] = []
        /// Decoded scalars in all.
        var count = 0

        /// File characters before decoded scalar `index`, counted from just after the opening quote.
        func fileOffset(ofDecoded index: Int) -> Int {
            var low = 0, high = escapes.count
            while low < high {
                let mid = (low + high) / 2
                if escapes[mid] < index { low = mid + 1 } else { high = mid }
            }
            return index + (low == 0 ? 0 : extra[low - 1])
        }
    }

    /// The member `key` of an object (the last one when repeated), or nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = kind else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// A name for the value's type in messages: `a string`, `an array`.
    public var typeName: String {
        switch kind {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Where line `line`, column `column` of the decoded string lies in the file: escapes such as `\n` and
    /// `\"` take more characters in the file than in the text they stand for.
    public func sourceLocation(ofDecodedLine line: Int, column: Int) -> SourceLocation {
        guard case .string(let text) = kind else { return location }
        // A string without escapes keeps no map: the file holds it exactly as decoded.
        let map = stringMap ?? StringMap(count: text.unicodeScalars.count)
        // JSON strings hold no raw line breaks, so the whole string sits on the line of its opening quote.
        let lineCount = map.laterLineStarts.count + 1
        func start(ofLine line: Int) -> Int { line == 1 ? 0 : map.laterLineStarts[line - 2] }
        let decoded: Int
        if line < 1 {
            decoded = 0
        } else if line > lineCount {
            decoded = map.count
        } else {
            // A column past the end of its line stops just after that line's newline escape.
            let next = line < lineCount ? start(ofLine: line + 1) : map.count
            decoded = min(start(ofLine: line) + max(0, column - 1), next)
        }
        var result = location
        result.column = location.column + 1 + map.fileOffset(ofDecoded: decoded)
        return result
    }
}

/// Parses JSON text into ``JSONValue``s with locations. Errors are ``SSMLError``s of kind `malformed-json`
/// style (`invalidValue`) naming the line and column, never a trap, whatever the input.
///
/// It reads the text's UTF-8 bytes (JSON's syntax is ASCII; a multi-byte character only ever appears inside a
/// string), counting a column at each byte that starts a character, so columns still count Unicode scalars. An
/// array of the text's scalars cost more than the rest of the parse of a data file, on every start.
public struct JSONParser {
    private let bytes: [UInt8]
    private let file: String
    private let maxDepth: Int
    private var index = 0
    private var line = 1
    private var column = 1
    /// The UTF-8 of the string being read (see ``string()``).
    private var utf8: [UInt8] = []

    /// Parses `text` as one JSON value (surrounding whitespace allowed, nothing else).
    public static func parse(_ text: String, file: String, maxDepth: Int = 128) throws -> JSONValue {
        var parser = JSONParser(text: text, file: file, maxDepth: maxDepth)
        parser.skipWhitespace()
        // U+FEFF, a byte order mark: one character, three bytes.
        if parser.bytes[parser.index...].starts(with: [0xEF, 0xBB, 0xBF]) {
            for _ in 0..<3 { parser.advance() }
        }
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.index < parser.bytes.count {
            throw parser.error("unexpected \(parser.describe(parser.scalar(at: parser.index))) after the end of the JSON value")
        }
        return value
    }

    private init(text: String, file: String, maxDepth: Int) {
        self.bytes = Array(text.utf8)
        self.file = file
        self.maxDepth = maxDepth
    }

    private var here: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    private func error(_ message: String, at location: SourceLocation? = nil) -> SSMLError {
        SSMLError(.malformedJSON, "invalid JSON: \(message)", at: location ?? here)
    }

    private func describe(_ scalar: Unicode.Scalar) -> String {
        scalar.value < 0x20 ? "control character U+\(String(scalar.value, radix: 16, uppercase: true))" : "'\(scalar)'"
    }

    /// The character that starts at byte `position` (the bytes came from a `String`, so they are valid UTF-8).
    private func scalar(at position: Int) -> Unicode.Scalar {
        var iterator = bytes[position...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar }
        return "\u{FFFD}"
    }

    /// The byte length of the UTF-8 sequence that `lead` starts.
    private static func length(ofSequenceStartingWith lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    /// Whether `byte` starts a character (is not a UTF-8 continuation byte).
    @inline(__always) private static func startsCharacter(_ byte: UInt8) -> Bool { byte & 0xC0 != 0x80 }

    private mutating func advance() {
        let byte = bytes[index]
        if byte == 0x0A {
            line += 1
            column = 1
        } else if Self.startsCharacter(byte) {
            column += 1
        }
        index += 1
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: advance()
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth <= maxDepth else { throw error("values are nested deeper than \(maxDepth)") }
        guard index < bytes.count else { throw error("unexpected end of input; a value was expected") }
        let start = here
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth, start: start)
        case UInt8(ascii: "["): return try array(depth: depth, start: start)
        case UInt8(ascii: "\""):
            let (string, map) = try string()
            // Most strings have no escapes; keeping no map for them halves what a data file costs to hold.
            return JSONValue(kind: .string(string), location: start, stringMap: map.escapes.isEmpty ? nil : map)
        case UInt8(ascii: "t"): try literal("true"); return JSONValue(kind: .bool(true), location: start)
        case UInt8(ascii: "f"): try literal("false"); return JSONValue(kind: .bool(false), location: start)
        case UInt8(ascii: "n"): try literal("null"); return JSONValue(kind: .null, location: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number(start: start)
        default:
            let found = scalar(at: index)
            if found.properties.isAlphabetic { throw unknownWord(from: index, at: start) }
            throw error("unexpected \(describe(found)); a value was expected")
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let start = here, first = index
        for position in 0..<word.utf8CodeUnitCount {
            guard index < bytes.count, bytes[index] == word.utf8Start[position] else { throw unknownWord(from: first, at: start) }
            advance()
        }
    }

    /// Names a bare word as written, at its start: `this is not json` or `True` is not "true" gone wrong.
    private func unknownWord(from first: Int, at start: SourceLocation) -> SSMLError {
        var written = String.UnicodeScalarView()
        var position = first, count = 0
        while position < bytes.count, count < 20 {
            let next = scalar(at: position)
            guard next.properties.isAlphabetic else { break }
            written.append(next)
            position += Self.length(ofSequenceStartingWith: bytes[position])
            count += 1
        }
        return error("unknown word '\(String(written))' (JSON has true, false and null, in lowercase, and strings in double quotes)", at: start)
    }

    private mutating func number(start: SourceLocation) throws -> JSONValue {
        let first = index
        func isDigit(_ position: Int) -> Bool { position < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) }
        func digits() -> Int {
            var count = 0
            while isDigit(index) { advance(); count += 1 }
            return count
        }
        if bytes[index] == UInt8(ascii: "-") { advance() }
        guard isDigit(index) else { throw error("a number needs digits") }
        if bytes[index] == UInt8(ascii: "0") {
            advance()
            if isDigit(index) { throw error("numbers must not start with 0") }
        } else {
            _ = digits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            advance()
            guard digits() > 0 else { throw error("a decimal point needs digits after it") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            advance()
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { advance() }
            guard digits() > 0 else { throw error("an exponent needs digits") }
        }
        let text = String(decoding: bytes[first..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw error("the number \(text) is out of range", at: start) }
        return JSONValue(kind: .number(value, text), location: start)
    }

    private mutating func string() throws -> (String, JSONValue.StringMap) {
        advance()  // opening quote
        // A string with escapes is decoded as UTF-8 into one reused buffer and made a String once: appending scalar by
        // scalar to a String re-encodes its small-string form every time.
        var map = JSONValue.StringMap()
        var buffered = false
        // Decoded characters so far (the map counts characters, not bytes).
        var decoded = 0
        while true {
            // The run up to the next quote, backslash or control character is copied as it is and holds no line
            // break: only the column moves, by the characters (not bytes) in it.
            var end = index, characters = 0
            while end < bytes.count {
                let byte = bytes[end]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                if Self.startsCharacter(byte) { characters += 1 }
                end += 1
            }
            decoded += characters
            column += characters
            // Most strings end at the first stop, with no escape: made straight from the file's bytes.
            if map.escapes.isEmpty, end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
                let text = String(decoding: bytes[index..<end], as: UTF8.self)
                index = end
                advance()  // closing quote
                map.count = decoded
                return (text, map)
            }
            if !buffered {
                utf8.removeAll(keepingCapacity: true)
                buffered = true
            }
            utf8.append(contentsOf: bytes[index..<end])
            index = end
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw error("\(describe(Unicode.Scalar(byte))) inside a string (write it as an escape such as \\n)") }
            // A backslash: one decoded character written as `index - escapeStart` characters.
            let escapeStart = index
            advance()
            guard index < bytes.count else { throw error("unterminated string") }
            let escape = bytes[index]
            let escapeScalar = scalar(at: index)
            for _ in 0..<Self.length(ofSequenceStartingWith: escape) { advance() }
            var decodedScalar: Unicode.Scalar
            switch escape {
            case UInt8(ascii: "\""): decodedScalar = "\""
            case UInt8(ascii: "\\"): decodedScalar = "\\"
            case UInt8(ascii: "/"): decodedScalar = "/"
            case UInt8(ascii: "b"): decodedScalar = "\u{08}"
            case UInt8(ascii: "f"): decodedScalar = "\u{0C}"
            case UInt8(ascii: "n"): decodedScalar = "\n"
            case UInt8(ascii: "r"): decodedScalar = "\r"
            case UInt8(ascii: "t"): decodedScalar = "\t"
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw error("a lone UTF-16 surrogate \\u\(String(code, radix: 16)) is not a character")
                    }
                    advance(); advance()
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("a UTF-16 surrogate pair is broken") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw error("\\u\(String(code, radix: 16)) is not a character") }
                decodedScalar = scalar
            default:
                throw error("unknown escape \\\(escapeScalar) in a string")
            }
            UTF8.encode(decodedScalar) { utf8.append($0) }
            map.escapes.append(decoded)
            map.extra.append((map.extra.last ?? 0) + index - escapeStart - 1)
            decoded += 1
            if decodedScalar == "\n" { map.laterLineStarts.append(decoded) }
        }
        advance()  // closing quote
        map.count = decoded
        return (String(decoding: utf8, as: UTF8.self), map)
    }

    private mutating func hex4() throws -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = Self.hexDigit(bytes[index]) else {
                throw error("\\u needs four hexadecimal digits")
            }
            code = code * 16 + digit
            advance()
        }
        return code
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private mutating func array(depth: Int, start: SourceLocation) throws -> JSONValue {
        advance()
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            advance()
            return JSONValue(kind: .array(elements), location: start)
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated array (opened at \(start.line):\(start.column))") }
            if bytes[index] == UInt8(ascii: ",") { advance(); continue }
            if bytes[index] == UInt8(ascii: "]") { advance(); break }
            throw error("expected ',' or ']' in an array, found \(describe(scalar(at: index)))")
        }
        return JSONValue(kind: .array(elements), location: start)
    }

    private mutating func object(depth: Int, start: SourceLocation) throws -> JSONValue {
        advance()
        var members: [JSONValue.Member] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            advance()
            return JSONValue(kind: .object(members), location: start)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object (opened at \(start.line):\(start.column))") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a key in double quotes, found \(describe(scalar(at: index)))")
            }
            let keyLocation = here
            let (key, _) = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after the key \"\(key)\"") }
            advance()
            skipWhitespace()
            let member = try value(depth: depth + 1)
            members.append(JSONValue.Member(key: key, keyLocation: keyLocation, value: member))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object (opened at \(start.line):\(start.column))") }
            if bytes[index] == UInt8(ascii: ",") { advance(); continue }
            if bytes[index] == UInt8(ascii: "}") { advance(); break }
            throw error("expected ',' or '}' in an object, found \(describe(scalar(at: index)))")
        }
        return JSONValue(kind: .object(members), location: start)
    }
}

/// A string as a JSON string literal, for the writers that keep members in their own order (webhook payloads,
/// the server's answers) where `JSONEncoder` would reorder or reformat them.
public enum JSONString {
    /// `text` quoted and escaped: quote, backslash and control characters, and U+2028/U+2029 (valid in JSON, but
    /// line breaks to JavaScript, which reads these bodies in the preview page).
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
