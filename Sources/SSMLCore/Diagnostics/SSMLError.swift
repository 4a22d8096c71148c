/// An error that stops a render, with a stable kind, a message and the place it refers to.
public struct SSMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable categories; scripts may match on these.
    public enum Kind: String, Sendable {
        case malformedXML = "malformed-xml"
        case malformedJSON = "malformed-json"
        case forbiddenDeclaration = "forbidden-declaration"
        case invalidValue = "invalid-value"
        case unknownElement = "unknown-element"
        case unknownAttribute = "unknown-attribute"
        case missingAttribute = "missing-attribute"
        case unknownVoice = "unknown-voice"
        case audioSource = "audio-source"
        case limitExceeded = "limit-exceeded"
        /// The input has nothing to say: its output would be empty.
        case nothingToSay = "nothing-to-say"
        case io = "io"
        case engine = "engine"
        case usage = "usage"
    }

    public var kind: Kind
    public var message: String
    public var location: SourceLocation?

    public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil) {
        self.kind = kind
        self.message = SSMLError.bounded(message)
        self.location = location
    }

    /// Messages quote what the user wrote; a 2 MB attribute value must not become 2 MB of stderr.
    static func bounded(_ message: String) -> String {
        guard message.count > 400 else { return message }
        return String(message.prefix(300)) + "… (\(message.count) characters)"
    }

    /// `file:line:col: error: message`, or `error: message` without a place.
    public var description: String {
        if let location { return "\(location): error: \(message)" }
        return "error: \(message)"
    }
}
