import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// The services' readings measured on real audio: Azure's percentages and breaks, its exact silences, Polly's whisper.
@Suite(.ownThread) struct DialectReadingMeasurementTests {
    static func render(_ text: String, dialect: String?) throws -> AudioAnalysis {
        let loaded = try dialect.map { try Repository.dialect($0) }
        let plan = try Measure.engine.plan(text, file: "t.ssml", baseDirectory: URL(fileURLWithPath: "/tmp"), dialect: loaded, log: DiagnosticLog())
        let sink = MemorySink()
        _ = try Measure.engine.render(plan, sampleRate: 16000, into: sink)
        return AudioAnalysis(samples: sink.samples, sampleRate: 16000)
    }

    static let azure = #"<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xmlns:mstts="http://www.w3.org/2001/mstts" xml:lang="en-US"><voice name="en-US-AvaNeural">"#

    @Test func azureReadsRateFiftyPercentAsOneAndAHalfTimes() throws {
        let normal = try Self.render(Self.azure + Measure.sentence + "</voice></speak>", dialect: "azure").soundingSpan()
        let azure = try Self.render(Self.azure + "<prosody rate=\"50%\">\(Measure.sentence)</prosody></voice></speak>", dialect: "azure").soundingSpan()
        let w3c = try Self.render("<speak><prosody rate=\"50%\">\(Measure.sentence)</prosody></speak>", dialect: nil).soundingSpan()
        #expect(abs(normal / azure - 1.5) < 0.2, "Azure 50%: \(normal / azure)x faster")
        #expect(abs(w3c / normal - 2) < 0.3, "W3C 50%: \(w3c / normal)x longer")
    }

    @Test func azureBareBreakIsSevenHundredFiftyMilliseconds() throws {
        let gap = try Self.render(Self.azure + "Hello there <break/> general Kenobi.</voice></speak>", dialect: "azure").longestInnerSilence()
        #expect(abs(gap - 0.75) < 0.06, "gap \(gap)")
    }

    @Test func azureExactSentenceSilenceIsExact() throws {
        let text = Self.azure + "<mstts:silence type=\"Sentenceboundary-exact\" value=\"1200ms\"/>Hello there. General Kenobi.</voice></speak>"
        let gap = try Self.render(text, dialect: "azure").longestInnerSilence()
        #expect(abs(gap - 1.2) < 0.06, "gap \(gap)")
    }

    @Test func pollyWhisperHasNoVoicedPitch() throws {
        let spoken = try Self.render("<speak>\(Measure.sentence)</speak>", dialect: "polly")
        let whispered = try Self.render("<speak><amazon:effect name=\"whispered\">\(Measure.sentence)</amazon:effect></speak>", dialect: "polly")
        #expect(spoken.medianF0() != nil)
        #expect(whispered.soundingSpan() > 1, "the whisper is audible")
        // A whisper has no vocal-fold vibration: no steady F0 to find, or a different one from the voiced speech.
        if let f0 = whispered.medianF0(), let voiced = spoken.medianF0() { #expect(abs(f0 - voiced) > 20, "whisper F0 \(f0) vs \(voiced)") }
    }
}
