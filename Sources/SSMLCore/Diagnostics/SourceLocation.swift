/// A place in an input document: file, 1-based line and column, and the element or attribute there.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var element: String?
    public var attribute: String?

    public init(file: String, line: Int, column: Int, element: String? = nil, attribute: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.element = element
        self.attribute = attribute
    }

    /// `file:line:column`, the form compilers and editors jump to.
    public var description: String { "\(file):\(line):\(column)" }

    /// The same place, naming an element.
    public func with(element: String?, attribute: String? = nil) -> SourceLocation {
        var copy = self
        copy.element = element
        copy.attribute = attribute
        return copy
    }
}
