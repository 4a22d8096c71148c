import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two SSML/NCCO files (rendered) or two audio files, and say what a caller would hear differently.",
        discussion: """
            Exit status: 0 no difference beyond the tolerances, 1 differences, 64 usage.
            Examples:
              ssml diff old.ssml new.ssml
              ssml diff before.wav after.wav --report diff.html
            """)

    @Argument(help: "The first (old) file.")
    var old: String

    @Argument(help: "The second (new) file.")
    var new: String

    @Option(help: "Render sample rate for SSML inputs.")
    var rate: Int = 16000

    @Option(help: "The voice before any markup changes it.")
    var voice: String = "en-us-female"

    @OptionGroup var tolerance: ToleranceOptions

    @Option(help: ArgumentHelp("Write an HTML page with both versions' audio and waveforms.", valueName: "file.html"))
    var report: String?

    static let audioExtensions: Set<String> = ["wav", "flac", "ogg", "oga", "opus", "mp3", "aiff", "aif", "au", "caf"]

    func run() throws {
        do {
            if try diff() { Foundation.exit(1) }
        } catch {
            CommandSupport.fail(error)
        }
    }

    private func diff() throws -> Bool {
        guard OutputSettings.rates.contains(rate) else { throw SSMLError(.usage, "--rate \(rate) is not supported") }
        if let report { try CommandSupport.checkDestination(report, option: "--report") }
        var settings = SnapshotRunner.Settings()
        settings.rate = rate
        settings.voice = voice
        try tolerance.apply(to: &settings.tolerances)
        let needsRenders = [old, new].contains { !Self.audioExtensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
        let runner = needsRenders ? SnapshotRunner(engine: try Engine.standard(data: CommandSupport.data()), pool: try RenderWorkerPool(size: 1), settings: settings) : nil
        var sides: [(snapshot: Snapshot, audio: (data: Data, mime: String))] = []
        for path in [old, new] {
            let url = URL(fileURLWithPath: path)
            guard FileManager.default.isReadableFile(atPath: url.path) else { throw SSMLError(.io, "cannot read \(path)") }
            let ext = url.pathExtension.lowercased()
            if Self.audioExtensions.contains(ext) {
                let (snapshot, data) = try SnapshotRunner.snapshot(ofAudio: url)
                sides.append((snapshot, (data, ext == "mp3" ? "audio/mpeg" : ext == "wav" ? "audio/wav" : "audio/\(ext)")))
            } else if let runner {
                let cases = try runner.discover(url)
                guard let item = cases.first else { throw SSMLError(.usage, "\(path) is neither audio nor SSML/NCCO") }
                let rendered = try runner.render(item)
                var snapshot = rendered.snapshot
                snapshot.input = path
                sides.append((snapshot, (rendered.wav, "audio/wav")))
            }
        }
        let comparison = SnapshotComparison(old: sides[0].snapshot, new: sides[1].snapshot, tolerances: settings.tolerances)
        if comparison.changes.isEmpty {
            print("no difference a caller would hear (within the tolerances)")
        } else {
            for change in comparison.changes { print(change) }
        }
        for note in comparison.notes { print("note: \(note)") }
        if let report {
            let item = SnapshotCaseReport(
                name: "\(old) → \(new)", status: comparison.changes.isEmpty ? .passed : .changed, changes: comparison.changes,
                notes: comparison.notes, old: sides[0].snapshot, oldAudio: sides[0].audio, new: sides[1].snapshot, newAudio: sides[1].audio)
            try CommandSupport.writeAtomically(Data(SnapshotReport.html([item], title: "ssml diff", showAll: true).utf8), to: report, option: "--report")
        }
        return !comparison.changes.isEmpty
    }
}
