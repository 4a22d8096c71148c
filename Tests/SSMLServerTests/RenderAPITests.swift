import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// `POST /render`: every way of sending an input and its options gives the bytes `ssml render` writes.
@Suite(.ownThread, .timeLimit(.minutes(10))) struct RenderAPITests {
    static let samples = Repository.root.appendingPathComponent("Samples")

    /// What `ssml render` / `ssml ncco` writes for `file` with `arguments`, and its timeline.
    static func cli(_ file: String, _ arguments: [String], format: String) throws -> (audio: Data, timeline: Data) {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out.\(format)"), timeline = directory.appendingPathComponent("t.json")
        let command = file.hasSuffix(".json") ? "ncco" : "render"
        let result = try run(
            Repository.ssmlBinary, [command, "Samples/\(file)", "-o", out.path, "--timeline", timeline.path, "-q"] + arguments, in: Repository.root,
            timeLimit: 120)
        #expect(result.status == 0, "\(result.stderr)")
        return (try Data(contentsOf: out), try Data(contentsOf: timeline))
    }

    @Test(arguments: ["seven-verification-code.ssml", "de-order-status.ssml", "audio-between-sentences.ssml", "vonage-stream-chime.json", "vonage-talk-ssml.json"])
    func aRawBodyAnswersWithTheBytesOfSsmlRender(_ name: String) async throws {
        let server = try await SharedServers.shared.samples()
        let text = try Data(contentsOf: Self.samples.appendingPathComponent(name))
        let contentType = name.hasSuffix(".json") ? "application/json" : "application/ssml+xml"
        for (query, arguments, format) in [
            ("", [String](), "wav"), ("?rate=8000&encoding=mulaw", ["--rate", "8000", "--encoding", "mulaw"], "wav"),
            ("?format=mp3&bitrate=32", ["--bitrate", "32"], "mp3"),
        ] {
            let expected = try Self.cli(name, arguments, format: format)
            let response = try await server.request("POST", "/render" + query, headers: [("Content-Type", contentType)], body: text)
            #expect(response.status == 200, "\(response.text)")
            #expect(response.body == expected.audio, "\(name) \(query): \(response.body.count) bytes, ssml render wrote \(expected.audio.count)")
            #expect(response.headers["content-type"] == (format == "mp3" ? "audio/mpeg" : "audio/wav"))
            // The timeline of the same render, named as the command line names the file, is the same document.
            var fields: [String: Any] = ["input": String(decoding: text, as: UTF8.self), "name": "Samples/\(name)", "timeline": true]
            if !arguments.isEmpty { fields["rate"] = 8000 }
            if format == "mp3" {
                fields = fields.filter { $0.key != "rate" }
                fields["format"] = "mp3"
                fields["bitrate"] = 32
            } else if !arguments.isEmpty {
                fields["encoding"] = "mulaw"
            }
            let json = try await server.render(fields)
            #expect(json.status == 200, "\(json.text)")
            #expect(Data(base64Encoded: json.json["audio"] as? String ?? "") == expected.audio)
            let timeline = try JSONSerialization.data(withJSONObject: json.json["timeline"] ?? [:], options: [.sortedKeys])
            let cliTimeline = try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: expected.timeline), options: [.sortedKeys])
            #expect(timeline == cliTimeline, "\(name) \(query): the timeline differs from ssml render --timeline")
        }
    }

    @Test func theJSONAnswerCarriesTheAudioTheTimelineAndItsDrawing() async throws {
        let server = try await SharedServers.shared.standard()
        let response = try await server.render(["input": "Hello there. <break time=\"400ms\"/> Goodbye.", "voice": "en-gb-male", "timeline": true, "timelineSVG": true])
        #expect(response.status == 200, "\(response.text)")
        #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
        let body = response.json
        let audio = try #require(Data(base64Encoded: body["audio"] as? String ?? ""))
        let header = try #require(WAVHeader(audio))
        #expect(header.sampleRate == 16000 && header.channels == 1 && header.bitsPerSample == 16)
        let samples = try #require(body["samples"] as? Int)
        #expect(header.dataBytes == samples * 2)
        let duration = try #require(body["duration"] as? Double)
        #expect(abs(duration - Double(samples) / 16000) < 1e-6)
        // Two words, a 400 ms pause, one word: at least 1.2 s, and the pause is in the timeline.
        #expect(duration > 1.2 && duration < 4)
        let timeline = try #require(body["timeline"] as? [String: Any])
        let words = (timeline["words"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(words == ["Hello", "there", "Goodbye"])
        let pauses = (timeline["segments"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "pause" }
        #expect(pauses.contains { abs(($0["end"] as? Double ?? 0) - ($0["start"] as? Double ?? 0) - 0.4) < 0.001 })
        let svg = try #require(body["timelineSVG"] as? String)
        #expect(svg.hasPrefix("<svg") && svg.contains("Goodbye"))
        #expect(response.headers["x-audio-duration"].flatMap(Double.init).map { abs($0 - duration) < 0.001 } == true)
        #expect(response.headers["server-timing"]?.contains("render;dur=") == true)
        // The audio is speech: loud enough, not clipped.
        let pcm = audio.suffix(header.dataBytes).withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        let rms = sqrt(pcm.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(pcm.count)) / 32768
        #expect(20 * log10(rms) > -35 && pcm.allSatisfy { $0 != Int16.min })
    }

    @Test func acceptJSONAloneGivesTheAudioInJSONWithoutATimeline() async throws {
        let server = try await SharedServers.shared.standard()
        let response = try await server.request("POST", "/render", headers: [("Content-Type", "text/plain"), ("Accept", "application/json")], body: Data("Tom & Jerry".utf8))
        #expect(response.status == 200, "\(response.text)")
        #expect(response.json["timeline"] == nil && response.json["timelineSVG"] == nil)
        let audio = try #require(Data(base64Encoded: response.json["audio"] as? String ?? ""))
        #expect(WAVHeader(audio) != nil)
        // Plain text keeps its & as a word, as ssml render reads it.
        let plain = try await server.request("POST", "/render", headers: [("Content-Type", "text/plain")], body: Data("Tom & Jerry".utf8))
        #expect(plain.body == audio)
    }

    @Test func anNCCOInEveryFormGivesTheSameAudio() async throws {
        let server = try await SharedServers.shared.standard()
        let ncco = #"[{"action": "talk", "text": "Thanks for calling.", "language": "en-GB"}, {"action": "talk", "text": "Goodbye."}]"#
        let raw = try await server.request("POST", "/render", headers: [("Content-Type", "application/json")], body: Data(ncco.utf8))
        #expect(raw.status == 200, "\(raw.text)")
        #expect(WAVHeader(raw.body) != nil && raw.body.count > 20000)
        let embedded = try await server.request(
            "POST", "/render", headers: [("Content-Type", "application/json")], body: Data(#"{"input": \#(ncco)}"#.utf8))
        #expect(embedded.body == raw.body, "\(embedded.text)")
        let asString = try await server.render(["input": ncco, "kind": "ncco"])
        #expect(asString.body == raw.body)
        let detected = try await server.render(["input": ncco])
        #expect(detected.body == raw.body)
    }

    @Test func anNCCOErrorInsideTheBodyNamesTheBodysLine() async throws {
        let server = try await SharedServers.shared.standard()
        let body = "{\n  \"rate\": 8000,\n  \"input\": [\n    {\"action\": \"talk\", \"text\": \"Hi\", \"level\": 2}\n  ]\n}\n"
        let response = try await server.request("POST", "/render", headers: [("Content-Type", "application/json")], body: Data(body.utf8))
        #expect(response.status == 400)
        #expect(response.error("field") as? String == "input")
        #expect(response.error("line") as? Int == 4)
        #expect((response.error("message") as? String)?.contains("$[0].level") == true)
    }

    @Test func everyFormatHasItsMediaType() async throws {
        let server = try await SharedServers.shared.standard()
        let text = Data("One two three.".utf8)
        func post(_ query: String) async throws -> HTTPTestClient.Response {
            let response = try await server.request("POST", "/render" + query, headers: [("Content-Type", "text/plain")], body: text)
            #expect(response.status == 200, "\(query): \(response.text)")
            return response
        }
        let wav = try await post("")
        let samples = try #require(WAVHeader(wav.body)).dataBytes / 2
        #expect(try await post("?format=mp3").headers["content-type"] == "audio/mpeg")
        let flac = try await post("?format=flac")
        #expect(flac.headers["content-type"] == "audio/flac" && flac.body.starts(with: Data("fLaC".utf8)))
        let ogg = try await post("?format=ogg")
        #expect(ogg.headers["content-type"] == "audio/ogg" && ogg.body.starts(with: Data("OggS".utf8)))
        let raw = try await post("?format=raw")
        #expect(raw.headers["content-type"] == "audio/l16;rate=16000")
        #expect(raw.body.count == samples * 2)
        let mulaw = try await post("?format=raw&rate=8000&encoding=mulaw")
        #expect(mulaw.headers["content-type"] == "audio/PCMU;rate=8000")
        // 20 ms frames: a whole number of 160-byte mu-law frames.
        let frames = try await post("?frames=true&rate=8000&encoding=mulaw")
        #expect(frames.body.count % 160 == 0 && frames.body.count >= mulaw.body.count && frames.body.count - mulaw.body.count < 160)
        #expect(frames.headers["content-disposition"] == "inline; filename=\"input.raw\"")
        let preset = try await post("?preset=vonage-mp3&name=menu.ssml")
        #expect(preset.headers["content-type"] == "audio/mpeg" && preset.headers["content-disposition"] == "inline; filename=\"menu.mp3\"")
    }

    @Test func loudnessIsAppliedAndReportedAsANote() async throws {
        let server = try await SharedServers.shared.standard()
        let response = try await server.request(
            "POST", "/render", headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
            body: HTTPTestClient.json(["input": "This sentence is normalised to a loudness target.", "loudness": -19]))
        #expect(response.status == 200, "\(response.text)")
        let notes = response.json["notes"] as? [String] ?? []
        #expect(notes.contains { $0.contains("-> -19.0 LUFS") })
    }

    @Test func warningsComeBackWithTheirLines() async throws {
        let server = try await SharedServers.shared.standard()
        let response = try await server.render(["input": "<speak>\n  Hello <shout>there</shout>.\n</speak>", "timeline": true])
        #expect(response.status == 200)
        let diagnostics = response.json["diagnostics"] as? [[String: Any]] ?? []
        #expect(diagnostics.contains { $0["severity"] as? String == "warning" && $0["line"] as? Int == 2 })
        #expect(response.headers["x-ssml-warnings"] == "1")
        let strict = try await server.render(["input": "<speak>\n  Hello <shout>there</shout>.\n</speak>", "strict": true])
        #expect(strict.status == 400 && strict.error("line") as? Int == 2 && strict.error("field") as? String == "input")
    }
}
