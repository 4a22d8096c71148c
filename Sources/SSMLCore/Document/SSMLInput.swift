/// What a user handed us, once classified.
public enum SSMLInput: Sendable, Equatable {
    /// A full document whose root is `<speak>`.
    case document(String)
    /// Markup without a `<speak>` root (several top-level elements, or text with tags), as seven.io users send.
    case fragment(String)
    /// Text with no markup at all; `<` and `&` in it are words, not syntax.
    case plainText(String)

    /// The element names that make a text look like SSML rather than prose.
    static let markupNames: Set<String> = [
        "speak", "voice", "prosody", "break", "say-as", "audio", "p", "s", "sub", "emphasis",
        "mark", "lang", "phoneme", "dtmf", "bridge", "paragraph", "sentence", "w", "token",
        "desc", "lexicon", "meta", "metadata",
    ]

    /// Classifies raw input: a `<speak>` root or XML declaration is a document; a known SSML tag, or any
    /// `<name …>` closed later by `</name>`, makes a fragment; anything else (`a <b> c`) is plain text.
    public static func classify(_ text: String) -> SSMLInput {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        let trimmed = body.drop { $0.isWhitespace }
        if trimmed.hasPrefix("<?xml") || trimmed.hasPrefix("<speak") || trimmed.hasPrefix("<!DOCTYPE")
            || (trimmed.hasPrefix("<!--") && text.contains("<speak"))
            || trimmed.prefix(64).range(of: "^<[A-Za-z_][A-Za-z0-9_.-]*:speak[\\s>/]", options: .regularExpression) != nil
        {
            return .document(text)
        }
        // A leading comment is markup too (a file of comments only is an empty fragment, not prose).
        return containsMarkup(trimmed) || trimmed.hasPrefix("<!--") ? .fragment(text) : .plainText(text)
    }

    private static func containsMarkup(_ text: Substring) -> Bool {
        var opened = Set<String>()
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: "<") {
            var cursor = text.index(after: open)
            if cursor < text.endIndex, text[cursor] == "/" { cursor = text.index(after: cursor) }
            let name = text[cursor...].prefix { $0.isLetter || $0 == "-" || $0 == ":" || $0 == "_" }
            let local = name.split(separator: ":").last.map(String.init) ?? ""
            if markupNames.contains(local.lowercased()) { return true }
            if !name.isEmpty {
                if text[text.index(after: open)] == "/" {
                    if opened.contains(String(name)) { return true }
                } else {
                    opened.insert(String(name))
                }
            }
            index = text.index(after: open)
        }
        return false
    }
}
