import Foundation


/// Checks a document against one service's dialect: escapes and well-formedness from the raw bytes,
/// then elements, attributes, values, limits, voices, audio and nesting from the parsed tree.
public struct Linter: Sendable {
    public let dialect: Dialect
    public let parser: any XMLTreeParser
    /// Voice names the catalog knows (Microsoft and Polly aliases, canonical names); nil skips voice lists.
    public let catalog: VoiceCatalog?
    /// Reads voice names the way the renderer does (every espeak-ng language the catalog names counts as spoken).
    let resolver: VoiceResolver?

    static let xmlSource = "https://www.w3.org/TR/xml/#syntax"
    static let breakSource = "https://www.w3.org/TR/speech-synthesis11/#S3.2.3"

    public init(dialect: Dialect, parser: any XMLTreeParser, catalog: VoiceCatalog? = nil) {
        self.dialect = dialect
        self.parser = parser
        self.catalog = catalog
        self.resolver = catalog.map { VoiceResolver(catalog: $0, languages: Set($0.voices.map(\.espeak))) }
    }

    /// Every finding for `text`, in document order.
    public func lint(_ text: String, file: String) -> [LintFinding] {
        var findings: [LintFinding] = []
        let input = SSMLInput.classify(text)
        let scan = RawScan(text)
        let start = SourceLocation(file: file, line: 1, column: 1)
        findings += textLimits(text, tree: nil, file: file)
        if case .plainText = input { return sorted(findings) }

        for problem in scan.problems {
            let place = scan.position(of: problem.offset)
            let location = SourceLocation(file: file, line: place.line, column: place.column)
            switch problem.kind {
            case .bareAmpersand:
                findings.append(
                    LintFinding(
                        .error, "escape", "unescaped '&': write &amp; (an XML parser rejects a bare &)",
                        at: location, source: Self.xmlSource,
                        fix: LintFix(kind: .safe, description: "escaped '&' as &amp;", edits: [TextEdit(range: problem.offset..<problem.offset + 1, replacement: "&amp;")])))
            case .strayLessThan:
                findings.append(
                    LintFinding(
                        .error, "escape", "stray '<' that starts no tag: write &lt; (an XML parser rejects it)",
                        at: location, source: Self.xmlSource,
                        fix: LintFix(kind: .safe, description: "escaped '<' as &lt;", edits: [TextEdit(range: problem.offset..<problem.offset + 1, replacement: "&lt;")])))
            case .undefinedEntity(let name):
                findings.append(
                    LintFinding(
                        .error, "escape", "entity &\(name); is not defined in XML (only &amp; &lt; &gt; &quot; &apos; are); write the character itself",
                        at: location, source: Self.xmlSource))
            }
        }

        // Parse with each raw fault blanked out (same length, so every place stays true): the parser then
        // reports the next structural fault, or the tree rules run although the text needs escaping.
        var patched = scan.bytes
        for problem in scan.problems { patched[problem.offset] = UInt8(ascii: "_") }
        let root: XMLElement
        do {
            root = try SSMLDocument.load(String(decoding: patched, as: UTF8.self), file: file, parser: parser)
        } catch let error as SSMLError {
            // Malformed: report where the parser stopped; the raw findings above keep their places.
            findings.append(LintFinding(.error, "xml", error.message, at: error.location ?? start, source: Self.xmlSource))
            return sorted(findings)
        } catch {
            findings.append(LintFinding(.error, "xml", "\(error)", at: start, source: Self.xmlSource))
            return sorted(findings)
        }

        var walker = Walk(linter: self, scan: scan, file: file)
        let firstTag = scan.tags.first { $0.kind != .end }
        let rootIsSpeak = firstTag.map { $0.name.split(separator: ":").last == "speak" } ?? false
        if !rootIsSpeak {
            if let rule = dialect.speak.required {
                findings.append(
                    LintFinding(
                        rule.severity, "speak", "the markup has no <speak> root: \(rule.reason)", at: start, source: rule.source,
                        fix: wrapFix(text)))
            }
            // The wrapper the loader added is not the user's: check what is inside it.
            for case .element(let child) in root.children { walker.visit(child, parent: nil) }
            walker.checkChildren(of: root, qualifiedName: nil)
        } else {
            walker.checkSpeak(root)
            walker.visit(root, parent: nil)
        }
        findings += walker.findings
        findings += walker.countFindings()
        findings += textLimits(text, tree: root, file: file)
        return sorted(findings)
    }

    private func sorted(_ findings: [LintFinding]) -> [LintFinding] {
        findings.enumerated().sorted { a, b in
            let (x, y) = (a.element.location, b.element.location)
            if x.line != y.line { return x.line < y.line }
            if x.column != y.column { return x.column < y.column }
            return a.offset < b.offset
        }.map(\.element)
    }

    private func wrapFix(_ text: String) -> LintFix {
        var insertAt = 0
        if let declaration = text.range(of: "?>"), text.hasPrefix("<?xml") {
            insertAt = text.utf8.distance(from: text.startIndex, to: declaration.upperBound)
        }
        let open = dialect.speak.wrapper
        return LintFix(
            kind: .safe, description: "wrapped the markup in \(open)",
            edits: [
                TextEdit(range: insertAt..<insertAt, replacement: (insertAt == 0 ? "" : "\n") + open + "\n"),
                TextEdit(range: text.utf8.count..<text.utf8.count, replacement: text.hasSuffix("\n") ? "</speak>\n" : "\n</speak>"),
            ])
    }

    /// Length limits. Without a tree only the raw measures are checked; with one, the text without tags.
    private func textLimits(_ text: String, tree: XMLElement?, file: String) -> [LintFinding] {
        let start = SourceLocation(file: file, line: 1, column: 1)
        var findings: [LintFinding] = []
        for limit in dialect.textLimits {
            let count: Int
            let what: String
            switch limit.measure {
            case "bytes":
                guard tree == nil else { continue }
                count = text.utf8.count; what = "UTF-8 bytes (tags included)"
            case "text-characters":
                if let tree {
                    count = tree.textContent.unicodeScalars.count
                } else if case .plainText = SSMLInput.classify(text) {
                    count = text.unicodeScalars.count
                } else {
                    continue
                }
                what = "characters (tags excluded)"
            default:
                guard tree == nil else { continue }
                count = text.unicodeScalars.count; what = "characters (tags included)"
            }
            if count > limit.max {
                findings.append(
                    LintFinding(
                        limit.severity, "text-length", "the text is \(count) \(what); \(limit.reason)", at: start, source: limit.source))
            }
        }
        return findings
    }
}
