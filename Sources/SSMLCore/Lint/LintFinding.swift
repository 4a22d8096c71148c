import Foundation

/// A replacement of a byte range of the input.
public struct TextEdit: Sendable, Equatable {
    public var range: Range<Int>
    public var replacement: String

    public init(range: Range<Int>, replacement: String) {
        self.range = range
        self.replacement = replacement
    }
}

/// How a finding can be repaired.
public struct LintFix: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Keeps the meaning: escaping, wrapping in `<speak>`, clamping to what the service plays anyway.
        case safe
        /// Removes markup the service rejects; applied only to errors.
        case drop
    }

    public var kind: Kind
    /// What the fix does, for the note that reports it.
    public var description: String
    public var edits: [TextEdit]
}

/// One thing a service does not support or reads differently, at its place in the input.
public struct LintFinding: Sendable, Equatable, CustomStringConvertible {
    public var severity: Diagnostic.Severity
    /// A stable identifier of the rule (`element`, `break-cap`, `text-length`, ...).
    public var rule: String
    public var message: String
    public var location: SourceLocation
    /// The documentation the rule comes from.
    public var source: String?
    public var fix: LintFix?

    public init(
        _ severity: Diagnostic.Severity, _ rule: String, _ message: String, at location: SourceLocation,
        source: String? = nil, fix: LintFix? = nil
    ) {
        self.severity = severity
        self.rule = rule
        self.message = SSMLError.bounded(message)
        self.location = location
        self.source = source
        self.fix = fix
    }

    /// The rule of a voice name of the service's form that its published list does not hold; the finding says how
    /// the renderer reads it, which a render reports itself.
    public static let unlistedVoiceRule = "voice-unlisted"

    /// Whether a render drops this finding because the interpreter says the same (see ``unlistedVoiceRule``).
    public var repeatsVoiceReading: Bool { rule == Self.unlistedVoiceRule }

    /// `file:line:col: severity: message [rule]`.
    public var description: String { "\(location): \(severity.rawValue): \(message) [\(rule)]" }
}
