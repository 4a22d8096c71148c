/// Rewrites a parsed document into what one service would read, so that the interpreter plans the
/// service's reading rather than ours: breaks clamped to its cap, keywords read through its tables,
/// values it does not take dropped or clamped, and markup it does not read removed (content kept).
///
/// The document's own locations are kept, so diagnostics still point into the user's file.
public struct DialectTransform: Sendable {
    public let dialect: Dialect

    public init(dialect: Dialect) { self.dialect = dialect }

    /// The service's reading of `root` (a `<speak>` element from ``SSMLDocument/load``).
    public func apply(_ root: XMLElement) -> XMLElement {
        var result = root
        result.attributes = attributes(of: root)
        result.children = children(of: root)
        return result
    }

    private func children(of element: XMLElement) -> [XMLNode] {
        var out: [XMLNode] = []
        for child in element.children {
            guard case .element(var inner) = child else { out.append(child); continue }
            // `ssml:break` with the SSML namespace bound to a prefix is plain `break`.
            if inner.namespace == SSMLDocument.namespace { inner.prefix = nil }
            let name = inner.qualifiedName
            if dialect.elements[name] == nil, dialect.unknownElement.drop == true, !Self.isForeign(inner) {
                out += children(of: inner)  // The service does not read the element: its content stays.
                continue
            }
            if dialect.elements[name]?.foreign == true { out.append(.element(inner)); continue }
            var copy = inner
            copy.attributes = attributes(of: inner)
            if name == "break", let bare = dialect.readings?.bareBreak, inner.attributes.isEmpty {
                copy.attributes = [XMLAttribute(name: "time", value: bare.value, location: inner.location)]
            }
            copy.children = children(of: inner)
            out.append(.element(copy))
        }
        return out
    }

    private func attributes(of element: XMLElement) -> [XMLAttribute] {
        let name = element.qualifiedName
        let rule = dialect.elements[name]
        var out: [XMLAttribute] = []
        for attribute in element.attributes {
            var attribute = attribute
            let qualified = attribute.qualifiedName
            if let rule, !rule.attributes.contains(qualified), dialect.unknownAttribute.drop == true { continue }
            if let table = dialect.tables.first(where: { $0.element == name && $0.attribute == qualified }),
                let mapped = table.map[attribute.value.trimmingWhitespace().lowercased()]
            {
                attribute.value = mapped
                if let target = table.target {
                    // An explicit target attribute wins over a keyword (W3C: time overrides strength).
                    if element.attributes.contains(where: { $0.qualifiedName == target }) { continue }
                    attribute.name = target
                    attribute.prefix = nil
                }
                out.append(attribute)
                continue
            }
            if name == "prosody", let relative = dialect.readings?.relativePercent, relative.value.contains(qualified),
                Walk.matches("^[0-9]*\\.?[0-9]+%$", attribute.value.trimmingWhitespace())
            {
                // The service reads an unsigned percentage as a change: rate="50%" is +50%.
                attribute.value = "+" + attribute.value.trimmingWhitespace()
            }
            if name == "break", qualified == "time", let unit = dialect.readings?.unitlessTime,
                Walk.matches("^[0-9]*\\.?[0-9]+$", attribute.value.trimmingWhitespace())
            {
                attribute.value = attribute.value.trimmingWhitespace() + unit.value
            }
            guard let value = readValue(attribute, of: name) else {
                // A value the service does not take is dropped, unless the element cannot do without it: then the
                // element keeps it and the interpreter reads it as best it can (a warning, the text spoken).
                if rule?.required?.contains(qualified) == true { out.append(attribute) }
                continue
            }
            attribute.value = value
            if name == "break", qualified == "time", let cap = dialect.breakTime,
                let seconds = try? BreakValue.time(attribute.value), seconds > cap.maxSeconds
            {
                attribute.value = "\(Int((cap.maxSeconds * 1000).rounded()))ms"
            }
            out.append(attribute)
        }
        return out
    }

    /// Elements of another vocabulary (MathML) are kept whole: their text is what is read.
    static func isForeign(_ element: XMLElement) -> Bool {
        guard let namespace = element.namespace else { return false }
        return namespace != SSMLDocument.namespace && element.prefix == nil
    }

    /// The value the service reads: unchanged, clamped into its range, or nil when it does not take it.
    private func readValue(_ attribute: XMLAttribute, of element: String) -> String? {
        let value = attribute.value.trimmingWhitespace()
        guard let rule = dialect.values.first(where: { $0.element == element && $0.attribute == attribute.qualifiedName }) else {
            return attribute.value
        }
        if rule.keywords?.contains(value.lowercased()) == true { return attribute.value }
        // A say-as spelling of another service (`character`, `number_digit`) is read as the service's own synonym.
        if let synonym = Walk.synonym(of: value, among: rule.keywords, element: element, attribute: attribute.qualifiedName) { return synonym }
        for form in rule.forms ?? [] where Walk.matches(form.pattern, value) {
            guard let number = Walk.firstNumber(in: value) else { return attribute.value }
            let low = form.min ?? -Double.infinity, high = form.max ?? Double.infinity
            if number.value < low { return Walk.replacing(number, in: value, with: low) }
            if number.value > high { return Walk.replacing(number, in: value, with: high) }
            return attribute.value
        }
        return nil
    }
}
