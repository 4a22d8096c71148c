import Foundation
import SSMLCore
import SSMLTestSupport
import Testing
@testable import SSMLEngine

/// The batch's true-peak meter gives libebur128's number exactly.
@Suite(.ownThread) struct TruePeakMeterTests {
    /// libebur128's true peak of `samples`, fed in `chunk`-sized pieces.
    func reference(_ samples: [Float], rate: Int, chunk: Int) throws -> Double {
        let meter = try LoudnessMeter(sampleRate: rate, range: false)
        var start = 0
        while start < samples.count {
            try meter.add(Array(samples[start..<min(start + chunk, samples.count)]))
            start += chunk
        }
        return meter.truePeak
    }

    func ours(_ samples: [Float], rate: Int, chunk: Int) -> Double {
        var meter = TruePeakMeter(sampleRate: rate)
        var start = 0
        while start < samples.count {
            meter.add(Array(samples[start..<min(start + chunk, samples.count)]))
            start += chunk
        }
        return meter.peak
    }

    @Test(arguments: [8000, 16000, 44100, 96000])
    func syntheticSignalsWithInterSamplePeaks(rate: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let count = rate
        // A tone at a quarter of the rate, phased so that its crests fall between samples: the true peak is about
        // 3 dB above the sample peak.
        let quarter = (0..<count).map { Float(0.7 * sin(2 * Double.pi * 0.25 * Double($0) + Double.pi / 4)) }
        // Noise, quiet with one loud burst, and a few clipped square steps.
        let noise = (0..<count).map { _ in Float.random(in: -0.5...0.5, using: &generator) }
        let burst: [Float] = (0..<count).map { index in
            let loud = index > count / 2 && index < count / 2 + 40
            return Float(loud ? 0.9 * sin(Double(index)) : 0.01 * sin(Double(index) * 0.3))
        }
        let steps: [Float] = (0..<count).map { ($0 / 7) % 2 == 0 ? 0.95 : -0.95 }
        for signal in [quarter, noise, burst, steps] {
            for chunk in [1000, 4096, 65536] {
                #expect(try ours(signal, rate: rate, chunk: chunk) == reference(signal, rate: rate, chunk: chunk))
            }
        }
        // The tone's crests (0.7) fall between its samples (0.495): 3 dB above the sample peak.
        if rate < 96000 { #expect(ours(quarter, rate: rate, chunk: 4096) > 0.69) }
    }

    @Test func realSpeechAtTelephonyRates() throws {
        let engine = try Engine.standard(data: Repository.data)
        for rate in [8000, 16000] {
            let job = RenderJob(input: JobInput(ssml: "<speak>Your code is <say-as interpret-as=\"characters\">A7X9</say-as>. <prosody volume=\"+6dB\">Goodbye!</prosody></speak>"), output: OutputSettings(rate: rate))
            let pool = try RenderWorkerPool(size: 1, executable: Repository.buildProduct("ssml-worker"))
            let result = try engine.run(job, to: .memory, log: DiagnosticLog(), pool: pool)
            let samples = try SnapshotRunner.decode(try #require(result.audio))
            #expect(samples.count > rate)
            #expect(ours(samples, rate: rate, chunk: 65536) == (try reference(samples, rate: rate, chunk: 65536)))
        }
    }
}
