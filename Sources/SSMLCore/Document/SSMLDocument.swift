/// Turns user input (document, fragment or plain text) into a `<speak>` tree, refusing what is unsafe.
public enum SSMLDocument {
    /// The W3C SSML namespace; elements in it or in no namespace are SSML.
    public static let namespace = "http://www.w3.org/2001/10/synthesis"

    /// Parses input of any of the three kinds into a tree whose root is `speak`.
    public static func load(
        _ text: String, file: String, parser: any XMLTreeParser, limits: Limits = .standard
    ) throws -> XMLElement {
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard text.utf8.count <= limits.maxInputBytes else {
            throw SSMLError(
                .limitExceeded, "the input is \(text.utf8.count) bytes; the limit is \(limits.maxInputBytes)", at: start)
        }
        let input = SSMLInput.classify(text)
        switch input {
        case .plainText(let body):
            return XMLElement(name: "speak", children: [.text(body, start)], location: start)
        case .document(let body), .fragment(let body):
            if let place = DeclarationScanner.firstEntityDeclaration(in: body, file: file) {
                throw SSMLError(.forbiddenDeclaration, DeclarationScanner.message, at: place)
            }
            let root: XMLElement
            if case .fragment = input {
                // The wrapper sits on its own line so columns stay true; lines shift back by one.
                root = try parser.parse("<speak>\n" + body + "\n</speak>", file: file, lineOffset: -1)
                return XMLElement(name: "speak", children: root.children, location: start)
            }
            root = try parser.parse(body, file: file, lineOffset: 0)
            if root.name == "speak" { return root }
            return XMLElement(name: "speak", children: [.element(root)], location: start)
        }
    }
}
