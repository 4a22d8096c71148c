import Foundation
import SSMLCore
import Synchronization

/// A call running in the background that can be watched and steered while it runs (the API twins of
/// `ssml serve`): its status, transcript, webhooks, keys and audio so far, and commands for it.
///
/// How time works: a call whose caller has a script runs as `ssml call` runs it, in simulated time, at once (the
/// handle only watches). An *interactive* call (``interactive``) does the same until it listens (an NCCO `input`,
/// a seven.io `<dtmf>`) with no step of the script left: then it waits on the wall clock, for at most what is left
/// of the input's own timeout, for a command, and call time follows the wall clock while it waits (the silence, or
/// what a `PUT …/talk` plays, is written as it passes). So a key given through ``send(_:)`` lands at the moment it
/// is given, a talk or stream given during the wait plays from that moment and a stop cuts it there (the time the
/// call takes to render a talk is not call time: the input's timeout is not spent on it). Commands that
/// arrive while the call is not waiting (it is rendering, or a scripted call is running) are taken at its next
/// listening point or between two NCCO actions. Nothing polls: the call sleeps on a continuation that a command or
/// the input's timeout resumes.
///
/// ```swift
/// let handle = CallHandle(interactive: true)
/// let task = Task { try await simulator.run(setup, script: CallScript(), rate: 16000, handle: handle) }
/// handle.send(.press("1#"))           // at the next input, or now if it listens
/// print(handle.snapshot.status)
/// ```
public final class CallHandle: Sendable {
    /// What the application (or the tester) asks of a running call.
    public enum Command: Sendable, Equatable {
        /// Keys the caller presses (0-9, `*`, `#`), 0.3 s apart.
        case press(String)
        /// Speech the caller says (given to a speech input as its recognised text).
        case say(String)
        /// The call is hung up (Vonage `PUT /v1/calls/{uuid}` hangup, seven.io's hangup).
        case hangup
        /// The call's NCCO is replaced (Vonage `transfer`): an inline NCCO or an answer URL to fetch it from.
        case transfer(CallSetup.Source)
        /// Audio played into the call on top of what it does (`PUT …/talk` or `…/stream`): a one-action NCCO
        /// (`talk` or `stream`), played `loop` times (0: until stopped).
        case play(ncco: String, kind: String, loop: Int)
        /// Stops what ``play(ncco:kind:loop:)`` of that kind plays (`DELETE …/talk`, `…/stream`).
        case stop(kind: String)
        /// DTMF tones played into the call (`PUT …/dtmf`).
        case dtmf(String)
        /// The caller hears nothing (true) or hears again (false).
        case earmuff(Bool)
        /// What the caller says is not heard (true) or is heard again (false).
        case mute(Bool)
    }

    /// What the call has done so far.
    public struct Snapshot: Sendable {
        /// The service's status: Vonage's `started`, `ringing`, `answered`, `completed`…; seven.io's `initiated`,
        /// `ringing`, `in-progress`, `completed`….
        public var status = "started"
        /// Whether the call has ended (its recording is then complete).
        public var finished = false
        /// Whether it waits for the caller now (an interactive call at an input).
        public var listening = false
        /// Call time in seconds (0 is the answer).
        public var seconds = 0.0
        public var keys = ""
        public var transcript: [String] = []
        public var exchanges: [CallExchange] = []
        public var problems: [String] = []
        /// Why the call could not be simulated (a document that does not parse), when it could not.
        public var failure: String?
    }

    /// Whether the caller waits on the wall clock at inputs once the script is used up.
    public let interactive: Bool
    /// The longest audio kept for ``heardSoFar()`` (the whole call is in its recording once it ends).
    public static let liveAudioLimit = 600.0

    private struct State {
        var snapshot = Snapshot()
        /// Commands with the moment each came (the call places it there, however late it gets to it).
        var commands: [(command: Command, came: ContinuousClock.Instant)] = []
        var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
        var nextWaiter = 0
        /// The latest waiter whose timeout has run out (it may run out before the waiter is registered).
        var expired = 0
        var rate = 0
        var audio: [Int16] = []
    }
    private let state = Mutex(State())

    public init(interactive: Bool) {
        self.interactive = interactive
    }

    /// Gives the call a command; it is taken at once when the call waits, else at its next listening point or
    /// action boundary. Commands after the end are dropped.
    public func send(_ command: Command) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.snapshot.finished else { return nil }
            state.commands.append((command, ContinuousClock.now))
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume()
    }

    public var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// The audio heard so far at its rate, as 16-bit samples (at most ``liveAudioLimit`` seconds).
    public func heardSoFar() -> (rate: Int, samples: [Int16]) { state.withLock { ($0.rate, $0.audio) } }

    // MARK: - The call's side

    /// The next command and when it came, waiting at most `timeout` seconds for one; nil when none came.
    func next(timeout: Double) async -> (command: Command, came: ContinuousClock.Instant)? {
        if let command = take() { return command }
        guard timeout > 0 else { return nil }
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let timer = Task {
            try? await Task.sleep(for: .milliseconds(Int64((timeout * 1000).rounded(.up))))
            self.wake(id)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if !state.commands.isEmpty || state.snapshot.finished || state.expired >= id { return true }
                state.waiter = (id, continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer.cancel()
        return take()
    }

    /// Every command waiting, in order (taken between actions).
    func drain() -> [Command] {
        state.withLock { state in
            defer { state.commands = [] }
            return state.commands.map(\.command)
        }
    }

    private func take() -> (command: Command, came: ContinuousClock.Instant)? {
        state.withLock { state in state.commands.isEmpty ? nil : state.commands.removeFirst() }
    }

    private func wake(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.expired = max(state.expired, id)
            guard let waiter = state.waiter, waiter.id == id else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    func update(_ change: (inout Snapshot) -> Void) { state.withLock { change(&$0.snapshot) } }

    func appendAudio(_ samples: [Float], rate: Int) {
        state.withLock { state in
            state.rate = rate
            let room = Int(Self.liveAudioLimit * Double(rate)) - state.audio.count
            guard room > 0 else { return }
            state.audio += samples.prefix(room).map { Int16(max(-1, min(1, $0)) * 32767) }
        }
    }

    /// The call is over: waiting commands are dropped and nothing waits any more.
    func finish(status: String, failure: String? = nil) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.snapshot.finished = true
            state.snapshot.listening = false
            state.snapshot.status = status
            state.snapshot.failure = failure
            state.commands = []
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume()
    }
}

/// The ids a call gets from its seed (`uuid`, `conversation_uuid`, seven.io's numeric `id`), known before it runs
/// (the twins answer with them at once).
public struct CallIdentifiers: Sendable, Equatable {
    public let uuid: String
    public let conversationUUID: String
    public let sevenID: String

    public init(seed: UInt64) {
        let ids = CallIDs(seed: seed)
        uuid = ids.call
        conversationUUID = ids.conversation
        sevenID = ids.seven
    }
}
