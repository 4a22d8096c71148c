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
public struct JSONParser {
    private let scalars: [Unicode.Scalar]
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
        if parser.index < parser.scalars.count, parser.scalars[parser.index] == "\u{FEFF}" { parser.advance() }
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.index < parser.scalars.count {
            throw parser.error("unexpected \(parser.describe(parser.scalars[parser.index])) after the end of the JSON value")
        }
        return value
    }

    private init(text: String, file: String, maxDepth: Int) {
        self.scalars = Array(text.unicodeScalars)
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

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private mutating func skipWhitespace() {
        while index < scalars.count {
            switch scalars[index] {
            case " ", "\t", "\n", "\r": advance()
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth <= maxDepth else { throw error("values are nested deeper than \(maxDepth)") }
        guard index < scalars.count else { throw error("unexpected end of input; a value was expected") }
        let start = here
        switch scalars[index] {
        case "{": return try object(depth: depth, start: start)
        case "[": return try array(depth: depth, start: start)
        case "\"":
            let (string, map) = try string()
            // Most strings have no escapes; keeping no map for them halves what a data file costs to hold.
            return JSONValue(kind: .string(string), location: start, stringMap: map.escapes.isEmpty ? nil : map)
        case "t": try literal("true"); return JSONValue(kind: .bool(true), location: start)
        case "f": try literal("false"); return JSONValue(kind: .bool(false), location: start)
        case "n": try literal("null"); return JSONValue(kind: .null, location: start)
        case "-", "0"..."9": return try number(start: start)
        default:
            if scalars[index].properties.isAlphabetic { throw unknownWord(from: index, at: start) }
            throw error("unexpected \(describe(scalars[index])); a value was expected")
        }
    }

    private mutating func literal(_ word: String) throws {
        let start = here, first = index
        for expected in word.unicodeScalars {
            guard index < scalars.count, scalars[index] == expected else { throw unknownWord(from: first, at: start) }
            advance()
        }
    }

    /// Names a bare word as written, at its start: `this is not json` or `True` is not "true" gone wrong.
    private func unknownWord(from first: Int, at start: SourceLocation) -> SSMLError {
        var end = first
        while end < scalars.count, end - first < 20, scalars[end].properties.isAlphabetic { end += 1 }
        var written = String.UnicodeScalarView()
        written.append(contentsOf: scalars[first..<end])
        return error("unknown word '\(String(written))' (JSON has true, false and null, in lowercase, and strings in double quotes)", at: start)
    }

    private mutating func number(start: SourceLocation) throws -> JSONValue {
        let first = index
        func digits() -> Int {
            var count = 0
            while index < scalars.count, ("0"..."9").contains(scalars[index]) { advance(); count += 1 }
            return count
        }
        if scalars[index] == "-" { advance() }
        guard index < scalars.count, ("0"..."9").contains(scalars[index]) else { throw error("a number needs digits") }
        if scalars[index] == "0" {
            advance()
            if index < scalars.count, ("0"..."9").contains(scalars[index]) { throw error("numbers must not start with 0") }
        } else {
            _ = digits()
        }
        if index < scalars.count, scalars[index] == "." {
            advance()
            guard digits() > 0 else { throw error("a decimal point needs digits after it") }
        }
        if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
            advance()
            if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { advance() }
            guard digits() > 0 else { throw error("an exponent needs digits") }
        }
        var written = String.UnicodeScalarView()
        for position in first..<index { written.append(scalars[position]) }
        let text = String(written)
        guard let value = Double(text), value.isFinite else { throw error("the number \(text) is out of range", at: start) }
        return JSONValue(kind: .number(value, text), location: start)
    }

    private mutating func string() throws -> (String, JSONValue.StringMap) {
        advance()  // opening quote
        // The decoded text is built as UTF-8 in one reused buffer and made a String once: appending scalar by scalar
        // to a String re-encodes its small-string form every time (most of a data file's parse time).
        utf8.removeAll(keepingCapacity: true)
        var last: Unicode.Scalar = "\0"
        func append(_ scalar: Unicode.Scalar) {
            if scalar.value < 0x80 { utf8.append(UInt8(truncatingIfNeeded: scalar.value)) } else { UTF8.encode(scalar) { utf8.append($0) } }
            last = scalar
        }
        var map = JSONValue.StringMap()
        // The run up to the first quote, backslash or control character holds no line break: only the column moves.
        var end = index
        while end < scalars.count, scalars[end] != "\"", scalars[end] != "\\", scalars[end].value >= 0x20 { end += 1 }
        for position in index..<end { append(scalars[position]) }
        var decoded = end - index
        column += end - index
        index = end
        while true {
            guard index < scalars.count else { throw error("unterminated string") }
            let scalar = scalars[index]
            if scalar == "\"" { break }
            if scalar.value < 0x20 { throw error("\(describe(scalar)) inside a string (write it as an escape such as \\n)") }
            if scalar != "\\" {
                append(scalar)
                advance()
                decoded += 1
                continue
            }
            let escapeStart = index
            advance()
            guard index < scalars.count else { throw error("unterminated string") }
            let escape = scalars[index]
            advance()
            switch escape {
            case "\"": append("\"")
            case "\\": append("\\")
            case "/": append("/")
            case "b": append("\u{08}")
            case "f": append("\u{0C}")
            case "n": append("\n")
            case "r": append("\r")
            case "t": append("\t")
            case "u":
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code) {
                    guard index + 1 < scalars.count, scalars[index] == "\\", scalars[index + 1] == "u" else {
                        throw error("a lone UTF-16 surrogate \\u\(String(code, radix: 16)) is not a character")
                    }
                    advance(); advance()
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("a UTF-16 surrogate pair is broken") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw error("\\u\(String(code, radix: 16)) is not a character") }
                append(scalar)
            default:
                throw error("unknown escape \\\(escape) in a string")
            }
            // One decoded scalar written as `index - escapeStart` characters.
            map.escapes.append(decoded)
            map.extra.append((map.extra.last ?? 0) + index - escapeStart - 1)
            decoded += 1
            if last == "\n" { map.laterLineStarts.append(decoded) }
        }
        advance()  // closing quote
        map.count = decoded
        return (String(decoding: utf8, as: UTF8.self), map)
    }

    private mutating func hex4() throws -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard index < scalars.count, let digit = Int(String(scalars[index]), radix: 16) else {
                throw error("\\u needs four hexadecimal digits")
            }
            code = code * 16 + UInt32(digit)
            advance()
        }
        return code
    }

    private mutating func array(depth: Int, start: SourceLocation) throws -> JSONValue {
        advance()
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < scalars.count, scalars[index] == "]" {
            advance()
            return JSONValue(kind: .array(elements), location: start)
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            guard index < scalars.count else { throw error("unterminated array (opened at \(start.line):\(start.column))") }
            if scalars[index] == "," { advance(); continue }
            if scalars[index] == "]" { advance(); break }
            throw error("expected ',' or ']' in an array, found \(describe(scalars[index]))")
        }
        return JSONValue(kind: .array(elements), location: start)
    }

    private mutating func object(depth: Int, start: SourceLocation) throws -> JSONValue {
        advance()
        var members: [JSONValue.Member] = []
        skipWhitespace()
        if index < scalars.count, scalars[index] == "}" {
            advance()
            return JSONValue(kind: .object(members), location: start)
        }
        while true {
            skipWhitespace()
            guard index < scalars.count else { throw error("unterminated object (opened at \(start.line):\(start.column))") }
            guard scalars[index] == "\"" else {
                throw error("expected a key in double quotes, found \(describe(scalars[index]))")
            }
            let keyLocation = here
            let (key, _) = try string()
            skipWhitespace()
            guard index < scalars.count, scalars[index] == ":" else { throw error("expected ':' after the key \"\(key)\"") }
            advance()
            skipWhitespace()
            let member = try value(depth: depth + 1)
            members.append(JSONValue.Member(key: key, keyLocation: keyLocation, value: member))
            skipWhitespace()
            guard index < scalars.count else { throw error("unterminated object (opened at \(start.line):\(start.column))") }
            if scalars[index] == "," { advance(); continue }
            if scalars[index] == "}" { advance(); break }
            throw error("expected ',' or '}' in an object, found \(describe(scalars[index]))")
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
