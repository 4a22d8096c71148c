import Foundation
import Logging
import SSMLCore
import SSMLEngine
import Synchronization

/// The calls of both twins: it starts each on the call simulator (over the server's render pool), keeps them
/// newest first, and writes each finished call to the state folder.
///
/// Files in the state folder are the twin's own names only, `call-ID.json` and `call-ID.wav` (ids are made of
/// letters, digits and `-`), each written to a temporary name and renamed into place, so a server reading the
/// folder (a restart, another server on a shared volume) never sees half a call.
final class TwinCalls: Sendable {
    let configuration: TwinConfiguration
    let services: ServerServices
    let client: HTTPWebhookClient
    private let calls = Mutex<[TwinCall]>([])
    private let tasks = Mutex<[String: Task<Void, Never>]>([:])
    /// Calls started and not yet ended (their slots of ``TwinConfiguration/maxRunningCalls``).
    private let running = Mutex(0)

    /// No call can start now: `limit` calls are running; one may start once one of them has ended.
    struct Full: Error, Sendable {
        var limit: Int
        /// Seconds to wait before trying again.
        var retryAfter: Int { 1 }

        var message: String {
            "\(limit) twin calls are running, the most this server runs at once (--max-running-calls \(limit)); one may start when a running call ends"
        }
    }

    init(configuration: TwinConfiguration, services: ServerServices) throws {
        self.configuration = configuration
        self.services = services
        client = HTTPWebhookClient()
        if let folder = configuration.stateDirectory {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }

    // MARK: - Listing

    /// Every call, newest first: those of this server and, with a state folder, those written there (by this
    /// server before a restart, or by others sharing the folder).
    var all: [TwinCall] {
        var list = calls.withLock { $0 }
        let known = Set(list.map(\.id))
        list += stored().filter { !known.contains($0.id) }
        return list.sorted { $0.record.created > $1.record.created }
    }

    func call(_ id: String) -> TwinCall? {
        if let call = calls.withLock({ $0.first { $0.id == id } }) { return call }
        guard Self.isID(id), let folder = configuration.stateDirectory else { return nil }
        return load(folder.appendingPathComponent("call-\(id).json"))
    }

    /// Ids are ours: letters, digits and `-` only, so a name made from one stays in the state folder.
    static func isID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" }
    }

    private func stored() -> [TwinCall] {
        guard let folder = configuration.stateDirectory,
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [] }
        return names.filter { $0.hasPrefix("call-") && $0.hasSuffix(".json") && Self.isID(String($0.dropFirst(5).dropLast(5))) }
            .compactMap { load(folder.appendingPathComponent($0)) }
    }

    private func load(_ file: URL) -> TwinCall? {
        // A plain file of a sane size only: a link or a huge file planted in the folder is not read.
        guard let values = try? file.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey, .fileSizeKey]),
            values.isRegularFile == true, values.isSymbolicLink != true, (values.fileSize ?? 0) < 16 << 20,
            let data = try? Data(contentsOf: file)
        else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let record = try? decoder.decode(TwinCall.Record.self, from: data), Self.isID(record.id) else { return nil }
        let call = TwinCall(record: record, handle: nil)
        call.finish(record, result: TwinCall.Result(wav: nil, timeline: nil))
        return call
    }

    /// A stored call's audio or timeline file (`wav`, `timeline.json`).
    func storedFile(_ id: String, _ suffix: String) -> Data? {
        guard Self.isID(id), let folder = configuration.stateDirectory else { return nil }
        let file = folder.appendingPathComponent("call-\(id).\(suffix)")
        guard let values = try? file.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey]), values.isRegularFile == true, values.isSymbolicLink != true else { return nil }
        return try? Data(contentsOf: file)
    }

    // MARK: - Running

    /// Calls running now.
    var runningCount: Int { running.withLock { $0 } }

    /// Starts a call in the background and keeps it; returns at once.
    ///
    /// - Throws: ``Full`` when ``TwinConfiguration/maxRunningCalls`` calls are running already (nothing is kept).
    func start(_ record: TwinCall.Record, setup: CallSetup) throws(Full) -> TwinCall {
        let limit = configuration.maxRunningCalls
        let admitted = running.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard admitted else { throw Full(limit: limit) }
        let script = configuration.script ?? CallScript()
        let handle = CallHandle(interactive: configuration.script == nil)
        let call = TwinCall(record: record, handle: handle)
        calls.withLock { list in
            list.insert(call, at: 0)
            // The oldest finished calls leave memory first (they stay in the state folder).
            while list.count > configuration.maxCalls, let index = list.lastIndex(where: { $0.isFinished }) { list.remove(at: index) }
        }
        // Made under the lock its end takes too: a call that ends at once cannot leave its task behind in the table.
        tasks.withLock { tasks in
            tasks[call.id] = Task { [self] in
                await run(call, setup: setup, script: script, handle: handle)
                _ = self.tasks.withLock { $0.removeValue(forKey: call.id) }
            }
        }
        return call
    }

    private func run(_ call: TwinCall, setup: CallSetup, script: CallScript, handle: CallHandle) async {
        var engine = services.render.engine
        // A fetcher per call: what a stream URL downloads lives as long as the call.
        let fetcher = services.render.fetchSettings.map { HTTPFetcher(settings: $0) }
        engine.fetcher = fetcher
        defer { fetcher?.cleanUp() }
        let simulator = CallSimulator(engine: engine, pool: services.render.pool, client: client)
        // A twin call is as long as a render may be (--max-output-seconds): its audio is kept whole.
        var setup = setup
        setup.lengthTimer = min(setup.lengthTimer, services.configuration.maxOutputSeconds)
        var record = call.record
        var result = TwinCall.Result()
        do {
            let recording = try await simulator.run(setup, script: script, rate: configuration.rate, handle: handle)
            let job = RenderJob(
                input: JobInput(ssml: "", name: "twin call \(call.id)"), allowEmpty: true, output: OutputSettings(rate: configuration.rate), timeline: true)
            let written = try recording.write(job: job, to: .memory)
            result.wav = written.audio
            result.timeline = try written.timeline?.json()
            record.status = recording.summary.status
            record.seconds = recording.summary.duration
            record.keys = recording.summary.keys
            record.endedBy = recording.summary.endedBy
            record.transcript = recording.transcript
            record.webhooks = recording.exchanges.map(TwinCall.Webhook.init)
            record.problems = recording.problems
        } catch {
            let message = (error as? SSMLError)?.description ?? "\(error)"
            let snapshot = handle.snapshot
            record.status = "failed"
            record.failure = message
            record.transcript = snapshot.transcript
            record.webhooks = snapshot.exchanges.map(TwinCall.Webhook.init)
            record.problems = snapshot.problems
            services.logger.warning("twin call failed", metadata: ["call": "\(call.id)", "error": "\(message)"])
        }
        record.finished = true
        record.ended = Date()
        // Written before the call says it is finished: whoever sees it finished finds its files.
        persist(record, result)
        // Its slot is free before anyone can see it finished: a client that waited for the end may start the next call.
        running.withLock { $0 -= 1 }
        call.finish(record, result: result)
        services.logger.info(
            "twin call ended", metadata: ["call": "\(call.id)", "service": "\(record.service)", "status": "\(record.status)", "seconds": "\(record.seconds)"])
    }

    /// Writes a finished call to the state folder: audio and timeline first, the record last (a record names a
    /// complete call).
    private func persist(_ record: TwinCall.Record, _ result: TwinCall.Result) {
        guard let folder = configuration.stateDirectory, Self.isID(record.id) else { return }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        do {
            if let wav = result.wav { try wav.write(to: folder.appendingPathComponent("call-\(record.id).wav"), options: .atomic) }
            if let timeline = result.timeline { try timeline.write(to: folder.appendingPathComponent("call-\(record.id).timeline.json"), options: .atomic) }
            try encoder.encode(record).write(to: folder.appendingPathComponent("call-\(record.id).json"), options: .atomic)
        } catch {
            services.logger.error("cannot write the twin call to the state folder", metadata: ["call": "\(record.id)", "error": "\(error)"])
        }
    }

    /// Hangs up every running call and waits for them to end (the server is stopping).
    func hangUpAll() async {
        let running = tasks.withLock { $0 }
        for call in calls.withLock({ $0 }) where !call.isFinished { call.handle?.send(.hangup) }
        for task in running.values { await task.value }
        await client.shutdown()
    }

    /// A new seed for a call's ids.
    static func seed() -> UInt64 { UInt64.random(in: 1...UInt64.max) }
}
