import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
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

    @Option(help: "Render workers, so cases rendered at once (default: the number of cores).")
    var jobs: Int?

    @Option(help: ArgumentHelp("Seconds a case may take to render before it is stopped and reported as failed (default 300).", valueName: "seconds"))
    var caseTimeout: Double?

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
            if let path { try CommandSupport.checkDestination(path, option: option) }
        }
        if let jobs, jobs < 1 { throw SSMLError(.usage, "--jobs \(jobs) must be 1 or more") }
        if let caseTimeout, !(caseTimeout > 0 && caseTimeout.isFinite) { throw SSMLError(.usage, "--case-timeout \(caseTimeout) must be more than 0 seconds") }
        // One engine plans every case; one pool renders them, each from the state of a fresh process.
        let engine = try Engine.standard(data: CommandSupport.data())
        let pool = try RenderWorkerPool(size: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
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
                settings.audioSources = try config.audioSources(in: folderURL(root))
            }
            if let rate { settings.rate = rate }
            guard OutputSettings.rates.contains(settings.rate) else {
                throw SSMLError(.usage, "rate \(settings.rate) is not supported (use one of \(OutputSettings.rates.sorted().map(String.init).joined(separator: ", ")))")
            }
            if let voice { settings.voice = voice }
            try Self.checkVoice(settings.voice)
            if noAudio { settings.recordAudio = false }
            settings.reportAudio = report == nil ? .none : reportAll ? .all : .changed
            if let caseTimeout { settings.caseTimeout = caseTimeout }
            if let snapshots { settings.snapshotFolder = URL(fileURLWithPath: snapshots) }
            try tolerance.apply(to: &settings.tolerances)
            let runner = SnapshotRunner(engine: engine, pool: pool, settings: settings)
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
            try CommandSupport.writeAtomically(Data(SnapshotReport.html(reports, title: "ssml test: \(paths.joined(separator: " "))", showAll: reportAll).utf8), to: report, option: "--report")
        }
        if let junit {
            try CommandSupport.writeAtomically(Data(SnapshotReport.junit(reports, suite: "ssml test").utf8), to: junit, option: "--junit")
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
        let label =
            switch item.status {
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
