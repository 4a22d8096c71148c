import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

@Suite(.ownThread) struct AudioClipTests {
    /// Writes a 0.6 s 1 kHz tone in the given container, rate and channel count.
    static func writeTone(_ url: URL, format: OutputFormat, rate: Int, channels: Int) throws {
        let frames = Int(0.6 * Double(rate))
        var samples: [Float] = []
        for n in 0..<frames {
            let value = Float(0.5 * sin(2 * Double.pi * 1000 * Double(n) / Double(rate)))
            samples.append(contentsOf: repeatElement(value, count: channels))
        }
        try AudioFile.write(samples, to: url, sampleRate: rate, format: format, channels: channels)
    }

    @Test(arguments: [("tone.wav", OutputFormat.wav, 44100, 2), ("tone.flac", .flac, 48000, 1), ("tone.mp3", .mp3, 22050, 1), ("tone.ogg", .ogg, 32000, 2)])
    func clipPlaysInPlaceForItsFullLength(name: String, format: OutputFormat, rate: Int, channels: Int) throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeTone(directory.appendingPathComponent(name), format: format, rate: rate, channels: channels)
        let (audio, report) = try Measure.render("<speak>Before the tone. <audio src=\"\(name)\"/> After the tone.</speak>", rate: 8000, directory: directory)
        let kinds = report.entries.filter { $0.kind != .word }.map(\.kind)
        #expect(kinds == [.speech, .audio, .speech])
        let clip = try #require(report.entries.first { $0.kind == .audio })
        let seconds = Double(clip.end - clip.start) / 8000
        // MP3 and Vorbis decoders may add a few ms of codec padding.
        #expect(abs(seconds - 0.6) < 0.06, "\(name): \(seconds) s")
        // The middle of the clip is the tone: about 2000 zero crossings a second, at its level.
        let middle = Array(audio.samples[(clip.start + 800)..<(clip.end - 800)])
        let crossings = zip(middle, middle.dropFirst()).filter { ($0 < 0) != ($1 < 0) }.count
        let rate = Double(crossings) / (Double(middle.count) / 8000)
        #expect(abs(rate - 2000) < 100, "\(name): \(rate) crossings/s")
        #expect(abs(AudioAnalysis(samples: middle, sampleRate: 8000).rmsDB - (20 * log10(0.5 / 2.0.squareRoot()))) < 1.0)
    }

    @Test func soundLevelAndClipRangeApply() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeTone(directory.appendingPathComponent("t.wav"), format: .wav, rate: 16000, channels: 1)
        let (audio, report) = try Measure.render("<speak><audio src=\"t.wav\" soundLevel=\"-6dB\" clipBegin=\"100ms\" clipEnd=\"400ms\"/></speak>", directory: directory)
        let clip = try #require(report.entries.first { $0.kind == .audio })
        #expect(clip.end - clip.start == 4800)
        #expect(abs(audio.rmsDB - (20 * log10(0.25 / 2.0.squareRoot()))) < 0.5)
    }

    @Test func corruptAndEmptyFilesAreRefusedWithALocation() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data((0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: directory.appendingPathComponent("bad.wav"))
        try Data().write(to: directory.appendingPathComponent("empty.mp3"))
        for name in ["bad.wav", "empty.mp3", "missing.flac"] {
            #expect {
                _ = try Measure.render("<speak>\n Hi <audio src=\"\(name)\"/></speak>", directory: directory)
            } throws: { error in
                let error = error as? SSMLError
                return error?.kind == .audioSource && error?.location?.line == 2 && error?.location?.column == 12
            }
        }
    }
}
