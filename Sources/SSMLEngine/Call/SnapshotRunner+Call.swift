import Foundation
import SSMLCore

/// Call scenarios as `ssml test` cases: the call runs against the application the scenario names, and its
/// snapshot is the call's timeline (steps, words, keys, webhooks and answers) and audio features.
extension SnapshotRunner {
    func callCase(_ file: URL, base: URL) -> Case {
        let relative = String(file.path.dropFirst(base.path.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let lowered = relative.lowercased()
        let suffix = [".call.json", ".call.yaml", ".call.yml"].first { lowered.hasSuffix($0) } ?? ""
        let stem = String(relative.dropLast(suffix.count)) + ".call"
        let folder = settings.snapshotFolder ?? base
        var item = Case(
            input: file, base: base, name: relative, snapshot: folder.appendingPathComponent(stem + ".snap.json"),
            audio: folder.appendingPathComponent(stem + ".snap.flac"), kind: .ncco)
        item.isCall = true
        return item
    }

    /// Runs a scenario: the snapshot of the call, its WAV and samples, and the expectations that failed (with the
    /// application's misbehaviour, which fails a case too).
    public func renderCall(_ item: Case) throws -> (snapshot: Snapshot, wav: Data, samples: [Float], failures: [String]) {
        let source = try InputFile.read(item.input.path)
        let scenario = try CallScenario.load(source.text, name: item.name, baseDirectory: item.input.deletingLastPathComponent())
        var setup = scenario.setup
        let recordings = FileManager.default.temporaryDirectory.appendingPathComponent("ssml-test-recordings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: recordings, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: recordings) }
        setup.recordingsDirectory = recordings.path
        let client = HTTPWebhookClient(maxBytes: setup.webhookMaxBytes)
        let simulator = CallSimulator(engine: engine, pool: pool, client: client)
        let (frozenSetup, script, rate) = (setup, scenario.script, settings.rate)
        let recording = try blockingAwait {
            do {
                let recording = try await simulator.run(frozenSetup, script: script, rate: rate)
                await client.shutdown()
                return recording
            } catch {
                await client.shutdown()
                throw error
            }
        }
        let job = RenderJob(input: JobInput(ssml: "", name: item.name), allowEmpty: true, output: OutputSettings(rate: rate), timeline: true)
        let result = try recording.write(job: job, to: .memory)
        guard let wav = result.audio else { throw SSMLError(.engine, "the call returned no audio") }
        let samples = try Self.decode(wav)
        let snapshot = Snapshot(timeline: recording.timeline, samples: samples, input: item.input.lastPathComponent, settings: ["rate": "\(rate)", "call": setup.service])
        let failures =
            recording.check(scenario.expectations).map { "expectation failed: \($0)" }
            + recording.problems.map { "the application misbehaved: \($0)" }
        return (snapshot, wav, samples, failures)
    }
}
