import Foundation
import SSMLCore

/// Audio a ``CallHandle`` plays into a running call (`PUT …/talk`, `…/stream`, `…/dtmf`), over what the call
/// itself plays, from where the call was when it came.
struct LiveOverlay {
    var kind: String
    var samples: [Float]
    var cursor = 0
    /// Plays left after this one; nil: until stopped.
    var loopsLeft: Int?

    /// The next `count` samples (fewer when it ends first), moving on.
    mutating func take(_ count: Int) -> [Float] {
        var out: [Float] = []
        while out.count < count, !samples.isEmpty {
            if cursor >= samples.count {
                if let left = loopsLeft {
                    guard left > 0 else { break }
                    loopsLeft = left - 1
                }
                cursor = 0
            }
            let n = min(count - out.count, samples.count - cursor)
            out += samples[cursor..<(cursor + n)]
            cursor += n
        }
        return out
    }

    var isOver: Bool { samples.isEmpty || (cursor >= samples.count && (loopsLeft ?? 1) == 0) }
}

/// A call driven through its ``CallHandle``: waiting for the caller on the wall clock, and commands taken at
/// listening points and between actions.
extension CallRun {
    /// Whether the call waits on the wall clock for its caller when the script is used up.
    var isInteractive: Bool { handle?.interactive == true }

    /// Tells the handle the service's status of the call.
    func announce(_ status: String) { handle?.update { $0.status = status } }

    /// Waits on the wall clock, while call time follows it, until call time `limit` (an input's timeout), for the
    /// caller: returns true when a step of the caller is pending (a key or speech given now), false when the
    /// time ran out or the call was hung up or transferred. Talks, streams and tones given meanwhile play from
    /// the moment they came. A call that is not interactive returns false at once.
    func waitForCaller(until limit: Double, reason: String) async throws -> Bool {
        guard let handle, handle.interactive, !ended else { return false }
        let limit = min(limit, deadline)
        handle.update { $0.listening = true }
        defer { handle.update { $0.listening = false } }
        let clock = ContinuousClock()
        var origin = (wall: clock.now, call: now)
        recorder.say("waits for the caller (POST /_twin/calls/…/press) for \(String(format: "%.1f", max(limit - now, 0))) s")
        while !ended, now < limit - 1e-9 {
            let next = await handle.next(timeout: limit - (origin.call + Self.seconds(clock.now - origin.wall)))
            // A command is placed when it came, not when this task got to it (a busy machine may wake it late).
            let target = min(origin.call + max(0, Self.seconds((next?.came ?? clock.now) - origin.wall)), limit)
            if target > now { try wait(until: target, reason: reason) }
            guard let command = next?.command else { continue }
            switch command {
            case .press(let keys):
                steps.append(CallScript.Step(.press(keys), after: now - (promptStart ?? now), origin: "the press of the API"))
                return true
            case .say(let text):
                steps.append(CallScript.Step(.say(text), after: now - (promptStart ?? now), origin: "the speech of the API"))
                return true
            case .play:
                _ = try await apply(command)
                // Rendering the talk (on a pool that may be busy) takes no call time: it plays from the moment it
                // came, and the input's timeout is not spent on our work.
                origin = (wall: clock.now, call: now)
            default:
                if try await apply(command) { return false }
            }
        }
        return false
    }

    /// Takes the commands that came while the call was busy (between two actions, or two seven.io steps): keys
    /// and speech join the script, the rest act now. Returns true when the call must stop what it does (hung up,
    /// transferred).
    func takeCommands() async throws -> Bool {
        guard let handle else { return false }
        var stop = false
        for command in handle.drain() {
            switch command {
            case .press(let keys): steps.append(CallScript.Step(.press(keys), origin: "the press of the API"))
            case .say(let text): steps.append(CallScript.Step(.say(text), origin: "the speech of the API"))
            default: stop = try await apply(command) || stop
            }
        }
        return stop || ended
    }

    /// Acts on a command that is not the caller's step; true when the call must stop what it does.
    func apply(_ command: CallHandle.Command) async throws -> Bool {
        switch command {
        case .press, .say:
            return false
        case .hangup:
            end(by: "api", "the call is hung up through the API")
            return true
        case .transfer(let source):
            transferTo = source
            recorder.event(.call, "transfer", settings: ["by": "api"])
            recorder.say("the call is transferred through the API: a new NCCO replaces the rest")
            return true
        case .play(let text, let kind, let loop):
            do {
                let samples = try await renderLive(text, kind: kind)
                overlay = LiveOverlay(kind: kind, samples: samples, loopsLeft: loop == 0 ? nil : max(loop - 1, 0))
                recorder.event(.call, "\(kind) started", settings: ["by": "api", "seconds": String(format: "%.3f", Double(samples.count) / Double(rate))])
                recorder.say("\(kind) through the API: \(String(format: "%.2f", Double(samples.count) / Double(rate))) s\(loop == 0 ? ", until stopped" : loop > 1 ? ", \(loop) times" : "")")
            } catch let error as SSMLError {
                recorder.problem("the \(kind) given through the API cannot be played: \(error.message)")
            }
            return false
        case .stop(let kind):
            if overlay?.kind == kind {
                overlay = nil
                recorder.event(.call, "\(kind) stopped", settings: ["by": "api"])
                recorder.say("the \(kind) is stopped through the API")
            }
            return false
        case .dtmf(let digits):
            overlay = LiveOverlay(kind: "dtmf", samples: Self.dtmfTones(digits, rate: rate), loopsLeft: 0)
            recorder.event(.call, "dtmf \(digits)", settings: ["by": "api"])
            recorder.say("DTMF \(digits) is played into the call through the API")
            return false
        case .earmuff(let on):
            recorder.earmuffed = on
            recorder.event(.call, on ? "earmuff" : "unearmuff", settings: ["by": "api"])
            recorder.say(on ? "earmuff: the caller hears nothing" : "unearmuff: the caller hears the call again")
            return false
        case .mute(let on):
            muted = on
            recorder.event(.call, on ? "mute" : "unmute", settings: ["by": "api"])
            recorder.say(on ? "mute: what the caller says is not heard" : "unmute: the caller is heard again")
            return false
        }
    }

    /// The audio of a one-action NCCO (`talk` or `stream`), planned and rendered as the call's own.
    func renderLive(_ text: String, kind: String) async throws -> [Float] {
        guard let styles = engine.styles else { throw SSMLError(.usage, "the Vonage style table is not loaded") }
        let log = DiagnosticLog()
        let ncco = try NCCO.parse(text, file: "PUT \(kind)", limits: engine.limits, log: log)
        let planner = NCCOPlanner(resolver: engine.resolver, styles: styles, parser: engine.parser, limits: engine.limits, capabilities: engine.synthesizer, log: log)
        var samples: [Float] = []
        for action in ncco.actions {
            samples += try await render(resolve(planner.plan(action, file: ncco.file), log: log)).samples
        }
        report(log)
        return samples
    }

    /// The NCCO a transfer asked for: inline, or fetched from its URL as Vonage fetches an answer URL.
    func transferNCCO(_ source: CallSetup.Source) async throws -> NCCO? {
        switch source {
        case .ncco(let text, let name):
            let log = DiagnosticLog()
            do {
                let ncco = try NCCO.parse(text, file: name, limits: engine.limits, log: log)
                report(log)
                return ncco
            } catch let error as SSMLError {
                recorder.problem("the NCCO of the transfer is not valid: \(error.description)")
                return nil
            }
        case .answerURL(let url):
            return await fetchNCCO(url: url, method: "GET", payload: .object(vonageBase(now)), purpose: "transfer", isAnswer: false)
        case .seven:
            return nil
        }
    }

    /// Silence, or what the handle plays, for `seconds` from now.
    func fill(_ seconds: Double, reason: String, attributes: [String: String] = [:]) throws {
        var count = Int((seconds * Double(rate)).rounded())
        guard count > 0 else { return }
        // In pieces of 10 s: a talk looped until stopped over a long wait never sits in memory whole.
        while count > 0, var playing = overlay {
            let part = playing.take(min(count, rate * 10))
            overlay = playing.isOver || part.isEmpty ? nil : playing
            if !part.isEmpty {
                try recorder.sound(part, detail: "\(playing.kind) (API)")
                count -= part.count
            }
            if overlay == nil { recorder.say("the \(playing.kind) given through the API has played") }
        }
        if count > 0 { try recorder.silence(Double(count) / Double(rate), reason: reason, attributes: attributes) }
    }

    /// `samples` with what the handle plays added (clipped to ±1); unchanged when it plays nothing.
    func mixOverlay(_ samples: [Float]) -> [Float] {
        guard var playing = overlay else { return samples }
        let part = playing.take(samples.count)
        overlay = playing.isOver ? nil : playing
        var out = samples
        for index in part.indices { out[index] = max(-1, min(1, out[index] + part[index])) }
        return out
    }

    /// DTMF tones (the standard row and column pairs), 150 ms each with 100 ms between.
    static func dtmfTones(_ digits: String, rate: Int) -> [Float] {
        let rows: [Character: (Double, Double)] = [
            "1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "4": (770, 1209), "5": (770, 1336), "6": (770, 1477),
            "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "*": (941, 1209), "0": (941, 1336), "#": (941, 1477),
        ]
        let tone = Int(0.15 * Double(rate)), gap = Int(0.1 * Double(rate))
        var out: [Float] = []
        for digit in digits {
            guard let (low, high) = rows[digit] else { continue }
            let samples = (0..<tone).map { index -> Float in
                let t = Double(index) / Double(rate)
                return Float(0.2 * (sin(2 * .pi * low * t) + sin(2 * .pi * high * t)))
            }
            out += fadeOut(samples, rate: rate) + [Float](repeating: 0, count: gap)
        }
        return out
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
