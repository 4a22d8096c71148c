import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// `ssml ncco`, run as a user would.
@Suite(.ownThread) struct NccoCommandTests {
    @Test func rendersTheSampleNCCOsAt8kMulaw() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("call.wav")
        let sample = Repository.root.appendingPathComponent("Samples/vonage-stream-chime.json")
        // Run from elsewhere: the relative streamUrl resolves against the NCCO's folder.
        let result = try run(Repository.ssmlBinary, ["ncco", sample.path, "-o", output.path, "--rate", "8000", "--encoding", "mulaw"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let header = try #require(WAVHeader(try Data(contentsOf: output)))
        #expect(header.formatTag == 7 && header.sampleRate == 8000 && header.channels == 1)
        let seconds = Double(header.dataBytes) / 8000
        #expect(seconds > 3 * 0.6 + 2 && seconds < 15, "duration \(seconds)")
    }

    @Test func badNCCOFailsWithPathAndPlaceAndLeavesNoFile() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = "[\n  {\"action\": \"talk\", \"text\": \"Hi\"},\n  {\"action\": \"stream\", \"streamUrl\": \"https://example.com/a.mp3\"}\n]\n"
        try json.write(to: directory.appendingPathComponent("call.json"), atomically: true, encoding: .utf8)
        let result = try run(Repository.ssmlBinary, ["ncco", "call.json", "-o", "call.wav"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr == "call.json:3:37: error: $[1].streamUrl must be an array holding one URL, not a string\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["call.json"])
    }

    @Test func notesReportCallControlUnlessQuiet() throws {
        let json = #"[{"action": "talk", "text": "Connecting you now."}, {"action": "connect", "endpoint": [{"type": "phone", "number": "447700900001"}]}]"#
        let loud = try run(Repository.ssmlBinary, ["ncco", "-", "-o", "/dev/null"], stdin: Data(json.utf8))
        #expect(loud.status == 0)
        #expect(loud.stderr.contains("<stdin>:1:53: note: $[1]: connect connects the call to another endpoint") && loud.stderr.contains("447700900001"), "\(loud.stderr)")
        let quiet = try run(Repository.ssmlBinary, ["ncco", "-", "-o", "/dev/null", "-q"], stdin: Data(json.utf8))
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    @Test func longNCCOsRenderInWorkerProcesses() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Enough speech (over RenderPartition.minimumCharacters) to give the second half to an `ssml ncco` worker,
        // which must plan the same NCCO (voices, the relative streamUrl) to render its part.
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Samples/chime.wav"), to: directory.appendingPathComponent("chime.wav"))
        let sentence = "This sentence is long enough to count towards the split of the plan between processes. "
        let talks = (0..<24).map { "{\"action\": \"talk\", \"text\": \"\(sentence)\(sentence)\", \"language\": \"en-GB\", \"style\": \($0 % 2 == 0 ? 0 : 4)}" }
        let json = "[" + talks.joined(separator: ",") + ", {\"action\": \"stream\", \"streamUrl\": [\"chime.wav\"]}]"
        #expect(json.count > RenderPartition.minimumCharacters)
        let result = try run(Repository.ssmlBinary, ["ncco", "-", "-o", "long.wav", "--rate", "8000"], stdin: Data(json.utf8), in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let source = try SndFileDecoder().open(directory.appendingPathComponent("long.wav"))
        let audio = AudioAnalysis(samples: try source.read(maxFrames: source.frameCount), sampleRate: 8000)
        #expect(audio.duration > 120, "duration \(audio.duration)")
        // The worker's half is there and audible, and the file ends with the chime.
        let lastQuarter = AudioAnalysis(samples: Array(audio.samples.suffix(audio.samples.count / 4)), sampleRate: 8000)
        #expect(lastQuarter.activeRMSDB() > -30)
    }
}
