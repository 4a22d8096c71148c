import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print the format and loudness (EBU R128) of audio files.",
        discussion: """
            Every file libsndfile reads (WAV, MP3, FLAC, Ogg, …) is decoded in full: duration and frames are counted, not
            taken from the header. Headerless files (.raw, .pcm, .l16, .sln) are read as 16-bit little-endian mono at --raw-rate.
            A file that cannot be read is reported and the others are still measured; the exit status is then 1.
            Examples:
              ssml info prompt.wav
              ssml info --json *.wav *.mp3
            """)

    @Argument(help: "The audio files.")
    var files: [String]

    @Flag(help: "Print a JSON array, one object per file (unreadable files carry an \"error\").")
    var json = false

    @Option(help: "The sample rate of headerless files.")
    var rawRate: Int = 16000

    func run() throws {
        guard (1...768_000).contains(rawRate) else {
            CommandSupport.fail(SSMLError(.usage, "--raw-rate \(rawRate) is not a sample rate (1 to 768000 Hz, e.g. 8000 or 16000)"))
        }
        var failed = false
        var objects: [[String: Any]] = []
        var blocks: [String] = []
        for file in files {
            do {
                let properties = try AudioFileInspector.inspect(URL(fileURLWithPath: file), rawSampleRate: rawRate)
                objects.append(Self.json(properties, file: file))
                blocks.append(Self.text(properties, file: file))
            } catch {
                failed = true
                let message = (error as? SSMLError)?.message ?? "\(error)"
                FileHandle.standardError.write(Data("error: \(message)\n".utf8))
                objects.append(["file": file, "error": message])
            }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        } else if !blocks.isEmpty {
            print(blocks.joined(separator: "\n"))
        }
        if failed { throw ExitCode(1) }
    }

    static func text(_ file: AudioFileProperties, file name: String) -> String {
        func decibels(_ value: Double, _ unit: String) -> String { value.isFinite ? String(format: "%.1f %@", value, unit) : "-inf \(unit) (digital silence)" }
        var lines = [
            ("file", name),
            ("format", file.containerName),
            ("encoding", file.encodingName + (file.bitrateMode.map { ", \($0.rawValue) bit rate" } ?? "")),
            ("sample rate", "\(file.sampleRate) Hz"),
            ("channels", "\(file.channels)"),
            ("duration", String(format: "%.3f s", file.durationSeconds)),
            ("frames", "\(file.frames)"),
            ("size", "\(file.fileBytes) bytes"),
            (
                "integrated loudness",
                file.integratedLUFS.map { String(format: "%.1f LUFS", $0) }
                    ?? file.loudnessNote ?? "silent (below -70 LUFS)"
            ),
            ("loudness range", String(format: "%.1f LU", file.loudnessRangeLU)),
            ("sample peak", decibels(file.samplePeakDBFS, "dBFS")),
            ("true peak", file.loudnessUnmeasurable == nil ? decibels(file.truePeakDBTP, "dBTP") : "not measurable"),
        ]
        lines = lines.map { ($0.0 + ":", $0.1) }
        return lines.map { $0.0.padding(toLength: 21, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n") + "\n"
    }

    static func json(_ file: AudioFileProperties, file name: String) -> [String: Any] {
        // JSON has no infinity: digital silence is null.
        func finite(_ value: Double?) -> Any { value.flatMap { $0.isFinite ? (($0 * 100).rounded() / 100) as Any : nil } ?? NSNull() }
        return [
            "file": name, "format": file.container.rawValue, "formatName": file.containerName, "encoding": file.encoding.rawValue,
            "encodingName": file.encodingName, "sampleRate": file.sampleRate, "channels": file.channels,
            "durationSeconds": (file.durationSeconds * 1000).rounded() / 1000, "frames": file.frames, "bytes": file.fileBytes,
            "bitrateMode": file.bitrateMode?.rawValue ?? NSNull(), "integratedLUFS": finite(file.integratedLUFS),
            "loudnessRangeLU": finite(file.loudnessRangeLU), "samplePeakDBFS": finite(file.samplePeakDBFS), "truePeakDBTP": finite(file.truePeakDBTP),
            "loudnessNote": file.loudnessNote ?? NSNull(),
        ]
    }
}
