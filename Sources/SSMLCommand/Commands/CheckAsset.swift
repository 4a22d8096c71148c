import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

struct CheckAsset: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-asset",
        abstract: "Say whether audio files fit what Vonage plays, and what to change when they do not.",
        discussion: """
            vonage-stream: an NCCO stream action plays 16-bit mono WAV at 8000 or 16000 Hz, or MP3 (errors); for MP3,
            16 kHz mono constant bit rate, and a true peak under -1 dBTP, are recommendations.
            vonage-websocket: headerless 16-bit mono PCM (audio/l16) at 8000 or 16000 Hz, in 20 ms messages.
            Exit status: 0 when every file fits (recommendations allowed), 1 when any does not or cannot be read.
            Example:
              ssml check-asset welcome.wav hold.mp3 --for vonage-stream
            """)

    @Argument(help: "The audio files.")
    var files: [String]

    @Option(name: .customLong("for"), help: "vonage-stream (default) or vonage-websocket.")
    var target: String = AssetTarget.vonageStream.rawValue

    @Option(help: "The sample rate of headerless files (.raw, .pcm, .l16, .sln).")
    var rawRate: Int = 16000

    func run() throws {
        guard (1...768_000).contains(rawRate) else {
            CommandSupport.fail(SSMLError(.usage, "--raw-rate \(rawRate) is not a sample rate (1 to 768000 Hz, e.g. 8000 or 16000)"))
        }
        guard let target = AssetTarget(rawValue: target.lowercased()) else {
            CommandSupport.fail(SSMLError(.usage, "--for \(target) is not a target (use \(AssetTarget.allCases.map(\.rawValue).joined(separator: " or ")))"))
        }
        var allFit = true
        for file in files {
            let properties: AudioFileProperties
            do {
                properties = try AudioFileInspector.inspect(URL(fileURLWithPath: file), rawSampleRate: rawRate)
            } catch {
                allFit = false
                print("\(file): cannot be read: \((error as? SSMLError)?.message ?? "\(error)")")
                continue
            }
            let findings = target.check(properties, name: file)
            let fits = !findings.contains { $0.severity == .error }
            if !fits { allFit = false }
            let summary = String(
                format: "%@, %@, %d Hz, %d channel%@, %.2f s", properties.containerName, properties.encodingName, properties.sampleRate,
                properties.channels, properties.channels == 1 ? "" : "s", properties.durationSeconds)
            print("\(file): \(fits ? "fits" : "does not fit") \(target.rawValue) (\(summary))")
            for finding in findings { print("  \(finding.severity.rawValue): \(finding.message)") }
            var fixes: [String] = []
            for fix in findings.compactMap(\.fix) where !fixes.contains(fix) { fixes.append(fix) }
            for fix in fixes { print("  fix: \(fix)") }
        }
        if !allFit { throw ExitCode(1) }
    }
}
