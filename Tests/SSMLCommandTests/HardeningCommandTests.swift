import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// Input limits, encodings, empty inputs and reproducible Ogg, run as a user would.
@Suite(.ownThread) struct HardeningCommandTests {
    /// Runs a shell pipeline (for inputs larger than a test should hold in memory).
    func shell(_ script: String, in directory: URL) throws -> ProcessResult {
        try run(URL(fileURLWithPath: "/bin/sh"), ["-c", script], in: directory)
    }

    @Test(arguments: ["text -", "render - -o out.wav", "ncco - -o out.wav", "lint - --dialect w3c"])
    func standardInputStopsAtTheLimit(command: String) throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 3 GB of zeros: the command stops reading at 8 MiB and names the limit (it used to read it all).
        let result = try shell("head -c 3000000000 /dev/zero | '\(Repository.ssmlBinary.path)' \(command); echo \"status $?\" >&2", in: directory)
        let output = result.stderr + String(decoding: result.stdout, as: UTF8.self)
        #expect(output.contains("the input is limited to 8 MiB (8388608 bytes)"), "\(output)")
        #expect(!result.stderr.contains("status 0"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out.wav").path))
    }

    @Test func aLargeFileIsRefusedByItsSizeInEveryCommand() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let big = directory.appendingPathComponent("big.ssml")
        FileManager.default.createFile(atPath: big.path, contents: nil)
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 9 * 1024 * 1024)
        try handle.close()
        for arguments in [["text", "big.ssml"], ["render", "big.ssml", "-o", "o.wav"], ["lint", "big.ssml", "--dialect", "seven"]] {
            let result = try run(Repository.ssmlBinary, arguments, in: directory)
            #expect(result.status == 1)
            let output = result.stderr + String(decoding: result.stdout, as: UTF8.self)
            #expect(output.contains("big.ssml:1:1: error: the input is limited to 8 MiB (8388608 bytes); big.ssml is 9 MiB (9437184 bytes)"), "\(output)")
        }
    }

    @Test func aDirectoryIsNotAnInput() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("prompts"), withIntermediateDirectories: true)
        for arguments in [["text", "prompts"], ["render", "prompts", "-o", "o.wav"], ["ncco", "prompts", "-o", "o.wav"], ["lint", "prompts", "--dialect", "seven"]] {
            let result = try run(Repository.ssmlBinary, arguments, in: directory)
            let output = result.stderr + String(decoding: result.stdout, as: UTF8.self)
            #expect(result.status == 1)
            #expect(output.contains("prompts:1:1: error: cannot read prompts: it is a directory"), "\(output)")
            #expect(!output.contains("NSCocoaErrorDomain"))
        }
    }

    @Test func nothingToSayIsAnErrorUnlessAllowed() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (input, command, place) in [
            ("", "render", "<stdin>:1:1"), ("<speak>  <!-- nothing --> </speak>", "render", "<stdin>:1:1"),
            ("<speak>\n<mark name=\"a\"/></speak>", "render", "<stdin>:1:1"), ("[{\"action\": \"conversation\", \"name\": \"room\"}]", "ncco", "<stdin>:1:1"),
        ] {
            let refused = try run(Repository.ssmlBinary, [command, "-", "-o", "out.wav"], stdin: Data(input.utf8), in: directory)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("\(place): error: "), "\(refused.stderr)")
            #expect(refused.stderr.contains("nothing to say") && refused.stderr.contains("--allow-empty"), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out.wav").path))
            let allowed = try run(Repository.ssmlBinary, [command, "-", "-o", "out.wav", "--allow-empty"], stdin: Data(input.utf8), in: directory)
            #expect(allowed.status == 0, "\(allowed.stderr)")
            let wav = try Data(contentsOf: directory.appendingPathComponent("out.wav"))
            #expect(try #require(WAVHeader(wav)).dataBytes == 0)
            try FileManager.default.removeItem(at: directory.appendingPathComponent("out.wav"))
        }
        // A document of silence on purpose is not empty.
        let silence = try run(Repository.ssmlBinary, ["render", "-", "-o", "s.wav"], stdin: Data("<speak><break time=\"500ms\"/></speak>".utf8), in: directory)
        #expect(silence.status == 0, "\(silence.stderr)")
    }

    @Test func latin1AndUTF16FilesAreReadAsDeclared() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let latin1 = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<speak>Caf".utf8) + [0xE9] + Array(" <break time=\"9q\"/></speak>".utf8)
        try Data(latin1).write(to: directory.appendingPathComponent("l.ssml"))
        let result = try run(Repository.ssmlBinary, ["text", "l.ssml"], in: directory)
        // The column counts the decoded é as one character.
        #expect(result.stderr.hasPrefix("l.ssml:2:20: error: break time \"9q\""), "\(result.stderr)")
        let ok = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<speak>Caf".utf8) + [0xE9] + Array("</speak>".utf8)
        let text = try run(Repository.ssmlBinary, ["text", "-"], stdin: Data(ok))
        #expect(String(decoding: text.stdout, as: UTF8.self).contains("text:   Café"), "\(text.stderr)")
        // lint --fix writes the file back in its own encoding.
        let fixable = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<speak>Caf".utf8) + [0xE9] + Array(" & cr".utf8) + [0xE8] + Array("me</speak>".utf8)
        try Data(fixable).write(to: directory.appendingPathComponent("f.ssml"))
        _ = try run(Repository.ssmlBinary, ["lint", "f.ssml", "--dialect", "w3c", "--fix"], in: directory)
        let fixed = try [UInt8](Data(contentsOf: directory.appendingPathComponent("f.ssml")))
        let fixedText = String(decoding: fixed.map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        #expect(fixedText.contains("Caf? &amp; cr?me"), "\(fixedText)")
        #expect(fixed.contains(0xE9) && fixed.contains(0xE8) && !fixed.contains(0xC3), "still ISO-8859-1")
    }

    @Test func oggOutputIsByteIdenticalRunToRun() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let document = Data("<speak>The same words, twice. <break time=\"300ms\"/> Again.</speak>".utf8)
        var outputs: [Data] = []
        for name in ["a.ogg", "b.ogg"] {
            let result = try run(Repository.ssmlBinary, ["render", "-", "-o", name], stdin: document, in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(try Data(contentsOf: directory.appendingPathComponent(name)))
            usleep(20_000)  // libsndfile's serial came from the clock
        }
        #expect(outputs[0] == outputs[1])
        // Still a valid Ogg Vorbis file (libogg checks every page's CRC) with the render's duration.
        #expect(try run(Repository.ssmlBinary, ["render", "-", "-o", "c.wav"], stdin: document, in: directory).status == 0)
        let ogg = try AudioFileInspector.inspect(directory.appendingPathComponent("a.ogg"))
        let wav = try AudioFileInspector.inspect(directory.appendingPathComponent("c.wav"))
        #expect(ogg.container == .ogg)
        #expect(abs(ogg.durationSeconds - wav.durationSeconds) < 0.05, "\(ogg.durationSeconds) vs \(wav.durationSeconds)")
        let decoded = try AudioFileReader(url: directory.appendingPathComponent("a.ogg"))
        var frames = 0
        while true {
            let block = try decoded.read(maxFrames: 4096)
            if block.isEmpty { break }
            frames += block.count
        }
        #expect(abs(Double(frames) / Double(decoded.sampleRate) - wav.durationSeconds) < 0.05)
    }
}
