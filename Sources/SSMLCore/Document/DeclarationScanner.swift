/// Finds DTD and entity declarations before any XML parser sees the bytes.
///
/// We refuse such documents outright: SSML needs neither, and refusing them closes the door on
/// external entities and entity-expansion bombs whatever the XML library would do.
enum DeclarationScanner {
    /// The location of the first `<!DOCTYPE` or `<!ENTITY` outside comments and CDATA, if any.
    static func firstDeclaration(in text: String, file: String) -> SourceLocation? {
        let bytes = Array(text.utf8)
        var i = 0
        var line = 1
        var lineStart = 0
        func starts(_ literal: String, at index: Int) -> Bool {
            let pattern = Array(literal.utf8)
            guard index + pattern.count <= bytes.count else { return false }
            return Array(bytes[index..<index + pattern.count]) == pattern
        }
        func skip(to terminator: String) {
            while i < bytes.count && !starts(terminator, at: i) {
                if bytes[i] == UInt8(ascii: "\n") { line += 1; lineStart = i + 1 }
                i += 1
            }
            i += terminator.utf8.count
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            } else if bytes[i] == UInt8(ascii: "<") {
                if starts("<!--", at: i) { skip(to: "-->"); continue }
                if starts("<![CDATA[", at: i) { skip(to: "]]>"); continue }
                if starts("<!DOCTYPE", at: i) || starts("<!ENTITY", at: i) {
                    let column = String(decoding: bytes[lineStart..<i], as: UTF8.self).count + 1
                    return SourceLocation(file: file, line: line, column: column)
                }
            }
            i += 1
        }
        return nil
    }
}
