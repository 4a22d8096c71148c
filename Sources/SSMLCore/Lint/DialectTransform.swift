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
            guard case .element(let inner) = child else { out.append(child); continue }
            let name = inner.qualifiedName
            if dialect.elements[name] == nil, dialect.unknownElement.drop == true {
                out += children(of: inner)  // The service does not read the element: its content stays.
                continue
            }
            var copy = inner
            copy.attributes = attributes(of: inner)
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
                let mapped = table.map[attribute.value.trimmingCharacters(in: .whitespaces).lowercased()]
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
            if name == "voice", qualified == "name", let rule = dialect.voices, rule.style == "google",
                Walk.matches(rule.pattern ?? "^$", attribute.value)
            {
                // Google voice names start with their locale (en-US-Wavenet-A): read as that language.
                let locale = attribute.value.split(separator: "-").prefix(2).joined(separator: "-")
                out.append(XMLAttribute(name: "lang", prefix: "xml", value: locale, location: attribute.location))
                continue
            }
            guard let value = readValue(attribute, of: name) else { continue }
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

    /// The value the service reads: unchanged, clamped into its range, or nil when it does not take it.
    private func readValue(_ attribute: XMLAttribute, of element: String) -> String? {
        let value = attribute.value.trimmingCharacters(in: .whitespaces)
        guard let rule = dialect.values.first(where: { $0.element == element && $0.attribute == attribute.qualifiedName }) else {
            return attribute.value
        }
        if rule.keywords?.contains(value.lowercased()) == true { return attribute.value }
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
