import SSMLCore

/// Turns the bytes of an input into text, in the encoding they declare (see ``TextEncoding``).
///
/// Errors name the place in the decoded text: the line and column of the first byte that is not
/// valid in the encoding, or of the declaration's unknown encoding name.
public enum InputDecoder {
    /// Decodes `bytes`; `name` is the input's name in messages. The byte order mark is not part of the text.
    public static func decode(_ bytes: [UInt8], name: String) throws -> (text: String, encoding: TextEncoding) {
        let sniffed = sniff(bytes)
        let body = bytes[sniffed.markLength...]
        switch sniffed.encoding.form {
        case .utf8:
            if let declared = sniffed.encoding.byteOrderMark ? nil : declaredEncoding(body) {
                return try decodeDeclared(Array(body), declared: declared, name: name)
            }
            return (try utf8(body, name: name, declared: nil), sniffed.encoding)
        case .utf16LittleEndian, .utf16BigEndian:
            return (try utf16(body, bigEndian: sniffed.encoding.form == .utf16BigEndian, name: name), sniffed.encoding)
        case .utf32LittleEndian, .utf32BigEndian:
            return (try utf32(body, bigEndian: sniffed.encoding.form == .utf32BigEndian, name: name), sniffed.encoding)
        case .declared:
            return (try utf8(body, name: name, declared: nil), .utf8)
        }
    }

    // MARK: - Finding the encoding

    /// The encoding the first bytes show (a byte order mark, or the zero bytes of UTF-16/32 around the first
    /// ASCII characters); UTF-8 otherwise, whose XML declaration is read next.
    static func sniff(_ bytes: [UInt8]) -> (encoding: TextEncoding, markLength: Int) {
        let b = Array(bytes.prefix(4)) + Array(repeating: 0xAA, count: max(0, 4 - bytes.count))
        if b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return (TextEncoding(.utf8, byteOrderMark: true), 3) }
        if bytes.count >= 4, b[0] == 0xFF, b[1] == 0xFE, b[2] == 0, b[3] == 0 { return (TextEncoding(.utf32LittleEndian, byteOrderMark: true), 4) }
        if bytes.count >= 4, b[0] == 0, b[1] == 0, b[2] == 0xFE, b[3] == 0xFF { return (TextEncoding(.utf32BigEndian, byteOrderMark: true), 4) }
        if b[0] == 0xFF, b[1] == 0xFE { return (TextEncoding(.utf16LittleEndian, byteOrderMark: true), 2) }
        if b[0] == 0xFE, b[1] == 0xFF { return (TextEncoding(.utf16BigEndian, byteOrderMark: true), 2) }
        guard bytes.count >= 4 else { return (.utf8, 0) }
        if b[0] == 0, b[1] == 0, b[2] == 0, b[3] != 0 { return (TextEncoding(.utf32BigEndian), 0) }
        if b[0] != 0, b[1] == 0, b[2] == 0, b[3] == 0 { return (TextEncoding(.utf32LittleEndian), 0) }
        if b[0] == 0, b[1] != 0, b[2] == 0, b[3] != 0, b[1] < 0x80, b[3] < 0x80 { return (TextEncoding(.utf16BigEndian), 0) }
        if b[0] != 0, b[1] == 0, b[2] != 0, b[3] == 0, b[0] < 0x80, b[2] < 0x80 { return (TextEncoding(.utf16LittleEndian), 0) }
        return (.utf8, 0)
    }

    /// The `encoding` of an XML declaration at the very start, with the byte offset of its value.
    static func declaredEncoding<C: Collection<UInt8>>(_ bytes: C) -> (name: String, offset: Int)? where C.Index == Int {
        let start = bytes.startIndex
        let head = Array(bytes.prefix(512))
        guard head.starts(with: Array("<?xml".utf8)), head.count > 5, [0x20, 0x09, 0x0A, 0x0D].contains(head[5]) else { return nil }
        guard let end = (5..<head.count).first(where: { head[$0] == UInt8(ascii: "?") && $0 + 1 < head.count && head[$0 + 1] == UInt8(ascii: ">") }) else {
            return nil
        }
        let declaration = Array(head[0..<end])
        let key = Array("encoding".utf8)
        var i = 5
        while i + key.count <= declaration.count {
            if declaration[i..<i + key.count].elementsEqual(key) {
                var j = i + key.count
                while j < declaration.count, [0x20, 0x09, 0x0A, 0x0D].contains(declaration[j]) { j += 1 }
                guard j < declaration.count, declaration[j] == UInt8(ascii: "=") else { return nil }
                j += 1
                while j < declaration.count, [0x20, 0x09, 0x0A, 0x0D].contains(declaration[j]) { j += 1 }
                guard j < declaration.count, declaration[j] == UInt8(ascii: "\"") || declaration[j] == UInt8(ascii: "'") else { return nil }
                let quote = declaration[j]
                let valueStart = j + 1
                guard let valueEnd = (valueStart..<declaration.count).first(where: { declaration[$0] == quote }) else { return nil }
                return (String(decoding: declaration[valueStart..<valueEnd], as: UTF8.self), start + valueStart)
            }
            i += 1
        }
        return nil
    }

    /// Decodes an ASCII-compatible input by the encoding its declaration names.
    private static func decodeDeclared(_ bytes: [UInt8], declared: (name: String, offset: Int), name: String) throws -> (text: String, encoding: TextEncoding) {
        let label = declared.name.uppercased()
        // UTF-8 by any spelling; a UTF-16/32 label on 8-bit bytes is a mislabelled UTF-8 file, read as such.
        if ["UTF-8", "UTF8"].contains(label) || label.hasPrefix("UTF-16") || label.hasPrefix("UTF-32") || label.hasPrefix("UCS-")
            || label.hasPrefix("ISO-10646-UCS")
        {
            return (try utf8(bytes[...], name: name, declared: nil), .utf8)
        }
        switch LibXMLEncoding.decode(bytes, from: declared.name) {
        case .decoded(let utf8Bytes):
            return (String(decoding: utf8Bytes, as: UTF8.self), TextEncoding(.declared(declared.name)))
        case .unknownEncoding:
            let (line, column) = LineIndex(Array(bytes.prefix(declared.offset))).position(of: declared.offset)
            throw SSMLError(
                .io, "\(name) declares the encoding \"\(declared.name)\", which this tool cannot read (save the file as UTF-8)",
                at: SourceLocation(file: name, line: line, column: column))
        case .invalid(let prefix, let offset):
            let byte = offset < bytes.count ? bytes[offset] : 0
            throw SSMLError(
                .io,
                "\(name) is not \(declared.name) text as its XML declaration says (the byte 0x\(hex(byte)) here is not a \(declared.name) character)",
                at: location(afterDecoded: prefix, name: name))
        }
    }

    // MARK: - Unicode forms

    private static func utf8(_ bytes: ArraySlice<UInt8>, name: String, declared: String?) throws -> String {
        if let bad = firstInvalidUTF8(bytes) {
            throw SSMLError(
                .io,
                "\(name) is not UTF-8 text (the byte 0x\(hex(bytes[bad])) here cannot start a UTF-8 character; save the file as UTF-8, or name its encoding in an XML declaration such as <?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>)",
                at: location(afterDecoded: Array(bytes[bytes.startIndex..<bad]), name: name))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The index of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629: no
    /// overlong forms, no surrogates, nothing above U+10FFFF), or nil.
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard i + length <= end, (low...high).contains(bytes[i + 1]) else { return i }
            for k in 2..<max(2, length) where !(0x80...0xBF).contains(bytes[i + k]) { return i }
            i += length
        }
        return nil
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool, name: String) throws -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            let (a, b) = (UInt16(bytes[i]), UInt16(bytes[i + 1]))
            units.append(bigEndian ? a << 8 | b : b << 8 | a)
            i += 2
        }
        var scalars = String.UnicodeScalarView()
        var iterator = units.makeIterator()
        var parser = Unicode.UTF16.ForwardParser()
        var consumed = 0
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                scalars.append(Unicode.UTF16.decode(encoded))
                consumed += encoded.count
            case .emptyInput:
                break loop
            case .error:
                throw SSMLError(
                    .io, "\(name) is not UTF-16 text (a lone surrogate 0x\(String(units[consumed], radix: 16, uppercase: true)) here is no character)",
                    at: location(afterDecoded: Array(String(scalars).utf8), name: name))
            }
        }
        guard bytes.count % 2 == 0 else {
            throw SSMLError(.io, "\(name) is not UTF-16 text (it ends in half a character)", at: location(afterDecoded: Array(String(scalars).utf8), name: name))
        }
        return String(scalars)
    }

    private static func utf32(_ bytes: ArraySlice<UInt8>, bigEndian: Bool, name: String) throws -> String {
        var scalars = String.UnicodeScalarView()
        var i = bytes.startIndex
        while i + 3 < bytes.endIndex {
            let b = (0..<4).map { UInt32(bytes[i + $0]) }
            let value = bigEndian ? b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3] : b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0]
            guard let scalar = Unicode.Scalar(value) else {
                throw SSMLError(
                    .io, "\(name) is not UTF-32 text (0x\(String(value, radix: 16, uppercase: true)) here is no character)",
                    at: location(afterDecoded: Array(String(scalars).utf8), name: name))
            }
            scalars.append(scalar)
            i += 4
        }
        guard bytes.count % 4 == 0 else {
            throw SSMLError(.io, "\(name) is not UTF-32 text (it ends in part of a character)", at: location(afterDecoded: Array(String(scalars).utf8), name: name))
        }
        return String(scalars)
    }

    /// The place just after the decoded (valid UTF-8) `prefix`: where the first undecodable byte is.
    private static func location(afterDecoded prefix: [UInt8], name: String) -> SourceLocation {
        let (line, column) = LineIndex(prefix).position(of: prefix.count)
        return SourceLocation(file: name, line: line, column: column)
    }

    private static func hex(_ byte: UInt8) -> String { String(byte, radix: 16, uppercase: true).leftPadded(to: 2) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
