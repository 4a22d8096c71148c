/// An attribute as written in the source, with its own location.
public struct XMLAttribute: Sendable, Equatable {
    /// Local name, without prefix.
    public var name: String
    /// The prefix as written (`xml` for `xml:lang`), or nil.
    public var prefix: String?
    public var value: String
    public var location: SourceLocation
    /// The namespace the prefix is bound to, or nil (no prefix, or an undeclared one).
    public var namespace: String?

    public init(name: String, prefix: String? = nil, value: String, location: SourceLocation, namespace: String? = nil) {
        self.name = name
        self.prefix = prefix
        self.value = value
        self.location = location
        self.namespace = namespace
    }

    /// XML Schema's instance namespace (`xsi:schemaLocation`, `xsi:noNamespaceSchemaLocation`).
    public static let schemaInstanceNamespace = "http://www.w3.org/2001/XMLSchema-instance"

    /// Whether this attribute only points at a schema (`xsi:schemaLocation`, as the W3C's examples
    /// write): it says nothing about speech and is no unknown attribute.
    public var isSchemaInstance: Bool {
        namespace == Self.schemaInstanceNamespace || (namespace == nil && prefix == "xsi")
    }

    /// `prefix:name` or `name`.
    public var qualifiedName: String { prefix.map { "\($0):\(name)" } ?? name }
}

/// An element of a parsed document; the tree keeps every element's and attribute's source location.
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var prefix: String?
    public var namespace: String?
    public var attributes: [XMLAttribute]
    public var children: [XMLNode]
    public var location: SourceLocation

    public init(
        name: String, prefix: String? = nil, namespace: String? = nil,
        attributes: [XMLAttribute] = [], children: [XMLNode] = [], location: SourceLocation
    ) {
        self.name = name
        self.prefix = prefix
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.location = location
    }

    public var qualifiedName: String { prefix.map { "\($0):\(name)" } ?? name }

    /// The attribute with this local name (and prefix, for `xml:lang`).
    public func attribute(_ name: String, prefix: String? = nil) -> XMLAttribute? {
        attributes.first { $0.name == name && $0.prefix == prefix }
    }

    /// All text below this element, in document order.
    public var textContent: String {
        children.map { node in
            switch node {
            case .text(let text, _): text
            case .element(let element): element.textContent
            }
        }.joined()
    }
}

/// A node of the tree: an element or a run of character data.
public enum XMLNode: Sendable, Equatable {
    case element(XMLElement)
    case text(String, SourceLocation)
}

/// Turns document bytes into a located tree. Implementations must never fetch anything
/// (no network, no external entities) and must refuse DTDs.
public protocol XMLTreeParser: Sendable {
    /// Parses `text`; every reported line is shifted by `lineOffset` (a wrapped fragment passes -1).
    func parse(_ text: String, file: String, lineOffset: Int) throws -> XMLElement
}
