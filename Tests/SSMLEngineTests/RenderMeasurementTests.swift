import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// Renders with the real engines (espeak-ng, libsoxr, libsndfile) and measures the audio.
enum Measure {
    static let engine: Engine = {
        do { return try Engine(catalog: Repository.catalog(), styles: Repository.vonageStyles(), data: Repository.data) } catch { fatalError("engine: \(error)") }
    }()

    static func render(_ text: String, rate: Int = 16000, voice: String = "en-us-female", directory: URL = URL(fileURLWithPath: "/tmp")) throws -> (AudioAnalysis, RenderReport) {
        let log = DiagnosticLog()
        let plan = try engine.plan(text, file: "t.ssml", baseDirectory: directory, defaultVoice: voice, log: log)
        let sink = MemorySink()
        let report = try engine.render(plan, sampleRate: rate, into: sink)
        return (AudioAnalysis(samples: sink.samples, sampleRate: Double(rate)), report)
    }

    static let sentence = "The quick brown fox jumps over the lazy dog, and then it runs far away."
}

@Suite(.ownThread) struct BreakMeasurementTests {
    @Test(arguments: [0.25, 1.5, 3.0])
    func breakAddsThatMuchSilence(seconds: Double) throws {
        let (audio, _) = try Measure.render("<speak>Hello there.<break time=\"\(Int(seconds * 1000))ms\"/>General Kenobi.</speak>")
        let gap = audio.longestInnerSilence()
        #expect(abs(gap - seconds) < 0.06, "gap \(gap) for a break of \(seconds) s")
    }

    @Test func strengthsAreOrderedInTheAudio() throws {
        var gaps: [Double] = []
        for strength in ["x-weak", "weak", "medium", "strong", "x-strong"] {
            gaps.append(try Measure.render("<speak>Hello there<break strength=\"\(strength)\"/>general Kenobi</speak>").0.longestInnerSilence())
        }
        #expect(gaps == gaps.sorted() && Set(gaps).count == gaps.count, "gaps \(gaps)")
    }
}

@Suite(.ownThread) struct ProsodyMeasurementTests {
    func span(_ attribute: String) throws -> Double {
        try Measure.render("<speak><prosody \(attribute)>\(Measure.sentence)</prosody></speak>").0.soundingSpan()
    }

    @Test func rateKeywordsOrderDurations() throws {
        let spans = try ["x-slow", "slow", "medium", "fast", "x-fast"].map { try span("rate=\"\($0)\"") }
        #expect(spans == spans.sorted(by: >), "spans \(spans)")
    }

    @Test func percentRatesScaleDuration() throws {
        let normal = try span("rate=\"100%\"")
        let half = try span("rate=\"50%\"")
        let double = try span("rate=\"200%\"")
        #expect(abs(half / normal - 2) < 0.3, "50%: \(half / normal)")
        #expect(abs(double / normal - 0.5) < 0.1, "200%: \(double / normal)")
    }

    func f0(_ attribute: String, voice: String = "en-us-female") throws -> Double {
        try #require(Measure.render("<speak><prosody \(attribute)>\(Measure.sentence)</prosody></speak>", voice: voice).0.medianF0())
    }

    @Test func pitchKeywordsOrderF0() throws {
        let f0s = try ["x-low", "low", "medium", "high", "x-high"].map { try f0("pitch=\"\($0)\"", voice: "en-us-male") }
        #expect(f0s == f0s.sorted() && Set(f0s).count == f0s.count, "F0 \(f0s)")
    }

    @Test func relativePitchMovesF0() throws {
        let base = try f0("pitch=\"+0%\"", voice: "en-us-male")
        let raised = try f0("pitch=\"+50%\"", voice: "en-us-male")
        #expect(abs(raised / base - 1.5) < 0.15, "ratio \(raised / base)")
        let semitones = try f0("pitch=\"-3st\"", voice: "en-us-male")
        #expect(semitones < base)
    }

    @Test func minusSixDecibelsHalvesTheAmplitude() throws {
        let normal = try Measure.render("<speak>\(Measure.sentence)</speak>").0.activeRMSDB()
        let quieter = try Measure.render("<speak><prosody volume=\"-6dB\">\(Measure.sentence)</prosody></speak>").0.activeRMSDB()
        #expect(abs((normal - quieter) - 6) < 1, "difference \(normal - quieter) dB")
    }

    @Test func silentIsSilentButTakesTime() throws {
        let (audio, _) = try Measure.render("<speak><prosody volume=\"silent\">\(Measure.sentence)</prosody></speak>")
        #expect(audio.peak == 0)
        #expect(audio.duration > 2)
    }

    @Test func loudSpeechDoesNotClip() throws {
        let (audio, _) = try Measure.render("<speak><prosody volume=\"+20dB\">\(Measure.sentence)</prosody></speak>", rate: 8000)
        #expect(audio.peak < 1)
        #expect(audio.samples.filter { abs($0) > 0.999 }.isEmpty)
    }

    @Test func normalSpeechHasHeadroom() throws {
        let (audio, _) = try Measure.render("<speak>\(Measure.sentence)</speak>", rate: 8000)
        #expect(audio.peak < SoftLimiter.knee, "peak \(audio.peak)")
        #expect(audio.activeRMSDB() > -30, "speech must be clearly audible")
    }
}

@Suite(.ownThread) struct VoiceMeasurementTests {
    static let texts = [
        "en-us": Measure.sentence, "en-gb": Measure.sentence,
        "de-de": "Der schnelle braune Fuchs springt über den faulen Hund und läuft dann weit weg.",
    ]

    @Test(arguments: ["en-us", "en-gb", "de-de"])
    func malesBelowFemalesBelowChildren(locale: String) throws {
        let text = Self.texts[locale]!
        var f0: [String: Double] = [:]
        var audio: [String: AudioAnalysis] = [:]
        for gender in ["male", "female", "child"] {
            audio[gender] = try Measure.render(text, voice: "\(locale)-\(gender)").0
            f0[gender] = try #require(audio[gender]!.medianF0())
        }
        #expect(f0["male"]! < f0["female"]! && f0["female"]! < f0["child"]!, "F0 \(f0)")
        #expect(f0["child"]! > f0["female"]! * 1.15, "a child is clearly higher: \(f0)")
        // A shorter vocal tract raises the formants, not only the pitch.
        let scale = try #require(audio["child"]!.formantScale(relativeTo: audio["female"]!))
        #expect(scale > 1.1, "child formants \(scale)x the female's")
        // The same measure finds no shift between a voice and itself.
        #expect(abs(try #require(audio["female"]!.formantScale(relativeTo: audio["female"]!)) - 1) < 0.02)
    }

    @Test func germanInsideEnglishUsesGermanRulesAndReturns() throws {
        let (_, report) = try Measure.render("<speak>Good morning. <s xml:lang=\"de-DE\">Guten Morgen.</s> Goodbye.</speak>")
        let voices = report.entries.filter { $0.kind == .speech }.compactMap(\.voice)
        #expect(voices == ["en-us-female", "de-de-female", "en-us-female"])
    }
}

@Suite(.ownThread) struct LoopMeasurementTests {
    @Test func loopThreeTakesAboutThreeTimesAsLong() throws {
        let once = try Measure.render("<speak><voice name=\"en-gb-female\">Your code is 4 2 7 1.</voice></speak>").0.duration
        let thrice = try Measure.render("<speak><voice name=\"en-gb-female\" loop=\"3\">Your code is 4 2 7 1.</voice></speak>").0.duration
        let pauses = 2 * BreakValue.sentencePause
        #expect(abs((thrice - pauses) / once - 3) < 0.15, "ratio \((thrice - pauses) / once)")
        let withInfo = try Measure.render("<speak><voice name=\"en-gb-female\" loop=\"3\" loop-info=\"I repeat\">Your code is 4 2 7 1.</voice></speak>").0.duration
        #expect(withInfo - thrice > 2 * 0.4, "loop-info adds its phrase twice: \(withInfo - thrice) s")
    }
}

@Suite(.ownThread) struct TextMeasurementTests {
    @Test func markupCharactersInPlainTextAreSpoken() throws {
        let swallowed = try Measure.render("if a<b then & c, we say hello to everyone").0.soundingSpan()
        #expect(swallowed > 2, "the text after < must be spoken: \(swallowed) s")
    }

    @Test func spelledCodeIsLongerThanTheWord() throws {
        let word = try Measure.render("<speak>banana</speak>").0.soundingSpan()
        let spelled = try Measure.render("<speak><say-as interpret-as=\"characters\">banana</say-as></speak>").0.soundingSpan()
        #expect(spelled > word * 1.5, "spelled \(spelled) s, word \(word) s")
    }

    @Test func caseIsNotSpoken() throws {
        let lower = try Measure.render("<speak><say-as interpret-as=\"characters\">p4x</say-as></speak>").0.duration
        let upper = try Measure.render("<speak><say-as interpret-as=\"characters\">P4X</say-as></speak>").0.duration
        #expect(abs(lower - upper) < 0.05)
    }
}

@Suite(.ownThread) struct CodeReadingTests {
    @Test func longDigitCodesAreReadDigitByDigit() throws {
        // Grouped as a number, "482913" was read with "comma"; digit by digit it is six items with pauses.
        let code = try Measure.render("<speak><say-as interpret-as=\"characters\">482913</say-as></speak>").0
        let gaps = code.silences(thresholdDB: -45, minimum: 0.04)
        #expect(gaps.filter { $0.start > 0.05 && $0.end < code.duration - 0.05 }.count >= 4, "gaps \(gaps)")
    }
}
