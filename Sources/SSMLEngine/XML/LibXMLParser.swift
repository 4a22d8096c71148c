internal import CLibXML2
import Foundation
import SSMLCore

/// Parses SSML with libxml2's SAX2 interface into a tree that keeps the line and column of every
/// element and attribute.
///
/// Safety: the network is off (`XML_PARSE_NONET`); entities are never substituted and no DTD is loaded
/// (neither `XML_PARSE_NOENT` nor `XML_PARSE_DTDLOAD`); documents declaring a DTD are refused earlier by
/// ``SSMLDocument``. libxml2 2.9 has no `XML_PARSE_NO_XXE`, hence the refusal.
public struct LibXMLParser: XMLTreeParser {
    public init() {}

    public func parse(_ text: String, file: String, lineOffset: Int) throws -> XMLElement {
        let builder = TreeBuilder(text: text, file: file, lineOffset: lineOffset)
        let bytes = Array(text.utf8)
        let finished: Bool = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let context = xmlCreateMemoryParserCtxt(chars.baseAddress, Int32(chars.count)) else { return false }
                defer {
                    if let document = context.pointee.myDoc { xmlFreeDoc(document) }
                    context.pointee.myDoc = nil
                    xmlFreeParserCtxt(context)
                }
                _ = xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue))
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

    init(text: String, file: String, lineOffset: Int) {
        bytes = Array(text.utf8)
        self.file = file
        self.lineOffset = lineOffset
        lines = LineIndex(bytes)
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
        guard !stack.isEmpty else { return }
        // libxml2 delivers one run of text in several callbacks; keep it one node at its first location.
        if case .text(let new, _) = node, case .text(let old, let location)? = stack[stack.count - 1].children.last {
            stack[stack.count - 1].children[stack[stack.count - 1].children.count - 1] = .text(old + new, location)
            return
        }
        stack[stack.count - 1].children.append(node)
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
    let end = Int(xmlByteConsumed(parser))
    let start = tree.tagStart(before: end)
    let location = tree.location(ofByte: start)
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
            parsed.append(SSMLCore.XMLAttribute(name: name, prefix: attributePrefix, value: value, location: attributeLocation))
        }
    }
    tree.stack.append(SSMLCore.XMLElement(
        name: String(cString: localName), prefix: string(prefix), namespace: string(uri),
        attributes: parsed, location: location))
    tree.cursor = end
}

private let endElement: endElementNsSAX2Func = { context, _, _, _ in
    guard let (tree, parser) = builder(context), let element = tree.stack.popLast() else { return }
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
    // The cursor may still be on the `>` that ended the previous tag; a run of text is located at its
    // first word, not at the whitespace before it.
    var start = tree.cursor
    if start < tree.bytes.count, tree.bytes[start] == UInt8(ascii: ">") { start += 1 }
    while start < tree.bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(tree.bytes[start]) { start += 1 }
    tree.append(.text(text, tree.location(ofByte: start)))
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
    let message = string(error.pointee.message.map { UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self) })?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "malformed XML"
    let lastLine = tree.lines.lineStarts.count + tree.lineOffset
    let line = min(max(1, Int(error.pointee.line) + tree.lineOffset), max(1, lastLine))
    let column = max(1, Int(error.pointee.int2))
    tree.error = SSMLError(.malformedXML, "malformed XML: \(message)", at: SourceLocation(file: tree.file, line: line, column: column))
    xmlStopParser(parser)
}
