/// A finding that does not stop the render by itself (unless `--strict`).
public struct Diagnostic: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable, Encodable {
        case note, warning, error

        private var rank: Int { self == .note ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?

    public init(_ severity: Severity, _ message: String, at location: SourceLocation? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
    }

    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)\(severity.rawValue): \(message)"
    }
}

/// Collects diagnostics during parsing and planning; in strict mode a warning becomes an error at once.
public final class DiagnosticLog {
    public private(set) var diagnostics: [Diagnostic] = []
    public let strict: Bool

    public init(strict: Bool = false) { self.strict = strict }

    /// Records a warning, or throws it as an error when strict.
    public func warn(_ message: String, at location: SourceLocation?, kind: SSMLError.Kind = .invalidValue) throws {
        if strict { throw SSMLError(kind, message, at: location, setting: .strict) }
        diagnostics.append(Diagnostic(.warning, message, at: location))
    }

    /// Records a note: information that is never an error (call-control meaning, for example).
    public func note(_ message: String, at location: SourceLocation?) {
        diagnostics.append(Diagnostic(.note, message, at: location))
    }

    /// Adds a diagnostic made elsewhere (a nested document's, with its places translated); it was already
    /// checked against `strict` when it was first made.
    public func record(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}
