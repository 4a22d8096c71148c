import Foundation
import Logging
import NIOCore
import SSMLCore
import Synchronization
import WSClient

/// A Vonage `connect` to a websocket, for real: the first message is the `websocket:connected` text with the
/// content type and the endpoint's headers, then the caller's side (the script's caller audio, then silence) goes
/// out as 16-bit little-endian PCM in 20 ms binary messages, and every binary message the server sends back is
/// audio the caller hears.
///
/// Time is simulated, so frames are not paced to the wall clock: the caller's side is sent at most
/// ``window`` seconds ahead of the audio received, and the leg ends when the server closes the socket, when the
/// caller's time is up, when nothing audible came back for the caller's patience, or when the server says
/// nothing for `idleTimeout` real seconds while the caller waits for it.
enum WebSocketLeg {
    struct Outcome: Sendable {
        /// What the server sent and the caller hears, as floats at the leg's rate.
        var samples: [Float]
        /// How long the leg lasts in call time (the audio, then silence).
        var seconds: Double
        /// Text messages the server sent.
        var texts: [String]
        /// Why the leg ended, for the transcript.
        var ending: String
    }

    /// Seconds the caller's side runs ahead of what came back.
    static let window = 1.0

    /// - Parameters:
    ///   - limit: seconds of the call the leg may take (the connect `limit`, the caller's hang-up).
    ///   - quietLimit: seconds without audible audio from the server after which the caller gives up (nil: never).
    ///   - caller: the caller's side at the leg's rate (a script's caller audio), sent first; silence follows.
    static func run(
        uri: String, rate: Int, headers: CallJSON?, caller: [Float] = [], limit: Double, quietLimit: Double?, idleTimeout: Double
    ) async throws -> Outcome {
        let callerSeconds = Double(caller.count) / Double(rate)
        let state = Shared()
        let samplesPerFrame = rate / 50
        var logger = Logger(label: "ssml-call-websocket")
        logger.logLevel = .critical
        var connected: [(String, CallJSON)] = [("event", .string("websocket:connected")), ("content-type", .string("audio/l16;rate=\(rate)"))]
        if case .object(let members)? = headers { connected += members }
        let greeting = CallJSON.object(connected).text()
        let handler: WebSocketDataHandler<WebSocketClient.Context> = { inbound, outbound, _ in
            try await outbound.write(.text(greeting))
            state.withLock { $0.connected = true }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { state.withLock { $0.readerDone = true } }
                    for try await message in inbound.messages(maxSize: 1 << 22) {
                        switch message {
                        case .binary(var buffer):
                            var received: [Float] = []
                            received.reserveCapacity(buffer.readableBytes / 2)
                            while let value = buffer.readInteger(endianness: .little, as: Int16.self) { received.append(Float(value) / 32768) }
                            state.withLock { $0.add(received, rate: rate) }
                        case .text(let text):
                            state.withLock { $0.texts.append(text) }
                        }
                    }
                }
                let silence = ByteBuffer(repeating: 0, count: samplesPerFrame * 2)
                var sent = 0.0
                // How long the leg lasts in call time follows from what came back, never from how many frames happened
                // to be on their way when it ended, so the call's bytes do not depend on the wall clock.
                var end = Ending.limit
                sending: while sent + 0.02 <= limit + 1e-9 {
                    let snapshot = state.withLock { $0 }
                    if snapshot.readerDone { end = .closed; break }
                    if let quietLimit, sent - snapshot.lastAudible > quietLimit, sent > snapshot.receivedSeconds(rate: rate), sent > callerSeconds + quietLimit {
                        end = .quiet
                        break
                    }
                    if sent > snapshot.receivedSeconds(rate: rate) + window {
                        // Wait (really) for the server to catch up, or give up.
                        let start = Date()
                        while true {
                            try await Task.sleep(for: .milliseconds(5))
                            let now = state.withLock { $0 }
                            if now.readerDone { end = .closed; break sending }
                            if now.receivedSeconds(rate: rate) + window >= sent { break }
                            if Date().timeIntervalSince(start) > idleTimeout {
                                end = .idle
                                break sending
                            }
                        }
                    }
                    let frameIndex = Int((sent / 0.02).rounded())
                    var frame = silence
                    if frameIndex * samplesPerFrame < caller.count {
                        frame = ByteBuffer()
                        frame.reserveCapacity(samplesPerFrame * 2)
                        for index in (frameIndex * samplesPerFrame)..<((frameIndex + 1) * samplesPerFrame) {
                            let value = index < caller.count ? caller[index] : 0
                            frame.writeInteger(Int16(max(-32768, min(32767, (value * 32768).rounded()))), endianness: .little)
                        }
                    }
                    do { try await outbound.write(.binary(frame)) } catch {
                        // The server closed while a frame was on its way: the leg is over, not broken.
                        end = .closed
                        break sending
                    }
                    sent += 0.02
                }
                if end != .closed { try? await outbound.close(.normalClosure, reason: "hangup") }
                // What the server sent before closing is read to the end; the reader must not keep the call waiting.
                let deadline = Date().addingTimeInterval(min(idleTimeout, 2))
                while !state.withLock({ $0.readerDone }), Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
                state.withLock { $0.ending = end }
                group.cancelAll()
            }
        }
        do {
            try await connect(uri: uri, logger: logger, handler: handler, state: state, handshakeTimeout: idleTimeout)
        } catch {
            // A connection that worked and then ended untidily (a reset after the server's close) still gave the call
            // its audio; only a socket that never opened is a failure.
            guard state.withLock({ $0.connected }) else { throw error }
        }
        let final = state.withLock { $0 }
        let received = final.receivedSeconds(rate: rate)
        let (seconds, ending): (Double, String) =
            switch final.ending ?? .closed {
            case .closed: (received, "the server closed the websocket")
            case .limit: (limit, "the caller's time on the leg (\(NCCOPlanner.seconds(limit))) ran out")
            case .quiet: (min(limit, final.lastAudible + (quietLimit ?? 0)), "nothing audible came back for \(NCCOPlanner.seconds(quietLimit ?? 0)); the caller hangs up")
            case .idle: (received, "the server sent nothing for \(NCCOPlanner.seconds(idleTimeout)) (real time); the caller hangs up")
            }
        let kept = Array(final.samples.prefix(Int((seconds * Double(rate)).rounded())))
        return Outcome(samples: kept, seconds: seconds, texts: final.texts, ending: ending)
    }

    enum Ending: Sendable { case closed, limit, quiet, idle }

    /// Why a websocket leg gave up without the server's help.
    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    /// Connects and runs `handler`, bounded in real time even against a server that accepts the connection and then
    /// says nothing: the handshake must be done within `handshakeTimeout` seconds, and once the handler has
    /// finished the connection gets 3 s to close. (The websocket client has no handshake timeout of its own; a
    /// connection left hanging is cancelled and abandoned, and the call goes on.)
    static func connect(
        uri: String, logger: Logger, handler: @escaping WebSocketDataHandler<WebSocketClient.Context>, state: Shared, handshakeTimeout: Double
    ) async throws {
        let race = Race()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            race.start(continuation)
            race.connecting(
                Task {
                    do {
                        try await WebSocketClient.connect(url: uri, logger: logger, handler: handler)
                        race.finish(.success(()))
                    } catch {
                        race.finish(.failure(error))
                    }
                })
            Task {
                let start = Date()
                var handlerDone: Date?
                while race.isRunning {
                    let snapshot = state.withLock { $0 }
                    if !snapshot.connected, Date().timeIntervalSince(start) > handshakeTimeout {
                        race.cancel()
                        race.finish(.failure(Timeout(description: "no websocket handshake within \(NCCOPlanner.seconds(handshakeTimeout)) (real time)")))
                    } else if snapshot.ending != nil {
                        let done = handlerDone ?? Date()
                        handlerDone = done
                        if Date().timeIntervalSince(done) > 3 {
                            race.cancel()
                            race.finish(.success(()))
                        }
                    }
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
        }
    }

    /// The connection and its watchdog: whichever finishes first resumes the leg, once.
    final class Race: Sendable {
        private let continuation = Mutex<CheckedContinuation<Void, any Error>?>(nil)
        private let task = Mutex<Task<Void, Never>?>(nil)

        func start(_ waiting: CheckedContinuation<Void, any Error>) { continuation.withLock { $0 = waiting } }
        func connecting(_ running: Task<Void, Never>) { task.withLock { $0 = running } }
        var isRunning: Bool { continuation.withLock { $0 != nil } }
        func cancel() { task.withLock { $0?.cancel() } }

        func finish(_ result: Result<Void, any Error>) {
            let waiting = continuation.withLock { value -> CheckedContinuation<Void, any Error>? in
                defer { value = nil }
                return value
            }
            waiting?.resume(with: result)
        }
    }

    /// The leg's state, shared by the reading and the sending task.
    final class Shared: Sendable {
        private let mutex = Mutex(State())
        func withLock<T: Sendable>(_ body: (inout State) -> T) -> T { mutex.withLock { body(&$0) } }
    }

    struct State: Sendable {
        var samples: [Float] = []
        var texts: [String] = []
        /// The server closed (or the connection ended): nothing more will come.
        var readerDone = false
        /// Whether the handshake succeeded and the greeting went out.
        var connected = false
        /// Seconds of received audio at the end of the last audible frame.
        var lastAudible = 0.0
        var ending: Ending?

        func receivedSeconds(rate: Int) -> Double { Double(samples.count) / Double(rate) }

        mutating func add(_ received: [Float], rate: Int) {
            samples += received
            // Audible: above -60 dBFS peak, so an echo of the caller's silence does not keep the caller on the line.
            if received.contains(where: { abs($0) > 0.001 }) { lastAudible = Double(samples.count) / Double(rate) }
        }
    }
}
