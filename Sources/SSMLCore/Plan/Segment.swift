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
    /// How the voice is changed (a whisper, a longer vocal tract) and what the renderer does to it (compression).
    public var effects: SpeechEffects
    public var location: SourceLocation

    public init(pieces: [SpeechPiece], voice: VoiceSpec, prosody: Prosody, effects: SpeechEffects = SpeechEffects(), location: SourceLocation) {
        self.pieces = pieces
        self.voice = voice
        self.prosody = prosody
        self.effects = effects
        self.location = location
    }

    private enum CodingKeys: String, CodingKey { case pieces, voice, prosody, effects, location }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        pieces = try container.decode([SpeechPiece].self, forKey: .pieces)
        voice = try container.decode(VoiceSpec.self, forKey: .voice)
        prosody = try container.decode(Prosody.self, forKey: .prosody)
        effects = try container.decodeIfPresent(SpeechEffects.self, forKey: .effects) ?? SpeechEffects()
        location = try container.decode(SourceLocation.self, forKey: .location)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(pieces, forKey: .pieces)
        try container.encode(voice, forKey: .voice)
        try container.encode(prosody, forKey: .prosody)
        if effects != SpeechEffects() { try container.encode(effects, forKey: .effects) }
        try container.encode(location, forKey: .location)
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
        SpeechRequest(pieces: pieces, voice: voice, rate: prosody.rate, pitch: prosody.pitch, range: prosody.range, effects: effects.voice)
    }
}

/// What is done to a stretch of speech besides its prosody.
public struct SpeechEffects: Sendable, Equatable, Hashable, Codable {
    /// Changes of the voice itself, made by the synthesizer.
    public var voice: VoiceEffects = VoiceEffects()
    /// Polly's `amazon:effect name="drc"`: the renderer compresses the level range of the speech.
    public var compression = false

    public init(voice: VoiceEffects = VoiceEffects(), compression: Bool = false) {
        self.voice = voice
        self.compression = compression
    }
}

/// Changes of a voice that a synthesizer makes in its own way (espeak-ng: a variant, a vocal-tract factor).
public struct VoiceEffects: Sendable, Equatable, Hashable, Codable {
    /// Whispered speech, without voicing (Polly's `whispered`).
    public var whisper = false
    /// Vocal-tract length as a factor of the voice's own (Polly's `vocal-tract-length`: `+10%` is 1.1, a longer
    /// tract with lower formants); the pitch stays the voice's.
    public var tractLength = 1.0

    public init(whisper: Bool = false, tractLength: Double = 1) {
        self.whisper = whisper
        self.tractLength = tractLength
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
    /// Playback speed as a factor (`speed="150%"` is 1.5): the clip is resampled, so it plays 1/speed as long,
    /// higher and faster, as a tape played faster does.
    public var speed: Double = 1

    public init(
        source: String, gainDB: Double, clipBegin: Double = 0, clipEnd: Double? = nil, speed: Double = 1, location: SourceLocation,
        sourceLocation: SourceLocation? = nil, label: String? = nil, fallback: AudioFallback? = nil
    ) {
        self.source = source
        self.gainDB = gainDB
        self.clipBegin = clipBegin
        self.clipEnd = clipEnd
        self.speed = speed
        self.location = location
        self.sourceLocation = sourceLocation ?? location
        self.label = label ?? "audio \"\(source)\""
        self.fallback = fallback
    }

    /// Whether the source is downloaded (`http:` or `https:`, any case) rather than read from disk.
    public var isRemote: Bool { Self.isRemote(source) }

    public static func isRemote(_ source: String) -> Bool {
        let lowered = source.trimmingWhitespace().lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }

    /// How reports name the clip: the remote URL as written, or the local file (the source until resolved).
    public var displayName: String { isRemote ? source.trimmingWhitespace() : (file ?? source) }
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
    /// A sound that is not speech: a breath (Polly's `amazon:breath`), made by the renderer.
    case noise(NoiseSegment)
    /// Sounds played at the same time: background audio under the document (Azure), Google's `par`/`seq`/`media`.
    case mix(Mix)
    /// Segments fitted to a length by the speaking rate (`prosody duration`, Azure `mstts:audioduration`,
    /// Polly `amazon:max-duration`).
    case fit(DurationFit)
}

/// A sound made by the renderer rather than the synthesizer.
public struct NoiseSegment: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case breath
        /// Stands in for a clip that cannot be played (offline previews): a quiet tone, or silence.
        case placeholderTone = "placeholder-tone"
        case placeholderSilence = "placeholder-silence"
    }
    public var kind: Kind
    public var seconds: Double
    /// Gain relative to the kind's own level (a breath at the voice's level is 0 dB).
    public var gainDB: Double
    /// Whether the sound is heard at all (`volume="silent"` around it).
    public var silent: Bool
    public var location: SourceLocation
    /// For a placeholder: the source of the clip it stands in for.
    public var source: String?

    public init(kind: Kind, seconds: Double, gainDB: Double, silent: Bool = false, location: SourceLocation, source: String? = nil) {
        self.kind = kind
        self.seconds = seconds
        self.gainDB = gainDB
        self.silent = silent
        self.location = location
        self.source = source
    }

    /// RMS level of a breath at 0 dB, dBFS: about 14 dB under the voice's speech (which renders near -20 dBFS RMS).
    public static let breathLevelDB = -34.0
    /// RMS level of a placeholder tone at 0 dB, dBFS: heard clearly, and quieter than speech.
    public static let toneLevelDB = -26.0

    /// The RMS level of the sound at 0 dB gain, dBFS (nil: silence).
    public var levelDB: Double? {
        switch kind {
        case .breath: Self.breathLevelDB
        case .placeholderTone: Self.toneLevelDB
        case .placeholderSilence: nil
        }
    }
}
