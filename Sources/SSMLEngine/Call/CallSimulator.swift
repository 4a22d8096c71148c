import Foundation
import SSMLCore

/// Runs one Vonage or seven.io call end to end against the user's own application: real webhooks, a scripted
/// caller, and the audio the caller hears.
///
/// Time is simulated: second 0 is the answer, and time moves as the caller's audio does (prompts, waits,
/// silences), never with the wall clock; only webhook round trips are real, each bounded by the setup's
/// timeout. Every step is rendered by a ``RenderWorkerPool`` (a fresh espeak-ng state per job), so the same
/// application answers and the same script give the same bytes.
///
/// ```swift
/// let simulator = CallSimulator(engine: engine, pool: pool, client: HTTPWebhookClient())
/// let call = try await simulator.run(CallSetup(source: .answerURL("http://127.0.0.1:8000/answer")), script: script, rate: 16000)
/// let result = try call.write(job: job, to: .file(url))
/// ```
public struct CallSimulator: Sendable {
    public let engine: Engine
    public let pool: RenderWorkerPool
    public let client: any WebhookClient
    /// Transcript lines as they happen (the CLI prints them on standard error).
    public var live: (@Sendable (String) -> Void)?

    public init(engine: Engine, pool: RenderWorkerPool, client: any WebhookClient, live: (@Sendable (String) -> Void)? = nil) {
        self.engine = engine
        self.pool = pool
        self.client = client
        self.live = live
    }

    /// Runs the call at `rate` Hz. Usage and input errors (a document that does not parse) throw; everything the
    /// application does wrong is handled the way the service does and reported in the result.
    ///
    /// - Parameter handle: watches the call as it runs and steers it (see ``CallHandle``); told when it ends.
    public func run(_ setup: CallSetup, script: CallScript, rate: Int, handle: CallHandle? = nil) async throws -> CallRecording {
        do {
            let run = try CallRun(simulator: self, setup: setup, script: script, rate: rate, handle: handle)
            try await run.start()
            let recording = run.finish()
            handle?.finish(status: recording.summary.status)
            return recording
        } catch {
            handle?.finish(status: "failed", failure: (error as? SSMLError)?.description ?? "\(error)")
            throw error
        }
    }
}

/// A finished call: its audio (not yet encoded), timeline, transcript and webhooks.
public final class CallRecording: @unchecked Sendable {
    // `@unchecked Sendable`: built by one task, then only read.
    let recorder: CallRecorder
    let engine: Engine
    public let summary: CallSummary
    public let timeline: Timeline
    /// Every line the call printed, in order.
    public var transcript: [String] { recorder.transcript }
    public var exchanges: [CallExchange] { recorder.exchanges }
    /// How the application misbehaved; empty when it answered every webhook as the service expects.
    public var problems: [String] { recorder.problems }
    /// Everything spoken to the caller, in order.
    public var spokenText: String { recorder.spokenText }
    /// Whether the caller heard nothing at all: not answered, or only silence (an answer URL that never gave an
    /// NCCO); no speech, audio or tone.
    public var isSilent: Bool { !recorder.entries.contains { $0.kind != .pause && $0.kind != .word && $0.end > $0.start } }
    /// The call's audio at its rate, in order.
    public func forEachChunk(_ body: ([Float]) throws -> Void) throws { try recorder.audio.forEachChunk(body) }

    init(recorder: CallRecorder, engine: Engine, summary: CallSummary) {
        self.recorder = recorder
        self.engine = engine
        self.summary = summary
        timeline = recorder.timeline(engine: engine.synthesizer.version, summary: summary)
    }

    /// Encodes the call with the job's output settings (every option of `render`), and draws its timeline when
    /// the job asks for it. The job's rate must be the call's.
    public func write(job: RenderJob, to destination: JobDestination) throws -> JobResult {
        let recorder = self.recorder
        let timeline = self.timeline
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        return try engine.write(job: job, to: destination, timeline: { _ in timeline }) { sink in
            try recorder.audio.forEachChunk { try sink.write($0) }
            return recorder.report
        }
    }

    /// Checks the scenario's expectations; each failure is one sentence.
    public func check(_ expectations: CallExpectations) -> [String] {
        CallExpectationCheck(recording: self).failures(expectations)
    }
}

/// The state of one call while it runs.
final class CallRun {
    let engine: Engine
    let pool: RenderWorkerPool
    let client: any WebhookClient
    let setup: CallSetup
    let recorder: CallRecorder
    var steps: [CallScript.Step]
    var cursor = 0
    let script: CallScript
    var ids: CallIDs
    let base: Date
    /// Call time at which the caller hangs up (`hangup_after`), and at which the service ends the call.
    let hangupAt: Double?
    let lengthDeadline: Double
    /// When the current prompt started: the first talk or stream with `bargeIn` since the call last listened, else
    /// the first audio since then. Timed steps count from it.
    var promptStart: Double?
    /// Whether ``promptStart`` is a talk or stream with `bargeIn` (which later audio does not move).
    var promptAnchored = false
    var ended = false
    var status = "completed"
    var endedBy = "application"
    /// Keys pressed into a talk with `bargeIn`, waiting for the next input.
    var bargedIn = false
    /// Whether the callee picked up (before, waits for webhooks are not heard).
    var answered = false
    /// Webhooks sent (a guard against an application that answers every webhook with another round forever).
    var webhookCount = 0
    /// Vonage `record` actions without a condition that ends them: they record until the call ends.
    var backgroundRecords: [BackgroundRecord] = []
    /// The live handle of a call the twins run (nil for `ssml call`).
    let handle: CallHandle?
    /// Audio played into the call by the handle (`PUT …/talk`), on top of the call's own.
    var overlay: LiveOverlay?
    /// A new NCCO asked for through the handle (`transfer`), taken at the next action boundary.
    var transferTo: CallSetup.Source?
    /// The caller's speech is not heard (Vonage `mute`).
    var muted = false
    static let maxWebhooks = 500
    /// Seconds the phone rings before the simulated callee answers.
    static let ringSeconds = 3.0

    init(simulator: CallSimulator, setup: CallSetup, script: CallScript, rate: Int, handle: CallHandle? = nil) throws {
        self.handle = handle
        engine = simulator.engine
        pool = simulator.pool
        client = simulator.client
        self.setup = setup
        self.script = script
        steps = script.steps
        recorder = try CallRecorder(rate: rate, live: simulator.live)
        recorder.handle = handle
        ids = CallIDs(seed: setup.seed)
        base = setup.realTime ? Date() : Date(timeIntervalSince1970: 1_735_722_000)  // 2025-01-01T09:00:00Z
        hangupAt = script.hangupAfter
        lengthDeadline = setup.lengthTimer
    }

    var now: Double { recorder.now }
    var rate: Int { recorder.rate }

    func start() async throws {
        switch setup.source {
        case .answerURL, .ncco: try await runVonage()
        case .seven(let text, let name): try await runSeven(text: text, name: name)
        }
        let unused = steps[cursor...]
        if !unused.isEmpty, status == "completed" || endedBy == "application" {
            recorder.say("note: the call ended before the caller's \(unused.map(\.summary).joined(separator: ", ")) (\(unused.first!.origin))")
        }
    }

    func finish() -> CallRecording {
        let summary = CallSummary(
            service: setup.service, status: status, duration: (now * 1000).rounded() / 1000, keys: recorder.keys, webhooks: recorder.exchanges.count,
            endedBy: endedBy)
        return CallRecording(recorder: recorder, engine: engine, summary: summary)
    }

    // MARK: - The script

    var pending: CallScript.Step? { cursor < steps.count ? steps[cursor] : nil }

    func consume() { cursor += 1 }

    /// When the pending step happens, if it is timed: seconds after the prompt started.
    var timedStepTime: Double? {
        guard let step = pending, let after = step.after else { return nil }
        return (promptStart ?? now) + after
    }

    /// The call time at which the call ends whatever happens: the caller's `hangup_after`, or the length timer.
    var deadline: Double { min(hangupAt ?? .infinity, lengthDeadline) }

    /// Ends the call now.
    func end(status: String = "completed", by: String, _ line: String) {
        guard !ended else { return }
        ended = true
        self.status = status
        endedBy = by
        recorder.event(.call, "hangup", settings: ["by": by, "status": status])
        recorder.say(line)
    }

    /// Ends the call if the deadline is now.
    func endIfDue() {
        guard !ended, now + 1e-9 >= deadline else { return }
        if let hangupAt, hangupAt <= lengthDeadline {
            end(by: "caller", "the caller hangs up (hangup after \(NCCOPlanner.seconds(hangupAt)))")
        } else {
            end(by: "service", "the call reached its length timer (\(NCCOPlanner.seconds(lengthDeadline))) and is ended")
        }
    }

    // MARK: - Audio

    struct Rendered {
        var samples: [Float]
        var report: RenderReport
        var seconds: Double { Double(samples.count) / Double(report.sampleRate) }
    }

    /// Plans nothing: renders resolved segments on the pool.
    func render(_ segments: [Segment]) async throws -> Rendered {
        guard segments.contains(where: Engine.takesTime) || !segments.isEmpty else {
            return Rendered(samples: [], report: RenderReport(sampleRate: Double(rate), sampleCount: 0, entries: []))
        }
        let sink = CollectingSink()
        let job = WorkerJob(plan: RenderPlan(segments: segments), sampleRate: rate, limits: engine.limits)
        let report = try await pool.render(job, into: sink)
        return Rendered(samples: sink.samples, report: report)
    }

    /// Resolves a plan's clips (downloads, checks) against the setup's folder.
    func resolve(_ plan: [Segment], log: DiagnosticLog) throws -> [Segment] {
        let job = RenderJob(input: JobInput(kind: .ssml, text: "", name: "call", baseDirectory: setup.baseDirectory))
        return try engine.resolve(plan, for: job, log: log)
    }

    enum Played {
        case finished
        /// A timed key or speech of the script landed in it at this time (the audio was cut there).
        case interrupted(at: Double)
        /// The call ended during it.
        case ended
    }

    /// Plays rendered audio from now. A hang-up (the caller's or a timer's) cuts it and ends the call. A timed key
    /// or speech landing in it cuts it when `interruptible` (barge-in); otherwise `stray` decides what becomes of
    /// it and the audio plays on.
    /// - Parameter timed: whether timed steps may land in it (false for a talk that a later talk with `bargeIn` of the
    ///   same prompt follows: the steps count from that one).
    ///   `interrupting`, when given, decides which steps cut an interruptible sound (a bridge's own keys only).
    func play(
        _ rendered: Rendered, interruptible: Bool, timed: Bool = true, interrupting: ((CallScript.Step) -> Bool)? = nil,
        stray: (CallScript.Step, Double) async -> Void
    ) async throws -> Played {
        let start = now
        if promptStart == nil { promptStart = start }
        let length = rendered.seconds
        var cutTime: Double?
        var outcome = Played.finished
        scan: while timed, let step = pending, let time = timedStepTime, time < start + length {
            let at = max(time, start)
            switch step.action {
            case .hangup:
                cutTime = at
                consume()
                outcome = .ended
                break scan
            case .press, .say:
                if interruptible, interrupting?(step) ?? true {
                    cutTime = at
                    outcome = .interrupted(at: at)
                    break scan
                }
                consume()
                await stray(step, at)
            case .silent, .audio:
                break scan
            }
        }
        if deadline < (cutTime ?? start + length) {
            cutTime = max(deadline, start)
            outcome = .ended
        }
        if let cutTime {
            let keep = min(rendered.samples.count, Int(((cutTime - start) * Double(rate)).rounded()))
            try recorder.add(mixOverlay(Self.fadeOut(Array(rendered.samples[..<keep]), rate: rate)), report: Self.clip(rendered.report, to: keep))
        } else {
            try recorder.add(mixOverlay(rendered.samples), report: rendered.report)
        }
        if case .ended = outcome {
            if !ended, now + 1e-9 >= deadline { endIfDue() } else { end(by: "caller", "the caller hangs up") }
        }
        return outcome
    }

    /// Silence from now for `seconds`, ended early by the deadline; returns false when the call ended.
    @discardableResult
    func wait(_ seconds: Double, reason: String, attributes: [String: String] = [:]) throws -> Bool {
        let until = min(now + max(seconds, 0), deadline)
        try fill(until - now, reason: reason, attributes: attributes)
        endIfDue()
        return !ended
    }

    /// Silence until call time `time` (or the deadline).
    @discardableResult
    func wait(until time: Double, reason: String) throws -> Bool {
        try wait(time - now, reason: reason)
    }

    /// A 5 ms fade to silence, so a cut never clicks.
    static func fadeOut(_ samples: [Float], rate: Int) -> [Float] {
        var out = samples
        let length = min(out.count, rate / 200)
        for index in 0..<length {
            out[out.count - length + index] *= Float(length - 1 - index) / Float(max(length, 1))
        }
        return out
    }

    /// The report of the first `count` samples.
    static func clip(_ report: RenderReport, to count: Int) -> RenderReport {
        let entries = report.entries.compactMap { entry -> RenderReport.Entry? in
            guard entry.start < count || (entry.start == count && entry.start == entry.end && count > 0) else { return nil }
            var clipped = entry
            clipped.end = min(entry.end, count)
            if entry.end > count { clipped.attributes["cut"] = "barge-in" }
            return clipped
        }
        return RenderReport(sampleRate: report.sampleRate, sampleCount: count, entries: entries)
    }

    /// A ringback tone (440 + 480 Hz, the North American ring) for `seconds`.
    func ringback(_ seconds: Double) throws {
        let count = Int(seconds * Double(rate))
        guard count > 0 else { return }
        var samples = [Float](repeating: 0, count: count)
        for index in 0..<count {
            let t = Double(index) / Double(rate)
            samples[index] = Float(0.1 * (sin(2 * .pi * 440 * t) + sin(2 * .pi * 480 * t)))
        }
        let until = min(seconds, max(deadline - now, 0))
        try recorder.sound(Self.fadeOut(Array(samples[..<Int(until * Double(rate))]), rate: rate), detail: "ringback", attributes: ["seconds": String(format: "%.3f", until)])
        endIfDue()
    }

    /// A 1 kHz beep (record's `beepStart`).
    func beep() throws {
        let count = Int(0.4 * Double(rate))
        let samples = (0..<count).map { Float(0.25 * sin(2 * .pi * 1000 * Double($0) / Double(rate))) }
        try recorder.sound(Self.fadeOut(samples, rate: rate), detail: "beep")
        endIfDue()
    }

    /// Decodes a caller's audio file at the call's rate (or `rate`).
    func callerAudio(_ path: String, rate: Int? = nil) throws -> [Float] {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: setup.baseDirectory))
        if let problem = engine.decoder.problem(with: url) { throw SSMLError(.audioSource, "caller audio \(path): \(problem)") }
        let source = try engine.decoder.open(url)
        var samples: [Float] = []
        while true {
            let chunk = try source.read(maxFrames: 65536)
            if chunk.isEmpty { break }
            samples += chunk
        }
        return try resample(samples, from: source.sampleRate, to: rate ?? self.rate)
    }

    func resample(_ samples: [Float], from inputRate: Double, to outputRate: Int? = nil) throws -> [Float] {
        let target = Double(outputRate ?? rate)
        guard inputRate != target else { return samples }
        let resampler = try engine.resamplers.make(from: inputRate, to: target)
        return try resampler.process(samples) + resampler.flush()
    }

    // MARK: - Webhooks

    enum Delivery {
        case answered(WebhookResponse)
        /// No answer: a connection failure, a timeout, or an answer too large.
        case failed(WebhookFailure)
    }

    /// Sends one request and records it; returns what came back. A round trip that is answered takes no call time
    /// (so the same answers give the same bytes); a webhook the call waits on (`blocking`: an answer URL, an input's
    /// or notify's `eventUrl`, a seven.io callback) that times out costs the call its timeout in silence once the
    /// call is answered, so what comes after it (audio, timestamps) is that much later. Status events are not waited
    /// on by either service.
    /// - Parameter time: the call time the request belongs to (a key pressed inside a prompt being played), when
    ///   it is not now.
    func send(
        _ purpose: String, method: String, url: String, payload: CallJSON, attempt: Int = 1, at time: Double? = nil, blocking: Bool = false
    ) async -> (Delivery, CallExchange) {
        let time = time ?? now
        webhookCount += 1
        var request: WebhookRequest
        if method == "GET" {
            request = WebhookRequest(method: "GET", url: Self.url(url, query: payload.queryFields()))
        } else {
            request = WebhookRequest(method: method, url: url, headers: [("Content-Type", "application/json")], body: Data(payload.text().utf8))
        }
        var exchange = CallExchange(purpose: purpose, time: time, request: request, payload: payload, attempts: attempt)
        let name = "\(method) \(exchange.path) \(purpose)"
        var settings = [String: String]()
        for (key, value) in payload.flattened() { settings[key] = key.hasSuffix("recording_url") ? URL(string: value)?.lastPathComponent ?? value : value }
        if attempt > 1 { settings["attempt"] = "\(attempt)" }
        recorder.event(.webhook, name, at: time, settings: settings)
        recorder.say("→ \(method) \(request.url)  \(purpose)\(attempt > 1 ? " (attempt \(attempt))" : "")\(Self.brief(payload))", at: time)
        let delivery: Delivery
        do {
            let response = try await client.send(request, timeout: setup.webhookTimeout)
            exchange.response = response
            delivery = .answered(response)
            let body = String(decoding: response.body.prefix(160), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
            recorder.event(.answer, "\(response.status) for \(method) \(exchange.path)", at: time, settings: ["status": "\(response.status)"])
            recorder.say("← \(response.status)\(response.contentType.map { " \($0)" } ?? "")\(body.isEmpty ? "" : "  \(body)\(response.body.count > 160 ? "…" : "")")", at: time)
        } catch {
            let failure = (error as? WebhookFailure) ?? WebhookFailure(.connection, "\(error)")
            exchange.failure = failure.message
            delivery = .failed(failure)
            var answerTime = time
            if blocking, failure.kind == .timeout, answered, !ended {
                // The call waited the whole timeout for this answer; the caller heard silence.
                _ = try? wait(setup.webhookTimeout, reason: "webhook")
                answerTime = now
            }
            recorder.event(.answer, "no answer for \(method) \(exchange.path)", at: answerTime, settings: ["failure": failure.kind.rawValue])
            recorder.say("← no answer: \(failure.message)", at: answerTime)
        }
        recorder.record(exchange)
        return (delivery, exchange)
    }

    /// `url` with `fields` added to its query. `+`, `&`, `=` and `;` in values are percent-encoded (URLComponents
    /// leaves them, and a server would read the `+` of `+4930…` as a space).
    static func url(_ url: String, query fields: [(String, String)]) -> String {
        guard var components = URLComponents(string: url), !fields.isEmpty else { return url }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+;")
        func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        let added = fields.map { URLQueryItem(name: encoded($0.0), value: encoded($0.1)) }
        components.percentEncodedQueryItems = (components.percentEncodedQueryItems ?? []) + added
        return components.string ?? url
    }

    /// The interesting fields of a payload, for the transcript.
    static func brief(_ payload: CallJSON) -> String {
        let keys = ["status", "dtmf", "speech", "digits", "recording_url", "payload", "dtmf_digit", "reason"]
        var parts: [String] = []
        if case .object(let members) = payload {
            for (key, value) in members where keys.contains(key) { parts.append("\(key)=\(value.text())") }
            if let data = payload["data"] { parts += [brief(data).trimmingWhitespace()].filter { !$0.isEmpty } }
        }
        return parts.isEmpty ? "" : "  " + parts.joined(separator: " ")
    }

    // MARK: - Time stamps

    /// ISO 8601 with milliseconds (Vonage's form) at call time `time` (the answer is `ringSeconds` after the start).
    func isoTimestamp(_ time: Double, beforeAnswer: Bool = false) -> String {
        let date = base.addingTimeInterval(time + (beforeAnswer ? 0 : Self.ringSeconds))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// `2025-01-01 09:00:03` (seven.io's `webhook_timestamp` form), UTC.
    func sevenTimestamp(_ time: Double, beforeAnswer: Bool = false) -> String {
        let date = base.addingTimeInterval(time + (beforeAnswer ? 0 : Self.ringSeconds))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    /// Plans warnings of a document or NCCO become transcript lines (notes about call control are what the call does).
    func report(_ log: DiagnosticLog) {
        for diagnostic in log.diagnostics where diagnostic.severity != .note { recorder.say(diagnostic.description) }
    }
}

/// The ids of one call, the same for the same seed: Vonage `uuid`s and seven.io's numeric ids.
struct CallIDs {
    private var state: UInt64
    let call: String
    /// The leg's conversation (a `transfer` moves it into another).
    var conversation: String
    let seven: String

    init(seed: UInt64) {
        state = seed &+ 0x5EED_0F_CA11
        var generator = SplitMix(state: state)
        call = Self.uuid(&generator)
        conversation = "CON-" + Self.uuid(&generator)
        seven = String(100_000_000 + generator.next() % 900_000_000)
        state = generator.state
    }

    /// Another id (a connected leg, a recording).
    mutating func next() -> String {
        var generator = SplitMix(state: state)
        let id = Self.uuid(&generator)
        state = generator.state
        return id
    }

    static func uuid(_ generator: inout SplitMix) -> String {
        let a = generator.next(), b = generator.next()
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: a >> (8 * $0)) } + (0..<8).map { UInt8(truncatingIfNeeded: b >> (8 * $0)) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
