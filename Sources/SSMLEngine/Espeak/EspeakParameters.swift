import Foundation
import SSMLCore

/// How a backend-neutral ``SpeechRequest`` becomes espeak-ng's voice name and parameters.
///
/// The catalog gives each voice espeak-ng settings (language, variant, pitch, range, words per minute, and a
/// vocal-tract factor for the child voice); the request's prosody factors are applied to them here.
struct EspeakParameters: Equatable, Sendable {
    /// `SetVoiceByName` argument: language plus variant (`de+f4`).
    var voiceName: String
    /// Words per minute, within espeak-ng's 80...450.
    var wordsPerMinute: Int
    /// espeak-ng PITCH, 0...100.
    var pitch: Int
    /// espeak-ng RANGE, 0...100.
    var range: Int
    /// Extra pause between words in units of 10 ms: how speech slower than espeak-ng's floor is made.
    var wordGap: Int
    /// The rate of the audio as it is played back: espeak-ng's 22050 Hz times the voice's tract factor (the child
    /// voice is synthesised low and slow, then played back faster, which raises pitch and formants).
    var sampleRate: Double

    /// espeak-ng's slowest and fastest rates, in words per minute (slower is clamped by espeak-ng itself).
    static let rateRange = 80.0...450.0

    /// The vocal-tract lengths an effect may ask for, as factors of the voice's own (espeak-ng's pitch parameter can
    /// make up for about this much of the playback's pitch shift).
    static let tractLengths = 0.5...2.0

    init(_ request: SpeechRequest, engineRate: Double) {
        let settings = request.voice.settings
        voiceName = Self.voiceName(request.voice, whisper: request.effects.whisper)
        // A longer vocal tract has lower formants: the audio is synthesised that much higher and faster and played back
        // slower, and the pitch is raised beforehand by the same factor so that it comes out the voice's own.
        let length = min(max(request.effects.tractLength, Self.tractLengths.lowerBound), Self.tractLengths.upperBound)
        let tract = settings.tract / length
        // The tract trick plays audio back `tract` times faster, so synthesise that much slower.
        let wordsPerMinute = Double(settings.rate) * request.rate / tract
        let rate = min(max(wordsPerMinute, Self.rateRange.lowerBound), Self.rateRange.upperBound)
        // Below the engine's slowest rate, stretch the gaps between words instead.
        let gapSeconds = wordsPerMinute < Self.rateRange.lowerBound ? 60 / wordsPerMinute - 60 / Self.rateRange.lowerBound : 0
        let pitch = PitchScale.parameter(PitchScale.factor(Double(settings.pitch)) * request.pitch * length)
        let range = min(max(Double(settings.range) * request.range, 0), 100)
        self.wordsPerMinute = Int(rate.rounded())
        self.pitch = Int(pitch.rounded())
        self.range = Int(range.rounded())
        wordGap = Int((gapSeconds * 100 / tract).rounded())
        sampleRate = engineRate * tract
    }

    /// The voice name espeak-ng's `SetVoiceByName` takes for a catalog voice: `de+f4`; a whisper is espeak-ng's whisper
    /// variant (`whisper` for male voices, `whisperf` for the others).
    static func voiceName(_ voice: VoiceSpec, whisper: Bool = false) -> String {
        let variant = whisper ? (voice.gender == .male ? "whisper" : "whisperf") : voice.settings.variant
        return variant.isEmpty ? voice.espeak : "\(voice.espeak)+\(variant)"
    }
}

/// Maps espeak-ng's 0...100 pitch parameter to F0 and back.
///
/// Measured on espeak-ng 1.51: 0/25/50/75/100 give about 74/88/107/136/174 Hz for a voice at 107 Hz;
/// the table holds those F0s as factors of the value at 50.
enum PitchScale {
    static let points: [(parameter: Double, factor: Double)] = [
        (0, 74.0 / 107), (25, 88.0 / 107), (50, 1), (75, 136.0 / 107), (100, 174.0 / 107),
    ]

    /// F0 factor (relative to parameter 50) for a parameter.
    static func factor(_ parameter: Double) -> Double {
        let p = min(max(parameter, 0), 100)
        for (a, b) in zip(points, points.dropFirst()) where p <= b.parameter {
            let t = (p - a.parameter) / (b.parameter - a.parameter)
            return a.factor * pow(b.factor / a.factor, t)
        }
        return points.last!.factor
    }

    /// The parameter that gives `factor`, clamped to 0...100.
    static func parameter(_ factor: Double) -> Double {
        if factor <= points.first!.factor { return 0 }
        for (a, b) in zip(points, points.dropFirst()) where factor <= b.factor {
            let t = log(factor / a.factor) / log(b.factor / a.factor)
            return a.parameter + t * (b.parameter - a.parameter)
        }
        return 100
    }
}

/// Holds back a trailing run of quiet samples so that at most `keep` of them end a stream.
///
/// espeak-ng ends a segment with 30 to 130 ms of low noise (about -45 dBFS) depending on what it said before
/// (static state in the engine), so the tail is normalised: a segment sounds the same wherever it stands, and a
/// `<break>` adds exactly its time. Trimmed at the engine's rate, so timing is the same at every output rate.
final class TailTrimmer {
    /// Silence kept after the last sound of a speech segment, in seconds.
    static let kept = 0.02
    /// Quiet, measured on the engine's raw output (before headroom and prosody gain): espeak-ng's
    /// after-noise reaches 0.012 there, while its speech peaks at 0.7-0.9, some 35 dB above this.
    static let threshold: Float = 0.015
    /// A quiet run longer than this (seconds of samples at any rate up to 48 kHz) is inside the speech, not its tail.
    static let longestHeld = 48000 * 2

    let keep: Int
    private var held: [Float] = []

    init(sampleRate: Double) { keep = Int(Self.kept * sampleRate) }

    /// The samples that can be released now.
    func push(_ samples: [Float]) -> [Float] {
        guard let lastLoud = samples.lastIndex(where: { abs($0) > Self.threshold }) else {
            held += samples
            if held.count > Self.longestHeld {
                defer { held.removeAll(keepingCapacity: true) }
                return held
            }
            return []
        }
        defer { held = Array(samples[(lastLoud + 1)...]) }
        return held + samples[...lastLoud]
    }

    /// The end of the stream: at most `keep` quiet samples.
    func finish() -> [Float] {
        defer { held = [] }
        return Array(held.prefix(keep))
    }
}
