import Foundation
import SSMLCore
import SSMLTestSupport
import Synchronization
import Testing
@testable import SSMLEngine

/// Running a batch with the real engine and worker pool: the cache, the manifest, the journal, retries.
@Suite(.ownThread, .serialized, .timeLimit(.minutes(5))) struct BatchRunnerTests {
    static let worker = Repository.buildProduct("ssml-worker")

    /// A folder with `prompts.csv` holding `csv`.
    func folder(_ csv: String) throws -> URL {
        let folder = try Repository.scratchDirectory()
        try csv.write(to: folder.appendingPathComponent("prompts.csv"), atomically: true, encoding: .utf8)
        return folder
    }

    /// Plans and runs `folder/prompts.csv` into `folder/out`; returns the summary and the events.
    @discardableResult
    func run(_ folder: URL, configure: (inout BatchRunner.Options) -> Void = { _ in }) throws -> (summary: BatchSummary, events: [BatchEvent]) {
        let engine = try Engine.standard(data: Repository.data)
        let manifest = try BatchManifest.load(folder.appendingPathComponent("prompts.csv").path, name: "prompts.csv")
        let plan = try BatchPlan(manifest, resolver: engine.resolver)
        var options = BatchRunner.Options(output: folder.appendingPathComponent("out"))
        options.jobs = 2
        configure(&options)
        let runner = try BatchRunner(plan: plan, engine: engine, options: options) { try RenderWorkerPool(size: $0, executable: Self.worker, queueDepth: 2) }
        let events = Mutex<[BatchEvent]>([])
        let summary = try runner.run { event in events.withLock { $0.append(event) } }
        return (summary, events.withLock { $0 })
    }

    /// The manifest's entries, and whether each matches its file (bytes and SHA-256).
    func entries(_ folder: URL, name: String = "manifest.json") throws -> [OutputEntry] {
        var entries: [OutputEntry] = []
        try OutputManifest.read(folder.appendingPathComponent("out/\(name)")) { _, entry in entries.append(entry) }
        return entries
    }

    func expectManifestMatchesFiles(_ folder: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        for entry in try entries(folder) {
            let file = folder.appendingPathComponent("out").appendingPathComponent(entry.path)
            let (digest, bytes) = try SHA256.hash(fileAt: file.path)
            #expect(digest.hex == entry.sha256 && bytes == entry.bytes, "\(entry.path)", sourceLocation: sourceLocation)
        }
    }

    static let prompts = """
        # voices: en-us-female | de-de-male
        # formats: vonage-stream | wav-8000-mulaw
        # template: {id}/{voice}-{format}.{ext}
        id,text,tags
        welcome,"Welcome to <emphasis>Acme</emphasis>.",greeting
        code,"Your code is <say-as interpret-as=""characters"">A7X9</say-as>.",otp
        bye,Thank you for calling. Goodbye!,
        """

    @Test func outputsAreMeasuredAndTheManifestDescribesThem() throws {
        let folder = try folder(Self.prompts)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (summary, _) = try run(folder)
        #expect(summary.succeeded && summary.rendered == 12 && summary.upToDate == 0)
        let entries = try entries(folder)
        #expect(entries.map(\.index) == Array(0..<12))
        #expect(entries.first?.path == "welcome/en-us-female-vonage-stream.wav" && entries.first?.source == "prompts.csv:5")
        #expect(entries.first?.tags == ["greeting"])
        try expectManifestMatchesFiles(folder)
        for entry in entries {
            let url = folder.appendingPathComponent("out").appendingPathComponent(entry.path)
            let header = try #require(WAVHeader(try Data(contentsOf: url)))
            #expect(header.sampleRate == entry.rate && header.channels == 1)
            #expect(header.formatTag == (entry.encoding == "mulaw" ? 7 : 1))
            // The manifest's figures are the file's, measured again here.
            let properties = try AudioFileInspector.inspect(url)
            #expect(abs(properties.durationSeconds - entry.duration) < 1e-5 && entry.duration > 0.8 && entry.duration < 5)
            #expect(abs((properties.integratedLUFS ?? 0) - (entry.lufs ?? 99)) < 0.01 && (entry.lufs ?? 0) > -30)
            #expect(entry.truePeak.map { $0 < 0 } == true)
        }
        // The same prompt at 16 kHz and at 8 kHz lasts as long.
        #expect(abs(entries[0].duration - entries[1].duration) < 0.002)
        // The CSV manifest has a row per output.
        let csv = try String(contentsOf: folder.appendingPathComponent("out/manifest.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\r\n").count == 13 && csv.hasPrefix("id,voice,locale,format,path,sha256,"))
    }

    @Test func onlyWhatChangedIsRenderedAgain() throws {
        let folder = try folder(Self.prompts)
        defer { try? FileManager.default.removeItem(at: folder) }
        try run(folder)
        let before = try Data(contentsOf: folder.appendingPathComponent("out/manifest.json"))
        // Nothing changed: nothing rendered, the same manifest.
        let again = try run(folder).summary
        #expect(again.rendered == 0 && again.upToDate == 12)
        #expect(try Data(contentsOf: folder.appendingPathComponent("out/manifest.json")) == before)
        // A deleted output is rendered again, alone, with the same bytes.
        let deleted = folder.appendingPathComponent("out/code/de-de-male-wav-8000-mulaw.wav")
        let old = try Data(contentsOf: deleted)
        try FileManager.default.removeItem(at: deleted)
        let restored = try run(folder).summary
        #expect(restored.rendered == 1 && restored.upToDate == 11)
        #expect(try Data(contentsOf: deleted) == old)
        // One row's text changes: its four outputs, and no others.
        try Self.prompts.replacingOccurrences(of: "Goodbye!", with: "See you soon!").write(to: folder.appendingPathComponent("prompts.csv"), atomically: true, encoding: .utf8)
        let changed = try run(folder)
        #expect(changed.summary.rendered == 4 && changed.summary.upToDate == 8)
        let rendered = changed.events.compactMap { event -> String? in
            if case .finished(let output) = event, output.status == .rendered { return output.path }
            return nil
        }
        #expect(Set(rendered) == ["bye/en-us-female-vonage-stream.wav", "bye/en-us-female-wav-8000-mulaw.wav", "bye/de-de-male-vonage-stream.wav", "bye/de-de-male-wav-8000-mulaw.wav"])
        try expectManifestMatchesFiles(folder)
        // --force renders everything; --verify notices a file changed behind the manifest's back.
        #expect(try run(folder) { $0.force = true }.summary.rendered == 12)
        let file = folder.appendingPathComponent("out/welcome/en-us-female-vonage-stream.wav")
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: file)
        #expect(try run(folder).summary.rendered == 0)
        #expect(try run(folder) { $0.verify = true }.summary.rendered == 1)
        try expectManifestMatchesFiles(folder)
    }

    @Test func aClipsBytesAreInTheKey() throws {
        let folder = try folder("id,text\nhold,\"<speak>Please hold. <audio src=\"\"chime.wav\"\"/></speak>\"\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let chime = folder.appendingPathComponent("chime.wav")
        try AudioFile.write((0..<8000).map { Float(sin(Double($0) * 0.2) * 0.3) }, to: chime, sampleRate: 16000, format: .wav)
        #expect(try run(folder).summary.rendered == 1)
        #expect(try run(folder).summary.rendered == 0)
        try AudioFile.write((0..<16000).map { Float(sin(Double($0) * 0.1) * 0.3) }, to: chime, sampleRate: 16000, format: .wav)
        let after = try run(folder).summary
        #expect(after.rendered == 1)
        let entry = try #require(try entries(folder).first)
        #expect(entry.duration > 1.5)
    }

    @Test func aStoppedRunRestartsFromItsJournal() throws {
        let folder = try folder(Self.prompts)
        defer { try? FileManager.default.removeItem(at: folder) }
        try run(folder)
        let out = folder.appendingPathComponent("out")
        let lines = try entries(folder).map { try OutputManifest.line($0) }
        // As a run killed after five outputs leaves it: the manifest from before the work (empty), five entries in
        // the journal, the last cut short by the kill.
        try OutputManifest.write(
            header: OutputManifestHeader(
                complete: false, manifest: "prompts.csv", manifestSHA256: "x", options: "x", tool: SSMLVersion.tool, engine: "x", shard: nil, outputsTotal: 12),
            entries: { _ in }, failures: [], json: out.appendingPathComponent("manifest.json"), csv: nil)
        var journal = Data()
        for line in lines.prefix(5) { journal += line + Data("\n".utf8) }
        journal += lines[5].prefix(40)
        try journal.write(to: out.appendingPathComponent(".ssml-batch/journal.jsonl"))
        let summary = try run(folder).summary
        #expect(summary.upToDate == 5 && summary.rendered == 7)
        #expect(try entries(folder).count == 12)
        try expectManifestMatchesFiles(folder)
        // The journal is empty once its entries are in the manifest.
        #expect(try Data(contentsOf: out.appendingPathComponent(".ssml-batch/journal.jsonl")).isEmpty)
    }

    @Test func aFailingOutputIsRetriedOnceThenReportedAndTheOthersRun() throws {
        // A folder where an output should go cannot be replaced by it: both renders fail, the rest is written.
        let folder = try folder("# formats: wav\nid,text\na,First prompt.\nb,Second prompt.\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("out/a/en-us-female.wav"), withIntermediateDirectories: true)
        try expectRetried(folder)
    }

    private func expectRetried(_ folder: URL) throws {
        let (summary, events) = try run(folder)
        #expect(summary.rendered == 1 && summary.failures.count == 1 && !summary.succeeded)
        let retries = events.filter { if case .retrying = $0 { true } else { false } }
        #expect(retries.count == 1)
        let failure = try #require(summary.failures.first)
        #expect(failure.description.hasPrefix("prompts.csv:3: error: a (en-us-female, wav): "), "\(failure.description)")
        // The manifest lists what exists and the failure, with its place.
        #expect(try entries(folder).map(\.id) == ["b"])
        let text = try String(contentsOf: folder.appendingPathComponent("out/manifest.json"), encoding: .utf8)
        #expect(text.contains("\"message\":\"prompts.csv:3: error: a (en-us-female, wav)"))
    }

    @Test func rowErrorsInTheirTextAreFoundBeforeAnyRenderAtTheirPlaceInTheCell() throws {
        let folder = try folder("id,text\nok,Fine.\nbad,\"<speak>Hi <prosody rate=\"\"warp\"\">x</prosody></speak>\"\nempty,\"<speak> </speak>\"\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (summary, events) = try run(folder)
        let firstRender = events.firstIndex { if case .started = $0 { true } else { false } } ?? events.count
        let problems = events.prefix(firstRender).compactMap { if case .problem(let failure) = $0 { failure.description } else { nil } }
        #expect(
            problems == [
                "prompts.csv:3:25: error: bad (en-us-female): prosody rate \"warp\" is not a rate (use x-slow, slow, medium, fast, x-fast, N%, +N%, -N% or a multiplier like 1.2)",
                "prompts.csv:4:8: error: empty (en-us-female): empty has nothing to say or play; the output would be empty",
            ])
        #expect(summary.rendered == 1 && summary.failures.count == 2)
    }

    @Test func checkAssetVerdictsAreRecordedAndMisfitsReported() throws {
        let folder = try folder("# formats: vonage-stream | wav-8000-mulaw\n# template: {id}/{format}.{ext}\nid,text\na,Hello there.\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let engine = try Engine.standard(data: Repository.data)
        var overrides = BatchOverrides()
        overrides.check = BatchSetting("vonage-stream", .option("--check"))
        let plan = try BatchPlan(try BatchManifest.load(folder.appendingPathComponent("prompts.csv").path, name: "prompts.csv"), overrides: overrides, resolver: engine.resolver)
        let runner = try BatchRunner(plan: plan, engine: engine, options: BatchRunner.Options(output: folder.appendingPathComponent("out"))) {
            try RenderWorkerPool(size: $0, executable: Self.worker)
        }
        let summary = try runner.run { _ in }
        // Vonage plays 16-bit PCM WAV: the mu-law file does not fit, the vonage-stream one does.
        #expect(summary.misfits == ["a/wav-8000-mulaw.wav"])
        let checks = try entries(folder).map(\.check)
        #expect(checks.map { $0?.fits } == [true, false])
        #expect(checks[1]?.findings.contains { $0.hasPrefix("error: WAV holds") } == true)
        // Without the check, the same outputs are up to date and carry no verdict.
        let again = try run(folder).summary
        #expect(again.upToDate == 2 && again.misfits.isEmpty)
        #expect(try entries(folder).allSatisfy { $0.check == nil })
    }

    @Test func rowsMayNameFilesAndNCCOs() throws {
        let folder = try folder("id,file\nmenu,prompts/menu.ssml\ncall,prompts/call.json\nmissing,prompts/nope.ssml\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let prompts = folder.appendingPathComponent("prompts")
        try FileManager.default.createDirectory(at: prompts, withIntermediateDirectories: true)
        try "<speak>For sales, press one.\n<prosody rate=\"warp\">x</prosody></speak>".write(to: prompts.appendingPathComponent("menu.ssml"), atomically: true, encoding: .utf8)
        try "[{\"action\": \"talk\", \"text\": \"Hello from the NCCO.\", \"language\": \"de-DE\"}]".write(to: prompts.appendingPathComponent("call.json"), atomically: true, encoding: .utf8)
        let summary = try run(folder).summary
        #expect(summary.rendered == 1)
        #expect(
            summary.failures.map(\.description) == [
                "prompts/menu.ssml:2:10: error: menu (en-us-female): prosody rate \"warp\" is not a rate (use x-slow, slow, medium, fast, x-fast, N%, +N%, -N% or a multiplier like 1.2)",
                "prompts.csv:4:9: error: missing: cannot read the file prompts/nope.ssml: No such file or directory",
            ])
        let entry = try #require(try entries(folder).first)
        #expect(entry.id == "call" && entry.duration > 0.5)
    }

    /// Outputs are measured and hashed before they are renamed into place (through the unnamed file); the figures are
    /// those of the named file read back, in every kind of container, headerless ones included.
    @Test func figuresTakenBeforeTheRenameAreThoseOfTheFileReadBack() throws {
        let folder = try folder("# formats: raw-16000 | raw-8000-mulaw | mp3 | flac-48000 | wav-8000-alaw\n# loudness: -19\n# template: {id}/{format}.{ext}\nid,text\nhello,Hello there. Your call matters to us.\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (summary, _) = try run(folder)
        #expect(summary.succeeded && summary.rendered == 5)
        let entries = try entries(folder)
        #expect(entries.count == 5)
        try expectManifestMatchesFiles(folder)
        for entry in entries {
            let url = folder.appendingPathComponent("out").appendingPathComponent(entry.path)
            let settings = OutputSettings(rate: entry.rate, encoding: try #require(OutputEncoding(rawValue: entry.encoding)), format: try #require(OutputFormat(rawValue: entry.container)))
            let again = try BatchRunner.measure(url, settings: settings)
            #expect(BatchRunner.rounded(again.durationSeconds, 1e6) == entry.duration, "\(entry.path)")
            #expect(again.integratedLUFS.flatMap { BatchRunner.rounded($0, 100) } == entry.lufs, "\(entry.path)")
            #expect(BatchRunner.rounded(again.truePeakDBTP, 100) == entry.truePeak, "\(entry.path)")
            #expect(entry.duration > 1 && entry.bytes > 1000, "\(entry.path)")
        }
        // The headerless 16-bit file is measured (as the name says), the headerless G.711 one is not.
        #expect(entries.first { $0.path.hasSuffix(".raw") && $0.encoding == "pcm16" }?.lufs.map { abs($0 + 19) < 1.5 } == true)
    }

    /// The render threads run at once, more of them than cores: the ones beyond a thread per worker are what keeps
    /// the workers fed while the others write outputs. (`DispatchQueue.concurrentPerform`, used before, ran no more
    /// than a core's worth at once: on two cores the third thread started only when another had finished.)
    @Test func renderThreadsRunAtOnceBeyondTheCores() throws {
        let count = BatchRunner.lanes(workers: ProcessInfo.processInfo.activeProcessorCount)
        #expect(count > ProcessInfo.processInfo.activeProcessorCount)
        // Each thread waits (at most 20 s) until every thread has arrived: only threads running at once all get there.
        let arrived = Atomic(0)
        let timedOut = Atomic(0)
        Lanes.run(count, name: "test") {
            arrived.add(1, ordering: .sequentiallyConsistent)
            let deadline = Date().addingTimeInterval(20)
            while arrived.load(ordering: .sequentiallyConsistent) < count {
                if Date() > deadline {
                    timedOut.add(1, ordering: .sequentiallyConsistent)
                    return
                }
                usleep(1000)
            }
        }
        #expect(arrived.load(ordering: .sequentiallyConsistent) == count && timedOut.load(ordering: .sequentiallyConsistent) == 0)
    }

    /// One run at a time writes a folder; the lock goes when the run ends, not when its last reference does.
    @Test func aFolderIsLockedWhileARunWritesIt() throws {
        let folder = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try BatchState(output: folder, shard: nil)
        #expect(throws: SSMLError.self) { try BatchState(output: folder, shard: nil) }
        do {
            _ = try BatchState(output: folder, shard: nil)
        } catch let error as SSMLError {
            #expect(error.message.contains("another ssml batch is writing \(folder.path)"))
        }
        // Shards have locks of their own.
        _ = try BatchState(output: folder, shard: BatchShard(index: 1, count: 2, source: "--shard 1/2"))
        first.release()
        _ = try BatchState(output: folder, shard: nil)
        withExtendedLifetime(first) {}
    }

    @Test func aDryRunWritesNothing() throws {
        let folder = try folder(Self.prompts)
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = try run(folder) { $0.dryRun = true }.summary
        #expect(summary.outputs == 12 && summary.rendered == 0 && summary.manifest == nil)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }
}
