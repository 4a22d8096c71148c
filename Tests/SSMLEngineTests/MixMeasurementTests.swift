import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// Wave 2's readings measured on real audio (espeak-ng, libsoxr, libsndfile): breaths, background audio, Google's
/// par timing, fitted durations, contours, compression, clip speed and vocal-tract length.
@Suite(.ownThread) struct MixMeasurementTests {
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ssml-mix-measure-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try! AudioFile.write(
            (0..<Int(0.8 * 22050)).map { Float(0.25 * sin(2 * Double.pi * 110 * Double($0) / 22050)) },
            to: url.appendingPathComponent("hum.wav"), sampleRate: 22050, format: .wav, channels: 1)
        return url
    }()

    static func render(_ text: String, rate: Int = 16000) throws -> (AudioAnalysis, RenderReport) {
        try Measure.render(text, rate: rate, directory: directory)
    }

    /// Energy in `low..<high` Hz over the whole signal, by a direct DFT of 32 ms frames (enough for band shares).
    static func bandShare(_ samples: [Float], sampleRate: Double, _ low: Double, _ high: Double) -> Double {
        let frame = 512
        var inside = 0.0, total = 0.0
        var start = 0
        while start + frame <= samples.count {
            for bin in 1..<(frame / 2) {
                let frequency = Double(bin) * sampleRate / Double(frame)
                var re = 0.0, im = 0.0
                for n in 0..<frame {
                    let w = 0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(frame))
                    let x = Double(samples[start + n]) * w
                    re += x * cos(2 * Double.pi * Double(bin * n) / Double(frame))
                    im -= x * sin(2 * Double.pi * Double(bin * n) / Double(frame))
                }
                let power = re * re + im * im
                total += power
                if frequency >= low && frequency < high { inside += power }
            }
            start += frame * 4
        }
        return total > 0 ? inside / total : 0
    }

    @Test func breathIsAudibleBandLimitedAndQuieterThanTheVoice() throws {
        let (audio, report) = try Self.render("<speak>\(Measure.sentence) <amazon:breath duration=\"long\"/> \(Measure.sentence)</speak>")
        let breath = try #require(report.entries.first { $0.kind == .noise })
        #expect(breath.end - breath.start == 7200, "0.45 s")
        let samples = Array(audio.samples[breath.start..<breath.end])
        let level = AudioAnalysis(samples: samples, sampleRate: 16000).rmsDB
        let voice = audio.activeRMSDB()
        #expect(level > voice - 25 && level < voice - 6, "breath \(level) dB under a voice at \(voice) dB")
        let share = Self.bandShare(samples, sampleRate: 16000, 500, 4000)
        #expect(share > 0.9, "\(share) of the breath's energy in 500-4000 Hz")
        let loud = try Self.render("<speak>a <amazon:breath volume=\"x-loud\"/> b</speak>")
        let loudBreath = try #require(loud.1.entries.first { $0.kind == .noise })
        let loudLevel = AudioAnalysis(samples: Array(loud.0.samples[loudBreath.start..<loudBreath.end]), sampleRate: 16000).rmsDB
        #expect(abs((loudLevel - level) - 8) < 1, "x-loud is 8 dB up: \(loudLevel - level)")
    }

    @Test func backgroundAudioSoundsUnderTheVoiceAndFadesOutAfterIt() throws {
        let text = """
            <speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xmlns:mstts="https://www.w3.org/2001/mstts" xml:lang="en-US">
            <mstts:backgroundaudio src="hum.wav" volume="0.7" fadein="300" fadeout="1000"/>
            <voice name="en-US-AvaMultilingualNeural">\(Measure.sentence)</voice></speak>
            """
        let (audio, report) = try Self.render(text)
        let speech = try #require(report.entries.first { $0.kind == .speech })
        #expect(audio.samples.count == speech.end + 16000, "1 s of fade-out after the speech")
        // The hum (110 Hz) is there while the voice speaks and after it; the 0.8 s clip looped.
        let under = Array(audio.samples[(speech.end - 8000)..<speech.end])
        #expect(Self.bandShare(under, sampleRate: 16000, 80, 140) > 0.05, "the hum under the voice")
        let early = AudioAnalysis(samples: Array(audio.samples[speech.end..<(speech.end + 4000)]), sampleRate: 16000).rmsDB
        let late = AudioAnalysis(samples: Array(audio.samples[(speech.end + 12000)..<(speech.end + 16000)]), sampleRate: 16000).rmsDB
        // 0.25 amplitude times 0.7: -18 dBFS peak, -21 dBFS RMS at full level.
        #expect(early > -30 && late < early - 6, "fading: \(early) dB then \(late) dB")
    }

    @Test func googleParPlacesTheAnswerTwoSecondsAfterTheQuestion() throws {
        let text = """
            <speak><par>
              <media xml:id="question" begin="0.5s"><speak>Who invented the Internet?</speak></media>
              <media xml:id="answer" begin="question.end+2.0s"><speak>The Internet was invented by cats.</speak></media>
            </par></speak>
            """
        let (audio, report) = try Self.render(text)
        let speech = report.entries.filter { $0.kind == .speech }
        #expect(speech.count == 2)
        let silences = audio.silences(thresholdDB: -50, minimum: 0.3)
        let gap = try #require(silences.first { $0.start > 0.6 && $0.end < audio.duration - 0.1 })
        // The question's own audio ends with espeak-ng's 20 ms tail, so the silence is 2 s plus at most that.
        #expect(abs((gap.end - gap.start) - 2.0) < 0.06, "gap \(gap.end - gap.start) s")
        let lead = try #require(silences.first)
        #expect(lead.start == 0 && abs(lead.end - 0.5) < 0.03, "the question starts at 0.5 s (\(lead.end))")
    }

    /// The sentence takes about 4.4 s: fitted into 2.5 s (1.8x, within espeak-ng's 450 words a minute) and out to 6 s.
    @Test(arguments: [2.5, 4.0, 6.0])
    func prosodyDurationIsExact(seconds: Double) throws {
        let (audio, report) = try Self.render("<speak><prosody duration=\"\(Int(seconds * 1000))ms\">\(Measure.sentence)</prosody></speak>")
        // Tolerance: exact to the sample (the rate gets within 1.5 % below, silence fills the rest).
        #expect(audio.samples.count == Int(seconds * 16000), "\(audio.duration) s")
        let speech = report.entries.filter { $0.kind == .speech }.map { $0.end - $0.start }.reduce(0, +)
        #expect(Double(speech) > 0.95 * seconds * 16000, "speech fills the time, not silence: \(Double(speech) / 16000) s")
    }

    @Test func audioDurationStretchesTheVoiceWithinAzuresBounds() throws {
        let azure = #"<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xmlns:mstts="https://www.w3.org/2001/mstts" xml:lang="en-US"><voice name="en-US-AvaNeural">"#
        let natural = try Self.render(azure + Measure.sentence + "</voice></speak>").0.duration
        let fitted = try Self.render(azure + "<mstts:audioduration value=\"\(Int(natural * 1300))ms\"/>" + Measure.sentence + "</voice></speak>").0
        #expect(abs(fitted.duration - (Double(Int(natural * 1300)) / 1000)) < 0.001, "\(fitted.duration) for \(natural * 1.3)")
        let capped = try Self.render(azure + "<mstts:audioduration value=\"\(Int(natural * 4000))ms\"/>" + Measure.sentence + "</voice></speak>").0
        #expect(abs(capped.duration / natural - 2) < 0.1, "Azure stops at twice the length: \(capped.duration / natural)")
    }

    @Test func maxDurationSpeedsUpButNeverSlowsDown() throws {
        let natural = try Self.render("<speak>\(Measure.sentence)</speak>").0.duration
        let roomy = try Self.render("<speak><prosody amazon:max-duration=\"20s\">\(Measure.sentence)</prosody></speak>").0.duration
        #expect(abs(roomy - natural) < 0.02)
        let target = (natural * 0.7 * 1000).rounded() / 1000
        let tight = try Self.render("<speak><prosody amazon:max-duration=\"\(Int(target * 1000))ms\">\(Measure.sentence)</prosody></speak>").0.duration
        #expect(tight <= target + 0.001 && tight > target * 0.97, "\(tight) s for at most \(target) s")
    }

    @Test func contourMovesTheF0() throws {
        let (audio, report) = try Self.render("<speak><prosody contour=\"(0%,-20%) (100%,+40%)\">\(Measure.sentence)</prosody></speak>", rate: 16000)
        let speech = report.entries.filter { $0.kind == .speech }
        #expect(speech.count > 8, "cut at the words")
        func f0(_ entries: ArraySlice<RenderReport.Entry>) -> Double? {
            AudioAnalysis(samples: entries.flatMap { Array(audio.samples[$0.start..<$0.end]) }, sampleRate: 16000).medianF0()
        }
        let third = speech.count / 3
        let start = try #require(f0(speech.prefix(third))), end = try #require(f0(speech.suffix(third)))
        #expect(end / start > 1.35, "F0 rises from \(start) Hz to \(end) Hz")
    }

    @Test func drcNarrowsTheLevelRange() throws {
        func levels(_ text: String) throws -> [Double] {
            let audio = try Self.render(text).0
            return stride(from: 0, to: audio.samples.count - 320, by: 320).map {
                AudioAnalysis(samples: Array(audio.samples[$0..<$0 + 320]), sampleRate: 16000).rmsDB
            }
        }
        let plain = try levels("<speak>\(Measure.sentence)</speak>")
        let compressed = try levels("<speak><amazon:effect name=\"drc\">\(Measure.sentence)</amazon:effect></speak>")
        #expect(plain.count == compressed.count, "compression keeps the timing")
        // The same 20 ms windows in both: those of the speech (within 30 dB of the loudest window of the plain render).
        let loudest = plain.max() ?? 0
        let speech = plain.indices.filter { plain[$0] > loudest - 30 }
        func spread(_ values: [Double]) -> Double {
            let sorted = speech.map { values[$0] }.sorted()
            return sorted[sorted.count * 9 / 10] - sorted[sorted.count / 10]
        }
        #expect(spread(compressed) < spread(plain) - 4, "10-90 % level range \(spread(plain)) dB, with drc \(spread(compressed)) dB")
    }

    @Test func audioSpeedScalesTheClip() throws {
        let (_, report) = try Self.render("<speak><audio src=\"hum.wav\" speed=\"200%\"/><audio src=\"hum.wav\" speed=\"50%\"/></speak>")
        let clips = report.entries.filter { $0.kind == .audio }.map { $0.end - $0.start }
        #expect(clips == [6400, 25600], "0.8 s at 2x and at half speed")
    }

    @Test func vocalTractLengthLowersTheFormantsNotThePitch() throws {
        let plain = try Self.render("<speak>\(Measure.sentence)</speak>").0
        let longer = try Self.render("<speak><amazon:effect vocal-tract-length=\"+20%\">\(Measure.sentence)</amazon:effect></speak>").0
        let scale = try #require(longer.formantScale(relativeTo: plain))
        #expect(abs(scale - 1 / 1.2) < 0.07, "formants x\(scale)")
        let f0 = try #require(longer.medianF0()), base = try #require(plain.medianF0())
        #expect(abs(f0 / base - 1) < 0.1, "pitch \(f0) Hz vs \(base) Hz")
    }
}
