import SSMLCore

/// The character encoding an input was written in, found from its byte order mark, the shape of its
/// first bytes (UTF-16 and UTF-32 without a mark) or its XML declaration, as XML 1.0 appendix F says.
///
/// Everything after reading works on the decoded text: the XML parser ignores the declaration
/// (it gets UTF-8), and every line:column is one of the decoded text. ``encode(_:)`` writes a text back
/// the way it came (`lint --fix`).
public struct TextEncoding: Sendable, Equatable, CustomStringConvertible {
    public enum Form: Sendable, Equatable {
        case utf8, utf16LittleEndian, utf16BigEndian, utf32LittleEndian, utf32BigEndian
        /// Any other encoding an XML declaration names (ISO-8859-1, windows-1252, Shift_JIS, …),
        /// converted by libxml2 (and iconv).
        case declared(String)
    }

    public var form: Form
    /// Whether the input started with a byte order mark (kept when the text is written back).
    public var byteOrderMark: Bool

    public init(_ form: Form, byteOrderMark: Bool = false) {
        self.form = form
        self.byteOrderMark = byteOrderMark
    }

    public static let utf8 = TextEncoding(.utf8)

    public var description: String {
        switch form {
        case .utf8: "UTF-8"
        case .utf16LittleEndian: "UTF-16LE"
        case .utf16BigEndian: "UTF-16BE"
        case .utf32LittleEndian: "UTF-32LE"
        case .utf32BigEndian: "UTF-32BE"
        case .declared(let name): name
        }
    }

    /// `text` in this encoding, with the byte order mark if the input had one. Characters a declared
    /// 8-bit encoding cannot hold become character references (`&#8364;`).
    public func encode(_ text: String) throws -> [UInt8] {
        switch form {
        case .utf8:
            return (byteOrderMark ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
        case .utf16LittleEndian, .utf16BigEndian:
            let little = form == .utf16LittleEndian
            var out: [UInt8] = byteOrderMark ? (little ? [0xFF, 0xFE] : [0xFE, 0xFF]) : []
            out.reserveCapacity(out.count + text.utf16.count * 2)
            for unit in text.utf16 {
                let bytes = [UInt8(unit & 0xFF), UInt8(unit >> 8)]
                out += little ? bytes : bytes.reversed()
            }
            return out
        case .utf32LittleEndian, .utf32BigEndian:
            let little = form == .utf32LittleEndian
            var out: [UInt8] = byteOrderMark ? (little ? [0xFF, 0xFE, 0, 0] : [0, 0, 0xFE, 0xFF]) : []
            for scalar in text.unicodeScalars {
                let v = scalar.value
                let bytes = [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
                out += little ? bytes : bytes.reversed()
            }
            return out
        case .declared(let name):
            guard let bytes = LibXMLEncoding.encode(Array(text.utf8), to: name) else {
                throw SSMLError(.io, "cannot write the text back as \(name)")
            }
            return bytes
        }
    }
}
