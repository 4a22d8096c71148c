import Foundation
import SSMLEngine
import SSMLTestSupport
import Testing
@testable import SSMLCore

/// Planning of what wave 2 made audible: mixes (background audio, Google par/seq/media), breaths, fitted durations,
/// contours and voice effects; and their JSON form, which render workers receive.
@Suite struct MixPlanTests {
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ssml-mix-plan-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, seconds) in [("tone.wav", 1.0), ("short.wav", 0.25)] {
            try! AudioFile.write(
                (0..<Int(seconds * 16000)).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16000)) },
                to: url.appendingPathComponent(name), sampleRate: 16000, format: .wav, channels: 1)
        }
        return url
    }()

    static func plan(_ text: String, strict: Bool = false) throws -> (plan: [Segment], log: DiagnosticLog) {
        let planner = try Planner(strict: strict, directory: directory)
        return (try planner.plan(text), planner.log)
    }

    static func render(_ text: String, rate: Double = 8000) throws -> (samples: [Float], report: RenderReport) {
        let renderer = Renderer(synthesizer: FakeSynthesizer(), decoder: SndFileDecoder(), resamplers: SoxrResamplerFactory(), options: RenderOptions(sampleRate: rate))
        let sink = MemorySink()
        let report = try renderer.render(try plan(text).plan, into: sink)
        return (sink.samples, report)
    }

    static let everything = """
        <speak xmlns:mstts="https://www.w3.org/2001/mstts" xmlns:amazon="https://amazon.com/polly">
          <mstts:backgroundaudio src="tone.wav" volume="0.5" fadein="200" fadeout="500"/>
          Hello <amazon:breath duration="short" volume="soft"/> there.
          <prosody duration="2s">fitted</prosody> <prosody amazon:max-duration="1s">at most</prosody>
          <prosody contour="(0%,+10%) (100%,-10%)">rising and falling words</prosody>
          <amazon:effect name="drc"><amazon:effect name="whispered" vocal-tract-length="+10%">soft words</amazon:effect></amazon:effect>
          <audio src="short.wav" speed="50%" repeatCount="2" repeatDur="0.7s"/>
          <par><media xml:id="a" begin="0.5s"><speak>first</speak></media><media begin="a.end+1s" soundLevel="-6dB" fadeInDur="0.1s"><audio src="tone.wav"/></media></par>
        </speak>
        """

    @Test func everyNewKindRoundTripsThroughJSON() throws {
        let plan = try Self.plan(Self.everything).plan
        let data = try RenderPlan(segments: plan).json()
        let decoded = try JSONDecoder().decode(RenderPlan.self, from: data)
        #expect(decoded.segments == plan)
        #expect(decoded.isResolved)
        let json = String(decoding: data, as: UTF8.self)
        for kind in ["\"noise\"", "\"mix\"", "\"fit\"", "\"background\"", "\"parallel\"", "\"compression\" : true", "\"whisper\" : true"] {
            #expect(json.contains(kind), "\(kind) in the plan's JSON")
        }
    }

    @Test func backgroundAudioWrapsTheWholeDocument() throws {
        let plan = try Self.plan(Self.everything).plan
        guard plan.count == 1, case .mix(let mix) = plan[0] else { Issue.record("\(plan)"); return }
        #expect(mix.kind == .background && mix.tail == 0.5)
        let layer = try #require(mix.layers.first)
        #expect(layer.loops && abs(layer.gainDB - 20 * log10(0.5)) < 1e-9 && layer.fadeIn == 0.2 && layer.fadeOut == 0.5)
        guard case .audio(let clip) = layer.content.first else { Issue.record("no clip"); return }
        #expect(clip.file?.hasSuffix("tone.wav") == true, "resolved like every clip")
    }

    @Test func googleMediaReferencesAreCheckedWhereTheyAreWritten() throws {
        #expect {
            try Self.plan("<speak><par><media begin=\"nobody.end+1s\"><speak>x</speak></media></par></speak>")
        } throws: { error in
            let error = error as? SSMLError
            return error?.location?.attribute == "begin" && error?.message.contains("nobody") == true
        }
        #expect { try Self.plan("<speak><seq><media begin=\"soon\"><speak>x</speak></media></seq></speak>") } throws: {
            ($0 as? SSMLError)?.message.contains("is not a time") == true
        }
        #expect(MixTime.parse("question.end+2.0s") == MixTime(id: "question", edge: .end, offset: 2))
        #expect(MixTime.parse("answer.end-0.2s") == MixTime(id: "answer", edge: .end, offset: -0.2))
        #expect(MixTime.parse("+1.5min") == MixTime(offset: 90))
        #expect(MixTime.parse("250ms") == MixTime(offset: 0.25))
        #expect(MixTime.parse("3") == MixTime(offset: 3))
    }

    @Test func autoBreathsFallAtPhraseBoundaries() throws {
        let text = "<speak><amazon:auto-breaths frequency=\"x-high\">One two three four five, six seven eight nine ten. Eleven twelve.</amazon:auto-breaths></speak>"
        let plan = try Self.plan(text).plan
        let kinds = plan.map { segment -> String in
            switch segment {
            case .speech(let speech): speech.displayText
            case .noise: "BREATH"
            default: "-"
            }
        }
        #expect(kinds == ["One two three four five,", "BREATH", "six seven eight nine ten.", "BREATH", "Eleven twelve."], "\(kinds)")
    }

    @Test func contourGivesRisingPitchesWordByWord() throws {
        let plan = try Self.plan("<speak><prosody contour=\"(0%,+0%) (100%,+50%)\">one two three four five six</prosody></speak>").plan
        let pitches = plan.compactMap(\.speech).map(\.prosody.pitch)
        #expect(pitches.count == 6 && pitches == pitches.sorted() && pitches.first! < 1.1 && pitches.last! > 1.4, "\(pitches)")
        #expect { try Self.plan("<speak><prosody contour=\"up\">x</prosody></speak>") } throws: { ($0 as? SSMLError)?.location?.attribute == "contour" }
    }

    @Test func effectsAreRequestsNotCatalogVoices() throws {
        let plan = try Self.plan("<speak><amazon:effect name=\"whispered\" vocal-tract-length=\"-20%\" phonation=\"soft\">secret</amazon:effect></speak>")
        let speech = try #require(plan.plan.first?.speech)
        #expect(speech.effects.voice.whisper && abs(speech.effects.voice.tractLength - 0.8) < 1e-9)
        #expect(speech.request.effects == speech.effects.voice)
        #expect(speech.voice.settings.variant == "f4", "the catalog voice is unchanged")
        #expect(speech.prosody.volumeDB == -6)
        #expect(plan.log.warnings.contains { $0.location?.attribute == "phonation" })
    }

    // MARK: - Rendered with the fake synthesizer: exact timings

    @Test func parPlacesEachMediaWhereItsBeginSays() throws {
        let text =
            "<speak><par><media xml:id=\"q\" begin=\"0.5s\"><speak>question</speak></media><media xml:id=\"a\" begin=\"q.end+2s\"><speak>answer</speak></media><media begin=\"a.end-0.25s\"><audio src=\"short.wav\"/></media></par></speak>"
        let (samples, report) = try Self.render(text)
        let speech = report.entries.filter { $0.kind == .speech }
        #expect(speech.count == 2 && speech.allSatisfy { $0.layer != nil })
        let question = speech[0], answer = speech[1]
        #expect(question.start == 4000)
        #expect(answer.start == question.end + 16000, "2 s after the question ends")
        let clip = try #require(report.entries.first { $0.kind == .audio })
        #expect(clip.start == answer.end - 2000 && clip.end == clip.start + 2000, "a 0.25 s clip from 0.25 s before the answer ends")
        #expect(samples.count == clip.end && report.sampleCount == samples.count)
        #expect(samples[(question.end + 100)..<(answer.start - 100)].allSatisfy { $0 == 0 }, "silence between them")
        let main = report.entries.filter { $0.layer == nil && $0.kind != .word }
        #expect(main.map(\.kind) == [.mix] && main[0].end == samples.count, "one main entry tiles the output")
    }

    @Test func seqStartsEachMediaAfterTheOneBefore() throws {
        let (_, report) = try Self.render("<speak><seq><media begin=\"0.5s\"><speak>one</speak></media><media begin=\"1s\" repeatCount=\"2\"><audio src=\"short.wav\"/></media></seq></speak>")
        let one = try #require(report.entries.first { $0.kind == .speech })
        let clips = report.entries.filter { $0.kind == .audio }
        #expect(clips.map(\.start) == [one.end + 8000, one.end + 10000], "1 s after the speech, then again")
        #expect(report.sampleCount == one.end + 12000)
    }

    @Test func mediaEndCutsAndRepeatDurLimits() throws {
        let cut = try Self.render("<speak><par><media end=\"0.5s\"><audio src=\"tone.wav\"/></media></par></speak>")
        #expect(cut.samples.count == 4000)
        let limited = try Self.render("<speak><par><media repeatCount=\"3\" repeatDur=\"2.5s\"><audio src=\"tone.wav\"/></media></par></speak>")
        #expect(limited.samples.count == 20000)
        let audio = try Self.render("<speak><audio src=\"tone.wav\" repeatCount=\"3\" repeatDur=\"1.5s\"/></speak>")
        #expect(audio.samples.count == 12000)
    }

    @Test func fadesRiseAndFall() throws {
        let (samples, _) = try Self.render("<speak><par><media fadeInDur=\"0.5s\" fadeOutDur=\"0.25s\"><audio src=\"tone.wav\"/></media></par></speak>")
        let analysis = { (range: Range<Int>) in AudioAnalysis(samples: Array(samples[range]), sampleRate: 8000).rmsDB }
        #expect(analysis(0..<400) < analysis(3600..<4000) - 10, "quiet at the start of the fade-in")
        #expect(analysis(7600..<8000) < analysis(4000..<4400) - 6, "quiet at the end of the fade-out")
    }

    @Test func backgroundLoopsUnderTheSpeechAndFadesOutAfterIt() throws {
        let text = "<speak xmlns:mstts=\"https://www.w3.org/2001/mstts\"><mstts:backgroundaudio src=\"short.wav\" fadeout=\"500\"/><voice name=\"en-US-AvaNeural\">a longer sentence than the clip</voice></speak>"
        let (samples, report) = try Self.render(text)
        let speech = try #require(report.entries.first { $0.kind == .speech })
        #expect(samples.count == speech.end + 4000, "the speech, then the 500 ms fade-out")
        let tail = try #require(report.entries.first { $0.kind == .mix && $0.layer == nil })
        #expect(tail.start == speech.end && tail.end == samples.count)
        let background = try #require(report.entries.first { $0.kind == .audio && $0.layer != nil })
        #expect(background.start == 0 && background.end == samples.count)
        // The 0.25 s clip loops: it still sounds in the last second of the speech, alone after the speech ends.
        let after = AudioAnalysis(samples: Array(samples[speech.end..<(speech.end + 1000)]), sampleRate: 8000)
        #expect(after.rmsDB > -30, "background after the speech: \(after.rmsDB) dB")
        #expect(abs(samples.last!) < 0.01)
    }

    @Test func exactDurationIsExactToTheSample() throws {
        let (samples, report) = try Self.render("<speak><prosody duration=\"3s\">a few words to stretch</prosody></speak>")
        #expect(samples.count == 24000)
        let speech = try #require(report.entries.first { $0.kind == .speech })
        #expect(Double(speech.end - speech.start) > 0.95 * 24000, "the rate does the fitting, silence only the rest")
        // About 2.5 s at the voice's rate, squeezed into 1.5 s (the fake engine, like espeak-ng, stops at 450 words a minute).
        let faster = try Self.render("<speak><prosody duration=\"1500ms\">a few words to squeeze into a second</prosody></speak>")
        #expect(faster.samples.count == 12000)
    }

    @Test func maxDurationOnlySpeedsUp() throws {
        let natural = try Self.render("<speak>short</speak>").samples.count
        let roomy = try Self.render("<speak><prosody amazon:max-duration=\"5s\">short</prosody></speak>").samples.count
        #expect(roomy == natural, "no slowing down, no silence added")
        let tight = try Self.render("<speak><prosody amazon:max-duration=\"1s\">a sentence much longer than one second</prosody></speak>").samples.count
        #expect(tight <= 8000 && tight > 7800, "\(tight)")
    }

    @Test func audioDurationClampsAtTwiceTheNaturalLength() throws {
        let natural = try Self.render("<speak><voice name=\"en-US-AvaNeural\">some words</voice></speak>").samples.count
        let text = "<speak xmlns:mstts=\"https://www.w3.org/2001/mstts\"><voice name=\"en-US-AvaNeural\"><mstts:audioduration value=\"20s\"/>some words</voice></speak>"
        let stretched = try Self.render(text).samples.count
        #expect(abs(Double(stretched) / Double(natural) - 2) < 0.03, "Azure: at most twice as long, \(Double(stretched) / Double(natural))")
    }

    @Test func audioSpeedScalesTheClipExactly() throws {
        #expect(try Self.render("<speak><audio src=\"tone.wav\" speed=\"200%\"/></speak>").samples.count == 4000)
        #expect(try Self.render("<speak><audio src=\"tone.wav\" speed=\"50%\"/></speak>").samples.count == 16000)
    }

    @Test func breathIsBandLimitedNoiseOfItsLength() throws {
        let (samples, report) = try Self.render("<speak>a<amazon:breath duration=\"x-long\"/>b</speak>", rate: 16000)
        let breath = try #require(report.entries.first { $0.kind == .noise })
        #expect(breath.end - breath.start == 9600)
        let noise = AudioAnalysis(samples: Array(samples[breath.start..<breath.end]), sampleRate: 16000)
        #expect(noise.rmsDB > -50 && noise.rmsDB < -25, "\(noise.rmsDB) dB")
        let silent = try Self.render("<speak>a<prosody volume=\"silent\"><amazon:breath/></prosody>b</speak>")
        let quiet = try #require(silent.report.entries.first { $0.kind == .noise })
        #expect(silent.samples[quiet.start..<quiet.end].allSatisfy { $0 == 0 })
    }

    @Test func timelineKeepsLayersApart() throws {
        let (_, report) = try Self.render("<speak><par><media xml:id=\"q\"><speak>question</speak></media><media begin=\"q.begin+0.1s\"><audio src=\"short.wav\"/></media></par></speak>")
        let timeline = Timeline(report: report, engine: "fake")
        #expect(timeline.segments.map(\.kind) == ["mix"])
        let overlays = try #require(timeline.overlays)
        #expect(Set(overlays.compactMap(\.layer)) == [1, 2])
        #expect(timeline.words.allSatisfy { $0.layer == 1 && overlays[$0.segment].kind == "speech" })
        let decoded = try JSONDecoder().decode(Timeline.self, from: try timeline.json())
        #expect(decoded == timeline)
    }
}

@Suite struct MicrosoftPhoneTests {
    @Test func sapiAndUpsBecomeIPA() throws {
        #expect(try MicrosoftPhones.toIPA("h eh 1 l ow").get() == "hˈɛloʊ")
        #expect(try MicrosoftPhones.toIPA("iy eh n y uw eh s").get() == "iɛnjuɛs")
        #expect(try MicrosoftPhones.toIPA("S1 HH EH . L OW").get() == "hˈɛloʊ")
        #expect(try MicrosoftPhones.toIPA("T AX M EY1 T OW").get() == "təmˈeɪtoʊ")
        #expect(throws: PhonemeError.self) { try MicrosoftPhones.toIPA("h qq").get() }
    }

    @Test func azuresSapiExampleIsSpoken() throws {
        let planner = try Planner()
        let plan = try planner.plan(#"<speak><phoneme alphabet="sapi" ph="iy eh n y uw eh s">en-US</phoneme> and <phoneme alphabet="ups" ph="XX">x</phoneme></speak>"#)
        let pieces = plan.compactMap(\.speech).flatMap(\.pieces)
        #expect(pieces.first == .ipa("iɛnjuɛs"), "\(pieces)")
        #expect(pieces.contains(.text("x")), "an unknown phone: the text is read")
        #expect(planner.log.warnings.count == 1 && planner.log.warnings[0].location?.attribute == "ph")
    }
}

/// A synthesizer that, like espeak-ng within one process, gives a little more audio each time it is asked for
/// the same text: a fitted duration must still come out exact.
final class DriftingSynthesizer: SpeechSynthesizer, @unchecked Sendable {
    let base = FakeSynthesizer()
    private(set) var calls = 0
    var languages: Set<String> { base.languages }
    var version: String { base.version }
    func sampleRate(for request: SpeechRequest) -> Double { base.sampleRate(for: request) }
    func checkPronunciation(_ ipa: String, voice: VoiceSpec) -> PronunciationProblem? { base.checkPronunciation(ipa, voice: voice) }
    func rendition(of request: SpeechRequest) -> EngineRendition { base.rendition(of: request) }

    func synthesize(_ request: SpeechRequest, onAudio: ([Float]) throws -> Void) throws -> [SpeechEvent] {
        calls += 1
        var total = 0
        let events = try base.synthesize(request) { chunk in
            total += chunk.count
            try onAudio(chunk)
        }
        // 3 % more each call: beyond the fit's 1.5 % aim below the target.
        try onAudio([Float](repeating: 0.1, count: total * 3 * calls / 100))
        return events
    }
}

@Suite struct DurationFitDriftTests {
    @Test(arguments: [
        "<speak><prosody duration=\"2s\">a sentence that is fitted to exactly two seconds</prosody> after</speak>",
        "<speak><prosody amazon:max-duration=\"1s\" xmlns:amazon=\"https://amazon.com/polly\">a sentence too long for one second</prosody></speak>",
    ])
    func aFitHoldsWhenTheEngineDrifts(_ text: String) throws {
        let planner = try Planner()
        let plan = try planner.plan(text)
        let synthesizer = DriftingSynthesizer()
        let renderer = Renderer(synthesizer: synthesizer, decoder: SndFileDecoder(), resamplers: SoxrResamplerFactory(), options: RenderOptions(sampleRate: 8000))
        let sink = MemorySink()
        let report = try renderer.render(plan, into: sink)
        #expect(synthesizer.calls > 2, "measured, then rendered")
        let fit = try #require(plan.first { if case .fit = $0 { true } else { false } })
        guard case .fit(let duration) = fit else { return }
        let target = Int(duration.seconds * 8000)
        let fitted = report.entries.filter { $0.layer == nil && $0.start < target && ($0.kind == .speech || $0.kind == .pause) }
        let end = fitted.map(\.end).max() ?? 0
        #expect(duration.rule == .exact ? end == target : end <= target, "fit ends at \(end), target \(target)")
        // The entries never pass the samples written, and the last samples fade out instead of stopping on a click.
        #expect(report.entries.allSatisfy { $0.end <= sink.samples.count })
        if end == target { #expect(abs(sink.samples[target - 1]) < 0.01) }
    }
}
