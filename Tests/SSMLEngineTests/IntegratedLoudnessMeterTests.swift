import Foundation
import SSMLCore
import SSMLTestSupport
import Testing
@testable import SSMLEngine

/// The batch's loudness meter gives libebur128's integrated loudness and sample peak exactly (`==` on the doubles).
@Suite(.ownThread) struct IntegratedLoudnessMeterTests {
    /// libebur128's integrated loudness and sample peak of `samples`, fed in `chunk`-sized pieces.
    func reference(_ samples: [Float], rate: Int, chunk: Int) throws -> (Double?, Double) {
        let meter = try LoudnessMeter(sampleRate: rate, range: false, truePeak: false)
        var start = 0
        while start < samples.count {
            try meter.add(Array(samples[start..<min(start + chunk, samples.count)]))
            start += chunk
        }
        return (meter.integrated, meter.samplePeak)
    }

    func ours(_ samples: [Float], rate: Int, chunk: Int) -> (Double?, Double) {
        var meter = IntegratedLoudnessMeter(sampleRate: rate)
        var start = 0
        while start < samples.count {
            meter.add(Array(samples[start..<min(start + chunk, samples.count)]))
            start += chunk
        }
        return (meter.integrated, meter.samplePeak)
    }

    /// Signals that reach every branch: gated and ungated blocks, blocks below the relative gate, silence long
    /// enough for the filter's state to become subnormal (flushed to zero), and a signal quantised like a file's.
    static func signals(rate: Int) -> [(String, [Float])] {
        // The call simulator's seeded generator, so that a failing signal can be made again.
        var random = CallIDs.SplitMix(state: UInt64(rate))
        let count = rate * 3 + rate / 7
        let tone = (0..<count).map { Float(0.3 * sin(2 * Double.pi * 997 * Double($0) / Double(rate))) }
        let noise = (0..<count).map { _ in Float(Double(random.next() >> 11) / Double(1 << 53) - 0.5) }
        // Loud speech-like bursts with near-silent gaps: some blocks fall under the relative gate.
        let bursts: [Float] = (0..<count).map { index in
            let loud = (index / (rate / 3)) % 3 == 0
            return Float((loud ? 0.5 : 0.002) * sin(Double(index) * 0.21) * (0.5 + 0.5 * sin(Double(index) * 0.0007)))
        }
        // A second of sound, then five of digital silence (the state decays below the normal range), then sound.
        let gap: [Float] =
            (0..<rate).map { Float(0.4 * sin(Double($0) * 0.05)) } + [Float](repeating: 0, count: rate * 5)
            + (0..<rate).map { Float(0.2 * sin(Double($0) * 0.11)) }
        // Sixteen-bit steps, as read from a PCM file.
        let quantised = noise.map { (($0 * 0.3 * 32768).rounded()) / 32768 }
        let silent = [Float](repeating: 0, count: count)
        let short = Array(tone.prefix(rate / 3))
        let quiet = tone.map { $0 * 0.0003 }
        return [
            ("tone", tone), ("noise", noise), ("bursts", bursts), ("gap", gap), ("quantised", quantised), ("silence", silent), ("under 400 ms", short),
            ("under the absolute gate", quiet),
        ]
    }

    @Test(arguments: [8000, 11025, 16000, 16004, 22050, 44100, 48000])
    func sameNumbersAsLibebur128(rate: Int) throws {
        for (name, signal) in Self.signals(rate: rate) {
            for chunk in [1, 997, 4096, 16384, signal.count + 1] where chunk > 1 || signal.count < rate {
                let (ourLoudness, ourPeak) = ours(signal, rate: rate, chunk: chunk)
                let (theirLoudness, theirPeak) = try reference(signal, rate: rate, chunk: chunk)
                #expect(ourLoudness == theirLoudness, "\(name) at \(rate) Hz in pieces of \(chunk)")
                #expect(ourPeak == theirPeak, "\(name) at \(rate) Hz in pieces of \(chunk)")
            }
        }
    }

    @Test func measuresWhatTheSignalsAre() throws {
        let signals = Dictionary(uniqueKeysWithValues: Self.signals(rate: 16000))
        let tone = try #require(signals["tone"])
        // A 997 Hz sine at 0.3 (-10.5 dBFS): about -13.5 LUFS in one channel (K-weighting adds a little at 1 kHz).
        let loudness = try #require(ours(tone, rate: 16000, chunk: 4096).0)
        #expect(abs(loudness - -13.5) < 0.5)
        #expect(ours(tone, rate: 16000, chunk: 4096).1 == Double(tone.map(abs).max() ?? 0))
        #expect(abs(ours(tone, rate: 16000, chunk: 4096).1 - 0.3) < 0.001)
        for name in ["silence", "under 400 ms", "under the absolute gate"] {
            let signal = try #require(signals[name])
            #expect(ours(signal, rate: 16000, chunk: 4096).0 == nil, "\(name)")
        }
    }

    @Test func realSpeechAtTelephonyRates() throws {
        let engine = try Engine.standard(data: Repository.data)
        let pool = try RenderWorkerPool(size: 1, executable: Repository.buildProduct("ssml-worker"))
        for rate in [8000, 16000] {
            let job = RenderJob(
                input: JobInput(ssml: "<speak>Your code is <say-as interpret-as=\"characters\">A7X9</say-as>. <break time=\"2s\"/><prosody volume=\"+6dB\">Goodbye!</prosody></speak>"),
                output: OutputSettings(rate: rate))
            let result = try engine.run(job, to: .memory, log: DiagnosticLog(), pool: pool)
            let samples = try SnapshotRunner.decode(try #require(result.audio))
            #expect(samples.count > rate * 3)
            for chunk in [4096, 16384] {
                let (ourLoudness, ourPeak) = ours(samples, rate: rate, chunk: chunk)
                let (theirLoudness, theirPeak) = try reference(samples, rate: rate, chunk: chunk)
                #expect(ourLoudness != nil)
                #expect(ourLoudness == theirLoudness)
                #expect(ourPeak == theirPeak)
            }
        }
    }
}
