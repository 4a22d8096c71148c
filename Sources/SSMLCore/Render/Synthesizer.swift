import Foundation

/// One call to a speech synthesizer: what to say and the engine parameters to say it with.
public struct SpeechRequest: Sendable, Equatable {
    public var pieces: [SpeechPiece]
    /// Engine voice name (`de+f2`).
    public var voiceName: String
    /// Words per minute, within the engine's range.
    public var wordsPerMinute: Int
    /// Engine pitch, 0...100.
    public var pitch: Int
    /// Engine pitch range, 0...100.
    public var range: Int
    /// Extra pause between words, in units of 10 ms (used when asked to speak slower than the engine can).
    public var wordGap: Int

    public init(pieces: [SpeechPiece], voiceName: String, wordsPerMinute: Int, pitch: Int, range: Int, wordGap: Int = 0) {
        self.pieces = pieces
        self.voiceName = voiceName
        self.wordsPerMinute = wordsPerMinute
        self.pitch = pitch
        self.range = range
        self.wordGap = wordGap
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

/// Turns text into mono float audio at ``sampleRate``, delivered in chunks as it is made.
public protocol SpeechSynthesizer: Sendable {
    /// The rate of the audio passed to `onAudio`.
    var sampleRate: Double { get }
    /// Languages the engine speaks, lowercase (`en-us`, `de`).
    var languages: Set<String> { get }
    /// Engine and version, for reports (`espeak-ng 1.51`).
    var version: String { get }
    /// Synthesises `request`, calling `onAudio` with each chunk in order; returns the timing events.
    func synthesize(_ request: SpeechRequest, onAudio: ([Float]) throws -> Void) throws -> [SpeechEvent]
}

/// Maps the engine's 0...100 pitch parameter to F0 and back.
///
/// Measured on espeak-ng 1.51: 0/25/50/75/100 give about 74/88/107/136/174 Hz for a voice at 107 Hz;
/// the table holds those F0s as factors of the value at 50.
public enum PitchScale {
    static let points: [(parameter: Double, factor: Double)] = [
        (0, 74.0 / 107), (25, 88.0 / 107), (50, 1), (75, 136.0 / 107), (100, 174.0 / 107),
    ]

    /// F0 factor (relative to parameter 50) for a parameter.
    public static func factor(_ parameter: Double) -> Double {
        let p = min(max(parameter, 0), 100)
        for (a, b) in zip(points, points.dropFirst()) where p <= b.parameter {
            let t = (p - a.parameter) / (b.parameter - a.parameter)
            return a.factor * pow(b.factor / a.factor, t)
        }
        return points.last!.factor
    }

    /// The parameter that gives `factor`, clamped to 0...100.
    public static func parameter(_ factor: Double) -> Double {
        if factor <= points.first!.factor { return 0 }
        for (a, b) in zip(points, points.dropFirst()) where factor <= b.factor {
            let t = log(factor / a.factor) / log(b.factor / a.factor)
            return a.parameter + t * (b.parameter - a.parameter)
        }
        return 100
    }
}
