import Foundation

/// A piece of text to speak: plain words, a code read character by character, or a pronunciation.
public enum SpeechPiece: Sendable, Equatable, Hashable {
    case text(String)
    /// Read letter by letter, digit by digit; case is not spoken.
    case characters(String)
    /// A pronunciation in IPA (`<phoneme>`; X-SAMPA is converted to IPA when the plan is made). How it becomes
    /// the engine's own phoneme input is the synthesizer's business.
    case ipa(String)
}

/// A stretch of speech in one voice and one prosody.
public struct SpeechSegment: Sendable, Equatable, Codable {
    public var pieces: [SpeechPiece]
    public var voice: VoiceSpec
    public var prosody: Prosody
    public var location: SourceLocation

    public init(pieces: [SpeechPiece], voice: VoiceSpec, prosody: Prosody, location: SourceLocation) {
        self.pieces = pieces
        self.voice = voice
        self.prosody = prosody
        self.location = location
    }

    /// The text as it would be read, for reports: codes spaced out, pronunciations as `/…/`.
    public var displayText: String {
        pieces.map { piece in
            switch piece {
            case .text(let text): text
            case .characters(let code): code.map(String.init).joined(separator: " ")
            case .ipa(let ipa): "/\(ipa)/"
            }
        }.joined(separator: " ")
    }

    /// What the synthesizer is asked to say: the pieces, the voice, and the prosody as factors of the voice's own.
    public var request: SpeechRequest {
        SpeechRequest(pieces: pieces, voice: voice, rate: prosody.rate, pitch: prosody.pitch, range: prosody.range)
    }
}

/// An external clip to play, by reference: the plan names it as written, and an ``AudioResolver`` of the engine
/// finds (downloads, checks) the file before rendering.
public struct AudioClip: Sendable, Equatable, Codable {
    /// The source as written (`chime.wav`, `file:clips/x.wav`, `https://cdn/x.mp3`); relative paths are relative
    /// to the plan's base folder.
    public var source: String
    /// The local file to decode; nil until the plan is resolved.
    public var file: String?
    public var gainDB: Double
    /// Seconds skipped at the start (`clipBegin`) and the end point (`clipEnd`), if any.
    public var clipBegin: Double
    public var clipEnd: Double?
    /// The element (or NCCO action) that plays it.
    public var location: SourceLocation
    /// The place of the reference itself (the `src` attribute, the `streamUrl` entry), for messages about it.
    public var sourceLocation: SourceLocation
    /// How messages name the reference: `audio "chime.wav"`, `$[1].streamUrl[0] "https://…"`.
    public var label: String
    /// What plays instead when the clip cannot be used; nil makes an unusable clip an error.
    public var fallback: AudioFallback?

    public init(
        source: String, gainDB: Double, clipBegin: Double = 0, clipEnd: Double? = nil, location: SourceLocation,
        sourceLocation: SourceLocation? = nil, label: String? = nil, fallback: AudioFallback? = nil
    ) {
        self.source = source
        self.gainDB = gainDB
        self.clipBegin = clipBegin
        self.clipEnd = clipEnd
        self.location = location
        self.sourceLocation = sourceLocation ?? location
        self.label = label ?? "audio \"\(source)\""
        self.fallback = fallback
    }

    /// Whether the source is downloaded (`http:` or `https:`, any case) rather than read from disk.
    public var isRemote: Bool { Self.isRemote(source) }

    public static func isRemote(_ source: String) -> Bool {
        let lowered = source.trimmingCharacters(in: .whitespaces).lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }

    /// How reports name the clip: the remote URL as written, or the local file (the source until resolved).
    public var displayName: String { isRemote ? source.trimmingCharacters(in: .whitespaces) : (file ?? source) }
}

/// The content of an `<audio>` element, planned in advance: spoken only when the clip cannot be played.
///
/// Its diagnostics and error are kept, not reported, so that a clip that plays says nothing about a fallback
/// nobody hears.
public struct AudioFallback: Sendable, Equatable, Codable {
    public var segments: [Segment]
    public var diagnostics: [Diagnostic]
    /// Set when planning the fallback failed: raised only if the fallback is needed.
    public var error: SSMLError?

    public init(segments: [Segment], diagnostics: [Diagnostic] = [], error: SSMLError? = nil) {
        self.segments = segments
        self.diagnostics = diagnostics
        self.error = error
    }
}

/// Why a pause is there; structural pauses merge with each other, explicit breaks add up.
public enum PauseReason: String, Sendable, Equatable, Codable {
    case `break`, sentence, paragraph, wait
}

/// Call control that has no sound of its own; reported on the timeline and stderr, never dropped.
public struct CallControl: Sendable, Equatable, Codable {
    /// seven.io's `dtmf` and `bridge` elements, and the Vonage NCCO actions that act on the call.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case dtmf, bridge, input, record, connect, conversation, notify, pay, wait, transfer
    }
    public var kind: Kind
    /// The element's attributes (or the action's options) as written (`digits`, `number`, ...).
    public var attributes: [String: String]
    public var location: SourceLocation

    public init(kind: Kind, attributes: [String: String], location: SourceLocation) {
        self.kind = kind
        self.attributes = attributes
        self.location = location
    }
}

/// One step of a render plan, in order.
public enum Segment: Sendable, Equatable {
    case speech(SpeechSegment)
    /// A tone in place of the words (`say-as interpret-as="expletive"`), exactly as long as they would take
    /// to say in this voice and prosody.
    case bleep(SpeechSegment)
    case pause(seconds: Double, reason: PauseReason, location: SourceLocation?)
    case audio(AudioClip)
    case mark(name: String, location: SourceLocation)
    case callControl(CallControl)
    /// The start of pass `pass` (1-based) of `passes` of a repeated block (seven.io `<voice loop>`); no sound.
    case loop(pass: Int, passes: Int, location: SourceLocation)
}

extension Segment {
    /// The markup that made the segment.
    public var location: SourceLocation? {
        switch self {
        case .speech(let speech), .bleep(let speech): speech.location
        case .pause(_, _, let location): location
        case .audio(let clip): clip.location
        case .mark(_, let location), .loop(_, _, let location): location
        case .callControl(let control): control.location
        }
    }
}
