import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// `ssml render --timeline / --timeline-svg`, checked against the audio they describe.
@Suite(.ownThread) struct TimelineTests {
    let document = """
        <speak>
          <s>Welcome <break time="400ms"/> caller.</s>
          <mark name="menu"/>
          <voice name="de-de-male" loop="2" loop-info="Ich wiederhole">Drücken Sie <break time="300ms"/> eins.</voice>
          <dtmf min="1" max="1" wait="5">Press one.</dtmf>
          <audio src="CHIME"/>
          Goodbye &amp; thanks.
        </speak>
        """

    func render(_ text: String, _ extra: [String] = []) throws -> (timeline: [String: Any], audio: AudioAnalysis, svg: String, directory: URL) {
        let directory = try Repository.scratchDirectory()
        let input = directory.appendingPathComponent("t.ssml")
        try text.replacingOccurrences(of: "CHIME", with: Repository.root.appendingPathComponent("Samples/chime.wav").path)
            .write(to: input, atomically: true, encoding: .utf8)
        let wav = directory.appendingPathComponent("t.wav")
        let json = directory.appendingPathComponent("t.json")
        let svg = directory.appendingPathComponent("t.svg")
        let result = try run(Repository.ssmlBinary, ["render", input.path, "-o", wav.path, "--rate", "16000", "--timeline", json.path, "--timeline-svg", svg.path, "-q"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        let timeline = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let source = try SndFileDecoder().open(wav)
        let audio = AudioAnalysis(samples: try source.read(maxFrames: source.frameCount), sampleRate: source.sampleRate)
        return (timeline, audio, try String(contentsOf: svg, encoding: .utf8), directory)
    }

    @Test func segmentsTileTheWholeRender() throws {
        let (timeline, audio, _, directory) = try render(document)
        defer { try? FileManager.default.removeItem(at: directory) }
        let segments = try #require(timeline["segments"] as? [[String: Any]])
        #expect(timeline["sampleRate"] as? Int == 16000)
        #expect(abs((timeline["duration"] as? Double ?? 0) - audio.duration) < 0.0001)
        var end = 0
        for segment in segments {
            #expect(segment["startSample"] as? Int == end, "segments must be contiguous: \(segment)")
            end = segment["endSample"] as? Int ?? -1
        }
        #expect(end == audio.samples.count)
        let kinds = segments.map { $0["kind"] as? String ?? "" }
        #expect(kinds.filter { $0 == "audio" }.count == 1)
        let texts = segments.filter { $0["kind"] as? String == "speech" }.map { $0["text"] as? String ?? "" }
        #expect(texts.filter { $0.contains("Drücken") }.count == 2)
        #expect(texts.contains("Ich wiederhole"))
        let speech = try #require(segments.first { $0["kind"] as? String == "speech" })
        #expect(speech["voice"] as? String == "en-us-female")
        #expect((speech["location"] as? String)?.hasSuffix("t.ssml:2:6") == true)
        #expect((speech["settings"] as? [String: String])?["rate"] == "1")
        let breaks = segments.filter { $0["kind"] as? String == "pause" && $0["text"] as? String == "break" }
        #expect(breaks.compactMap { ($0["settings"] as? [String: String])?["seconds"] }.sorted() == ["0.3", "0.3", "0.4"])
    }

    @Test func eventsCarryTheirTimesAndSettings() throws {
        let (timeline, _, _, directory) = try render(document)
        defer { try? FileManager.default.removeItem(at: directory) }
        let events = try #require(timeline["events"] as? [[String: Any]])
        #expect(events.map { $0["kind"] as? String ?? "" } == ["mark", "loop", "loop", "dtmf"])
        let segments = try #require(timeline["segments"] as? [[String: Any]])
        // The mark sits where the German voice starts; loop pass 2 where "Ich wiederhole" starts.
        let german = try #require(segments.first { ($0["text"] as? String)?.hasPrefix("Drücken") == true })
        #expect(events[0]["sample"] as? Int == german["startSample"] as? Int)
        let repeatInfo = try #require(segments.first { $0["text"] as? String == "Ich wiederhole" })
        #expect(events[2]["sample"] as? Int == repeatInfo["startSample"] as? Int)
        #expect((events[3]["settings"] as? [String: String])?["wait"] == "5")
    }

    /// Every word's start in the timeline is within 60 ms of where its sound begins, wherever a word
    /// follows silence (so its onset is measurable).
    @Test func wordStartsMatchTheAudio() throws {
        let (timeline, audio, _, directory) = try render(document)
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = try #require(timeline["words"] as? [[String: Any]])
        let texts = words.map { $0["text"] as? String ?? "" }
        #expect(texts.prefix(2) == ["Welcome", "caller"])
        #expect(texts.contains("&") && texts.contains("Goodbye") && texts.contains("eins"))
        let window = Int(audio.sampleRate * 0.005)
        func loud(_ index: Int) -> Bool {
            let slice = audio.samples[max(0, index)..<min(index + window, audio.samples.count)]
            let energy = slice.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(slice.count, 1))
            return 10 * log10(energy + 1e-12) > -40
        }
        var checked = 0
        for word in words {
            let start = word["startSample"] as? Int ?? 0
            // Only words after at least 150 ms of quiet: their onset is unambiguous.
            let before = stride(from: start - Int(audio.sampleRate * 0.15), to: start - window, by: window)
            guard start > window, before.allSatisfy({ !loud($0) }) else { continue }
            let onset = try #require(stride(from: start - Int(audio.sampleRate * 0.1), to: start + Int(audio.sampleRate * 0.3), by: window).first(where: loud), "no sound after \(word)")
            #expect(abs(Double(onset - start) / audio.sampleRate) < 0.06, "\(word["text"] ?? ""): onset \(onset), timeline \(start)")
            checked += 1
        }
        #expect(checked >= 5, "only \(checked) words followed silence")
        for (word, next) in zip(words, words.dropFirst()) {
            #expect((word["start"] as? Double ?? 0) <= (word["end"] as? Double ?? 0))
            #expect((word["end"] as? Double ?? 0) <= (next["start"] as? Double ?? 0) + 1e-9)
        }
    }

    @Test func svgIsWellFormedAndDrawsEverySegment() throws {
        let (timeline, _, svg, directory) = try render(document)
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = try LibXMLParser().parse(svg, file: "t.svg", lineOffset: 0)
        #expect(root.name == "svg")
        let segments = (timeline["segments"] as? [Any])?.count ?? 0
        #expect(svg.components(separatedBy: "<rect x=").count - 1 == segments + 1)  // plus the waveform frame
        #expect(svg.contains(">Welcome<") && svg.contains("mark: menu") && svg.contains("<path d=\"M "))
    }

    @Test func badTimelineDestinationFailsBeforeRendering() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let wav = directory.appendingPathComponent("x.wav").path
        let result = try run(Repository.ssmlBinary, ["render", "-", "-o", wav, "--timeline", "/nonexistent/t.json"], stdin: Data("hello".utf8))
        #expect(result.status == 64)
        // The message names the option at fault, not -o.
        #expect(result.stderr.contains("error: --timeline: /nonexistent/t.json: the folder /nonexistent does not exist"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: wav))
        let svg = try run(Repository.ssmlBinary, ["render", "-", "-o", wav, "--timeline-svg", directory.path], stdin: Data("hello".utf8))
        #expect(svg.status == 64)
        #expect(svg.stderr.contains("error: --timeline-svg: \(directory.path) is a directory"), "\(svg.stderr)")
        #expect(!FileManager.default.fileExists(atPath: wav))
    }
}
