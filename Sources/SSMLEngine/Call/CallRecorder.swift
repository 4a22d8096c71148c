import Foundation
import SSMLCore
import Synchronization

/// What a simulated call has done so far: the caller's audio (kept in an unnamed scratch file, so a long call
/// stays in bounded memory), its report entries, the call events, the webhooks and the transcript.
///
/// Call time is audio time: second 0 is the answer, and time moves only when audio or silence is added.
final class CallRecorder {
    let rate: Int
    let audio: SampleScratch
    private(set) var sampleCount = 0
    private(set) var entries: [RenderReport.Entry] = []
    /// The step of each entry, in order.
    private(set) var entrySteps: [String?] = []
    private(set) var events: [Timeline.Event] = []
    private(set) var transcript: [String] = []
    private(set) var exchanges: [CallExchange] = []
    /// How the application misbehaved (an error status, bad JSON, a wrong NCCO, no answer in time).
    private(set) var problems: [String] = []
    /// The caller's speech and keys as heard by the application, in order.
    private(set) var keys = ""
    /// The call step being played (`3: talk $[0] …`).
    var step: String?
    private var stepNumber = 0
    /// Prints each transcript line as it happens.
    let live: (@Sendable (String) -> Void)?
    /// A running call's handle, told everything as it happens.
    var handle: CallHandle?
    /// The caller hears nothing (Vonage `earmuff`): audio added meanwhile is silence.
    var earmuffed = false

    init(rate: Int, live: (@Sendable (String) -> Void)?) throws {
        self.rate = rate
        self.live = live
        audio = try SampleScratch(purpose: "the audio of a simulated call")
    }

    var now: Double { Double(sampleCount) / Double(rate) }

    /// Starts the next numbered step.
    func begin(_ label: String) {
        stepNumber += 1
        step = "\(stepNumber): \(label)"
    }

    // MARK: - Audio

    /// Adds rendered audio (its report relative to its first sample).
    func add(_ samples: [Float], report: RenderReport) throws {
        let samples = earmuffed ? [Float](repeating: 0, count: samples.count) : samples
        let offset = sampleCount
        for var entry in report.entries {
            entry.start += offset
            entry.end += offset
            entries.append(entry)
            entrySteps.append(step)
        }
        try audio.write(samples)
        sampleCount += samples.count
        told(samples)
    }

    /// Tells the handle about audio added.
    private func told(_ samples: [Float]) {
        guard let handle else { return }
        handle.appendAudio(samples, rate: rate)
        let seconds = now
        handle.update { $0.seconds = seconds }
    }

    /// The call's audio from sample `start` to now (what the caller heard), for a recording of the call.
    func heard(from start: Int) throws -> [Float] {
        var all: [Float] = []
        var position = 0
        try audio.forEachChunk { chunk in
            defer { position += chunk.count }
            let end = position + chunk.count
            guard end > start else { return }
            all += chunk[max(start - position, 0)...]
        }
        return all
    }

    /// Adds silence, as a pause of `reason` (`input`, `wait`, `record`…).
    func silence(_ seconds: Double, reason: String, attributes: [String: String] = [:]) throws {
        let count = Int((seconds * Double(rate)).rounded())
        guard count > 0 else { return }
        var settings = attributes
        settings["seconds"] = String(format: "%.3f", Double(count) / Double(rate))
        entries.append(RenderReport.Entry(kind: .pause, start: sampleCount, end: sampleCount + count, detail: reason, attributes: settings))
        entrySteps.append(step)
        var left = count
        let block = [Float](repeating: 0, count: 8192)
        while left > 0 {
            let n = min(left, block.count)
            try audio.write(n == block.count ? block : Array(block[..<n]))
            left -= n
        }
        sampleCount += count
        if handle != nil { told([Float](repeating: 0, count: count)) }
    }

    /// Adds a sound that is not a plan's (a ringback tone, what a websocket sent).
    func sound(_ samples: [Float], detail: String, attributes: [String: String] = [:]) throws {
        guard !samples.isEmpty else { return }
        let samples = earmuffed ? [Float](repeating: 0, count: samples.count) : samples
        entries.append(RenderReport.Entry(kind: .audio, start: sampleCount, end: sampleCount + samples.count, detail: detail, attributes: attributes))
        entrySteps.append(step)
        try audio.write(samples)
        sampleCount += samples.count
        told(samples)
    }

    // MARK: - Events and words

    func event(_ kind: Timeline.CallEventKind, _ name: String, at time: Double? = nil, settings: [String: String] = [:]) {
        events.append(Timeline.Event(kind: kind.rawValue, time: time ?? now, sampleRate: rate, name: name, settings: settings, step: step))
    }

    func pressed(_ key: String) {
        keys += key
        handle?.update { $0.keys += key }
    }

    func record(_ exchange: CallExchange) {
        exchanges.append(exchange)
        handle?.update { $0.exchanges.append(exchange) }
    }

    /// A transcript line, stamped with the call time.
    func say(_ text: String, at time: Double? = nil) {
        let line = String(format: "%8.2f s  ", time ?? now) + text
        transcript.append(line)
        live?(line)
        handle?.update { $0.transcript.append(line) }
    }

    /// A transcript line about the application misbehaving; it makes the call fail.
    func problem(_ text: String, at time: Double? = nil) {
        problems.append(text)
        handle?.update { $0.problems.append(text) }
        say("PROBLEM: " + text, at: time)
    }

    // MARK: - The result

    var report: RenderReport { RenderReport(sampleRate: Double(rate), sampleCount: sampleCount, entries: entries) }

    /// The timeline: the plan's segments, words and events with their call step, then the call's own events.
    func timeline(engine: String, summary: CallSummary) -> Timeline {
        var timeline = Timeline(report: report, engine: engine)
        // Segments and plan events come from the entries in order; give each its step.
        var segmentIndex = 0, eventIndex = 0
        for (entry, step) in zip(entries, entrySteps) {
            switch entry.kind {
            case .speech, .bleep, .pause, .audio, .noise, .mix:
                guard entry.layer == nil else { continue }
                if segmentIndex < timeline.segments.count { timeline.segments[segmentIndex].step = step }
                segmentIndex += 1
            case .mark, .loop, .callControl:
                if eventIndex < timeline.events.count { timeline.events[eventIndex].step = step }
                eventIndex += 1
            case .word:
                break
            }
        }
        // Stable: at equal times the plan's own events come first, then the call's in the order they happened.
        let all = timeline.events + events
        timeline.events = all.enumerated().sorted { ($0.element.sample, $0.offset) < ($1.element.sample, $1.offset) }.map(\.element)
        timeline.call = summary
        return timeline
    }

    /// Everything the caller heard spoken, in order (for `heard` expectations). A speech that barge-in (or a
    /// hang-up) cut counts only its words that started before the cut, by the word times of the report: a talk
    /// cut at 1.5 s did not say its later words.
    var spokenText: String {
        var parts: [String] = []
        for (index, entry) in entries.enumerated() where entry.kind == .speech {
            guard entry.attributes["cut"] != nil else {
                parts.append(entry.detail)
                continue
            }
            // The words of this speech are the word entries after it that lie inside it (cut ones were dropped).
            let words = entries[(index + 1)...].prefix { $0.kind != .speech }.filter { $0.kind == .word && $0.start >= entry.start && $0.start < entry.end }
            parts += words.map(\.detail).filter { !$0.isEmpty }
        }
        return parts.joined(separator: " ")
    }
}

/// One webhook of a call: what was sent, when, and what came back.
public struct CallExchange: Sendable {
    /// Why it was sent: `answer`, `event started`, `input`, `notify`, `dtmf callback`, `fallback`….
    public var purpose: String
    public var time: Double
    public var request: WebhookRequest
    /// The fields sent (the JSON body, or the query of a GET).
    public var payload: CallJSON
    public var response: WebhookResponse?
    /// Why there was no usable answer.
    public var failure: String?
    /// Attempts made (retries included).
    public var attempts: Int

    /// The path of the URL (`/event`), for expectations and the timeline (hosts and ports change between runs).
    public var path: String { URLComponents(string: request.url)?.path ?? request.url }
}

/// A sink that keeps what a render worker sends, readable after the render.
final class CollectingSink: AudioSink, Sendable {
    private let buffer = Mutex<[Float]>([])
    func write(_ samples: [Float]) throws { buffer.withLock { $0 += samples } }
    var samples: [Float] { buffer.withLock { $0 } }
}
