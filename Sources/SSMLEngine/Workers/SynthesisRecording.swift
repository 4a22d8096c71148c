import Foundation
import SSMLCore
import Synchronization

/// What a synthesizer gave one render: every call's request, audio chunks (as delivered) and events, in order.
///
/// A render process renders a plan at its first rate through a ``RecordingSynthesizer``, then at its other rates
/// through a ``ReplayingSynthesizer`` of the recording: the renderer gets exactly the audio and events a fresh
/// espeak-ng would give it for the same calls, so each rate's output has the bytes of its own fresh render, from one
/// synthesis. A recording is only valid while the calls are the same, in the same order: espeak-ng drifts from call
/// to call, so the n-th call's audio depends on every call before it.
final class SynthesisRecording: Sendable {
    struct Call: Sendable {
        var request: SpeechRequest
        var chunks: [[Float]]
        var events: [SpeechEvent]
    }

    private struct State {
        var calls: [Call] = []
        var samples = 0
        /// Past the limit: the recording is dropped and cannot be replayed.
        var overflowed = false
    }

    /// The most samples kept (about 95 s of espeak-ng's 22,050 Hz, 8 MB): a longer render is rendered afresh at each rate.
    let limit: Int
    private let state = Mutex(State())

    init(limit: Int = 1 << 21) { self.limit = limit }

    /// The calls, when the recording is whole; nil when it overflowed.
    var calls: [Call]? { state.withLock { $0.overflowed ? nil : $0.calls } }

    func begin(_ request: SpeechRequest) {
        state.withLock { state in
            guard !state.overflowed else { return }
            state.calls.append(Call(request: request, chunks: [], events: []))
        }
    }

    func add(_ chunk: [Float]) {
        state.withLock { state in
            guard !state.overflowed else { return }
            state.samples += chunk.count
            if state.samples > limit {
                state.overflowed = true
                state.calls = []
                return
            }
            state.calls[state.calls.count - 1].chunks.append(chunk)
        }
    }

    func end(_ events: [SpeechEvent]) {
        state.withLock { state in
            guard !state.overflowed else { return }
            state.calls[state.calls.count - 1].events = events
        }
    }
}

/// Passes every call on to the real synthesizer and keeps what it gave in a ``SynthesisRecording``.
struct RecordingSynthesizer: ForwardingSynthesizer {
    let base: any SpeechSynthesizer
    let recording: SynthesisRecording

    func synthesize(_ request: SpeechRequest, onAudio: ([Float]) throws -> Void) throws -> [SpeechEvent] {
        recording.begin(request)
        let events = try base.synthesize(request) { chunk in
            recording.add(chunk)
            try onAudio(chunk)
        }
        recording.end(events)
        return events
    }
}

/// Gives the recorded calls back, in order, as long as the renderer makes the same calls; any other call is a
/// ``ReplayingSynthesizer/Divergence`` (the plan makes other engine calls at this rate: a fitted duration measures
/// its length in output samples), and the render must then be made afresh.
final class ReplayingSynthesizer: ForwardingSynthesizer {
    /// The renderer asked for a call the recording does not hold at this point.
    struct Divergence: Error {}

    let base: any SpeechSynthesizer
    private let calls: [SynthesisRecording.Call]
    private let cursor = Mutex(0)
    private let divergedFlag = Mutex(false)

    init(_ calls: [SynthesisRecording.Call], base: any SpeechSynthesizer) {
        self.calls = calls
        self.base = base
    }

    /// Whether a call did not match (the render's outcome, whatever the renderer made of the error, is not valid).
    var diverged: Bool { divergedFlag.withLock { $0 } }

    func synthesize(_ request: SpeechRequest, onAudio: ([Float]) throws -> Void) throws -> [SpeechEvent] {
        let index = cursor.withLock { cursor in
            defer { cursor += 1 }
            return cursor
        }
        guard index < calls.count, calls[index].request == request else {
            divergedFlag.withLock { $0 = true }
            throw Divergence()
        }
        for chunk in calls[index].chunks { try onAudio(chunk) }
        return calls[index].events
    }
}

/// A synthesizer that stands in front of another one for synthesis only: everything else is the other one's.
protocol ForwardingSynthesizer: SpeechSynthesizer {
    var base: any SpeechSynthesizer { get }
}

extension ForwardingSynthesizer {
    var languages: Set<String> { base.languages }
    var version: String { base.version }
    func sampleRate(for request: SpeechRequest) -> Double { base.sampleRate(for: request) }
    func checkPronunciation(_ ipa: String, voice: VoiceSpec) -> PronunciationProblem? { base.checkPronunciation(ipa, voice: voice) }
    func rendition(of request: SpeechRequest) -> EngineRendition { base.rendition(of: request) }
}
