import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// say-as expansions as heard: the bleep tone, and expanded words reaching espeak-ng.
@Suite(.ownThread) struct NormalizeRenderTests {
    @Test func expletiveIsA1kHzToneAsLongAsTheWord() throws {
        let word = "unbelievable"
        let (plain, _) = try Measure.render("<speak>\(word)</speak>")
        let (bleep, report) = try Measure.render("<speak><say-as interpret-as=\"expletive\">\(word)</say-as></speak>")
        #expect(abs(bleep.duration / plain.duration - 1) < 0.2, "bleep \(bleep.duration) s, word \(plain.duration) s")
        // A sine: zero crossings give its frequency; its peak is the level asked for.
        let crossings = zip(bleep.samples, bleep.samples.dropFirst()).filter { ($0 < 0) != ($1 < 0) }.count
        let frequency = Double(crossings) / 2 / bleep.duration
        #expect(abs(frequency - Renderer.bleepFrequency) < 20, "frequency \(frequency)")
        let peakDB = 20 * log10(Double(bleep.peak))
        #expect(abs(peakDB - Renderer.bleepLevelDB) < 0.5, "peak \(peakDB) dBFS")
        #expect(abs(bleep.rmsDB - (Renderer.bleepLevelDB - 3.01)) < 0.5, "rms \(bleep.rmsDB) dBFS")
        #expect(report.entries.contains { $0.kind == .bleep && $0.end > $0.start })
        // The 5 ms ramps: the first sample is silent, not a click.
        #expect(abs(bleep.samples.first ?? 1) < 0.01)
    }

    @Test func expandedNumbersAreWhatTheEngineReads() throws {
        let log = DiagnosticLog()
        let plan = try Measure.engine.plan("<speak><say-as interpret-as=\"cardinal\">1234</say-as></speak>", file: "t.ssml", baseDirectory: Repository.root, defaultVoice: "de-de-female", log: log)
        guard case .speech(let speech) = plan.first else { Issue.record("no speech in \(plan)"); return }
        #expect(speech.pieces == [.text("tausend zweihundert vierunddreißig")])
        let (audio, _) = try Measure.render("<speak><say-as interpret-as=\"cardinal\">1234</say-as></speak>", voice: "de-de-female")
        #expect(audio.soundingSpan() > 1.0, "span \(audio.soundingSpan()) s")
    }
}
