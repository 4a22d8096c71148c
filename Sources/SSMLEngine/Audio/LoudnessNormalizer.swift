import Foundation
import SSMLCore

/// A loudness to normalise to: integrated loudness (EBU R128) under a true-peak ceiling.
public struct LoudnessTarget: Sendable, Equatable, Codable {
    /// Integrated loudness in LUFS, e.g. -19 (mono speech for telephony) or -23 (EBU R128 broadcast).
    public var integrated: Double
    /// The highest true peak allowed, in dBTP (default -1).
    public var truePeakCeiling: Double

    /// Audio quieter than the target by more than this is raised by this much only (with a warning):
    /// beyond it the gain would mostly raise noise, and a near-silent render means a mistake, not a quiet voice.
    public static let maximumGain = 30.0
    /// The deepest limiting the normaliser applies to reach a loudness. Beyond it each extra dB of gain buys a
    /// fraction of a LU and flattens the voice; the target is then missed with a warning.
    public static let maximumLimiting = 15.0
    public static let integratedRange = -60.0 ... -5.0
    public static let ceilingRange = -20.0...0.0

    public init(integrated: Double, truePeakCeiling: Double = -1) {
        self.integrated = integrated
        self.truePeakCeiling = truePeakCeiling
    }
}

/// What normalisation did, measured on the samples written.
public struct LoudnessResult: Sendable {
    /// The render's integrated loudness before the gain; nil when it was silent.
    public var inputLUFS: Double?
    public var gainDB: Double
    /// The output's integrated loudness; nil when silent.
    public var outputLUFS: Double?
    public var outputTruePeakDBTP: Double
    /// The deepest gain reduction of the peak limiter in dB (0 when it never acted).
    public var limiterReductionDB: Double
    /// Problems the user should hear about (silence, capped gain, target missed).
    public var warnings: [String]
}

/// Two-pass loudness normalisation in bounded memory: the render goes to a temporary file of raw floats
/// while it is measured, then the file is read back through a gain and (when the peaks need it) a
/// look-ahead limiter into the real output.
///
/// The gain is exact for a linear change, so without limiting one pass over the floats suffices. When the
/// gained peaks would pass the ceiling, a limiter holds them, and measuring passes (reading the floats, writing
/// nothing) adjust the gain and the limiter threshold until loudness is within 0.1 LU and the true peak under
/// the ceiling, at most ``maximumPasses`` times.
public enum LoudnessNormalizer {
    public static let maximumPasses = 8

    /// Runs `produce` into a measured temporary file, then `place` with a body that writes the normalised samples.
    /// - Parameters:
    ///   - produce: renders the audio into the sink it is given.
    ///   - place: opens the final output and calls its argument with the output's sink (e.g. ``RenderOutput/write``).
    ///   - measureOutput: for lossy formats (MP3, Ogg), measures the integrated loudness of the file as written.
    ///     An encoder's low-pass takes energy the K-weighting counts (about 0.5 LU at 32 kbit/s), so when the
    ///     file misses the target by more than 0.2 LU, it is written once more with the gain corrected.
    public static func normalize(
        sampleRate: Int, target: LoudnessTarget, produce: (any AudioSink) throws -> Void,
        place: ((any AudioSink) throws -> Void) throws -> Void, measureOutput: (() throws -> Double?)? = nil
    ) throws -> LoudnessResult {
        let meter = try LoudnessMeter(sampleRate: sampleRate, range: false)
        let raw = try SampleScratch(purpose: "the samples measured for loudness")
        try produce(MeteringSink(meter: meter, next: raw))

        var warnings: [String] = []
        let input = meter.integrated
        let inputPeak = LoudnessMeter.decibels(meter.truePeak)
        var gain = 0.0
        if let input {
            gain = target.integrated - input
            if gain > LoudnessTarget.maximumGain {
                warnings.append(
                    String(
                        format: "the render is very quiet (%.1f LUFS): raised by the maximum of %.0f dB, not the %.1f dB that %.1f LUFS needs",
                        input, LoudnessTarget.maximumGain, gain, target.integrated))
                gain = LoudnessTarget.maximumGain
            }
        } else {
            warnings.append("the render is silent (below \(Int(LoudnessMeter.silenceLUFS)) LUFS): loudness normalisation leaves its level as it is")
        }
        let capped = gain >= LoudnessTarget.maximumGain

        // Without limiting, loudness and true peak move exactly with the gain.
        var threshold: Float?
        if inputPeak + gain > target.truePeakCeiling {
            // Sample peaks a little under the ceiling; the passes below correct for inter-sample overshoot.
            var limit = pow(10, (target.truePeakCeiling - 0.3) / 20)
            // Under limiting, loudness rises by less than the gain: the secant of the last two passes says how much.
            var previous: (gain: Double, loudness: Double)?
            for _ in 0..<maximumPasses {
                let trial = try pass(raw, sampleRate: sampleRate, gain: gain, threshold: Float(limit), into: nil)
                var settled = true
                if trial.truePeak > target.truePeakCeiling {
                    limit *= pow(10, -(trial.truePeak - target.truePeakCeiling + 0.05) / 20)
                    settled = false
                }
                if let measured = trial.integrated, !capped, abs(measured - target.integrated) > 0.1 {
                    var slope = 1.0
                    if let previous, abs(gain - previous.gain) > 0.01 {
                        slope = min(1, max(0.1, (measured - previous.loudness) / (gain - previous.gain)))
                    }
                    previous = (gain, measured)
                    let next = min(
                        LoudnessTarget.maximumGain, target.truePeakCeiling - inputPeak + LoudnessTarget.maximumLimiting,
                        gain + (target.integrated - measured) / slope)
                    // At the limiting cap the gain stays: another pass would measure the same.
                    if abs(next - gain) > 0.001 {
                        gain = next
                        settled = false
                    }
                }
                if settled { break }
            }
            threshold = Float(limit)
        }
        var result: (integrated: Double?, truePeak: Double, reduction: Double)?
        try place { sink in
            result = try pass(raw, sampleRate: sampleRate, gain: gain, threshold: threshold, into: sink)
        }
        guard var result else { throw SSMLError(.io, "the output was not written") }
        if let measureOutput, input != nil, !capped, let written = result.integrated, let encoded = try measureOutput() {
            let loss = written - encoded
            if abs(target.integrated - encoded) > 0.2, abs(loss) < 3 {
                gain = min(LoudnessTarget.maximumGain, max(gain, target.truePeakCeiling - inputPeak + LoudnessTarget.maximumLimiting), gain + loss)
                if threshold == nil, inputPeak + gain > target.truePeakCeiling { threshold = Float(pow(10, (target.truePeakCeiling - 0.3) / 20)) }
                var again: (integrated: Double?, truePeak: Double, reduction: Double)?
                try place { sink in
                    again = try pass(raw, sampleRate: sampleRate, gain: gain, threshold: threshold, into: sink)
                }
                if let again { result = again }
            }
            // What the file holds is what the user measures.
            if let measured = try measureOutput() { result.integrated = measured }
        }
        if let output = result.integrated, input != nil, !capped, abs(output - target.integrated) > 0.5 {
            warnings.append(
                String(
                    format: "loudness %.1f LUFS misses the target %.1f LUFS: the peaks leave no room under %.1f dBTP",
                    output, target.integrated, target.truePeakCeiling))
        }
        return LoudnessResult(
            inputLUFS: input, gainDB: gain, outputLUFS: result.integrated, outputTruePeakDBTP: result.truePeak,
            limiterReductionDB: -result.reduction, warnings: warnings)
    }

    /// Reads the floats through gain and limiter, measuring what comes out and passing it to `sink` if given.
    private static func pass(
        _ raw: SampleScratch, sampleRate: Int, gain: Double, threshold: Float?, into sink: (any AudioSink)?
    ) throws
        -> (integrated: Double?, truePeak: Double, reduction: Double)
    {
        let meter = try LoudnessMeter(sampleRate: sampleRate, range: false)
        let limiter = threshold.map { LookaheadLimiter(ceiling: $0, sampleRate: Double(sampleRate)) }
        let factor = Float(pow(10, gain / 20))
        func emit(_ samples: [Float]) throws {
            guard !samples.isEmpty else { return }
            try meter.add(samples)
            try sink?.write(samples)
        }
        try raw.forEachChunk { chunk in
            var gained = chunk
            for index in gained.indices { gained[index] *= factor }
            try emit(limiter?.process(gained) ?? gained)
        }
        if let limiter { try emit(limiter.flush()) }
        return (meter.integrated, LoudnessMeter.decibels(meter.truePeak), LoudnessMeter.decibels(Double(limiter?.deepestGain ?? 1)))
    }
}

/// Passes samples on while measuring them.
final class MeteringSink: AudioSink {
    let meter: LoudnessMeter
    let next: any AudioSink

    init(meter: LoudnessMeter, next: any AudioSink) {
        self.meter = meter
        self.next = next
    }

    func write(_ samples: [Float]) throws {
        try meter.add(samples)
        try next.write(samples)
    }
}
