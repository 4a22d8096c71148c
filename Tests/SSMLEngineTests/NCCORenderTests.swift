import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// NCCOs rendered with the real engines and measured.
@Suite(.ownThread) struct NCCORenderTests {
    static let styles: VonageStyles = {
        do { return try Repository.vonageStyles() } catch { fatalError("\(error)") }
    }()

    func render(_ json: String, directory: URL) throws -> (AudioAnalysis, RenderReport) {
        let plan = try Measure.engine.planNCCO(json, file: "call.json", baseDirectory: directory, log: DiagnosticLog())
        let sink = MemorySink()
        let report = try Measure.engine.render(plan, sampleRate: 16000, into: sink)
        return (AudioAnalysis(samples: sink.samples, sampleRate: 16000), report)
    }

    func toneDirectory() throws -> URL {
        let directory = try Repository.scratchDirectory()
        try AudioClipTests.writeTone(directory.appendingPathComponent("tone.wav"), format: .wav, rate: 16000, channels: 1)
        return directory
    }

    @Test(arguments: [0.0, 0.5, -0.5, -0.9])
    func streamLevelScalesTheClip(level: Double) throws {
        let directory = try toneDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (audio, _) = try render("[{\"action\": \"stream\", \"streamUrl\": [\"tone.wav\"], \"level\": \(level)}]", directory: directory)
        // The tone is 0.5 peak: -9.03 dBFS RMS before the level.
        let expected = 20 * log10(0.5 / 2.0.squareRoot()) + 20 * log10(1 + level)
        #expect(abs(audio.rmsDB - expected) < 0.2, "level \(level): \(audio.rmsDB) dB, expected \(expected)")
    }

    @Test func talkLevelChangesTheSpeechLevel() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The same speech twice (lengths may differ by a few ms of tail), so the whole-signal RMS compares like with like.
        let normal = try render(#"[{"action": "talk", "text": "The quick brown fox jumps over the lazy dog."}]"#, directory: directory).0
        let quiet = try render(#"[{"action": "talk", "text": "The quick brown fox jumps over the lazy dog.", "level": -0.5}]"#, directory: directory).0
        #expect(abs((normal.rmsDB - quiet.rmsDB) - 6.02) < 0.3, "normal \(normal.rmsDB) dB, level -0.5 \(quiet.rmsDB) dB")
    }

    @Test func loopsRepeatTheClipAndInputWaitsInSilence() throws {
        let directory = try toneDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (audio, report) = try render(
            #"[{"action": "stream", "streamUrl": ["tone.wav"], "loop": 3}, {"action": "input", "type": ["dtmf"], "dtmf": {"timeOut": 2}}, {"action": "stream", "streamUrl": ["tone.wav"]}]"#,
            directory: directory)
        #expect(report.entries.filter { $0.kind == .audio }.count == 4)
        #expect(report.entries.contains { $0.kind == .callControl && $0.detail == "input" })
        #expect(abs(audio.duration - (4 * 0.6 + 2)) < 0.01, "duration \(audio.duration)")
        #expect(abs(audio.longestInnerSilence() - 2) < 0.05, "gap \(audio.longestInnerSilence())")
    }

    @Test func voicesFollowLanguageAndStyle() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, report) = try render(
            #"[{"action": "talk", "text": "Guten Tag", "language": "de-DE", "style": 0}, {"action": "talk", "text": "Guten Tag", "language": "de-DE", "style": 3}]"#,
            directory: directory)
        #expect(report.entries.filter { $0.kind == .speech }.compactMap(\.voice) == ["de-de-female", "de-de-male"])
    }
}
