import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// Previews of documents whose audio lives on a CDN the machine cannot reach: `--audio-map` and `--missing-audio`.
@Suite(.ownThread) struct OfflineAudioCommandTests {
    /// A port nothing listens on: the connection is refused at once, as on a laptop without the network.
    static let unreachable = "http://127.0.0.1:9/prompts/welcome.mp3"

    func decoded(_ url: URL) throws -> AudioAnalysis {
        let source = try SndFileDecoder().open(url)
        return AudioAnalysis(samples: try source.read(maxFrames: source.frameCount), sampleRate: Double(source.sampleRate))
    }

    /// Zero crossings per second / 2 over `samples`: the frequency of a pure tone.
    func toneHz(_ samples: ArraySlice<Float>, sampleRate: Double) -> Double {
        var crossings = 0
        var previous = samples.first ?? 0
        for sample in samples.dropFirst() {
            if (previous < 0) != (sample < 0) { crossings += 1 }
            previous = sample
        }
        return Double(crossings) / 2 / (Double(samples.count) / sampleRate)
    }

    @Test func aMappedPrefixIsReadFromItsFolderAndNeverDownloaded() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let assets = directory.appendingPathComponent("assets/prompts")
        try FileManager.default.createDirectory(at: assets, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Samples/chime.wav"), to: assets.appendingPathComponent("welcome.wav"))
        let chime = try decoded(assets.appendingPathComponent("welcome.wav")).duration
        // The host does not exist: only the mapping can make this render.
        let ssml = #"<speak><audio src="https://cdn.invalid/prompts/welcome.wav?v=3"/></speak>"#
        try ssml.write(to: directory.appendingPathComponent("p.ssml"), atomically: true, encoding: .utf8)
        let result = try run(Repository.ssmlBinary, ["render", "p.ssml", "-o", "p.wav", "--audio-map", "https://cdn.invalid/prompts/=assets/prompts"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let audio = try decoded(directory.appendingPathComponent("p.wav"))
        #expect(abs(audio.duration - chime) < 0.05, "duration \(audio.duration), chime \(chime)")
        #expect(audio.activeRMSDB() > -40)

        // A mapped name that is not in the folder fails at the element, naming the file it looked for.
        let missing = #"<speak><audio src="https://cdn.invalid/prompts/gone.wav"/></speak>"#
        try missing.write(to: directory.appendingPathComponent("m.ssml"), atomically: true, encoding: .utf8)
        let failed = try run(Repository.ssmlBinary, ["render", "m.ssml", "-o", "m.wav", "--audio-map", "https://cdn.invalid/prompts/=assets/prompts"], in: directory)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("m.ssml:1:") && failed.stderr.contains("gone.wav"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("m.wav").path))
    }

    @Test func aBadMappingIsAUsageErrorNamingTheOption() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "<speak>Hi</speak>".write(to: directory.appendingPathComponent("p.ssml"), atomically: true, encoding: .utf8)
        for bad in ["https://cdn.invalid/", "https://cdn.invalid/=no-such-folder"] {
            let result = try run(Repository.ssmlBinary, ["render", "p.ssml", "-o", "p.wav", "--audio-map", bad], in: directory)
            #expect(result.status != 0)
            #expect(result.stderr.contains("--audio-map"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("p.wav").path))
        }
    }

    @Test func anUnreachableClipBecomesATonePlaceholderOfItsKnownLength() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ssml = """
            <speak><audio src="\(Self.unreachable)" clipEnd="2.5s">welcome</audio><audio src="\(Self.unreachable.replacingOccurrences(of: "welcome", with: "other"))"/></speak>
            """
        try ssml.write(to: directory.appendingPathComponent("p.ssml"), atomically: true, encoding: .utf8)
        let result = try run(
            Repository.ssmlBinary, ["render", "p.ssml", "-o", "p.wav", "--missing-audio", "tone", "--no-cache", "--timeline", "p.json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("p.ssml:1:") && result.stderr.contains("placeholder (tone)"), "\(result.stderr)")
        let audio = try decoded(directory.appendingPathComponent("p.wav"))
        // 2.5 s from clipEnd, then 1 s for the clip whose length nothing states; the fallback text is not spoken.
        #expect(abs(audio.duration - 3.5) < 0.01, "duration \(audio.duration)")
        let rate = audio.sampleRate
        let body = audio.samples[Int(0.5 * rate)..<Int(2.0 * rate)]
        #expect(abs(toneHz(body, sampleRate: rate) - 1000) < 5)
        #expect(abs(AudioAnalysis(samples: Array(body), sampleRate: rate).rmsDB - NoiseSegment.toneLevelDB) < 0.5)
        let timeline = try String(contentsOf: directory.appendingPathComponent("p.json"), encoding: .utf8)
        #expect(timeline.components(separatedBy: "placeholder-tone").count - 1 == 2, "\(timeline)")
        #expect(timeline.contains("127.0.0.1:9/prompts/welcome.mp3"))
    }

    @Test func silencePlaceholdersAreSilentAndTheDefaultStillSpeaksTheFallback() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ssml = #"<speak>Before. <audio src="\#(Self.unreachable)" clipEnd="2s">the fallback text</audio> After.</speak>"#
        try ssml.write(to: directory.appendingPathComponent("p.ssml"), atomically: true, encoding: .utf8)
        let silent = try run(Repository.ssmlBinary, ["render", "p.ssml", "-o", "s.wav", "--missing-audio", "silence", "--no-cache"], in: directory)
        #expect(silent.status == 0, "\(silent.stderr)")
        let audio = try decoded(directory.appendingPathComponent("s.wav"))
        #expect(audio.longestInnerSilence() >= 1.95, "longest silence \(audio.longestInnerSilence())")

        let fallback = try run(Repository.ssmlBinary, ["render", "p.ssml", "-o", "f.wav", "--no-cache"], in: directory)
        #expect(fallback.status == 0, "\(fallback.stderr)")
        #expect(fallback.stderr.contains("speaking its fallback text"), "\(fallback.stderr)")
        let spoken = try decoded(directory.appendingPathComponent("f.wav"))
        #expect(spoken.longestInnerSilence() < 1.0)

        // Without fallback text the default is an error at the source attribute.
        try #"<speak><audio src="\#(Self.unreachable)"/></speak>"#.write(to: directory.appendingPathComponent("e.ssml"), atomically: true, encoding: .utf8)
        let failed = try run(Repository.ssmlBinary, ["render", "e.ssml", "-o", "e.wav", "--no-cache"], in: directory)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("e.ssml:1:15") && failed.stderr.contains("cannot be played"), "\(failed.stderr)")
    }

    @Test func ssmlTestReadsTheMapFromItsConfiguration() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let assets = directory.appendingPathComponent("assets")
        try FileManager.default.createDirectory(at: assets, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Samples/chime.wav"), to: assets.appendingPathComponent("chime.wav"))
        let prompts = directory.appendingPathComponent("prompts")
        try FileManager.default.createDirectory(at: prompts, withIntermediateDirectories: true)
        try #"<speak>Hello <audio src="https://static.invalid/chime.wav"/></speak>"#.write(to: prompts.appendingPathComponent("a.ssml"), atomically: true, encoding: .utf8)
        try #"{"audioMap": {"https://static.invalid/": "../assets"}, "rate": 8000}"#.write(to: prompts.appendingPathComponent("ssml-test.json"), atomically: true, encoding: .utf8)
        let record = try run(Repository.ssmlBinary, ["test", "prompts", "--update"], in: directory)
        #expect(record.status == 0, "\(record.stderr)\(record.stdout)")
        let compare = try run(Repository.ssmlBinary, ["test", "prompts"], in: directory)
        #expect(compare.status == 0, "\(compare.stderr)\(compare.stdout)")

        try #"{"missingAudio": "loud"}"#.write(to: prompts.appendingPathComponent("ssml-test.json"), atomically: true, encoding: .utf8)
        let bad = try run(Repository.ssmlBinary, ["test", "prompts"], in: directory)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("ssml-test.json"), "\(bad.stderr)")
    }
}
