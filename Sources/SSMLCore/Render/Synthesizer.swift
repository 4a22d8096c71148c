import Foundation

/// One call to a speech synthesizer: what to say, in which voice, and the prosody as factors of the voice's own.
///
/// Nothing here is engine-specific: how a rate factor becomes words per minute, how IPA becomes the engine's
/// phoneme input, and which engine voice a catalog voice stands for is the synthesizer's business.
public struct SpeechRequest: Sendable, Equatable, Codable {
    public var pieces: [SpeechPiece]
    public var voice: VoiceSpec
    /// Speaking rate as a factor of the voice's normal rate.
    public var rate: Double
    /// F0 as a factor of the voice's own.
    public var pitch: Double
    /// Pitch range as a factor of the voice's own (0 is monotone).
    public var range: Double
    /// Changes of the voice (a whisper, another vocal-tract length), made the synthesizer's way.
    public var effects: VoiceEffects

    public init(pieces: [SpeechPiece], voice: VoiceSpec, rate: Double = 1, pitch: Double = 1, range: Double = 1, effects: VoiceEffects = VoiceEffects()) {
        self.pieces = pieces
        self.voice = voice
        self.rate = rate
        self.pitch = pitch
        self.range = range
        self.effects = effects
    }
}

/// A timing event reported by the synthesizer, in samples from the start of its call.
public struct SpeechEvent: Sendable, Equatable {
    public enum Kind: String, Sendable { case word, sentence, end }
    public var kind: Kind
    public var sample: Int
    /// 1-based position in the text sent to the engine, and its length, in characters.
    public var textPosition: Int
    public var length: Int
    /// The word as written, when the engine can tell.
    public var text: String?

    public init(kind: Kind, sample: Int, textPosition: Int, length: Int, text: String? = nil) {
        self.kind = kind
        self.sample = sample
        self.textPosition = textPosition
        self.length = length
        self.text = text
    }
}

/// Why a pronunciation cannot be said in a voice.
public enum PronunciationProblem: Sendable, Equatable {
    /// A phone the voice's language does not have. When the engine knows the language's phones exactly
    /// (`certain`), that is an error; otherwise it is a warning and the element's text is read instead.
    /// `reason` completes the message: `is not a phone of en-us`.
    case unknownPhone(String, reason: String, certain: Bool)
    /// Only marks or spaces: nothing to say.
    case nothingToSay
}

/// What the engine will be given for a request, for `ssml text`: its own voice name, its parameters, its text.
public struct EngineRendition: Sendable, Equatable, Codable {
    /// The engine's voice (`en-gb+f4`).
    public var voice: String
    /// Engine parameters by name (`wordsPerMinute`, `pitch`, `range`, `wordGap`).
    public var parameters: [String: Int]
    /// The exact text or markup the engine reads.
    public var text: String

    public init(voice: String, parameters: [String: Int], text: String) {
        self.voice = voice
        self.parameters = parameters
        self.text = text
    }
}

/// Turns text into mono float audio, delivered in chunks as it is made.
///
/// An implementation owns its engine's quirks: its audio must end with no more than a few tens of milliseconds
/// of silence (so that `<break>` times are exact), and its languages are the locales voices may be made for.
public protocol SpeechSynthesizer: Sendable {
    /// Languages the engine speaks, lowercase (`en-us`, `de`): a voice can be made for any of them.
    var languages: Set<String> { get }
    /// Engine and version, for reports (`espeak-ng 1.51`).
    var version: String { get }
    /// The rate of the audio `synthesize(request)` delivers for this request.
    func sampleRate(for request: SpeechRequest) -> Double
    /// Synthesises `request`, calling `onAudio` with each chunk in order; returns the timing events.
    func synthesize(_ request: SpeechRequest, onAudio: ([Float]) throws -> Void) throws -> [SpeechEvent]
    /// Checks that an IPA pronunciation can be said in `voice`; nil when it can.
    func checkPronunciation(_ ipa: String, voice: VoiceSpec) -> PronunciationProblem?
    /// What the engine would be given for `request`, without synthesising.
    func rendition(of request: SpeechRequest) -> EngineRendition
}
