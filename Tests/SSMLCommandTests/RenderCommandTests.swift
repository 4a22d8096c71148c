import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing
@testable import SSMLCore

/// The `ssml` binary, run as a user would.
@Suite(.ownThread) struct RenderCommandTests {
    let document = """
        <speak>
          <voice name="de-de-female" loop="2" loop-info="Ich wiederhole">Ihr Code lautet <say-as interpret-as="characters">a7x9</say-as>.</voice>
          <break time="500ms"/>
          <prosody rate="slow" pitch="+10%">Thank you.</prosody>
        </speak>
        """

    func write(_ text: String, _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test(arguments: [(8000, "pcm16", 1, 16), (8000, "mulaw", 7, 8), (8000, "alaw", 6, 8), (16000, "pcm16", 1, 16), (48000, "pcm16", 1, 16)])
    func writesTelephonyWAV(rate: Int, encoding: String, formatTag: Int, bits: Int) throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = try write(document, "p.ssml", in: directory)
        let output = directory.appendingPathComponent("p.wav")
        let result = try run(Repository.ssmlBinary, ["render", input.path, "-o", output.path, "--rate", "\(rate)", "--encoding", encoding])
        #expect(result.status == 0, "\(result.stderr)")
        let data = try Data(contentsOf: output)
        let header = try #require(WAVHeader(data))
        #expect(header.formatTag == formatTag && header.channels == 1 && header.sampleRate == rate && header.bitsPerSample == bits)
        let seconds = Double(header.dataBytes) / Double(rate * bits / 8)
        #expect(seconds > 4 && seconds < 15, "duration \(seconds)")
        // Decoded back with libsndfile: audible, not clipped.
        let source = try SndFileDecoder().open(output)
        let audio = AudioAnalysis(samples: try source.read(maxFrames: source.frameCount), sampleRate: Double(rate))
        #expect(audio.activeRMSDB() > -30 && audio.peak < 0.99)
    }

    @Test func sameInputGivesTheSameBytes() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = try write(document.replacingOccurrences(of: "de-de-female", with: "en-us-child"), "p.ssml", in: directory)
        var outputs: [Data] = []
        for index in 0..<3 {
            let output = directory.appendingPathComponent("p\(index).wav")
            let result = try run(Repository.ssmlBinary, ["render", input.path, "-o", output.path, "--rate", "8000", "--encoding", "mulaw"])
            #expect(result.status == 0)
            outputs.append(try Data(contentsOf: output))
        }
        #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2])
    }

    @Test func errorNamesThePlaceAndLeavesTheOldFile() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = try write("<speak>\n  <prosody rate=\"warp9\">x</prosody>\n</speak>", "prompt.ssml", in: directory)
        let output = directory.appendingPathComponent("prompt.wav")
        try Data("keep me".utf8).write(to: output)
        let result = try run(Repository.ssmlBinary, ["render", "prompt.ssml", "-o", "prompt.wav"], in: directory)
        #expect(result.status != 0)
        #expect(result.stderr == "prompt.ssml:2:12: error: prosody rate \"warp9\" is not a rate (use x-slow, slow, medium, fast, x-fast, N%, +N%, -N% or a multiplier like 1.2)\n")
        #expect(try Data(contentsOf: output) == Data("keep me".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["prompt.ssml", "prompt.wav"])
        _ = input
    }

    @Test func failureDuringRenderLeavesNoFile() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Valid to plan, but the output passes the 4-hour cap while rendering: 50 loops of 50 loops of 60 s breaks.
        let inner = "<voice name=\"en-us-male\" loop=\"50\"><break time=\"60s\"/></voice>"
        let text = "<speak><voice name=\"en-us-male\" loop=\"50\">\(inner)</voice></speak>"
        let result = try run(Repository.ssmlBinary, ["render", "-", "-o", "out.wav", "--rate", "8000"], stdin: Data(text.utf8), in: directory)
        #expect(result.status != 0)
        #expect(result.stderr.contains("limit"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func entityBombIsRefusedBeforeParsing() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE s [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<speak>&b;</speak>"
        // Refused at the first entity declaration, before anything could expand it (the message says so).
        let result = try run(Repository.ssmlBinary, ["render", "-", "-o", "x.wav"], stdin: Data(bomb.utf8), in: directory)
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("<stdin>:2:14: error: entity declarations are refused"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.wav").path))
    }

    @Test func stdinAndStdout() throws {
        let result = try run(Repository.ssmlBinary, ["render", "-", "-o", "-", "--rate", "8000", "--encoding", "alaw"], stdin: Data("Tom & Jerry: if a<b then call us.".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let header = try #require(WAVHeader(result.stdout))
        #expect(header.formatTag == 6 && header.sampleRate == 8000)
        #expect(Double(header.dataBytes) / 8000 > 1.5)
    }

    @Test func warningsCarryLocationsAndStrictFails() throws {
        let text = "Hello <shout>there</shout>"
        let lenient = try run(Repository.ssmlBinary, ["render", "-", "-o", "-"], stdin: Data(text.utf8))
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("<stdin>:1:7: warning: unknown element <shout>"))
        let strict = try run(Repository.ssmlBinary, ["render", "-", "-o", "-", "--strict"], stdin: Data(text.utf8))
        #expect(strict.status != 0 && strict.stdout.isEmpty)
        #expect(strict.stderr.contains("<stdin>:1:7: error: unknown element <shout>"))
    }

    @Test(arguments: [["--rate", "12345"], ["--encoding", "mulaw", "--rate", "16000"], ["--encoding", "opus"], ["--voice", "de-de-femal"]])
    func badOptionsAreUsageErrors(options: [String]) throws {
        let result = try run(Repository.ssmlBinary, ["render", "-", "-o", "-"] + options, stdin: Data("hi".utf8))
        #expect(result.status != 0)
        // Ours say "error:", the argument parser's (a value not among an option's choices) "Error:".
        #expect(result.stderr.lowercased().hasPrefix("error: "), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func callControlIsReportedOnStderr() throws {
        let text = "<speak><dtmf digits=\"[1-3]\" max=\"1\">Press 1 or 2</dtmf><bridge number=\"+4930123\"/></speak>"
        let result = try run(Repository.ssmlBinary, ["render", "-", "-o", "-"], stdin: Data(text.utf8))
        #expect(result.status == 0)
        #expect(result.stderr.contains("<stdin>:1:8: note: <dtmf>"))
        #expect(result.stderr.contains("<stdin>:1:56: note: <bridge> transfers a live call to +4930123"))
    }
}

@Suite(.ownThread) struct OutputTargetTests {
    @Test func devicesAreWrittenNotReplaced() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("pipe")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let reader = Thread {
            _ = FileHandle(forReadingAtPath: fifo.path)?.readDataToEndOfFile()
        }
        reader.start()
        let result = try run(Repository.ssmlBinary, ["render", "-", "-o", fifo.path], stdin: Data("hello".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        var status = stat()
        #expect(stat(fifo.path, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO, "the FIFO must still be a FIFO")
    }

    @Test func symlinkTargetIsReplacedNotTheLink() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("real.wav")
        try Data("old".utf8).write(to: target)
        let link = directory.appendingPathComponent("link.wav")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let result = try run(Repository.ssmlBinary, ["render", "-", "-o", link.path], stdin: Data("hello".utf8))
        #expect(result.status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == target.path)
        #expect(WAVHeader(try Data(contentsOf: target)) != nil)
    }

    @Test func missingFolderIsAnErrorBeforeRendering() throws {
        let result = try run(Repository.ssmlBinary, ["render", "-", "-o", "/nonexistent-folder/x.wav"], stdin: Data("hello".utf8))
        #expect(result.status != 0)
        #expect(result.stderr.contains("does not exist"))
    }
}

@Suite(.ownThread) struct InputEncodingTests {
    @Test func nonUTF8InputNamesTheFirstBadByte() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("latin1.ssml")
        try Data("<speak>\nGr".utf8 + [0xFC, 0xDF] + Data("e</speak>".utf8)).write(to: input)
        let result = try run(Repository.ssmlBinary, ["render", input.path, "-o", directory.appendingPathComponent("x.wav").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("latin1.ssml:2:3: error:") && result.stderr.contains("0xFC"), "\(result.stderr)")
    }
}

@Suite(.ownThread) struct ParallelRenderTests {
    /// A document long enough to be split between two processes.
    static let long = "<speak>" + (0..<60).map { "<p>Paragraph \($0) of a long prompt, read aloud so that the plan has plenty of speech in it.</p>" }.joined() + "</speak>"

    @Test func longPlansSplitIntoTwoBalancedParts() throws {
        let plan = try Planner().plan(Self.long)
        let parts = RenderPartition.split(plan)
        #expect(parts.count == 2)
        #expect(parts.first?.lowerBound == 0 && parts.last?.upperBound == plan.count && parts[0].upperBound == parts[1].lowerBound)
        #expect(try RenderPartition.split(Planner().plan("<speak>short</speak>")).count == 1)
    }

    @Test func splitRenderIsReproducibleAndSeamless() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("long.ssml")
        try Self.long.write(to: input, atomically: true, encoding: .utf8)
        var outputs: [Data] = []
        for name in ["a.wav", "b.wav"] {
            let result = try run(Repository.ssmlBinary, ["render", input.path, "-o", directory.appendingPathComponent(name).path, "--rate", "8000", "--timeline", directory.appendingPathComponent(name + ".json").path])
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(try Data(contentsOf: directory.appendingPathComponent(name)))
        }
        #expect(outputs[0] == outputs[1])
        // Both parts are in the file: about 60 paragraphs of speech with 0.6 s between them.
        let source = try SndFileDecoder().open(directory.appendingPathComponent("a.wav"))
        let audio = AudioAnalysis(samples: try source.read(maxFrames: source.frameCount), sampleRate: 8000)
        #expect(audio.duration > 60 * 3)
        let gaps = audio.silences(thresholdDB: -50, minimum: 0.4)
        #expect(gaps.count >= 58, "\(gaps.count) paragraph pauses")
        // The worker's part of the timeline is merged in, shifted to where its audio starts.
        let timeline = try JSONDecoder().decode(Timeline.self, from: Data(contentsOf: directory.appendingPathComponent("a.wav.json")))
        #expect(timeline.samples == audio.samples.count)
        #expect(timeline.segments.filter { $0.kind == "speech" }.count == 60)
        #expect(zip(timeline.segments, timeline.segments.dropFirst()).allSatisfy { $0.endSample == $1.startSample })
        #expect(timeline.segments.last?.endSample == audio.samples.count)
        #expect(timeline.words.last.map { $0.text == "it" && $0.end <= timeline.duration } == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["a.wav", "a.wav.json", "b.wav", "b.wav.json", "long.ssml"])
    }
}

@Suite(.ownThread) struct RateIndependenceTests {
    @Test func timingIsTheSameAtEveryOutputRate() throws {
        let text = "<speak>One two three.<break time=\"1s\"/>Four five six.<break time=\"1s\"/>Seven.</speak>"
        var durations: [Double] = []
        for rate in [8000, 16000, 48000] {
            let result = try run(Repository.ssmlBinary, ["render", "-", "-o", "-", "--rate", "\(rate)"], stdin: Data(text.utf8))
            let header = try #require(WAVHeader(result.stdout))
            durations.append(Double(header.dataBytes / 2) / Double(rate))
        }
        #expect(durations.max()! - durations.min()! < 0.003, "durations \(durations)")
    }
}

/// What a rewrite keeps of the file it replaces: mode, read-only protection, and the other names of a hard link.
@Suite(.ownThread) struct OutputPermissionTests {
    func mode(_ url: URL) -> mode_t {
        var status = stat()
        return stat(url.path, &status) == 0 ? status.st_mode & 0o7777 : 0
    }

    @Test func aPrivateFileStaysPrivate() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("p.wav")
        try Data("old".utf8).write(to: output)
        #expect(chmod(output.path, 0o600) == 0)
        let result = try run(Repository.ssmlBinary, ["render", "-", "-o", output.path], stdin: Data("hello".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(mode(output) == 0o600)
        #expect(try Data(contentsOf: output).count > 1000)
    }

    @Test func aReadOnlyFileIsRefusedUnlessForcedEvenForRoot() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("r.wav")
        try Data("old".utf8).write(to: output)
        #expect(chmod(output.path, 0o444) == 0)
        let refused = try run(Repository.ssmlBinary, ["render", "-", "-o", output.path], stdin: Data("hello".utf8))
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("read-only") && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try Data(contentsOf: output) == Data("old".utf8))
        let forced = try run(Repository.ssmlBinary, ["render", "-", "-o", output.path, "--force"], stdin: Data("hello".utf8))
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(mode(output) == 0o444)
        #expect(try Data(contentsOf: output).count > 1000)
    }

    @Test func aHardLinkKeepsTheOldContent() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("h.wav"), other = directory.appendingPathComponent("other.wav")
        try Data("old".utf8).write(to: output)
        #expect(link(output.path, other.path) == 0)
        let result = try run(Repository.ssmlBinary, ["render", "-", "-o", output.path], stdin: Data("hello".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Data(contentsOf: other) == Data("old".utf8))
        #expect(try Data(contentsOf: output).count > 1000)
    }
}
