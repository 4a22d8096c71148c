import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

/// Tolerance options shared by `ssml test` and `ssml diff`.
struct ToleranceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Seconds a segment's length, a word start or an event may move (default 0.05).", valueName: "seconds"))
    var toleranceTime: Double?

    @Option(help: ArgumentHelp("dB a segment's or the whole render's level may move (default 1.5).", valueName: "dB"))
    var toleranceLevel: Double?

    @Option(help: ArgumentHelp("dB any band of a segment's spectral profile may move (default 6).", valueName: "dB"))
    var toleranceSpectrum: Double?

    func apply(to tolerances: inout Tolerances) throws {
        for (name, value) in [("--tolerance-time", toleranceTime), ("--tolerance-level", toleranceLevel), ("--tolerance-spectrum", toleranceSpectrum)] {
            if let value, !(value >= 0 && value.isFinite) { throw SSMLError(.usage, "\(name) \(value) must be zero or more") }
        }
        if let toleranceTime { tolerances.time = toleranceTime }
        if let toleranceLevel { tolerances.level = toleranceLevel }
        if let toleranceSpectrum { tolerances.spectrum = toleranceSpectrum }
    }
}

/// `ssml-test.json` in the tested folder: its render settings and tolerances, so CI and people agree.
struct TestConfiguration: Decodable {
    var rate: Int?
    var voice: String?
    var recordAudio: Bool?
    /// The snapshot folder, relative to the configuration's folder.
    var snapshots: String?
    var tolerances: PartialTolerances?

    struct PartialTolerances: Decodable {
        var time: Double?
        var level: Double?
        var spectrum: Double?
    }

    static let keys: Set<String> = ["rate", "voice", "recordAudio", "snapshots", "tolerances"]
    static let toleranceKeys: Set<String> = ["time", "level", "spectrum"]

    static func load(from folder: URL) throws -> TestConfiguration? {
        let url = folder.appendingPathComponent("ssml-test.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let configuration: TestConfiguration
        do {
            let data = try Data(contentsOf: url)
            configuration = try JSONDecoder().decode(TestConfiguration.self, from: data)
            // A misspelt key would otherwise be ignored and its setting silently not applied.
            if let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
                var unknown = object.keys.filter { !keys.contains($0) }
                if let tolerances = object["tolerances"] as? [String: Any] {
                    unknown += tolerances.keys.filter { !toleranceKeys.contains($0) }.map { "tolerances.\($0)" }
                }
                if let first = unknown.sorted().first {
                    throw SSMLError(.usage, "\(url.path): unknown setting \"\(first)\" (known: \(keys.sorted().joined(separator: ", ")); tolerances: \(toleranceKeys.sorted().joined(separator: ", ")))")
                }
            }
        } catch let error as SSMLError {
            throw error
        } catch {
            throw SSMLError(.usage, "\(url.path) is not a valid test configuration: \(Snapshot.explain(error))")
        }
        for (name, value) in [("time", configuration.tolerances?.time), ("level", configuration.tolerances?.level), ("spectrum", configuration.tolerances?.spectrum)] {
            if let value, !(value >= 0 && value.isFinite) { throw SSMLError(.usage, "\(url.path): tolerances.\(name) \(value) must be zero or more") }
        }
        return configuration
    }
}

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render every .ssml and NCCO file under a folder and compare it with its snapshot.",
        discussion: """
            A snapshot (name.snap.json beside the file, plus name.snap.flac, its audio) holds the timeline
            (segments, texts, voices, prosody, words, events) and audio features (length, level and spectral
            profile per segment). A change beyond the tolerances fails, described in words. A snapshot made
            with another espeak-ng version is reported, not failed. Settings can live in ssml-test.json.
            Exit status: 0 all pass, 1 a case changed, is new or failed, 64 usage.
            Examples:
              ssml test prompts/ --update          record snapshots
              ssml test prompts/ --report report.html --junit junit.xml
            """)

    @Argument(help: "Folders or files to test.")
    var paths: [String]

    @Flag(help: "Record snapshots for new and changed cases (unchanged ones are left alone).")
    var update = false

    @Option(help: ArgumentHelp("Write an HTML page with each changed case's old and new audio and waveforms.", valueName: "file.html"))
    var report: String?

    @Flag(help: "Show passing cases in the HTML report too.")
    var reportAll = false

    @Option(help: ArgumentHelp("Write JUnit XML for CI.", valueName: "file.xml"))
    var junit: String?

    @Option(help: ArgumentHelp("Keep snapshots in this folder (mirroring the tested tree) instead of beside each file.", valueName: "folder"))
    var snapshots: String?

    @Option(help: "Render sample rate (default 16000, or ssml-test.json's).")
    var rate: Int?

    @Option(help: "The voice before any markup changes it (default en-us-female, or ssml-test.json's).")
    var voice: String?

    @OptionGroup var tolerance: ToleranceOptions

    @Option(help: "Cases rendered at once (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Do not keep audio beside snapshots (reports then show only the new render's audio).")
    var noAudio = false

    @Flag(help: "Fail when a snapshot was made with another espeak-ng version.")
    var failOnEngineChange = false

    func run() throws {
        do {
            let failed = try test()
            if failed { Foundation.exit(1) }
        } catch {
            CommandSupport.fail(error)
        }
    }

    private func test() throws -> Bool {
        for (option, path) in [("--report", report), ("--junit", junit)] {
            if let path { _ = try RenderOutput.resolve(path, option: option) }
        }
        if let jobs, jobs < 1 { throw SSMLError(.usage, "--jobs \(jobs) must be 1 or more") }
        var reports: [SnapshotCaseReport] = []
        for path in paths {
            let root = URL(fileURLWithPath: path)
            var settings = SnapshotRunner.Settings()
            if let config = try TestConfiguration.load(from: folderURL(root)) {
                if let rate = config.rate { settings.rate = rate }
                if let voice = config.voice { settings.voice = voice }
                if let record = config.recordAudio { settings.recordAudio = record }
                if let folder = config.snapshots { settings.snapshotFolder = URL(fileURLWithPath: folder, relativeTo: folderURL(root)).standardizedFileURL }
                if let time = config.tolerances?.time { settings.tolerances.time = time }
                if let level = config.tolerances?.level { settings.tolerances.level = level }
                if let spectrum = config.tolerances?.spectrum { settings.tolerances.spectrum = spectrum }
            }
            if let rate { settings.rate = rate }
            guard OutputOptions.rates.contains(settings.rate) else {
                throw SSMLError(.usage, "rate \(settings.rate) is not supported (use one of \(OutputOptions.rates.sorted().map(String.init).joined(separator: ", ")))")
            }
            if let voice { settings.voice = voice }
            try Self.checkVoice(settings.voice)
            if noAudio { settings.recordAudio = false }
            settings.reportAudio = report == nil ? .none : reportAll ? .all : .changed
            if let jobs { settings.jobs = jobs }
            if let snapshots { settings.snapshotFolder = URL(fileURLWithPath: snapshots) }
            try tolerance.apply(to: &settings.tolerances)
            let runner = SnapshotRunner(executable: Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]), settings: settings)
            let cases = try runner.discover(root)
            // An empty run passing would hide a wrong path in a CI job.
            if cases.isEmpty { throw SSMLError(.usage, "no .ssml or NCCO (.json) files under \(path)") }
            reports += try runner.run(cases, update: update)
        }
        for item in reports { print(Self.line(item)) }
        let counts = Dictionary(grouping: reports, by: \.status).mapValues(\.count)
        let order: [SnapshotCaseReport.Status] = [.passed, .changed, .new, .failed, .engineChanged, .recorded]
        print("\(reports.count) cases: " + order.compactMap { status in counts[status].map { "\($0) \(status.rawValue)" } }.joined(separator: ", "))
        if let report {
            try CommandSupport.writeAtomically(Data(SnapshotReport.html(reports, title: "ssml test: \(paths.joined(separator: " "))", showAll: reportAll).utf8), to: report)
        }
        if let junit {
            try CommandSupport.writeAtomically(Data(SnapshotReport.junit(reports, suite: "ssml test").utf8), to: junit)
        }
        return reports.contains { $0.status.fails || (failOnEngineChange && $0.status == .engineChanged) }
    }

    /// The folder a tested path stands for: itself, or a file's folder.
    private func folderURL(_ root: URL) -> URL {
        (try? root.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true ? root : root.deletingLastPathComponent()
    }

    /// Refuses a default voice that names no catalog voice and no locale-gender pair, before rendering
    /// every case only to fail each one the same way.
    static func checkVoice(_ name: String) throws {
        guard let catalog = try? CommandSupport.catalog(), catalog.entry(named: name) == nil else { return }
        if let gender = name.lowercased().split(separator: "-").last, name.contains("-"), VoiceGender(rawValue: String(gender)) != nil { return }
        throw SSMLError(.usage, "unknown voice \"\(name)\" (see `ssml voices`)")
    }

    static func line(_ item: SnapshotCaseReport) -> String {
        let label = switch item.status {
        case .passed: "PASS  "
        case .changed: "FAIL  "
        case .new: "NEW   "
        case .recorded: "SAVED "
        case .engineChanged: "ENGINE"
        case .failed: "ERROR "
        }
        var text = "\(label) \(item.name)" + String(format: " (%.1f s)", item.seconds)
        for detail in item.details { text += "\n       \(detail)" }
        return text
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
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
        guard OutputOptions.rates.contains(rate) else { throw SSMLError(.usage, "--rate \(rate) is not supported") }
        if let report { _ = try RenderOutput.resolve(report, option: "--report") }
        var settings = SnapshotRunner.Settings()
        settings.rate = rate
        settings.voice = voice
        try tolerance.apply(to: &settings.tolerances)
        let runner = SnapshotRunner(executable: Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]), settings: settings)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("ssml-diff-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        Interruption.register(work.path)
        defer {
            try? FileManager.default.removeItem(at: work)
            Interruption.unregister(work.path)
        }
        var sides: [(snapshot: Snapshot, audio: (data: Data, mime: String))] = []
        for (index, path) in [old, new].enumerated() {
            let url = URL(fileURLWithPath: path)
            guard FileManager.default.isReadableFile(atPath: url.path) else { throw SSMLError(.io, "cannot read \(path)") }
            let ext = url.pathExtension.lowercased()
            if Self.audioExtensions.contains(ext) {
                let (snapshot, data) = try SnapshotRunner.snapshot(ofAudio: url)
                sides.append((snapshot, (data, ext == "mp3" ? "audio/mpeg" : ext == "wav" ? "audio/wav" : "audio/\(ext)")))
            } else {
                let cases = try runner.discover(url)
                guard let item = cases.first else { throw SSMLError(.usage, "\(path) is neither audio nor SSML/NCCO") }
                let rendered = try runner.render(item, to: work.appendingPathComponent("side\(index)"))
                var snapshot = rendered.snapshot
                snapshot.input = path
                sides.append((snapshot, (try Data(contentsOf: rendered.wav), "audio/wav")))
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
            try CommandSupport.writeAtomically(Data(SnapshotReport.html([item], title: "ssml diff", showAll: true).utf8), to: report)
        }
        return !comparison.changes.isEmpty
    }
}
