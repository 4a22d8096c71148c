import Foundation
import SSMLCore

/// A seven.io call: the document's text spoken step by step, `<dtmf>` collecting keys and posting them to its
/// `callback` (whose answer steers the call), `<bridge>` transferring, and status events to the account webhook.
extension CallRun {
    /// A wrapped seven.io webhook body.
    /// - Parameter time: the call time of the event (a key inside a prompt being played), when it is not now.
    func sevenBody(_ event: String, data: [(String, CallJSON)], beforeAnswer: Bool = false, at time: Double? = nil) -> CallJSON {
        .object([("webhook_event", .string(event)), ("webhook_timestamp", .string(sevenTimestamp(time ?? now, beforeAnswer: beforeAnswer))), ("data", .object(data))])
    }

    func sevenStatus(_ status: String, beforeAnswer: Bool = false) async {
        announce(status)
        guard let url = setup.webhookURL else { return }
        var data: [(String, CallJSON)] = [
            ("id", .string(ids.seven)), ("status", .string(status)), ("callerId", .string(setup.from)), ("recipient", .string(setup.to)),
        ]
        if let foreign = setup.foreignID { data.append(("foreign_id", .string(foreign))) }
        data += [
            ("timestamp", .string(sevenTimestamp(now, beforeAnswer: beforeAnswer))), ("duration", .string("\(answered ? Int(now.rounded()) : 0)")),
            ("pricePerMinute", .string("0.000")), ("total_price", .string("0.000")),
        ]
        let (delivery, _) = await send("voice_status \(status)", method: "POST", url: url, payload: sevenBody("voice_status", data: data, beforeAnswer: beforeAnswer))
        if case .answered(let response) = delivery, !(200..<300).contains(response.status) {
            recorder.problem("the webhook answered HTTP \(response.status) to the \(status) status")
        } else if case .failed(let failure) = delivery {
            recorder.problem("the webhook did not take the \(status) status: \(failure.message)")
        }
    }

    /// A key pressed outside any `<dtmf>`: a `voice_dtmf` event to the account webhook.
    func sevenStrayKey(_ key: Character, at time: Double) async {
        recorder.event(.key, String(key), at: time, settings: ["outside": "dtmf"])
        recorder.pressed(String(key))
        recorder.say("the caller presses \(key) outside any <dtmf>", at: time)
        guard let url = setup.webhookURL else {
            recorder.say("no webhook URL: the voice_dtmf event goes nowhere", at: time)
            return
        }
        let data: [(String, CallJSON)] = [
            ("id", .string(ids.seven)), ("callerId", .string(setup.from)), ("recipient", .string(setup.to)), ("status", .string("in-progress")),
            ("timestamp", .string(sevenTimestamp(time))), ("duration", .string("\(Int(time.rounded()))")), ("pricePerMinute", .string("0.000")),
            ("total_price", .string("0.000")), ("dtmf_digit", .string(String(key))),
        ]
        // Sent at the key's time (the prompt it landed in is still being assembled), with one timestamp in both places.
        _ = await send("voice_dtmf", method: "POST", url: url, payload: sevenBody("voice_dtmf", data: data, at: time), at: time)
    }

    func runSeven(text: String, name: String) async throws {
        let log = DiagnosticLog()
        let job = RenderJob(input: JobInput(ssml: text, name: name, baseDirectory: setup.baseDirectory), voice: setup.voice, dialect: "seven")
        let plan = try resolve(engine.plan(job, log: log), log: log)
        report(log)
        await sevenStatus("initiated", beforeAnswer: true)
        await sevenStatus("ringing", beforeAnswer: true)
        switch script.pickup {
        case .busy:
            recorder.say("the line is busy")
            await sevenStatus("busy", beforeAnswer: true)
            (ended, status, endedBy) = (true, "busy", "nobody")
            return
        case .noAnswer:
            recorder.say("nobody answers within the ring time (\(NCCOPlanner.seconds(setup.ringingTimer)))")
            await sevenStatus("no-answer", beforeAnswer: true)
            (ended, status, endedBy) = (true, "no-answer", "nobody")
            return
        case .answer: break
        }
        answered = true
        recorder.event(.call, "answered")
        await sevenStatus("in-progress")
        var context = SevenContext()
        try await runSevenPlan(plan, file: name, context: &context)
        if !ended { end(by: "application", "the document has been spoken: seven.io hangs up") }
        if status == "completed" || status == "transferred" { await sevenStatus("completed") } else { await sevenStatus(status) }
    }

    /// What the call knows while it walks seven.io documents: bridges armed by their key, the voice in use.
    struct SevenContext {
        var bridges: [SevenBridge] = []
        var voice: String?
    }

    /// Speaks a plan step by step, handling each step's `<dtmf>` or `<bridge>`.
    func runSevenPlan(_ plan: [Segment], file: String, context: inout SevenContext) async throws {
        for (number, step) in plan.steps.enumerated() where !ended {
            if handle != nil, try await takeCommands() { return }
            let label = step.control.map { "\($0.kind.rawValue) at \($0.location)" } ?? "text"
            recorder.begin("seven step \(number + 1) (\(label)) of \(file)")
            if let voice = step.segments.reversed().compactMap({ segment -> String? in if case .speech(let s) = segment { return s.voice.name } else { return nil } }).first {
                context.voice = voice
            }
            let dtmf = step.control.flatMap(SevenDTMF.init)
            // A <dtmf> listens only while its own text is spoken: what comes before it in the document (text, a
            // break) is not its prompt, and a key there is a voice_dtmf event (or an armed bridge's key).
            let (before, own) = dtmf != nil ? Self.splitPrompt(step.segments, of: step.control!) : (step.segments, [])
            for (part, listening) in [(before, false), (own, true)] where !part.isEmpty && !ended {
                let rendered = try await render(part)
                recorder.say("speaks \"\(Self.describe(part))\"\(listening ? " (the <dtmf>'s prompt)" : "")")
                let bridges = context.bridges
                // Where only armed bridges listen, only their keys stop the announcement; other keys are voice_dtmf events.
                let outcome = try await play(
                    rendered, interruptible: listening || !bridges.isEmpty,
                    interrupting: listening ? nil : { step in Self.triggers(step, bridges) }
                ) { step, time in
                    await self.sevenStray(step, at: time, bridges: bridges)
                }
                if case .interrupted(let time) = outcome {
                    recorder.event(.bargeIn, "announcement", at: time)
                    recorder.say("the caller's key stops the announcement at \(String(format: "%.2f", time)) s")
                    if !listening {
                        // Only an armed bridge listens here: its keys transfer, others are voice_dtmf events.
                        if try await pressTowardBridges(context.bridges) { return }
                    } else {
                        break
                    }
                }
            }
            if ended { return }
            guard let control = step.control else { continue }
            switch control.kind {
            case .dtmf:
                guard let dtmf else { continue }
                try await runDTMF(dtmf, prompt: Self.splitPrompt(step.segments, of: control).own, file: file, context: &context)
            case .bridge:
                guard let bridge = SevenBridge(control) else { continue }
                if bridge.digit == nil || bridge.digit?.isEmpty == true {
                    try transfer(to: bridge.number)
                    return
                }
                context.bridges.append(bridge)
                recorder.say("a bridge to \(bridge.number) is armed: the caller's \(bridge.digit!) transfers the call")
            default:
                continue
            }
        }
    }

    /// A step's segments split at its `<dtmf>` element: those before it in the document (not its prompt; a key
    /// there is no input of it) and those the element itself holds (its prompt, spoken again on a retry). Segments
    /// without a place in the document count as the element's own when it holds any, else as before it.
    static func splitPrompt(_ segments: [Segment], of control: CallControl) -> (before: [Segment], own: [Segment]) {
        let start = (control.location.line, control.location.column)
        guard
            let first = segments.firstIndex(where: { segment in
                guard let place = segment.location, place.file == control.location.file else { return false }
                return (place.line, place.column) >= start
            })
        else { return (segments, []) }
        return (Array(segments[..<first]), Array(segments[first...]))
    }

    /// The text of segments for the transcript, breaks shown as `[break 2 s]` (a wait the caller hears).
    static func describe(_ segments: [Segment]) -> String {
        let parts = segments.compactMap { segment -> String? in
            switch segment {
            case .speech(let speech): return speech.displayText
            case .pause(let seconds, .break, _): return "[break \(NCCOPlanner.seconds(seconds))]"
            default: return nil
            }
        }
        let text = parts.joined(separator: " ")
        return text.count > 70 ? String(text.prefix(69)) + "…" : text
    }

    /// Whether some keys of a press step trigger one of the bridges.
    static func triggers(_ step: CallScript.Step, _ bridges: [SevenBridge]) -> Bool {
        guard case .press(let keys) = step.action else { return false }
        return bridgeMatch(Array(keys), bridges) != nil
    }

    /// The first run of keys that triggers a bridge: the keys `start...end` (the keys before `start` are not the
    /// bridge's), or nil when none does. A pattern may start anywhere (`*~9{3}` in `5*999`).
    static func bridgeMatch(_ keys: [Character], _ bridges: [SevenBridge]) -> (start: Int, end: Int, bridge: SevenBridge)? {
        for end in keys.indices {
            for start in 0...end {
                if let bridge = bridges.first(where: { $0.triggered(by: String(keys[start...end])) }) { return (start, end, bridge) }
            }
        }
        return nil
    }

    /// Keys of a timed step that landed where only armed bridges listen: the keys of a bridge's pattern transfer
    /// (none of them is a voice_dtmf event); the keys before or without a match are voice_dtmf events.
    func pressTowardBridges(_ bridges: [SevenBridge]) async throws -> Bool {
        guard let step = pending, case .press(let text) = step.action else { return false }
        consume()
        let start = now
        let keys = Array(text)
        let match = Self.bridgeMatch(keys, bridges)
        for (index, key) in keys.enumerated() {
            let time = start + Double(index) * CallScript.keyGap
            if let match, index >= match.start {
                try wait(until: time, reason: "dtmf")
                if ended { return true }
                recorder.event(.key, String(key), settings: ["bridge": match.bridge.number])
                recorder.pressed(String(key))
                recorder.say("the caller presses \(key) (the bridge to \(match.bridge.number) listens for \(match.bridge.digit ?? ""))")
                if index == match.end {
                    try transfer(to: match.bridge.number)
                    return true
                }
                continue
            }
            await sevenStrayKey(key, at: time)
        }
        return false
    }

    /// A timed key outside any `<dtmf>` and not cutting an announcement.
    func sevenStray(_ step: CallScript.Step, at time: Double, bridges: [SevenBridge]) async {
        switch step.action {
        case .press(let keys):
            for (index, key) in keys.enumerated() { await sevenStrayKey(key, at: time + Double(index) * CallScript.keyGap) }
        case .say(let text):
            recorder.say("the caller says \"\(text)\": seven.io collects keys only; not heard", at: time)
        default: break
        }
    }

    /// Transfers the call (`<bridge>`, or a callback's `bridge`): the caller hears the ringback, and the simulation ends.
    func transfer(to number: String) throws {
        recorder.event(.call, "transfer", settings: ["number": number])
        recorder.say("the call is transferred to \(number): ringback")
        try ringback(2)
        if !ended {
            end(by: "application", "note: \(number) is not simulated; the call ends here, transferred")
        }
    }

    // MARK: - dtmf

    func runDTMF(_ first: SevenDTMF, prompt: [Segment], file: String, context: inout SevenContext) async throws {
        var dtmf = first
        var attempt = 1
        var prompt = prompt
        while !ended {
            let input = try await collectKeys(dtmf, bridges: context.bridges)
            if ended { return }
            if let bridge = context.bridges.first(where: { $0.triggered(by: input) }) {
                try transfer(to: bridge.number)
                return
            }
            guard dtmf.accepts(input) else {
                recorder.say("the input \"\(input)\" is not valid (min \(dtmf.min), max \(dtmf.max)\(dtmf.digits.map { ", digits \($0)" } ?? ""))")
                if let invalid = dtmf.invalid, !invalid.isEmpty { try await speak(invalid, voice: context.voice, what: "invalid") }
                if ended { return }
                guard attempt < dtmf.tries else {
                    recorder.say("no valid input after \(dtmf.tries) tr\(dtmf.tries == 1 ? "y" : "ies"): the document goes on after the <dtmf>")
                    return
                }
                attempt += 1
                if let short = dtmf.short, !short.isEmpty {
                    try await speak(short, voice: context.voice, what: "short (try \(attempt) of \(dtmf.tries))")
                } else if !prompt.isEmpty {
                    recorder.say("try \(attempt) of \(dtmf.tries): the prompt again")
                    _ = try await play(try await render(prompt), interruptible: true) { _, _ in }
                }
                continue
            }
            recorder.say("valid input \"\(input)\"")
            guard let callback = dtmf.callback, !callback.isEmpty else {
                recorder.say("the <dtmf> has no callback: the input is not sent; the document goes on")
                return
            }
            var data: [(String, CallJSON)] = [("id", .string(ids.seven)), ("callerId", .string(setup.from)), ("recipient", .string(setup.to))]
            data.append(("foreign_id", setup.foreignID.map { .string($0) } ?? .null))
            data += [("voice_name", .string(context.voice ?? setup.voice)), ("digits", .string(input))]
            let (delivery, _) = await send("dtmf callback", method: "POST", url: callback, payload: sevenBody("dtmf", data: data), blocking: true)
            switch steer(delivery) {
            case .hangup:
                try await hangUp(dtmf, voice: context.voice, why: "the callback answered hangup")
                return
            case .speak(let ssml, let hangup, let min, let max, let tries, let digits):
                let log = DiagnosticLog()
                let job = RenderJob(input: JobInput(ssml: ssml, name: "SSML from the callback \(URLComponents(string: callback)?.path ?? callback)", baseDirectory: setup.baseDirectory), voice: context.voice ?? setup.voice, dialect: "seven")
                let plan: [Segment]
                do {
                    plan = try resolve(engine.plan(job, log: log), log: log)
                } catch let error as SSMLError {
                    recorder.problem("the callback's SSML cannot be spoken: \(error.description)")
                    try await hangUp(dtmf, voice: context.voice, why: "no valid answer")
                    return
                }
                report(log)
                let nestedDTMF = plan.contains { if case .callControl(let c) = $0 { c.kind == .dtmf } else { false } }
                try await runSevenPlan(plan, file: job.input.name, context: &context)
                if ended { return }
                if hangup {
                    try await hangUp(dtmf, voice: context.voice, why: "the callback asked to hang up after its SSML")
                    return
                }
                // The SSML held its own <dtmf>, which collected; the call goes on.
                if nestedDTMF { return }
                if let min { dtmf.min = min }
                if let max { dtmf.max = Swift.max(max, dtmf.min) }
                if let tries { dtmf.tries = Swift.max(tries, 1) }
                if let digits { dtmf.digits = digits }
                attempt = 1
                prompt = plan
                recorder.say("collecting again (min \(dtmf.min), max \(dtmf.max), tries \(dtmf.tries))")
            case .digits(let pattern):
                dtmf.digits = pattern
                attempt = 1
                recorder.say("the callback sets the allowed digits to \(pattern); collecting again")
            case .bridge(let number):
                try transfer(to: number)
                return
            case .invalid(let why):
                recorder.problem("the callback's answer steers nothing: \(why)")
                try await hangUp(dtmf, voice: context.voice, why: "no valid answer ends the call")
                return
            }
        }
    }

    /// Speaks `exit` (if any) and ends the call.
    func hangUp(_ dtmf: SevenDTMF, voice: String?, why: String) async throws {
        if let exit = dtmf.exit, !exit.isEmpty { try await speak(exit, voice: voice, what: "exit") }
        if !ended { end(by: "application", "\(why): seven.io hangs up") }
    }

    /// Speaks an attribute's text (`invalid`, `short`, `exit`) in the voice of the prompt.
    func speak(_ text: String, voice: String?, what: String) async throws {
        let log = DiagnosticLog()
        let job = RenderJob(input: JobInput(ssml: text, name: "dtmf \(what)", baseDirectory: setup.baseDirectory), voice: voice ?? setup.voice, dialect: "seven")
        let plan = try resolve(engine.plan(job, log: log), log: log)
        recorder.say("speaks \(what): \"\(Self.excerpt(plan))\"")
        _ = try await play(try await render(plan), interruptible: false) { step, time in
            if case .press(let keys) = step.action { self.recorder.say("the caller's \(keys) during the \(what) text is not collected", at: time) }
        }
    }

    /// Collects keys for a `<dtmf>`: until `max` keys or `wait` without a key (from the start, then from each key).
    func collectKeys(_ dtmf: SevenDTMF, bridges: [SevenBridge]) async throws -> String {
        let listenStart = now
        if promptStart == nil { promptStart = listenStart }
        defer { promptStart = nil }
        let wait = Double(dtmf.waitMilliseconds) / 1000
        var input = ""
        var lastKey: Double?
        var deadline: Double { (lastKey ?? listenStart) + wait }
        recorder.say("<dtmf> collects \(dtmf.min == dtmf.max ? "\(dtmf.max)" : "\(dtmf.min) to \(dtmf.max)") key\(dtmf.max == 1 ? "" : "s") (wait \(NCCOPlanner.seconds(wait)))")
        collecting: while !ended, input.count < dtmf.max {
            if pending == nil, !(try await waitForCaller(until: deadline, reason: "dtmf")) { break }
            guard let step = pending else { break }
            let time = step.after.map { (promptStart ?? listenStart) + $0 } ?? (lastKey == nil ? listenStart : .infinity)
            guard time <= deadline + 1e-9 else { break }
            try self.wait(until: max(time, now), reason: "dtmf")
            if ended { break }
            switch step.action {
            case .press(let keys):
                consume()
                var keyTime = max(time, now)
                for key in keys {
                    if input.count >= dtmf.max {
                        recorder.say("key \(key) is not collected: \(dtmf.max) keys are in")
                        continue
                    }
                    if lastKey != nil, keyTime > deadline { break }
                    try self.wait(until: keyTime, reason: "dtmf")
                    recorder.event(.key, String(key), settings: ["dtmf": "min=\(dtmf.min) max=\(dtmf.max)"])
                    recorder.pressed(String(key))
                    recorder.say("the caller presses \(key)")
                    input.append(key)
                    lastKey = keyTime
                    if bridges.contains(where: { $0.triggered(by: input) }) { break collecting }
                    keyTime += CallScript.keyGap
                }
            case .say(let text):
                consume()
                recorder.say("the caller says \"\(text)\": a <dtmf> collects keys only", at: time)
            case .silent:
                consume()
                recorder.say("the caller presses nothing")
                try self.wait(until: deadline, reason: "dtmf")
                break collecting
            case .hangup:
                consume()
                end(by: "caller", "the caller hangs up (\(step.origin))")
            case .audio(let file):
                consume()
                recorder.say("the caller's audio \(file) goes nowhere in a seven.io call; ignored")
            }
        }
        if !ended, input.count < dtmf.max, !bridges.contains(where: { $0.triggered(by: input) }) {
            try self.wait(until: deadline, reason: "dtmf")
            if input.isEmpty { recorder.say("nothing entered within \(NCCOPlanner.seconds(wait))") }
        }
        return input
    }

    enum Steering {
        case hangup
        case speak(String, hangup: Bool, min: Int?, max: Int?, tries: Int?, digits: String?)
        case digits(String)
        case bridge(String)
        case invalid(String)
    }

    /// Reads a callback's answer as seven.io does.
    func steer(_ delivery: Delivery) -> Steering {
        guard case .answered(let response) = delivery else {
            if case .failed(let failure) = delivery { return .invalid(failure.message) }
            return .invalid("no answer")
        }
        guard (200..<300).contains(response.status) else { return .invalid("HTTP \(response.status)") }
        guard let json = CallJSON.parse(response.body), case .object = json else {
            return .invalid(response.body.isEmpty ? "an empty answer" : "the answer is not a JSON object")
        }
        func int(_ key: String) -> Int? {
            switch json[key] {
            case .number(let value)?: Int(value)
            case .string(let text)?: Int(text)
            default: nil
            }
        }
        let hangup: Bool = if case .bool(true)? = json["hangup"] { true } else if case .string("true")? = json["hangup"] { true } else { false }
        if let bridge = json["bridge"] {
            if case .string(let number)? = bridge["number"] { return .bridge(number) }
            if case .string(let number) = bridge { return .bridge(number) }
            return .invalid("bridge has no number")
        }
        var digits: String?
        if case .string(let pattern)? = json["digits"] {
            guard (try? NSRegularExpression(pattern: pattern)) != nil else { return .invalid("digits \"\(pattern)\" is not a regular expression") }
            digits = pattern
        }
        // The {status, content_type, content} form: only a 200 in it carries content (the HTTP status of the answer
        // was 2xx already).
        if json["content"] != nil, let status = int("status"), status != 200 {
            return .invalid("the answer's status is \(status)")
        }
        if case .string(let ssml)? = json["ssml"] ?? json["content"] {
            return .speak(ssml, hangup: hangup, min: int("min"), max: int("max"), tries: int("tries"), digits: digits)
        }
        if let digits { return .digits(digits) }
        if hangup { return .hangup }
        return .invalid("none of hangup, ssml, digits, bridge or content")
    }
}
