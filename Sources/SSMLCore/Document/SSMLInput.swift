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
            || opensPrefixedSpeak(trimmed.prefix(64))
        {
            return .document(text)
        }
        // A leading comment is markup too (a file of comments only is an empty fragment, not prose).
        return containsMarkup(trimmed) || trimmed.hasPrefix("<!--") ? .fragment(text) : .plainText(text)
    }

    /// Whether `text` starts with a namespace-prefixed root, `<ssml:speak` then a space, `>` or `/` (the pattern
    /// `^<[A-Za-z_][A-Za-z0-9_.-]*:speak[\s>/]`, spelled out: a regular expression here started ICU's regex engine
    /// for every plain-text render, about 2 ms).
    private static func opensPrefixedSpeak(_ text: Substring) -> Bool {
        guard text.first == "<", let colon = text.firstIndex(of: ":") else { return false }
        let prefix = text[text.index(after: text.startIndex)..<colon]
        func isNameStart(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c == "_") }
        guard let first = prefix.first, isNameStart(first),
            prefix.allSatisfy({ isNameStart($0) || ($0.isASCII && $0.isNumber) || $0 == "." || $0 == "-" })
        else { return false }
        let rest = text[text.index(after: colon)...]
        guard rest.hasPrefix("speak"), let next = rest.dropFirst(5).first else { return false }
        return next.isWhitespace || next == ">" || next == "/"
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
