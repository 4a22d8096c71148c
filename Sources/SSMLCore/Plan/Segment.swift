import Foundation

/// A piece of text to speak: plain words, a code read character by character, or a pronunciation.
public enum SpeechPiece: Sendable, Equatable, Hashable {
    case text(String)
    /// Read letter by letter, digit by digit; case is not spoken.
    case characters(String)
    /// espeak-ng phoneme mnemonics of the voice's language (`t@m'eItoU`), words separated by spaces; made from
    /// `<phoneme>` by ``PhonemeTranscriber``.
    case phonemes(String)
}

/// A stretch of speech in one voice and one prosody.
public struct SpeechSegment: Sendable, Equatable {
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

    /// The text as it would be read, for reports (`characters` pieces are spaced out, phonemes shown as `[[…]]`).
    public var displayText: String { EngineText.readable(pieces) }
}

/// An external clip to play.
public struct AudioClip: Sendable, Equatable {
    public var url: URL
    public var gainDB: Double
    /// Seconds skipped at the start (`clipBegin`) and the end point (`clipEnd`), if any.
    public var clipBegin: Double
    public var clipEnd: Double?
    public var location: SourceLocation
    /// The remote URL as written, for a clip downloaded to ``url``: reports name it, not the local copy.
    public var source: String? = nil
}

/// Why a pause is there; structural pauses merge with each other, explicit breaks add up.
public enum PauseReason: String, Sendable, Equatable {
    case `break`, sentence, paragraph, wait
}

/// Call control that has no sound of its own; reported on the timeline and stderr, never dropped.
public struct CallControl: Sendable, Equatable {
    /// seven.io's `dtmf` and `bridge` elements, and the Vonage NCCO actions that act on the call.
    public enum Kind: String, Sendable, CaseIterable { case dtmf, bridge, input, record, connect, conversation, notify, pay }
    public var kind: Kind
    /// The element's attributes as written (`digits`, `number`, ...).
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
