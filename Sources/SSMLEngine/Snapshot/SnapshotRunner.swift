import Foundation
import SSMLCore
import Synchronization

/// Renders prompt files and compares them with their snapshots.
///
/// Cases are planned here and rendered by a ``RenderWorkerPool``: each render starts from the state of a fresh
/// process, so results never depend on which case ran before, and every case's audio is the bytes `ssml render`
/// gives for it. A case that takes longer than ``Settings/caseTimeout`` is stopped and reported as failed.
public struct SnapshotRunner: Sendable {
    public struct Settings: Sendable {
        public var rate = 16000
        public var voice = "en-us-female"
        public var tolerances = Tolerances()
        /// Keep the audio beside each snapshot (`name.snap.flac`) so reports can play the old version.
        public var recordAudio = true
        /// Which cases keep their old and new audio in memory for an HTML report: none without a report,
        /// since a long run of cases would otherwise hold every render's bytes until the end.
        public var reportAudio = ReportAudio.none
        /// Where snapshots live: nil for beside each input, or a folder mirroring the inputs' tree.
        public var snapshotFolder: URL?
        /// Seconds a case may take to render before it is stopped and reported as failed.
        public var caseTimeout: Double = 300
        /// Local folders for remote audio prefixes (`audioMap` in `ssml-test.json`), and what a clip that cannot
        /// be played becomes.
        public var audioSources = AudioSources()
        public init() {}
    }

    /// One prompt file and where its snapshot is.
    public struct Case: Sendable {
        public var input: URL
        /// The folder tested: renders run there, so locations read `name.ssml:3:5`.
        public var base: URL
        public var name: String
        public var snapshot: URL
        public var audio: URL
        /// SSML (or text), or a Vonage NCCO.
        public var kind: JobInput.Kind
        /// A call scenario (`name.call.json`, `name.call.yaml`) run by ``CallSimulator``.
        public var isCall = false
    }

    /// Cases whose audio an HTML report shows.
    public enum ReportAudio: Sendable { case none, changed, all }

    public let engine: Engine
    public let pool: RenderWorkerPool
    public let settings: Settings

    public init(engine: Engine, pool: RenderWorkerPool, settings: Settings) {
        self.engine = engine
        self.pool = pool
        self.settings = settings
    }

    // MARK: - Finding cases

    /// Every `.ssml` file and NCCO (`.json` holding an array) under `root`, sorted; snapshots and hidden
    /// or build folders are skipped.
    public func discover(_ root: URL) throws -> [Case] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw SSMLError(.usage, "\(root.path) does not exist")
        }
        let base = isDirectory.boolValue ? root : root.deletingLastPathComponent()
        var files: [URL] = []
        if isDirectory.boolValue {
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles]) else {
                throw SSMLError(.io, "cannot list \(root.path)")
            }
            for case let url as URL in walker {
                if (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
                    if url.lastPathComponent.hasPrefix(".build") || url.lastPathComponent == "node_modules" { walker.skipDescendants() }
                    continue
                }
                files.append(url)
            }
        } else {
            files = [root]
        }
        var cases: [Case] = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            let name = file.lastPathComponent
            if name.hasSuffix(".snap.json") || name == "ssml-test.json" { continue }
            if CallScenario.isScenario(name) {
                cases.append(callCase(file, base: base))
                continue
            }
            let kind: JobInput.Kind
            switch file.pathExtension.lowercased() {
            case "ssml": kind = .ssml
            case "json" where Self.isNCCO(file): kind = .ncco
            default:
                if !isDirectory.boolValue { kind = file.pathExtension.lowercased() == "json" ? .ncco : .ssml } else { continue }
            }
            let relative = String(file.path.dropFirst(base.path.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            let stem = (relative as NSString).deletingPathExtension
            let folder = settings.snapshotFolder ?? base
            cases.append(
                Case(
                    input: file, base: base, name: relative, snapshot: folder.appendingPathComponent(stem + ".snap.json"),
                    audio: folder.appendingPathComponent(stem + ".snap.flac"), kind: kind))
        }
        return cases
    }

    static func isNCCO(_ url: URL) -> Bool {
        // Read within the input limit: a huge file is no NCCO here, and its render reports the limit.
        guard let input = try? InputReader().read(url.path), let first = input.text.unicodeScalars.first(where: { ![" ", "\t", "\n", "\r"].contains($0) }) else { return false }
        return first == "["
    }

    // MARK: - Running

    /// Renders and compares every case; with `update`, records new and changed snapshots (unchanged
    /// ones are left alone, so re-recording does not churn files).
    public func run(_ cases: [Case], update: Bool) throws -> [SnapshotCaseReport] {
        let results = Mutex<[Int: SnapshotCaseReport]>([:])
        let next = Mutex(0)
        let runner = self
        // Two per worker and one more, on threads of their own (`DispatchQueue.concurrentPerform` ran no more than
        // there are cores, so none was left to plan and compare while the others waited on their workers).
        let jobs = max(1, min(2 * pool.size + 1, cases.count))
        Lanes.run(jobs, name: "ssml-test") {
            while true {
                let index: Int = next.withLock { value in
                    defer { value += 1 }
                    return value
                }
                guard index < cases.count else { return }
                let report = runner.runCase(cases[index], update: update)
                results.withLock { $0[index] = report }
            }
        }
        return results.withLock { all in cases.indices.compactMap { all[$0] } }
    }

    func runCase(_ item: Case, update: Bool) -> SnapshotCaseReport {
        let started = Date()
        var old: Snapshot?
        var oldAudio: (data: Data, mime: String)?
        do {
            if FileManager.default.fileExists(atPath: item.snapshot.path) {
                old = try Snapshot.load(Data(contentsOf: item.snapshot), name: item.snapshot.lastPathComponent)
                if settings.reportAudio != .none, let data = try? Data(contentsOf: item.audio) { oldAudio = (data, "audio/flac") }
            }
        } catch {
            // --update replaces a snapshot it cannot read (a merge conflict, a truncated file).
            if !update {
                return SnapshotCaseReport(name: item.name, status: .failed, error: (error as? SSMLError)?.message ?? "\(error)", seconds: Date().timeIntervalSince(started))
            }
            old = nil
            oldAudio = nil
        }
        let rendered: (snapshot: Snapshot, wav: Data, samples: [Float])
        var expectationFailures: [String] = []
        do {
            if item.isCall {
                let call = try renderCall(item)
                rendered = (call.snapshot, call.wav, call.samples)
                expectationFailures = call.failures
            } else {
                rendered = try render(item)
            }
        } catch {
            return SnapshotCaseReport(name: item.name, status: .failed, error: (error as? SSMLError)?.message ?? "\(error)", old: old, oldAudio: oldAudio, seconds: Date().timeIntervalSince(started))
        }
        let newAudio = settings.reportAudio == .none ? nil : (data: rendered.wav, mime: "audio/wav")
        var report = SnapshotCaseReport(name: item.name, status: .new, old: old, oldAudio: oldAudio, new: rendered.snapshot, newAudio: newAudio)
        if let old {
            let comparison = SnapshotComparison(old: old, new: rendered.snapshot, tolerances: settings.tolerances)
            report.changes = comparison.changes
            report.notes = comparison.notes
            report.status =
                switch comparison.verdict {
                case .same: .passed
                case .changed: .changed
                case .engineChanged: .engineChanged
                }
        } else if !update {
            report.changes = ["no snapshot yet (\(Self.display(item.snapshot, base: item.base))); record one with --update"]
        }
        if update, report.status != .passed {
            do {
                try record(rendered.snapshot, samples: rendered.samples, for: item)
                report.notes.append("\(old == nil ? "recorded" : "re-recorded") \(Self.display(item.snapshot, base: item.base))")
                report.status = .recorded
            } catch {
                report.status = .failed
                report.error = "cannot record the snapshot: \(error)"
            }
        }
        // A scenario's expectations fail the case whatever its snapshot says.
        if !expectationFailures.isEmpty {
            report.changes += expectationFailures
            report.status = .changed
        }
        if settings.reportAudio == .changed, report.status == .passed {
            report.oldAudio = nil
            report.newAudio = nil
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// A snapshot's path as a user finds it: relative to the tested folder when inside it.
    static func display(_ url: URL, base: URL) -> String {
        let path = url.standardizedFileURL.path, folder = base.standardizedFileURL.path
        return path.hasPrefix(folder + "/") ? String(path.dropFirst(folder.count + 1)) : path
    }

    /// Renders one case on the pool: the WAV `ssml render` writes for it, its timeline, and its samples as decoded
    /// from that WAV.
    public func render(_ item: Case) throws -> (snapshot: Snapshot, wav: Data, samples: [Float]) {
        let source = try InputFile.read(item.input.path)
        let input = JobInput(kind: item.kind, text: source.text, name: item.name, baseDirectory: item.input.deletingLastPathComponent().path)
        let job = RenderJob(input: input, voice: settings.voice, output: OutputSettings(rate: settings.rate), timeline: true, audioSources: settings.audioSources)
        let log = DiagnosticLog()
        let plan = try engine.resolve(engine.plan(job, log: log), for: job, log: log)
        let cancellation = RenderWorkerPool.Cancellation()
        let timer = DispatchWorkItem { cancellation.cancel() }
        DispatchQueue.global().asyncAfter(deadline: .now() + settings.caseTimeout, execute: timer)
        defer { timer.cancel() }
        let result: JobResult
        do {
            result = try engine.render(plan, job: job, to: .memory, pool: pool, cancellation: cancellation)
        } catch is CancellationError {
            throw SSMLError(.limitExceeded, "the render took longer than the case time limit of \(NCCOPlanner.seconds(settings.caseTimeout)) and was stopped")
        }
        guard var timeline = result.timeline, let wav = result.audio else { throw SSMLError(.engine, "the render returned no audio") }
        // Clips are recorded relative to the prompt's own folder, so a snapshot still matches in another
        // checkout (a CI runner's workspace, a colleague's clone) and whether its folder or the file was tested.
        for index in timeline.segments.indices where timeline.segments[index].kind == "audio" && timeline.segments[index].text.hasPrefix("/") {
            timeline.segments[index].text = Self.relativePath(timeline.segments[index].text, from: item.input.deletingLastPathComponent())
        }
        let samples = try Self.decode(wav)
        let snapshot = Snapshot(timeline: timeline, samples: samples, input: item.input.lastPathComponent, settings: renderSettings(item))
        return (snapshot, wav, samples)
    }

    /// The samples of an encoded file held in memory.
    static func decode(_ data: Data) throws -> [Float] {
        let scratch = try ScratchFile(purpose: "a rendered case")
        try data.withUnsafeBytes { try scratch.write($0) }
        let source = try SndFileDecoder().open(URL(fileURLWithPath: "/proc/self/fd/\(scratch.descriptor)"))
        return try source.read(maxFrames: max(source.frameCount, 1))
    }

    /// `path` relative to the folder `base` (`clips/chime.wav`, `../shared/chime.wav`); absolute when they share only the root.
    static func relativePath(_ path: String, from base: URL) -> String {
        let target = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().pathComponents
        let folder = base.standardizedFileURL.resolvingSymlinksInPath().pathComponents
        var common = 0
        while common < min(target.count, folder.count), target[common] == folder[common] { common += 1 }
        // Nothing shared but the root: an absolute path says more than a chain of "..".
        guard common > 1 else { return path }
        return (Array(repeating: "..", count: folder.count - common) + target[common...]).joined(separator: "/")
    }

    func renderSettings(_ item: Case) -> [String: String] {
        var result = ["rate": "\(settings.rate)"]
        if item.kind == .ssml { result["voice"] = settings.voice }
        return result
    }

    func record(_ snapshot: Snapshot, samples: [Float], for item: Case) throws {
        try FileManager.default.createDirectory(at: item.snapshot.deletingLastPathComponent(), withIntermediateDirectories: true)
        try snapshot.json().write(to: item.snapshot, options: .atomic)
        if settings.recordAudio {
            try AudioFile.write(samples, to: item.audio, sampleRate: settings.rate, format: .flac)
        } else {
            try? FileManager.default.removeItem(at: item.audio)
        }
    }

    /// A snapshot of an existing audio file (for `ssml diff` on two recordings).
    public static func snapshot(ofAudio url: URL) throws -> (snapshot: Snapshot, data: Data) {
        let source = try SndFileDecoder().open(url)
        var samples: [Float] = []
        while true {
            let chunk = try source.read(maxFrames: 65536)
            if chunk.isEmpty { break }
            samples += chunk
        }
        return (Snapshot(samples: samples, sampleRate: source.sampleRate, input: url.lastPathComponent), try Data(contentsOf: url))
    }
}
