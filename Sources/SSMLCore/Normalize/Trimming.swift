/// Trimming white space the way Foundation's `trimmingCharacters(in: .whitespaces)` and
/// `(in: .whitespacesAndNewlines)` do (Unicode scalars of general category Zs, tab and U+200B ZERO WIDTH SPACE,
/// which Foundation still counts as a space; plus Zl, Zp, U+000A to U+000D and U+0085), without Foundation: its first call bridges through `NSString` and instantiates generic
/// types, about a millisecond of every one-sentence render, and these run on every voice name, text run and
/// attribute. The results are the same (a test checks every scalar against `CharacterSet`).
extension StringProtocol {
    /// The text without the spaces and tabs at either end.
    public func trimmingWhitespace() -> String { trimmingScalars(where: Self.isSpace) }

    /// The text without the spaces, tabs and line breaks at either end.
    public func trimmingWhitespaceAndNewlines() -> String { trimmingScalars(where: Self.isSpaceOrNewline) }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x200B: true
        case 0..<0x80: false
        default: scalar.properties.generalCategory == .spaceSeparator
        }
    }

    static func isSpaceOrNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09...0x0D, 0x85, 0x200B: true
        case 0..<0x80: false
        default:
            switch scalar.properties.generalCategory {
            case .spaceSeparator, .lineSeparator, .paragraphSeparator: true
            default: false
            }
        }
    }

    private func trimmingScalars(where drop: (Unicode.Scalar) -> Bool) -> String {
        let text = Substring(self)
        let scalars = text.unicodeScalars
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, drop(scalars[start]) { scalars.formIndex(after: &start) }
        while start < end {
            let last = scalars.index(before: end)
            guard drop(scalars[last]) else { break }
            end = last
        }
        return String(scalars[start..<end])
    }
}
