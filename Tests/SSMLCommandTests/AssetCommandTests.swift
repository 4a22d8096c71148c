import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// `ssml render` asset options, `ssml info` and `ssml check-asset`, run as a user would.
@Suite(.ownThread) struct AssetCommandTests {
    let text = "<speak>Your code is <say-as interpret-as=\"characters\">42</say-as>.</speak>"

    func render(_ arguments: [String], in directory: URL) throws -> ProcessResult {
        try run(Repository.ssmlBinary, ["render", "-"] + arguments, stdin: Data(text.utf8), in: directory)
    }

    @Test func rawIsTheWAVDataWithoutHeader() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (rate, encoding, bytesPerSample) in [(16000, "pcm16", 2), (8000, "pcm16", 2), (8000, "mulaw", 1)] {
            #expect(try render(["-o", "a.wav", "--rate", "\(rate)", "--encoding", encoding], in: directory).status == 0)
            #expect(try render(["-o", "a.raw", "--rate", "\(rate)", "--encoding", encoding], in: directory).status == 0)
            let wav = try Data(contentsOf: directory.appendingPathComponent("a.wav"))
            let raw = try Data(contentsOf: directory.appendingPathComponent("a.raw"))
            let header = try #require(WAVHeader(wav))
            #expect(raw.count == header.dataBytes && raw.count % bytesPerSample == 0)
            let dataChunk = try #require(wav.range(of: Data("data".utf8)))
            let payload = wav[dataChunk.upperBound + 4..<dataChunk.upperBound + 4 + header.dataBytes]
            #expect(payload == raw, "raw holds exactly the WAV's samples (\(rate) \(encoding))")
            let samples = raw.count / bytesPerSample
            #expect(abs(Double(samples) / Double(rate) - 1.6) < 1.2, "\(samples) samples")
        }
    }

    @Test(arguments: [("a.flac", "flac", AudioFileProperties.Container.flac), ("a.ogg", "ogg", .ogg), ("a.mp3", "mp3", .mp3), ("a.bin", "flac", .flac)])
    func formatFromExtensionOrOption(name: String, format: String, container: AudioFileProperties.Container) throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = name == "a.bin" ? ["-o", name, "--format", format] : ["-o", name]
        let result = try render(arguments, in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let file = try AudioFileInspector.inspect(directory.appendingPathComponent(name))
        #expect(file.container == container && file.sampleRate == 16000 && file.channels == 1)
        #expect(file.durationSeconds > 0.5 && file.durationSeconds < 3)
        #expect(try #require(file.integratedLUFS) > -35)
    }

    @Test(arguments: [(8000, "pcm16", 320), (16000, "pcm16", 640), (8000, "mulaw", 160)])
    func framesDirectoryHasExactFrames(rate: Int, encoding: String, bytes: Int) throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try render(["-o", "ref.raw", "--rate", "\(rate)", "--encoding", encoding], in: directory).status == 0)
        let reference = try Data(contentsOf: directory.appendingPathComponent("ref.raw"))
        let result = try render(["-o", "frames", "--frames", "--rate", "\(rate)", "--encoding", encoding], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("frames").path).sorted()
        let expectedCount = (reference.count + bytes - 1) / bytes
        #expect(names.count == expectedCount && names.first == "frame-000001.raw")
        var joined = Data()
        for name in names {
            let frame = try Data(contentsOf: directory.appendingPathComponent("frames/\(name)"))
            #expect(frame.count == bytes, "\(name) has \(frame.count) bytes")
            joined += frame
        }
        // The frames are the plain raw stream, then silence in the encoding's own zero.
        #expect(joined.prefix(reference.count) == reference)
        let silence: UInt8 = encoding == "mulaw" ? 0xFF : 0
        #expect(joined.dropFirst(reference.count).allSatisfy { $0 == silence })
        let padding = (joined.count - reference.count) / (encoding == "pcm16" ? 2 : 1)
        #expect(result.stderr.contains("\(expectedCount) frames of \(bytes) bytes"), "\(result.stderr)")
        #expect(padding == 0 || result.stderr.contains("\(padding) samples"))
        // A second run must not touch the existing directory.
        let again = try render(["-o", "frames", "--frames", "--rate", "\(rate)", "--encoding", encoding], in: directory)
        #expect(again.status == 64 && again.stderr.contains("already exists"))
    }

    @Test func framesStreamIsPaddedToWholeFrames() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try render(["-o", "-", "--frames", "--rate", "16000"], in: directory)
        #expect(result.status == 0)
        #expect(result.stdout.count % 640 == 0 && result.stdout.count > 640 * 25)
        #expect(try render(["-o", "s.wav", "--frames"], in: directory).status == 64)
    }

    @Test func vonageStreamPreset() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try render(["-o", "s.wav", "--preset", "vonage-stream"], in: directory).status == 0)
        let header = try #require(WAVHeader(try Data(contentsOf: directory.appendingPathComponent("s.wav"))))
        #expect(header.formatTag == 1 && header.channels == 1 && header.sampleRate == 16000 && header.bitsPerSample == 16)
        let check = try run(Repository.ssmlBinary, ["check-asset", "s.wav", "--for", "vonage-stream"], in: directory)
        #expect(check.status == 0 && String(decoding: check.stdout, as: UTF8.self).hasPrefix("s.wav: fits vonage-stream"))
    }

    @Test(arguments: [
        (["--preset", "vonage-stream", "--rate", "8000"], ["--rate: 8000 conflicts with preset vonage-stream", "16000 Hz"]),
        (["--preset", "vonage-mp3", "--encoding", "mulaw"], ["--encoding: mulaw conflicts with preset vonage-mp3", "pcm16"]),
        (["--preset", "vonage-stream", "--format", "mp3"], ["--format: mp3 conflicts with preset vonage-stream", "wav"]),
        (["--preset", "vonage-mp3", "--bitrate", "64"], ["--bitrate: 64 conflicts with preset vonage-mp3", "32 kbit/s"]),
        (["--preset", "vonage-stream", "--frames"], ["--frames: frames conflict with preset vonage-stream", "wav"]),
    ])
    func presetConflictsNameBoth(arguments: [String], named: [String]) throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try render(["-o", "x.out"] + arguments, in: directory)
        #expect(result.status == 64)
        #expect(named.allSatisfy { result.stderr.contains($0) }, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// Parses every MPEG audio frame header: the bit rate index must never change.
    @Test func vonageMP3IsConstantBitrate16kMono() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try render(["-o", "s.mp3", "--preset", "vonage-mp3"], in: directory).status == 0)
        let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent("s.mp3")))
        var offset = 0
        if bytes.count > 10, bytes[0..<3] == [0x49, 0x44, 0x33] {  // "ID3" tag: a syncsafe size
            offset = 10 + (Int(bytes[6]) << 21 | Int(bytes[7]) << 14 | Int(bytes[8]) << 7 | Int(bytes[9]))
        }
        let mpeg2Bitrates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
        var bitrates: Set<Int> = []
        var frames = 0
        while offset + 4 <= bytes.count, bytes[offset] == 0xFF, bytes[offset + 1] & 0xE0 == 0xE0 {
            let version = (bytes[offset + 1] >> 3) & 3, layer = (bytes[offset + 1] >> 1) & 3
            let bitrateIndex = Int(bytes[offset + 2] >> 4), rateIndex = (bytes[offset + 2] >> 2) & 3, padding = Int((bytes[offset + 2] >> 1) & 1)
            #expect(version == 2 && layer == 1 && rateIndex == 2, "MPEG-2 Layer III at 16 kHz")
            #expect(bytes[offset + 3] >> 6 == 3, "mono")
            guard bitrateIndex > 0, bitrateIndex < 15 else { break }
            let kbps = mpeg2Bitrates[bitrateIndex]
            bitrates.insert(kbps)
            frames += 1
            offset += 72 * kbps * 1000 / 16000 + padding
        }
        #expect(bitrates == [32], "bit rates \(bitrates)")
        #expect(frames > 20)
        // Whatever follows the last frame is at most an ID3v1 tag.
        #expect(bytes.count - offset == 0 || (bytes.count - offset == 128 && bytes[offset] == 0x54))
        let file = try AudioFileInspector.inspect(directory.appendingPathComponent("s.mp3"))
        #expect(file.bitrateMode == .constant && file.sampleRate == 16000 && file.channels == 1)
    }

    @Test(arguments: [-19.0, -23.0])
    func loudnessLandsOnTarget(target: Double) throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try render(["-o", "l.wav", "--loudness", "\(Int(target))"], in: directory)
        #expect(result.status == 0 && result.stderr.contains("note: loudness"), "\(result.stderr)")
        let file = try AudioFileInspector.inspect(directory.appendingPathComponent("l.wav"))
        let measured = try #require(file.integratedLUFS)
        #expect(abs(measured - target) <= 0.5, "\(measured) LUFS")
        #expect(file.truePeakDBTP <= -1 + 0.01, "\(file.truePeakDBTP) dBTP")
    }

    @Test func loudnessWithFramesAndMP3() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let framed = try render(["-o", "-", "--frames", "--rate", "8000", "--loudness", "-19", "--true-peak", "-3"], in: directory)
        #expect(framed.status == 0 && framed.stdout.count % 320 == 0)
        let raw = directory.appendingPathComponent("f.raw")
        try framed.stdout.write(to: raw)
        let file = try AudioFileInspector.inspect(raw, rawSampleRate: 8000)
        #expect(abs(try #require(file.integratedLUFS) - -19) <= 0.5 && file.truePeakDBTP <= -3 + 0.01)
        #expect(try render(["-o", "x.wav", "--true-peak", "-2"], in: directory).status == 64)
        #expect(try render(["-o", "x.wav", "--loudness", "-3"], in: directory).status == 64)
    }

    @Test func infoPrintsEveryFieldAndContinuesPastBadFiles() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try render(["-o", "a.wav", "--loudness", "-20"], in: directory).status == 0)
        try Data("not audio".utf8).write(to: directory.appendingPathComponent("bad.wav"))
        let result = try run(Repository.ssmlBinary, ["info", "bad.wav", "a.wav"], in: directory)
        #expect(result.status == 1 && result.stderr.contains("bad.wav"))
        let text = String(decoding: result.stdout, as: UTF8.self)
        for label in ["format:", "encoding:", "sample rate:", "channels:", "duration:", "frames:", "integrated loudness:", "loudness range:", "sample peak:", "true peak:"] {
            #expect(text.contains(label), "\(label) missing")
        }
        #expect(text.contains("16000 Hz") && text.contains("-20.0 LUFS") && text.contains("Signed 16 bit PCM"))

        let json = try run(Repository.ssmlBinary, ["info", "--json", "a.wav", "missing.wav"], in: directory)
        let objects = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        #expect(objects.count == 2 && json.status == 1)
        #expect(objects[0]["sampleRate"] as? Int == 16000 && objects[0]["channels"] as? Int == 1 && objects[0]["encoding"] as? String == "pcm16")
        let lufs = try #require(objects[0]["integratedLUFS"] as? Double)
        #expect(abs(lufs - -20) <= 0.5)
        #expect((objects[0]["truePeakDBTP"] as? Double ?? 0) <= -1 && objects[1]["error"] != nil)
        let frames = try #require(objects[0]["frames"] as? Int)
        let header = try #require(WAVHeader(try Data(contentsOf: directory.appendingPathComponent("a.wav"))))
        #expect(frames == header.dataBytes / 2)
    }

    /// MP3 loses loudness in encoding; the file (or standard output) is measured after encoding and corrected.
    @Test func mp3LandsOnTheLoudnessTargetInAFileAndOnStandardOutput() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try render(["-o", "f.mp3", "--preset", "vonage-mp3", "--loudness", "-19"], in: directory).status == 0)
        let piped = try render(["-o", "-", "--preset", "vonage-mp3", "--loudness", "-19"], in: directory)
        #expect(piped.status == 0)
        try piped.stdout.write(to: directory.appendingPathComponent("p.mp3"))
        for name in ["f.mp3", "p.mp3"] {
            let file = try AudioFileInspector.inspect(directory.appendingPathComponent(name))
            let measured = try #require(file.integratedLUFS)
            #expect(file.container == .mp3 && abs(measured - -19) <= 0.2, "\(name): \(measured) LUFS")
        }
    }

    @Test(arguments: ["99999999999", "0", "-8000"])
    func absurdRawRatesAreUsageErrorsNotCrashes(rate: String) throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(count: 640).write(to: directory.appendingPathComponent("a.raw"))
        for command in ["info", "check-asset"] {
            let result = try run(Repository.ssmlBinary, [command, "a.raw", "--raw-rate=\(rate)"], in: directory)
            let message = result.stderr
            #expect(result.status == 64 && message.contains("--raw-rate \(rate) is not a sample rate"), "\(command): \(result.status) \(message)")
        }
        #expect(throws: SSMLError.self) { try AudioFileReader(url: directory.appendingPathComponent("a.raw"), rawSampleRate: Int(Int32.max) + 1) }
    }

    @Test func infoDoesNotCallAShortLoudFileSilent() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 0.2 s of a loud tone: shorter than one BS.1770 block, so there is no integrated loudness, but it is not silent.
        try AudioFile.write((0..<3200).map { Float(0.5 * sin(Double($0) * 0.3)) }, to: directory.appendingPathComponent("blip.wav"), sampleRate: 16000)
        let info = String(decoding: try run(Repository.ssmlBinary, ["info", "blip.wav"], in: directory).stdout, as: UTF8.self)
        #expect(info.contains("not measurable") && !info.contains("silent"), "\(info)")
        let check = try run(Repository.ssmlBinary, ["check-asset", "blip.wav"], in: directory)
        let verdict = String(decoding: check.stdout, as: UTF8.self)
        #expect(check.status == 0 && !verdict.contains("silent"), "\(verdict)")
    }

    @Test func infoReportsTheFormatOfAFileTheLoudnessMeterRefuses() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A valid 1 Hz WAV: libebur128 refuses the rate, the format and the sample peak are still reported.
        var data = Data("RIFF".utf8)
        func u32(_ v: Int) { data += withUnsafeBytes(of: UInt32(v).littleEndian) { Data($0) } }
        func u16(_ v: Int) { data += withUnsafeBytes(of: UInt16(v).littleEndian) { Data($0) } }
        u32(36 + 200); data += Data("WAVEfmt ".utf8); u32(16); u16(1); u16(1); u32(1); u32(2); u16(2); u16(16)
        data += Data("data".utf8); u32(200)
        for i in 0..<100 { data += withUnsafeBytes(of: Int16(i == 7 ? 16384 : 100).littleEndian) { Data($0) } }
        try data.write(to: directory.appendingPathComponent("slow.wav"))
        let result = try run(Repository.ssmlBinary, ["info", "slow.wav"], in: directory)
        let info = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(info.contains("sample rate:         1 Hz") && info.contains("sample peak:         -6.0 dBFS"), "\(info)")
        #expect(info.contains("integrated loudness: not measurable (") && !info.contains("silent"), "\(info)")
    }

    /// A 24-bit PCM WAV written by hand: AudioFileWriter only writes telephony encodings.
    func write24BitWAV(_ url: URL, rate: Int) throws {
        let samples = (0..<rate).map { Int32(2_000_000 * sin(Double($0) * 0.05)) }
        var data = Data()
        func u32(_ v: Int) { data += withUnsafeBytes(of: UInt32(v).littleEndian) { Data($0) } }
        func u16(_ v: Int) { data += withUnsafeBytes(of: UInt16(v).littleEndian) { Data($0) } }
        data += Data("RIFF".utf8); u32(36 + samples.count * 3); data += Data("WAVEfmt ".utf8)
        u32(16); u16(1); u16(1); u32(rate); u32(rate * 3); u16(3); u16(24)
        data += Data("data".utf8); u32(samples.count * 3)
        for s in samples { data += Data([UInt8(s & 0xFF), UInt8((s >> 8) & 0xFF), UInt8((s >> 16) & 0xFF)]) }
        try data.write(to: url)
    }

    @Test func checkAssetVerdicts() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tone = (0..<16000).map { Float(0.3 * sin(Double($0) * 0.1)) }
        func fixture(_ name: String, rate: Int, channels: Int = 1, format: OutputFormat = .wav, encoding: OutputEncoding = .pcm16) throws {
            try AudioFile.write(channels == 1 ? tone : tone.flatMap { [$0, $0] }, to: directory.appendingPathComponent(name), sampleRate: rate, format: format, encoding: encoding, channels: channels)
        }
        try fixture("good.wav", rate: 16000)
        try fixture("good8k.wav", rate: 8000)
        try fixture("stereo44.wav", rate: 44100, channels: 2)
        try fixture("mulaw.wav", rate: 8000, encoding: .mulaw)
        try fixture("song.flac", rate: 16000, format: .flac)
        try fixture("stereo.mp3", rate: 44100, channels: 2, format: .mp3)
        try write24BitWAV(directory.appendingPathComponent("deep.wav"), rate: 16000)

        func check(_ files: [String], _ target: String = "vonage-stream") throws -> (Int32, String) {
            let result = try run(Repository.ssmlBinary, ["check-asset"] + files + ["--for", target], in: directory)
            return (result.status, String(decoding: result.stdout, as: UTF8.self))
        }
        #expect(try check(["good.wav", "good8k.wav"]).0 == 0)
        let (status, out) = try check(["good.wav", "stereo44.wav", "mulaw.wav", "deep.wav", "song.flac", "stereo.mp3", "gone.wav"])
        #expect(status == 1)
        #expect(out.contains("good.wav: fits vonage-stream"))
        #expect(out.contains("stereo44.wav: does not fit") && out.contains("2 channels") && out.contains("resample to 16000 Hz"))
        #expect(out.contains("sox stereo44.wav -r 16000 -c 1 -b 16"))
        #expect(out.contains("mulaw.wav: does not fit") && out.contains("deep.wav: does not fit") && out.contains("Signed 24 bit PCM"))
        #expect(out.contains("song.flac: does not fit"))
        #expect(out.contains("stereo.mp3: fits vonage-stream") && out.contains("recommendation: MP3 at 44100 Hz"))
        #expect(out.contains("gone.wav: cannot be read"))
        #expect(try check(["stereo.mp3"]).0 == 0)

        #expect(try render(["-o", "ws.raw", "--frames"], in: directory).status == 0)
        let (wsStatus, wsOut) = try check(["ws.raw", "good.wav"], "vonage-websocket")
        #expect(wsStatus == 1 && wsOut.contains("ws.raw: fits vonage-websocket") && wsOut.contains("good.wav: does not fit"))
    }
}
