import Foundation

/// A feed-forward compressor for speech (Polly's `amazon:effect name="drc"`): above the threshold the level rises a
/// quarter as fast, and a make-up gain brings the loud parts back to where they were, so quiet syllables come up and
/// the level range narrows (what a listener in a noisy place needs).
///
/// The detector follows the signal's power with a 3 ms attack and a 30 ms release: fast enough to let a consonant after a
/// loud vowel come up (a slower release holds the vowel's reduction over it and widens the range instead).
struct DynamicRangeCompressor {
    /// Level above which the gain is reduced, dBFS (speech renders with its peaks near -4 dBFS and its RMS near -20).
    static let thresholdDB = -34.0
    static let ratio = 4.0
    /// Gain added after compression: loud speech ends about where it was before.
    static let makeupDB = 10.0

    private let attack: Float
    private let release: Float
    private var envelope: Float = 0

    init(sampleRate: Double) {
        attack = Float(1 - exp(-1 / (0.003 * sampleRate)))
        release = Float(1 - exp(-1 / (0.03 * sampleRate)))
    }

    mutating func process(_ samples: [Float]) -> [Float] {
        var out = samples
        let threshold = Float(Self.thresholdDB), slope = Float(1 - 1 / Self.ratio), makeup = Float(Self.makeupDB)
        for i in out.indices {
            let power = out[i] * out[i]
            envelope += (power > envelope ? attack : release) * (power - envelope)
            let levelDB = 10 * log10f(max(envelope, 1e-12))
            let reduction = levelDB > threshold ? (levelDB - threshold) * slope : 0
            out[i] *= powf(10, (makeup - reduction) / 20)
        }
        return out
    }
}
