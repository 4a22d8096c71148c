import Foundation
import SSMLCore
import SSMLTestSupport
import Testing
@testable import SSMLEngine

/// One synthesis for several rates: the engine's audio recorded at one rate and replayed through the renderer at
/// others gives each rate's own render, and any other call sequence is caught.
@Suite(.ownThread) struct SynthesisRecordingTests {
    static let engine: Engine = {
        do { return try Engine(catalog: Repository.catalog(), synthesizer: FakeSynthesizer()) } catch { fatalError("\(error)") }
    }()

    func plan(_ text: String) throws -> [Segment] {
        try Self.engine.plan(text, file: "t.ssml", baseDirectory: Repository.root.appendingPathComponent("Samples"), log: DiagnosticLog())
    }

    func render(_ plan: [Segment], rate: Int, synthesizer: any SpeechSynthesizer) throws -> (samples: [Float], report: RenderReport) {
        let renderer = Renderer(synthesizer: synthesizer, decoder: SndFileDecoder(), resamplers: SoxrResamplerFactory(), options: RenderOptions(sampleRate: Double(rate)))
        let sink = MemorySink()
        let report = try renderer.render(plan, into: sink)
        return (sink.samples, report)
    }

    @Test func aReplayAtAnotherRateIsThatRatesOwnRender() throws {
        let plan = try plan(
            """
            <speak>Press <emphasis>one</emphasis> for sales. <break time="300ms"/>
            <prosody rate="slow" pitch="+20%">Two for support.</prosody> <audio src="chime.wav"/> <voice name="de-de-male">Auf Wiedersehen.</voice></speak>
            """)
        let recording = SynthesisRecording()
        let first = try render(plan, rate: 16000, synthesizer: RecordingSynthesizer(base: FakeSynthesizer(), recording: recording))
        #expect(first.samples == (try render(plan, rate: 16000, synthesizer: FakeSynthesizer()).samples))
        let calls = try #require(recording.calls)
        #expect(calls.count > 2 && calls.allSatisfy { !$0.chunks.isEmpty })
        for rate in [8000, 22050, 24000, 48000, 16000] {
            let replay = ReplayingSynthesizer(calls, base: FakeSynthesizer())
            let replayed = try render(plan, rate: rate, synthesizer: replay)
            let fresh = try render(plan, rate: rate, synthesizer: FakeSynthesizer())
            #expect(!replay.diverged)
            #expect(replayed.samples == fresh.samples && replayed.report == fresh.report, "\(rate) Hz")
            // Really that rate: the clip and the speech are resampled, the length scales with the rate.
            #expect(abs(Double(replayed.samples.count) / Double(rate) - Double(first.samples.count) / 16000) < 0.01)
        }
    }

    @Test func anotherCallSequenceIsADivergenceNotOtherAudio() throws {
        let recording = SynthesisRecording()
        _ = try render(try plan("<speak>One. Two.</speak>"), rate: 16000, synthesizer: RecordingSynthesizer(base: FakeSynthesizer(), recording: recording))
        let calls = try #require(recording.calls)
        // Another text: its first call is not the recorded one.
        let other = ReplayingSynthesizer(calls, base: FakeSynthesizer())
        #expect(throws: ReplayingSynthesizer.Divergence.self) { try render(try plan("<speak>Three.</speak>"), rate: 16000, synthesizer: other) }
        #expect(other.diverged)
        // More calls than were recorded: the one past the end diverges.
        let longer = ReplayingSynthesizer(calls, base: FakeSynthesizer())
        #expect(throws: ReplayingSynthesizer.Divergence.self) {
            try render(try plan("<speak>One. Two. <voice name=\"de-de-male\">Drei.</voice></speak>"), rate: 16000, synthesizer: longer)
        }
    }

    @Test func aFittedDurationMeasuresInOutputSamplesSoItsCallsMayDependOnTheRate() throws {
        // The fit measures its content at the output rate and picks the speaking rate from that: the rates asked for
        // differ in their last digits from one output rate to another, and a replay must notice.
        let plan = try plan("<speak><prosody duration=\"2.3s\">Thank you for calling the help desk of Acme.</prosody></speak>")
        let recording = SynthesisRecording()
        _ = try render(plan, rate: 48000, synthesizer: RecordingSynthesizer(base: FakeSynthesizer(), recording: recording))
        let calls = try #require(recording.calls)
        #expect(calls.count > 2)
        var diverged = 0
        for rate in [8000, 16000, 22050, 24000] {
            let replay = ReplayingSynthesizer(calls, base: FakeSynthesizer())
            let outcome = Result { try render(plan, rate: rate, synthesizer: replay) }
            if replay.diverged {
                diverged += 1
            } else {
                // Where the calls are the same, so are the samples.
                #expect(try outcome.get().samples == (try render(plan, rate: rate, synthesizer: FakeSynthesizer()).samples))
            }
        }
        #expect(diverged > 0)
    }

    @Test func aRecordingPastItsLimitIsDroppedNotKeptInPart() throws {
        let recording = SynthesisRecording(limit: 10000)
        let plan = try plan("<speak>This prompt is longer than ten thousand samples of audio.</speak>")
        let first = try render(plan, rate: 8000, synthesizer: RecordingSynthesizer(base: FakeSynthesizer(), recording: recording))
        #expect(recording.calls == nil)
        // The render it recorded is whole all the same.
        #expect(first.samples == (try render(plan, rate: 8000, synthesizer: FakeSynthesizer()).samples))
    }
}
