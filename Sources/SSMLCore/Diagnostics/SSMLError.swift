/// An error that stops a render, with a stable kind, a message and the place it refers to.
public struct SSMLError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// Stable categories; scripts may match on these.
    public enum Kind: String, Sendable, Codable {
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
        case io = "io"
        case engine = "engine"
        case usage = "usage"
    }

    public var kind: Kind
    public var message: String
    public var location: SourceLocation?
    /// The job setting the message is about, when it is about one (a rate, a destination, a remedy such as the
    /// voice fallback): front ends name it their own way (`--rate`, the JSON field `rate`).
    public var setting: JobSetting?

    public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil, setting: JobSetting? = nil) {
        self.kind = kind
        self.message = SSMLError.bounded(message)
        self.location = location
        self.setting = setting
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

/// A setting of a render job (or of the tools around it) that a message is about. The library never writes
/// flag names; each front end maps these to its own (`--voice-fallback`, `"voiceFallback"`).
public enum JobSetting: String, Sendable, Codable, CaseIterable {
    case input, output, rate, encoding, format, bitrate, frames, preset, loudness, truePeak
    case voice, dialect, voiceFallback, strict, allowEmpty, force
    case fetchTimeout, fetchMaxSize, cache, timeline, timelineSVG, audioMap, missingAudio
}
