internal import CLibXML2
import Foundation
import SSMLCore

/// Parses SSML with libxml2's SAX2 interface into a tree that keeps the line and column of every
/// element and attribute.
///
/// Safety is enforced here, where no markup can hide from it (a pre-scan of the text can be fooled,
/// e.g. by `<?x <!-- ?>` before a DOCTYPE):
/// - the network is off (`XML_PARSE_NONET`), entities are never substituted and no DTD is loaded
///   (neither `XML_PARSE_NOENT` nor `XML_PARSE_DTDLOAD`; libxml2 2.9 has no `XML_PARSE_NO_XXE`);
/// - every entity declaration (general, parameter, external, unparsed) stops the parse with an error at
///   its `<!ENTITY`, and so does every entity reference other than the five predefined ones and
///   character references, in content and in attribute values;
/// - the external subset is never read, the entity loader refuses every URL, and an element of the
///   XInclude namespace is an error (nothing is ever included, fetched or read).
/// A DOCTYPE that declares no entity (the W3C's own `<!DOCTYPE speak PUBLIC …>`) is accepted.
///
/// The text is parsed as UTF-8 whatever its XML declaration says (`XML_PARSE_IGNORE_ENC`): the input
/// reader already decoded it as declared, so positions are those of the decoded text.
public struct LibXMLParser: XMLTreeParser {
    public init() {}

    public func parse(_ text: String, file: String, lineOffset: Int) throws -> XMLElement {
        LibXML.initialize()
        let builder = TreeBuilder(text: text, file: file, lineOffset: lineOffset)
        let finished: Bool = builder.bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let context = xmlCreateMemoryParserCtxt(chars.baseAddress, Int32(chars.count)) else { return false }
                defer {
                    if let document = context.pointee.myDoc { xmlFreeDoc(document) }
                    context.pointee.myDoc = nil
                    xmlFreeParserCtxt(context)
                }
                let options = XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_IGNORE_ENC.rawValue
                _ = xmlCtxtUseOptions(context, Int32(options))
                let sax = context.pointee.sax!
                sax.pointee.startElementNs = startElement
                sax.pointee.endElementNs = endElement
                sax.pointee.characters = characters
                sax.pointee.ignorableWhitespace = characters
                sax.pointee.cdataBlock = characters
                sax.pointee.serror = structuredError
                sax.pointee.warning = nil
                sax.pointee.error = nil
                sax.pointee.comment = nil
                sax.pointee.processingInstruction = nil
                // A DOCTYPE's identifiers are accepted; its external subset is never read (element, attribute
                // and notation declarations of an internal subset keep libxml2's handlers: they load nothing).
                sax.pointee.externalSubset = ignoreExternalSubset
                // Entities: every declaration and every reference libxml2 would look up is refused.
                sax.pointee.entityDecl = refuseEntityDecl
                sax.pointee.unparsedEntityDecl = refuseUnparsedEntityDecl
                sax.pointee.getEntity = refuseEntity
                sax.pointee.getParameterEntity = refuseParameterEntity
                sax.pointee.reference = refuseReference
                sax.pointee.resolveEntity = refuseResolve
                let unmanaged = Unmanaged.passRetained(builder)
                context.pointee._private = unmanaged.toOpaque()
                defer { unmanaged.release() }
                _ = xmlParseDocument(context)
                return context.pointee.wellFormed != 0
            }
        }
        if let error = builder.error { throw error }
        guard finished, let root = builder.root else {
            throw SSMLError(.malformedXML, "the document is not well-formed XML", at: SourceLocation(file: file, line: 1, column: 1))
        }
        return root
    }
}

/// Process-wide libxml2 set-up, done once before any parse.
enum LibXML {
    private static let once: Void = {
        xmlInitParser()
        // Nothing is ever loaded by URL: not a DTD, not an external entity, not an XInclude.
        xmlSetExternalEntityLoader(refuseExternalEntity)
    }()

    static func initialize() { _ = once }
}

private let refuseExternalEntity: xmlExternalEntityLoader = { _, _, _ in nil }

extension LibXML {
    /// XInclude's namespaces (the 2001 recommendation and the 2003 draft libxml2 also knows).
    static let xincludeNamespaces: Set<String> = ["http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"]

    static let entityRefusal = "SSML needs none; no entity is ever expanded, fetched or read"
}

private let ignoreExternalSubset: externalSubsetSAXFunc = { _, _, _, _ in }

private let refuseEntityDecl: entityDeclSAXFunc = { context, name, type, _, systemID, _ in
    guard let (tree, parser) = builder(context) else { return }
    let offset = tree.entityDeclaration(named: string(name) ?? "", before: Int(xmlByteConsumed(parser)) + 1)
    let kind = type == XML_INTERNAL_PARAMETER_ENTITY.rawValue || type == XML_EXTERNAL_PARAMETER_ENTITY.rawValue ? "parameter entity" : "entity"
    let external = systemID.map { " (an external entity, \"\(String(cString: $0))\", is never read)" } ?? ""
    tree.refuse(
        .forbiddenDeclaration,
        "the \(kind) declaration <!ENTITY \(string(name) ?? "")> is refused\(external): \(LibXML.entityRefusal)",
        atByte: offset, parser: parser)
}

private let refuseUnparsedEntityDecl: unparsedEntityDeclSAXFunc = { context, name, _, _, _ in
    guard let (tree, parser) = builder(context) else { return }
    let offset = tree.entityDeclaration(named: string(name) ?? "", before: Int(xmlByteConsumed(parser)) + 1)
    tree.refuse(
        .forbiddenDeclaration, "the entity declaration <!ENTITY \(string(name) ?? "")> is refused: \(LibXML.entityRefusal)",
        atByte: offset, parser: parser)
}

/// Any entity libxml2 looks up is one that is not predefined (those never reach the callback).
private let refuseEntity: getEntitySAXFunc = { context, name in
    guard let (tree, parser) = builder(context) else { return nil }
    refuseReference(tree, parser, "&\(string(name) ?? "");", from: "&")
    return nil
}

private let refuseParameterEntity: getParameterEntitySAXFunc = { context, name in
    guard let (tree, parser) = builder(context) else { return nil }
    refuseReference(tree, parser, "%\(string(name) ?? "");", from: "%")
    return nil
}

private let refuseReference: referenceSAXFunc = { context, name in
    guard let (tree, parser) = builder(context) else { return }
    refuseReference(tree, parser, "&\(string(name) ?? "");", from: "&")
}

private func refuseReference(_ tree: TreeBuilder, _ parser: xmlParserCtxtPtr, _ written: String, from marker: String) {
    let offset = tree.lastOccurrence(of: marker, before: Int(xmlByteConsumed(parser)))
    tree.refuse(
        .forbiddenDeclaration,
        "the entity reference \(written) is refused: only &amp; &lt; &gt; &quot; &apos; and character references (&#233;) exist without a DTD, and no DTD is ever read (write the character itself)",
        atByte: offset, parser: parser)
}

private let refuseResolve: resolveEntitySAXFunc = { context, publicID, systemID in
    guard let (tree, parser) = builder(context) else { return nil }
    let what = string(systemID) ?? string(publicID) ?? "an external resource"
    tree.refuse(
        .forbiddenDeclaration, "\"\(what)\" is never fetched or read: \(LibXML.entityRefusal)",
        atByte: Int(xmlByteConsumed(parser)), parser: parser)
    return nil
}

/// Collects the tree from SAX callbacks; positions come from byte offsets into the original text.
private final class TreeBuilder {
    let bytes: [UInt8]
    let file: String
    let lineOffset: Int
    /// Byte offset where each line starts.
    let lines: LineIndex
    var stack: [XMLElement] = []
    var root: XMLElement?
    var error: SSMLError?
    /// Where the last callback left off; text runs start here.
    var cursor = 0

    /// The run of text being collected (libxml2 delivers one run in several callbacks) and where it starts.
    var pendingText: (text: String, location: SourceLocation)?

    init(text: String, file: String, lineOffset: Int) {
        bytes = Array(text.utf8)
        self.file = file
        self.lineOffset = lineOffset
        lines = LineIndex(bytes)
    }

    /// Records the first refusal and stops the parser: nothing after it is read.
    func refuse(_ kind: SSMLError.Kind, _ message: String, atByte offset: Int, parser: xmlParserCtxtPtr) {
        if error == nil { error = SSMLError(kind, message, at: location(ofByte: offset)) }
        xmlStopParser(parser)
    }

    /// The offset of the last occurrence of `literal` that starts before `end` (or `end` itself).
    func lastOccurrence(of literal: String, before end: Int, where accept: (Int) -> Bool = { _ in true }) -> Int {
        let pattern = Array(literal.utf8)
        var index = min(end, bytes.count) - pattern.count
        while index >= 0 {
            if bytes[index] == pattern[0], bytes[index..<index + pattern.count].elementsEqual(pattern), accept(index) { return index }
            index -= 1
        }
        return min(max(end, 0), bytes.count)
    }

    /// Where the declaration of entity `name` starts: the last `<!ENTITY` before `end` that names it (a
    /// `<!ENTITY` quoted inside an entity's value names another one).
    func entityDeclaration(named name: String, before end: Int) -> Int {
        lastOccurrence(of: "<!ENTITY", before: end) { start in
            var i = start + 8
            func skipSpace() { while i < self.bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(self.bytes[i]) { i += 1 } }
            skipSpace()
            if i < self.bytes.count, self.bytes[i] == UInt8(ascii: "%") {
                i += 1
                skipSpace()
            }
            let written = Array(name.utf8)
            guard i + written.count <= self.bytes.count, self.bytes[i..<i + written.count].elementsEqual(written) else { return false }
            let after = i + written.count
            return after == self.bytes.count || [0x20, 0x09, 0x0A, 0x0D].contains(self.bytes[after])
        }
    }

    func location(ofByte offset: Int) -> SourceLocation {
        let (line, column) = lines.position(of: offset)
        return SourceLocation(file: file, line: max(1, line + lineOffset), column: column)
    }

    /// The offset of the `<` that opens the start tag ending at or before `end`. `<` cannot occur inside
    /// a start tag of a well-formed document, so the nearest one going back is it.
    func tagStart(before end: Int) -> Int {
        var index = min(end, bytes.count) - 1
        while index > 0 && bytes[index] != UInt8(ascii: "<") { index -= 1 }
        return max(index, 0)
    }

    /// Byte offsets of each attribute name in the start tag beginning at `start`.
    func attributeOffsets(inTagAt start: Int) -> [String: Int] {
        var offsets: [String: Int] = [:]
        var i = start + 1
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while i < bytes.count, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
        while i < bytes.count {
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count, bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") else { break }
            let nameStart = i
            while i < bytes.count, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: "=") { i += 1 }
            let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
            offsets[name] = nameStart
            while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "'") { i += 1 }
            guard i < bytes.count else { break }
            let quote = bytes[i]
            i += 1
            while i < bytes.count, bytes[i] != quote { i += 1 }
            i += 1
        }
        return offsets
    }

    func append(_ node: XMLNode) {
        flushText()
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].children.append(node)
    }

    /// Adds text to the current run; the run stays one node, at its first location.
    func appendText(_ text: String, at location: SourceLocation) {
        if pendingText == nil {
            pendingText = (text, location)
        } else {
            pendingText!.text += text
        }
    }

    func flushText() {
        guard let pending = pendingText else { return }
        pendingText = nil
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].children.append(.text(pending.text, pending.location))
    }
}

private func builder(_ context: UnsafeMutableRawPointer?) -> (TreeBuilder, xmlParserCtxtPtr)? {
    guard let context else { return nil }
    let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let raw = parser.pointee._private else { return nil }
    return (Unmanaged<TreeBuilder>.fromOpaque(raw).takeUnretainedValue(), parser)
}

private func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
    pointer.map { String(cString: $0) }
}

private let startElement: startElementNsSAX2Func = { context, localName, prefix, uri, _, _, attributeCount, _, attributes in
    guard let (tree, parser) = builder(context), let localName else { return }
    tree.flushText()
    let end = Int(xmlByteConsumed(parser))
    let start = tree.tagStart(before: end)
    let location = tree.location(ofByte: start)
    if let namespace = string(uri), LibXML.xincludeNamespaces.contains(namespace) {
        tree.refuse(
            .forbiddenDeclaration,
            "XInclude (<\(string(prefix).map { "\($0):" } ?? "")\(String(cString: localName))>) is refused: nothing is ever included, fetched or read",
            atByte: start, parser: parser)
        return
    }
    let offsets = tree.attributeOffsets(inTagAt: start)
    var parsed: [SSMLCore.XMLAttribute] = []
    if let attributes {
        for index in 0..<Int(attributeCount) {
            let base = index * 5
            guard let name = string(attributes[base]) else { continue }
            let attributePrefix = string(attributes[base + 1])
            var value = ""
            if let begin = attributes[base + 3], let stop = attributes[base + 4] {
                value = String(decoding: UnsafeBufferPointer(start: begin, count: stop - begin), as: UTF8.self)
            }
            let written = attributePrefix.map { "\($0):\(name)" } ?? name
            let attributeLocation = offsets[written].map { tree.location(ofByte: $0) } ?? location
            parsed.append(
                SSMLCore.XMLAttribute(
                    name: name, prefix: attributePrefix, value: value, location: attributeLocation, namespace: string(attributes[base + 2])))
        }
    }
    tree.stack.append(
        SSMLCore.XMLElement(
            name: String(cString: localName), prefix: string(prefix), namespace: string(uri),
            attributes: parsed, location: location))
    tree.cursor = end
}

private let endElement: endElementNsSAX2Func = { context, _, _, _ in
    guard let (tree, parser) = builder(context) else { return }
    tree.flushText()
    guard let element = tree.stack.popLast() else { return }
    tree.cursor = Int(xmlByteConsumed(parser))
    if tree.stack.isEmpty {
        tree.root = element
    } else {
        tree.append(.element(element))
    }
}

private let characters: charactersSAXFunc = { context, chars, length in
    guard let (tree, parser) = builder(context), let chars else { return }
    let text = String(decoding: UnsafeBufferPointer(start: chars, count: Int(length)), as: UTF8.self)
    if let pending = tree.pendingText {
        tree.appendText(text, at: pending.location)
    } else {
        // The cursor may still be on the `>` that ended the previous tag; a run of text is located at its
        // first word, not at the whitespace before it.
        var start = tree.cursor
        if start < tree.bytes.count, tree.bytes[start] == UInt8(ascii: ">") { start += 1 }
        while start < tree.bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(tree.bytes[start]) { start += 1 }
        tree.appendText(text, at: tree.location(ofByte: start))
    }
    tree.cursor = Int(xmlByteConsumed(parser))
}

private let structuredError: xmlStructuredErrorFunc = { context, error in
    guard let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
    // An undeclared prefix (`<amazon:effect>` as Polly's documentation writes it, without xmlns:amazon) is a
    // namespace error, not a well-formedness one: the element keeps its prefix and has no namespace; lint
    // reports it for the services that need the declaration.
    if error.pointee.domain == Int32(XML_FROM_NAMESPACE.rawValue), error.pointee.code == Int32(XML_NS_ERR_UNDEFINED_NAMESPACE.rawValue) { return }
    let (tree, parser): (TreeBuilder, xmlParserCtxtPtr)
    if let found = builder(context) { (tree, parser) = found } else { return }
    guard tree.error == nil else { return }
    let code = Int(error.pointee.code)
    if code == Int(XML_ERR_NAME_REQUIRED.rawValue) || code == Int(XML_ERR_ENTITYREF_SEMICOL_MISSING.rawValue),
        string(error.pointee.message.map { UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self) })?.contains("EntityRef") == true
    {
        // libxml2 says "xmlParseEntityRef: no name"; say what is wrong and how to write it, as lint does.
        let offset = tree.lastOccurrence(of: "&", before: Int(xmlByteConsumed(parser)))
        tree.refuse(.malformedXML, "malformed XML: unescaped '&': write &amp; (an XML parser rejects a bare &)", atByte: offset, parser: parser)
        return
    }
    let message =
        string(error.pointee.message.map { UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self) })?
        .trimmingWhitespaceAndNewlines() ?? "malformed XML"
    let lastLine = tree.lines.lineStarts.count + tree.lineOffset
    let line = min(max(1, Int(error.pointee.line) + tree.lineOffset), max(1, lastLine))
    let column = max(1, Int(error.pointee.int2))
    tree.error = SSMLError(.malformedXML, "malformed XML: \(message)", at: SourceLocation(file: tree.file, line: line, column: column))
    xmlStopParser(parser)
}

// MARK: - Character encodings

/// libxml2's converters (its own and iconv's), for the encodings an XML declaration may name.
enum LibXMLEncoding {
    enum Outcome {
        case decoded([UInt8])
        /// Conversion stopped at byte `offset` of the input; `prefix` is the UTF-8 decoded before it.
        case invalid(prefix: [UInt8], offset: Int)
        case unknownEncoding
    }

    /// Whether libxml2 can read `name` (its aliases and iconv's names count).
    static func isKnown(_ name: String) -> Bool {
        guard let handler = xmlFindCharEncodingHandler(name) else { return false }
        xmlCharEncCloseFunc(handler)
        return true
    }

    /// Converts `bytes` in encoding `name` to UTF-8.
    static func decode(_ bytes: [UInt8], from name: String) -> Outcome {
        convert(bytes, name: name, decoding: true)
    }

    /// Converts UTF-8 `bytes` to encoding `name`; characters it cannot hold become character references
    /// (`&#8364;`), as libxml2 writes them.
    static func encode(_ bytes: [UInt8], to name: String) -> [UInt8]? {
        if case .decoded(let out) = convert(bytes, name: name, decoding: false) { return out }
        return nil
    }

    private static func convert(_ bytes: [UInt8], name: String, decoding: Bool) -> Outcome {
        LibXML.initialize()
        // A failed conversion reports through libxml2's global error channel; the outcome says it instead.
        xmlSetStructuredErrorFunc(nil, discardError)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        guard let handler = xmlFindCharEncodingHandler(name) else { return .unknownEncoding }
        defer { xmlCharEncCloseFunc(handler) }
        guard let input = xmlBufferCreateSize(bytes.count + 1), let output = xmlBufferCreateSize(bytes.count * 2 + 64) else {
            return .invalid(prefix: [], offset: 0)
        }
        defer {
            xmlBufferFree(input)
            xmlBufferFree(output)
        }
        if !bytes.isEmpty {
            _ = bytes.withUnsafeBufferPointer { xmlBufferAdd(input, $0.baseAddress, Int32($0.count)) }
        }
        while xmlBufferLength(input) > 0 {
            let before = xmlBufferLength(input)
            let result = decoding ? xmlCharEncInFunc(handler, output, input) : xmlCharEncOutFunc(handler, output, input)
            let after = xmlBufferLength(input)
            if result == -2 || after == before {
                let produced = Int(xmlBufferLength(output))
                let prefix = produced == 0 ? [] : Array(UnsafeBufferPointer(start: xmlBufferContent(output), count: produced))
                return .invalid(prefix: prefix, offset: bytes.count - Int(after))
            }
        }
        let produced = Int(xmlBufferLength(output))
        return .decoded(produced == 0 ? [] : Array(UnsafeBufferPointer(start: xmlBufferContent(output), count: produced)))
    }
}

private let discardError: xmlStructuredErrorFunc = { _, _ in }
