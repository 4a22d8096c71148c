/// Finds entity declarations before the XML parser sees the bytes, for a message that names them.
///
/// This is not the guard: the parser itself refuses every entity declaration and reference, where no
/// markup can hide them (a processing instruction holding `<!--` once hid a DOCTYPE from a scan like
/// this one). The scan only lets a document that declares entities be refused with that reason even when
/// something else in it is malformed too. A DOCTYPE without entity declarations is accepted.
enum DeclarationScanner {
    /// The location of the first `<!ENTITY` outside comments, CDATA sections and processing instructions.
    static func firstEntityDeclaration(in text: String, file: String) -> SourceLocation? {
        let bytes = Array(text.utf8)
        var i = 0
        func starts(_ literal: String, at index: Int) -> Bool {
            let pattern = Array(literal.utf8)
            guard index + pattern.count <= bytes.count else { return false }
            return bytes[index..<index + pattern.count].elementsEqual(pattern)
        }
        func skip(to terminator: String) {
            while i < bytes.count && !starts(terminator, at: i) { i += 1 }
            i += terminator.utf8.count
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "<") {
                if starts("<!--", at: i) { skip(to: "-->"); continue }
                if starts("<![CDATA[", at: i) { skip(to: "]]>"); continue }
                if starts("<?", at: i) { skip(to: "?>"); continue }
                if starts("<!ENTITY", at: i) {
                    let (line, column) = LineIndex(bytes).position(of: i)
                    return SourceLocation(file: file, line: line, column: column)
                }
            }
            i += 1
        }
        return nil
    }

    /// The message for a document that declares entities (the parser says the same).
    static let message = "entity declarations are refused: SSML needs none; no entity is ever expanded, fetched or read"
}
