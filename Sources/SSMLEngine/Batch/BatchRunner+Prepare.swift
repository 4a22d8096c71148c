import Foundation
import SSMLCore
import Synchronization

extension BatchRunner {
    /// The outputs of one prompt in one voice that need rendering: they share a plan.
    struct Unit: Sendable {
        /// Index into the run's prompts.
        var prompt: Int
        /// Index into the prompt's voices.
        var voice: Int
        /// Indexes into the prompt's formats.
        var formats: [Int]
    }

    struct Prepared: Sendable {
        var units: [Unit] = []
        var upToDate = 0
        var failures: [BatchFailure] = []
    }

    /// A prompt's input as a job reads it, and how its messages' places map to the manifest.
    struct LoadedInput {
        var input: JobInput
        /// For text written in the manifest: the value, whose places are translated to the manifest's.
        var value: ManifestValue?

        func translate(_ location: SourceLocation?) -> SourceLocation? {
            guard let location, let value, location.file == input.name else { return location }
            var moved = value.location(ofTextLine: location.line, column: location.column)
            moved.element = location.element
            moved.attribute = location.attribute
            return moved
        }

        /// An error with its place in the manifest; one without a place (a file that cannot be written) stays so, and
        /// is reported at its row.
        func translate(_ error: SSMLError) -> SSMLError {
            var moved = error
            moved.location = translate(error.location)
            return moved
        }

        /// The warnings of planning, with their places in the manifest (or the prompt's file).
        func warnings(_ log: DiagnosticLog) -> [String] {
            log.diagnostics.filter { $0.severity == .warning }.map { diagnostic in
                var moved = diagnostic
                moved.location = translate(diagnostic.location)
                return moved.description
            }
        }
    }

    /// Reads a prompt's text or file.
    func load(_ prompt: BatchPlan.Prompt) throws -> LoadedInput {
        switch prompt.input {
        case .text(let value):
            let text = value.text ?? ""
            // Messages name the prompt; their places are translated to the manifest's.
            return LoadedInput(input: JobInput(kind: JobInput.kind(of: text), text: text, name: prompt.id, baseDirectory: plan.directory.path), value: value)
        case .file(let path, let location):
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : plan.directory.appendingPathComponent(path)
            let folder = (plan.file as NSString).deletingLastPathComponent
            let name = path.hasPrefix("/") || folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
            let text: String
            do {
                if let status = Posix.status(url.path), status.st_mode & S_IFMT == S_IFDIR { throw SSMLError(.io, "it is a directory") }
                let data: Data
                do { data = try Data(contentsOf: url) } catch { throw SSMLError(.io, Posix.reason()) }
                text = try InputReader(limit: engine.limits.maxInputBytes).decode([UInt8](data), name: name, directory: url.deletingLastPathComponent()).text
            } catch let error as SSMLError {
                if error.location != nil { throw error }
                throw SSMLError(.io, "cannot read the file \(name): \(error.message)", at: location)
            }
            return LoadedInput(input: JobInput(kind: JobInput.kind(of: text), text: text, name: name, baseDirectory: url.deletingLastPathComponent().path), value: nil)
        }
    }

    /// The job of a prompt in one voice (its output settings are set per format).
    func job(_ prompt: BatchPlan.Prompt, voice: BatchPlan.Voice, input: JobInput) -> RenderJob {
        RenderJob(
            input: input, voice: voice.name, dialect: prompt.dialect, voiceFallback: plan.voiceFallback, strict: plan.strict,
            allowEmpty: plan.allowEmpty, force: options.force, audioSources: options.audioSources)
    }

    /// A planned and resolved job, or its error at its place in the manifest.
    func plan(_ job: RenderJob, loaded: LoadedInput) -> Result<(plan: [Segment], warnings: [String]), SSMLError> {
        let log = DiagnosticLog(strict: plan.strict)
        do {
            let segments = try engine.resolve(engine.plan(job, log: log), for: job, log: log)
            return .success((segments, loaded.warnings(log)))
        } catch let error as SSMLError {
            return .failure(loaded.translate(error))
        } catch {
            return .failure(SSMLError(.engine, "\(error)"))
        }
    }

    /// Reads the outputs earlier runs described into `cached` (by output number): `manifest.json`, the shard's own
    /// manifest, then the journal of a run that stopped. Later sources win.
    func loadCache(into cached: EntryStore, prompts: [BatchPlan.Prompt], state: BatchState?, report: Reporter) {
        var numbers: [String: Int] = [:]
        for prompt in prompts {
            for output in plan.outputs(of: prompt) {
                if let path = try? plan.path(prompt, output) { numbers[path] = output.number }
            }
        }
        var sources = [options.output.appendingPathComponent(OutputManifest.fileName(shard: nil))]
        if options.shard != nil { sources.append(manifestURL) }
        let decoder = JSONDecoder()
        func keep(_ line: Data) throws {
            // The path is all that is needed here; the entry is decoded when its output is checked.
            guard let path = OutputManifest.path(inLine: line) ?? (try? decoder.decode(OutputEntry.self, from: line))?.path else { return }
            if let number = numbers[path] { try cached.set(number, line) }
        }
        for source in sources where FileManager.default.fileExists(atPath: source.path) {
            do {
                try OutputManifest.scan(source, line: keep)
            } catch {
                report.send(.warning("\(source.path) cannot be read (\((error as? SSMLError)?.message ?? "\(error)")); the outputs it lists are checked again"))
            }
        }
        do {
            try state?.replay(keep)
        } catch {
            report.send(.warning("the journal of an earlier run cannot be read (\((error as? SSMLError)?.message ?? "\(error)")); its outputs are rendered again"))
        }
    }

    /// Plans every prompt, keeps the entries of up-to-date outputs in `store`, and returns what is left to render.
    func prepare(_ prompts: [BatchPlan.Prompt], cached: EntryStore, store: EntryStore, report: Reporter) -> Prepared {
        let result = Mutex(Prepared())
        let next = Atomic(0)
        let lanes = max(1, min(ProcessInfo.processInfo.activeProcessorCount, prompts.count))
        DispatchQueue.concurrentPerform(iterations: lanes) { _ in
            let decoder = JSONDecoder(), encoder = OutputManifest.encoder()
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < prompts.count else { return }
                let prompt = prompts[index]
                var part = Prepared()
                prepare(prompt, index: index, cached: cached, store: store, decoder: decoder, encoder: encoder, into: &part)
                result.withLock { all in
                    all.units += part.units
                    all.upToDate += part.upToDate
                    all.failures += part.failures
                }
            }
        }
        var prepared = result.withLock { $0 }
        prepared.units.sort { ($0.prompt, $0.voice) < ($1.prompt, $1.voice) }
        prepared.failures.sort(by: Self.ordered)
        return prepared
    }

    private func prepare(
        _ prompt: BatchPlan.Prompt, index: Int, cached: EntryStore, store: EntryStore, decoder: JSONDecoder, encoder: JSONEncoder, into part: inout Prepared
    ) {
        let loaded: LoadedInput
        do { loaded = try load(prompt) } catch let error as SSMLError {
            part.failures.append(BatchFailure(row: prompt.row, place: prompt.place, id: prompt.id, error: error))
            return
        } catch {
            return
        }
        for (voiceIndex, voice) in prompt.voices.enumerated() {
            var job = job(prompt, voice: voice, input: loaded.input)
            let planned: (plan: [Segment], warnings: [String])
            switch plan(job, loaded: loaded) {
            case .success(let value): planned = value
            case .failure(let error):
                part.failures.append(BatchFailure(row: prompt.row, place: prompt.place, id: prompt.id, voice: voice.name, error: error))
                continue
            }
            var missing: [Int] = []
            for formatIndex in prompt.formats.indices {
                let output = plan.output(prompt, voice: voiceIndex, format: formatIndex)
                job.output = output.format.settings
                do {
                    let key = try keys.key(job, plan: planned.plan)
                    let path = try plan.path(prompt, output)
                    if let line = try cached.line(output.number), let old = try? decoder.decode(OutputEntry.self, from: line), old.key == key, old.path == path,
                        let entry = try reuse(old, prompt: prompt, output: output, warnings: planned.warnings)
                    {
                        // Most reruns change nothing in an entry: its line is kept as it was.
                        try store.set(output.number, entry == old ? line : try encoder.encode(entry), csv: CSVManifest.row(entry))
                        part.upToDate += 1
                        continue
                    }
                } catch let error as SSMLError {
                    part.failures.append(
                        BatchFailure(
                            row: prompt.row, place: prompt.place, id: prompt.id, output: output.number, voice: voice.name, format: output.format.name,
                            error: loaded.translate(error)))
                    continue
                } catch {
                    continue
                }
                missing.append(formatIndex)
            }
            if !missing.isEmpty { part.units.append(Unit(prompt: index, voice: voiceIndex, formats: missing)) }
        }
    }

    /// An earlier entry brought up to date, if its file is still the one it describes; nil to render it again.
    func reuse(_ old: OutputEntry, prompt: BatchPlan.Prompt, output: BatchPlan.Output, warnings: [String]) throws -> OutputEntry? {
        let url = options.output.appendingPathComponent(old.path)
        guard let size = Posix.regularFileSize(url.path), size == old.bytes else { return nil }
        if options.verify {
            guard (try? SHA256.hash(fileAt: url.path).digest.hex) == old.sha256 else { return nil }
        }
        var entry = old
        entry.index = output.number
        entry.id = prompt.id
        entry.voice = output.voice.name
        entry.locale = output.voice.locale
        entry.format = output.format.name
        entry.tags = prompt.tags
        entry.source = "\(plan.file):\(prompt.place.line)"
        entry.warnings = warnings
        if let target = plan.check {
            if entry.check?.target != target.rawValue {
                guard let properties = try? Self.measure(url, settings: output.format.settings) else { return nil }
                entry.check = Self.check(properties, target: target, path: old.path)
            }
        } else {
            entry.check = nil
        }
        return entry
    }
}
