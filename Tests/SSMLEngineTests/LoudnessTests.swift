import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// Loudness normalisation measured on the written files with libebur128.
@Suite(.ownThread) struct LoudnessTests {
    /// Two seconds of speech-like audio: 150 Hz pulses in syllable-length bursts with pauses, peaky like a voice.
    /// `sharpness` narrows the pulses: higher is peakier (a larger peak-to-loudness ratio).
    static func speechLike(rate: Int, level: Float, sharpness: Double = 8) -> [Float] {
        (0..<(2 * rate)).map { n in
            let t = Double(n) / Double(rate)
            let syllable = sin(Double.pi * t * 4).magnitude
            let voiced = pow(sin(Double.pi * 150 * t).magnitude, sharpness) - 0.2 * 8 / sharpness
            let gate: Double = Int(t * 2) % 4 == 3 ? 0 : 1
            return level * Float(syllable * voiced * gate)
        }
    }

    func normalize(_ samples: [Float], rate: Int = 16000, target: LoudnessTarget) throws -> (LoudnessResult, AudioFileProperties) {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("out.wav")
        let result = try LoudnessNormalizer.normalize(
            sampleRate: rate, target: target,
            produce: { sink in
                for start in stride(from: 0, to: samples.count, by: 4096) { try sink.write(Array(samples[start..<min(start + 4096, samples.count)])) }
            },
            place: { body in try AudioFile.write(to: url, sampleRate: rate, format: .wav) { try body($0) } })
        let properties = try AudioFileInspector.inspect(url)
        #expect(properties.frames == samples.count, "normalisation keeps every sample")
        return (result, properties)
    }

    /// The first three need gain only; the peaky ones need the limiter to reach the target under -1 dBTP.
    @Test(arguments: [
        (-19.0, 0.1 as Float, 8.0, -1.0, false), (-23.0, 0.5 as Float, 8.0, -1.0, false), (-19.0, 0.9 as Float, 8.0, -1.0, false),
        (-19.0, 0.5 as Float, 400.0, -1.0, true), (-23.0, 0.2 as Float, 400.0, -6.0, true), (-14.0, 0.3 as Float, 32.0, -1.0, true),
    ])
    func landsOnTheTargetUnderTheCeiling(target: Double, level: Float, sharpness: Double, ceiling: Double, limits: Bool) throws {
        let (result, file) = try normalize(
            Self.speechLike(rate: 16000, level: level, sharpness: sharpness), target: LoudnessTarget(integrated: target, truePeakCeiling: ceiling))
        let measured = try #require(file.integratedLUFS)
        #expect(abs(measured - target) <= 0.5, "measured \(measured) LUFS for \(target)")
        #expect(file.truePeakDBTP <= ceiling + 0.01, "true peak \(file.truePeakDBTP) dBTP")
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        #expect((result.limiterReductionDB > 0) == limits, "limiter \(result.limiterReductionDB) dB")
    }

    /// MP3 at 32 kbit/s low-passes the audio and loses loudness; the file as written is measured and corrected.
    @Test func lossyFilesAreCorrectedToTheTarget() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("out.mp3")
        let samples = Self.speechLike(rate: 16000, level: 0.2, sharpness: 32)
        var writes = 0
        let result = try LoudnessNormalizer.normalize(
            sampleRate: 16000, target: LoudnessTarget(integrated: -19),
            produce: { sink in try sink.write(samples) },
            place: { body in
                writes += 1
                try AudioFile.write(to: url, sampleRate: 16000, format: .mp3, bitrate: 32) { try body($0) }
            },
            measureOutput: { try AudioFileInspector.inspect(url).integratedLUFS })
        let measured = try #require(try AudioFileInspector.inspect(url).integratedLUFS)
        #expect(writes == 2, "the first MP3 misses the target, so it is written again")
        #expect(abs(measured - -19) <= 0.2, "measured \(measured) LUFS")
        #expect(result.outputLUFS.map { abs($0 - measured) < 0.01 } == true, "the result reports the file's loudness")
    }

    /// A target the peaks cannot reach: the limiter stops at its cap (it went to 30 dB before, crushing the
    /// voice for no gain in loudness) and the miss is a warning.
    @Test func unreachableTargetsStopAtTheLimitingCap() throws {
        let (result, file) = try normalize(
            Self.speechLike(rate: 16000, level: 0.3, sharpness: 400), target: LoudnessTarget(integrated: -6, truePeakCeiling: -3))
        #expect(result.limiterReductionDB <= LoudnessTarget.maximumLimiting + 1.5, "limiter \(result.limiterReductionDB) dB")
        #expect(result.gainDB < LoudnessTarget.maximumGain)
        #expect(file.truePeakDBTP <= -3 + 0.01)
        #expect(result.warnings.contains { $0.contains("misses the target") }, "\(result.warnings)")
    }

    @Test func lowerCeilingHolds() throws {
        let (_, file) = try normalize(Self.speechLike(rate: 8000, level: 0.3), rate: 8000, target: LoudnessTarget(integrated: -19, truePeakCeiling: -6))
        #expect(file.truePeakDBTP <= -6 + 0.01, "true peak \(file.truePeakDBTP)")
        #expect(abs(file.integratedLUFS! - -19) <= 0.5, "loudness \(file.integratedLUFS!)")
    }

    @Test func silenceIsLeftAloneWithAWarning() throws {
        let (result, file) = try normalize([Float](repeating: 0, count: 16000), target: LoudnessTarget(integrated: -19))
        #expect(result.gainDB == 0 && file.integratedLUFS == nil)
        #expect(result.warnings.first?.contains("silent") == true)
    }

    @Test func veryQuietInputGetsCappedGain() throws {
        let (result, file) = try normalize(Self.speechLike(rate: 16000, level: 0.002), target: LoudnessTarget(integrated: -19))
        #expect(result.gainDB == LoudnessTarget.maximumGain)
        #expect(result.warnings.first?.contains("very quiet") == true)
        #expect(try #require(file.integratedLUFS) < -19 - 1)
    }
}
