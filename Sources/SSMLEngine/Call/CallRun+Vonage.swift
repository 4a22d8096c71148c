import Foundation
import SSMLCore

/// A Vonage call: the answer webhook, the NCCO action by action, the event webhooks.
extension CallRun {
    /// The fields every Vonage webhook carries.
    func vonageBase(_ time: Double, beforeAnswer: Bool = false) -> [(String, CallJSON)] {
        [
            ("from", .string(setup.from)), ("to", .string(setup.to)), ("uuid", .string(ids.call)),
            ("conversation_uuid", .string(ids.conversation)), ("timestamp", .string(isoTimestamp(time, beforeAnswer: beforeAnswer))),
        ]
    }

    /// A call-status event to `event_url` (its answer is not used).
    func postEvent(_ status: String, extra: [(String, CallJSON)] = [], beforeAnswer: Bool = false, url: String? = nil, method: String? = nil) async -> (Delivery, CallExchange)? {
        if url == nil { announce(status) }
        guard let target = url ?? setup.eventURL else { return nil }
        let payload = CallJSON.object(
            [("status", .string(status)), ("direction", .string("outbound"))] + vonageBase(now, beforeAnswer: beforeAnswer) + extra)
        let (delivery, exchange) = await send("event \(status)", method: method ?? setup.eventMethod, url: target, payload: payload)
        if case .answered(let response) = delivery, !(200..<300).contains(response.status) {
            recorder.problem("the event URL answered HTTP \(response.status) to the \(status) event")
        } else if case .failed(let failure) = delivery {
            recorder.problem("the event URL did not take the \(status) event: \(failure.message)")
        }
        return (delivery, exchange)
    }

    /// An error to the event URL, in the fields of Vonage's error notifications.
    func postError(_ reason: String) async {
        guard let target = setup.eventURL else { return }
        let payload = CallJSON.object(
            [("reason", .string(reason)), ("level", .string("error")), ("type", .string("https://developer.vonage.com/en/voice/voice-api/guides/troubleshooting"))]
                + vonageBase(now))
        _ = await send("event error", method: setup.eventMethod, url: target, payload: payload)
    }

    func runVonage() async throws {
        _ = await postEvent("started", beforeAnswer: true)
        _ = await postEvent("ringing", beforeAnswer: true)
        switch script.pickup {
        case .busy:
            recorder.say("the line is busy")
            _ = await postEvent("busy", beforeAnswer: true)
            ended = true
            status = "busy"
            endedBy = "nobody"
            return
        case .noAnswer:
            recorder.say("nobody answers; the call gives up after the ringing timer (\(NCCOPlanner.seconds(setup.ringingTimer)))")
            _ = await postEvent("timeout", extra: [], beforeAnswer: true)
            ended = true
            status = "timeout"
            endedBy = "nobody"
            return
        case .answer:
            break
        }
        recorder.begin("answer")
        // Vonage asks the answer URL when the callee has picked up: from here the caller hears the call, so a
        // timed-out answer URL or a retry's second is silence in the call (and later timestamps move with it).
        answered = true
        let ncco: NCCO?
        switch setup.source {
        case .answerURL(let url):
            let fields = CallJSON.object(vonageBase(0))
            ncco = await fetchNCCO(url: url, method: setup.answerMethod, payload: fields, purpose: "answer", isAnswer: true)
        case .ncco(let text, let name):
            let log = DiagnosticLog()
            ncco = try NCCO.parse(text, file: name, limits: engine.limits, log: log)
            report(log)
        default:
            ncco = nil
        }
        if !ended {
            recorder.event(.call, "answered")
            _ = await postEvent("answered", extra: [("start_time", .string(isoTimestamp(0)))])
        }
        if let ncco {
            try await runNCCO(ncco)
        } else if !ended {
            end(status: "failed", by: "service", "no NCCO to run: the call is hung up")
        }
        if !ended { end(by: "application", "the NCCO has run out: Vonage hangs up") }
        try await finishBackgroundRecords()
        let seconds = Int(now.rounded())
        let final = status == "failed" ? "failed" : "completed"
        _ = await postEvent(
            final,
            extra: [
                ("duration", .string("\(seconds)")), ("start_time", .string(isoTimestamp(0))), ("end_time", .string(isoTimestamp(now))),
                ("rate", .string("0.00000000")), ("price", .string("0.00000000")),
            ])
        status = final
    }

    // MARK: - Fetching NCCOs

    /// Asks for an NCCO the way Vonage does: a connection failure, a timeout, 429, 503 or 504 is retried twice
    /// (1 s apart); a failure, an error status, invalid JSON or an invalid NCCO is reported to the event URL and the
    /// `fallback_answer_url` is asked (twice at most). Returns nil when no NCCO came (the caller decides: an answer
    /// URL hangs up, an input goes on with the actions left, as after an empty answer).
    func fetchNCCO(url: String, method: String, payload: CallJSON, purpose: String, isAnswer: Bool) async -> NCCO? {
        let first = await attempt(url: url, method: method, payload: payload, purpose: purpose, tries: 3)
        switch first {
        case .ncco(let ncco): return ncco
        case .empty:
            if isAnswer {
                recorder.problem("the answer URL sent no NCCO")
                await postError("the answer URL returned no NCCO")
                break
            }
            return nil
        case .failed(let reason):
            recorder.problem("\(purpose) \(method) \(url): \(reason)")
            await postError("\(purpose) webhook failed: \(reason)")
        }
        if ended { return nil }
        guard let fallback = setup.fallbackAnswerURL else {
            if isAnswer {
                end(status: "failed", by: "service", "no NCCO from the answer URL and no fallback_answer_url: Vonage hangs up")
            } else {
                recorder.say("no fallback_answer_url: the call goes on with the actions left")
            }
            return nil
        }
        var fields: [(String, CallJSON)] = []
        if case .object(let members) = payload { fields = members }
        fields += [("original_request", .object([("url", .string(url)), ("type", .string(isAnswer ? "answer" : "event"))])), ("reason", .string("the \(purpose) webhook failed"))]
        switch await attempt(url: fallback, method: method, payload: .object(fields), purpose: "fallback for \(purpose)", tries: 2) {
        case .ncco(let ncco): return ncco
        case .empty, .failed:
            recorder.problem("the fallback_answer_url gave no valid NCCO")
            end(status: "failed", by: "service", "the fallback_answer_url gave no valid NCCO: Vonage disconnects the call")
            return nil
        }
    }

    enum Fetched {
        case ncco(NCCO)
        /// 2xx with no NCCO (an empty body, `[]`, or a JSON object).
        case empty
        case failed(String)
    }

    func attempt(url: String, method: String, payload: CallJSON, purpose: String, tries: Int) async -> Fetched {
        var reason = ""
        for attempt in 1...tries {
            if ended { return .failed("the call ended") }
            if webhookCount >= Self.maxWebhooks {
                end(status: "failed", by: "service", "\(Self.maxWebhooks) webhooks sent: the simulation stops the call (does the application answer every webhook with another round?)")
                return .failed("too many webhooks")
            }
            let started = now
            let (delivery, _) = await send(purpose, method: method, url: url, payload: payload, attempt: attempt, blocking: true)
            var transient = false
            switch delivery {
            case .failed(let failure):
                reason = failure.message
                transient = failure.kind == .connection || failure.kind == .timeout
            case .answered(let response):
                if [429, 503, 504].contains(response.status) {
                    reason = "HTTP \(response.status)"
                    transient = true
                } else if !(200..<300).contains(response.status) {
                    return .failed("HTTP \(response.status)")
                } else {
                    return parseNCCO(response, purpose: purpose, method: method, url: url)
                }
            }
            guard transient, attempt < tries else { break }
            recorder.say("Vonage retries in 1 s")
            if !isBeforeAudio { _ = try? wait(1, reason: "webhook retry") }
            _ = started
        }
        return .failed(reason)
    }

    /// Before the answer nothing is heard, so waits for webhooks take no audio time.
    var isBeforeAudio: Bool { !answered }

    func parseNCCO(_ response: WebhookResponse, purpose: String, method: String, url: String) -> Fetched {
        let text = String(decoding: response.body, as: UTF8.self)
        let trimmed = text.trimmingWhitespaceAndNewlines()
        if trimmed.isEmpty || trimmed == "[]" { return .empty }
        let path = URLComponents(string: url)?.path ?? url
        let name = "NCCO from \(method) \(path)"
        if trimmed.hasPrefix("{") {
            if CallJSON.parse(response.body) != nil { return .empty }
        }
        let log = DiagnosticLog()
        do {
            let ncco = try NCCO.parse(text, file: name, limits: engine.limits, log: log)
            report(log)
            recorder.say("the answer is an NCCO of \(ncco.actions.count) action\(ncco.actions.count == 1 ? "" : "s"): \(ncco.actions.map(\.name).joined(separator: ", "))")
            return .ncco(ncco)
        } catch let error as SSMLError {
            return .failed(trimmed.hasPrefix("[") || trimmed.hasPrefix("{") ? "invalid NCCO: \(error.description)" : "the answer is not JSON: \(error.description)")
        } catch {
            return .failed("invalid NCCO: \(error)")
        }
    }

    // MARK: - Running an NCCO

    func runNCCO(_ first: NCCO) async throws {
        var ncco = first
        var index = 0
        guard let styles = engine.styles else { throw SSMLError(.usage, "the Vonage style table is not loaded") }
        while index < ncco.actions.count, !ended {
            if handle != nil, try await takeCommands() {
                guard !ended, let source = transferTo else { break }
                transferTo = nil
                guard let next = try await transferNCCO(source), !next.actions.isEmpty else { break }
                ncco = next
                index = 0
                bargedIn = false
                continue
            }
            let action = ncco.actions[index]
            index += 1
            recorder.begin("\(action.name) \(action.path) of \(ncco.file)")
            let log = DiagnosticLog()
            let planner = NCCOPlanner(resolver: engine.resolver, styles: styles, parser: engine.parser, limits: engine.limits, capabilities: engine.synthesizer, log: log)
            switch action.kind {
            case .talk(let talk):
                if bargedIn { recorder.say("\(action.path) talk skipped: the caller already barged in"); continue }
                let plan = try resolve(planner.plan(action, file: ncco.file), log: log)
                report(log)
                recorder.say("\(action.path) talk\(talk.bargeIn ? " (bargeIn)" : ""): \"\(Self.excerpt(plan))\"")
                try await playPrompt(plan, bargeIn: talk.bargeIn, action: action, laterBargeIn: Self.bargeInAhead(ncco.actions[index...]))
            case .stream(let stream):
                if bargedIn { recorder.say("\(action.path) stream skipped: the caller already barged in"); continue }
                guard let plan = try await playable(planner.plan(action, file: ncco.file), log: log, what: "\(action.path) stream \(stream.url)") else { continue }
                report(log)
                recorder.say("\(action.path) stream\(stream.bargeIn ? " (bargeIn)" : ""): \(stream.url)")
                try await playPrompt(plan, bargeIn: stream.bargeIn, action: action, laterBargeIn: Self.bargeInAhead(ncco.actions[index...]))
            case .input(let input):
                bargedIn = false
                if input.asynchronous {
                    recorder.say("note: \(action.path) input has mode asynchronous (each key sent on its own as it is pressed, the NCCO going on); that is not simulated: the input collects as a synchronous one does")
                }
                let payload = try await collect(input, action: action)
                guard !ended else { break }
                if let source = transferTo {
                    // Transferred while it listened: the input's result is not sent; the new NCCO runs.
                    transferTo = nil
                    guard let next = try await transferNCCO(source), !next.actions.isEmpty else { break }
                    ncco = next
                    index = 0
                    continue
                }
                let target = input.events ?? setup.eventURL.map { EventTarget(url: $0, method: setup.eventMethod) }
                guard let target else {
                    recorder.say("\(action.path) input has no eventUrl and the call no event_url: the result goes nowhere")
                    continue
                }
                if let next = await fetchNCCO(url: target.url, method: target.method, payload: payload, purpose: "input", isAnswer: false), !next.actions.isEmpty {
                    recorder.say("the NCCO from the input webhook replaces the rest of \(ncco.file)")
                    ncco = next
                    index = 0
                } else if !ended {
                    recorder.say("no NCCO in the answer: the call goes on with the actions left")
                }
            case .notify(let notify):
                let payload = CallJSON.object([("payload", Self.json(notify.payload))] + vonageBase(now))
                if let next = await fetchNCCO(url: notify.events.url, method: notify.events.method, payload: payload, purpose: "notify", isAnswer: false), !next.actions.isEmpty {
                    recorder.say("the NCCO from the notify webhook replaces the rest of \(ncco.file)")
                    ncco = next
                    index = 0
                }
            case .wait(let wait):
                recorder.say("\(action.path) wait \(NCCOPlanner.seconds(wait.timeout))")
                try waitWithHangup(wait.timeout, reason: "wait")
            case .record(let record):
                try await runRecord(record, action: action)
            case .connect(let connect):
                if let next = try await runConnect(connect, action: action), !next.actions.isEmpty {
                    ncco = next
                    index = 0
                }
            case .conversation(let conversation):
                try await runConversation(conversation, action: action)
            case .transfer(let transfer):
                try await runTransfer(transfer, action: action)
            case .pay:
                recorder.say("\(action.path) pay is not simulated (no card details are collected); the call moves on")
            }
        }
    }

    /// A talk or stream: a key of the script landing in it cuts it when it has `bargeIn` (the key waits for the
    /// next input); without, the key is lost, as on Vonage, where keys count only while an input listens.
    func playPrompt(_ plan: [Segment], bargeIn: Bool, action: NCCOAction, laterBargeIn: Bool) async throws {
        let rendered = try await render(plan)
        // Timed keys count from the first talk the caller can cut, so a short notice before a menu does not swallow them.
        if bargeIn, !promptAnchored {
            promptStart = now
            promptAnchored = true
        }
        let outcome = try await play(rendered, interruptible: bargeIn, timed: bargeIn || !laterBargeIn) { step, time in
            self.recorder.say("the caller's \(step.summary) at \(String(format: "%.2f", time)) s is lost: \(action.path) \(action.name) has no bargeIn and no input listens (\(step.origin))", at: time)
        }
        if case .interrupted(let time) = outcome {
            bargedIn = true
            recorder.event(.bargeIn, "\(action.name) \(action.path)", at: time)
            recorder.say("barge-in: the caller's key stops \(action.path) \(action.name) at \(String(format: "%.2f", time)) s")
        }
    }

    /// Resolves the audio of a stream (or music on hold, a ringback tone). Audio that cannot be played (a URL
    /// answering 404, a file that is not audio, a download too large or too slow) fails that one action, as on
    /// Vonage: an error event goes to the event URL, the transcript has a PROBLEM line, and the call goes on with
    /// the next action (nil). Other errors (usage) still stop the simulation.
    func playable(_ plan: [Segment], log: DiagnosticLog, what: String) async throws -> [Segment]? {
        do {
            return try resolve(plan, log: log)
        } catch let error as SSMLError where [.audioSource, .io, .limitExceeded].contains(error.kind) {
            recorder.problem("\(what) cannot be played: \(error.message); the call goes on with the next action")
            await postError("\(what) failed: \(error.message)")
            return nil
        }
    }

    /// Whether a talk or stream with `bargeIn` comes before the next input.
    static func bargeInAhead(_ actions: ArraySlice<NCCOAction>) -> Bool {
        for action in actions {
            switch action.kind {
            case .talk(let talk): if talk.bargeIn { return true }
            case .stream(let stream): if stream.bargeIn { return true }
            case .input: return false
            default: continue
            }
        }
        return false
    }

    /// Silence for `seconds`; a timed hang-up in it ends the call.
    func waitWithHangup(_ seconds: Double, reason: String) throws {
        let end = now + seconds
        if let step = pending, case .hangup = step.action, let time = timedStepTime ?? Optional(now), time < end {
            try wait(until: time, reason: reason)
            if !ended {
                consume()
                self.end(by: "caller", "the caller hangs up (\(step.origin))")
            }
            return
        }
        try wait(until: end, reason: reason)
    }

    // MARK: - input

    /// Collects keys and speech as an `input` does, in call time, and returns the event payload.
    func collect(_ input: NCCOAction.Input, action: NCCOAction) async throws -> CallJSON {
        let listenStart = now
        if promptStart == nil { promptStart = listenStart }
        defer {
            promptStart = nil
            promptAnchored = false
        }
        var digits = ""
        var lastKey: Double?
        var ended = false
        var timedOut = true
        var speech: (text: String, end: Double, cutAtMaxDuration: Bool)?
        var noKeyDeadline: Double { (lastKey ?? listenStart) + input.dtmfTimeOut }
        var inputEnd: Double { max(input.dtmf ? noKeyDeadline : listenStart, input.speech && speech == nil ? listenStart + input.speechStartTimeout : listenStart) }
        recorder.say(
            "\(action.path) input listens for \([input.dtmf ? "keys (maxDigits \(input.maxDigits), timeOut \(NCCOPlanner.seconds(input.dtmfTimeOut))\(input.submitOnHash ? ", # submits" : ""))" : nil, input.speech ? "speech (startTimeout \(NCCOPlanner.seconds(input.speechStartTimeout)))" : nil].compactMap { $0 }.joined(separator: " and "))"
        )
        while !ended, !self.ended {
            if pending == nil, !(try await waitForCaller(until: inputEnd, reason: "input")) { break }
            guard let step = pending else { break }
            let time = step.after.map { (promptStart ?? listenStart) + $0 } ?? (lastKey == nil && speech == nil ? listenStart : .infinity)
            guard time <= inputEnd + 1e-9 else { break }
            try wait(until: max(time, now), reason: "input")
            if self.ended { break }
            switch step.action {
            case .press(let keys):
                consume()
                guard input.dtmf else {
                    recorder.say("the caller presses \(keys), but \(action.path) input listens for speech only", at: time)
                    continue
                }
                var keyTime = max(time, now)
                for key in keys {
                    if ended { recorder.say("key \(key) is not collected: the input has ended"); continue }
                    if lastKey != nil, keyTime > noKeyDeadline { break }
                    try wait(until: keyTime, reason: "input")
                    recorder.event(.key, String(key), settings: ["input": action.path])
                    recorder.pressed(String(key))
                    lastKey = keyTime
                    if input.submitOnHash && key == "#" {
                        recorder.say("the caller presses # (submitOnHash)")
                        ended = true
                        timedOut = false
                    } else {
                        digits.append(key)
                        recorder.say("the caller presses \(key)")
                        if digits.count >= input.maxDigits {
                            recorder.say("maxDigits \(input.maxDigits) reached")
                            ended = true
                            timedOut = false
                        }
                    }
                    keyTime += CallScript.keyGap
                }
            case .say(let text):
                consume()
                if muted {
                    recorder.say("the caller says \"\(text)\", but the call is muted: the input hears nothing", at: time)
                    continue
                }
                guard input.speech else {
                    recorder.say("the caller says \"\(text)\", but \(action.path) input listens for keys only", at: time)
                    continue
                }
                let words = max(1, text.split(whereSeparator: \.isWhitespace).count)
                let spoken = min(Double(words) * CallScript.secondsPerWord, input.maxDuration)
                recorder.event(.speech, text, settings: ["input": action.path, "seconds": String(format: "%.2f", spoken)])
                recorder.say("the caller says \"\(text)\" (\(String(format: "%.1f", spoken)) s)")
                let cut = Double(words) * CallScript.secondsPerWord > input.maxDuration
                speech = (text, max(time, now) + spoken + (cut ? 0 : input.endOnSilence), cut)
                try wait(until: speech!.end, reason: "input")
                ended = true
                timedOut = false
            case .silent:
                consume()
                recorder.say("the caller stays silent")
                try wait(until: inputEnd, reason: "input")
                ended = true
            case .hangup:
                consume()
                end(by: "caller", "the caller hangs up (\(step.origin))")
            case .audio(let file):
                consume()
                recorder.say("the caller's audio \(file) has no record to go to; ignored")
            }
        }
        if !ended, !self.ended, transferTo == nil {
            try wait(until: inputEnd, reason: "input")
            if digits.isEmpty && speech == nil { recorder.say("\(action.path) input times out: nothing entered") }
        }
        var fields: [(String, CallJSON)] = []
        if input.dtmf {
            fields.append(("dtmf", .object([("digits", .string(digits)), ("timed_out", .bool(timedOut && speech == nil))])))
        }
        if input.speech {
            var result: [(String, CallJSON)] = []
            if let speech {
                result.append(("results", .array([.object([("confidence", .string("1.0")), ("text", .string(speech.text))])])))
                result.append(("timeout_reason", .string(speech.cutAtMaxDuration ? "max_duration" : "end_on_silence_timeout")))
            } else {
                result.append(("results", .array([])))
                // Only a start timeout that really ran out is reported: a key that ended the input before it did
                // leaves the speech without a timeout reason.
                if now + 1e-9 >= listenStart + input.speechStartTimeout { result.append(("timeout_reason", .string("start_timeout"))) }
            }
            fields.append(("speech", .object(result)))
        }
        let heard = [input.dtmf ? "digits \"\(digits)\"" : nil, speech.map { "speech \"\($0.text)\"" }, timedOut && speech == nil ? "(timed out)" : nil]
        recorder.say("\(action.path) input ends: \(heard.compactMap { $0 }.joined(separator: " "))")
        return .object(fields + vonageBase(now))
    }

    // MARK: - record, connect, conversation

    func runRecord(_ record: NCCOAction.Record, action: NCCOAction) async throws {
        let start = now
        let startSample = recorder.sampleCount
        // Vonage: a record with none of endOnSilence, endOnKey and timeOut is asynchronous: it records the call
        // while the actions after it run, until the call ends.
        let synchronous = ["endOnSilence", "endOnKey", "timeOut"].contains { action.options[$0] != nil }
        var caller: [Float] = []
        var callerFile: String?
        if let step = pending, step.after == nil, case .audio(let file) = step.action {
            consume()
            caller = try callerAudio(file)
            callerFile = file
        }
        if record.beepStart { try beep() }
        guard synchronous else {
            backgroundRecords.append(BackgroundRecord(record: record, action: action, start: start, startSample: startSample, caller: caller, callerFile: callerFile))
            recorder.say("\(action.path) record has no endOnSilence, endOnKey or timeOut: it records the call (both sides) until the call ends; the NCCO goes on at once")
            return
        }
        let spoken = Double(caller.count) / Double(rate)
        var end = start + record.timeOut
        var reason = "timeOut \(NCCOPlanner.seconds(record.timeOut))"
        if let silence = record.endOnSilence, now + spoken + silence < end {
            end = now + spoken + silence
            reason = "\(NCCOPlanner.seconds(silence)) of silence (endOnSilence)"
        }
        if let step = pending, case .press(let keys) = step.action, let key = record.endOnKey, keys.contains(key) {
            let time = step.after.map { (promptStart ?? start) + $0 } ?? (now + spoken)
            if time < end {
                consume()
                end = max(time, now)
                reason = "the caller pressed \(key) (endOnKey)"
                recorder.event(.key, key, at: end, settings: ["record": action.path])
                recorder.pressed(key)
            }
        } else if pending == nil, record.endOnSilence == nil, hangupAt == nil {
            end = min(end, now + spoken + CallScript.patience)
            reason = "the caller, with nothing left to do, hangs up"
        }
        recorder.say("\(action.path) record: the caller's side is \(callerFile ?? "silence"); it ends after \(reason)")
        try waitWithHangup(end - now, reason: "record")
        // The caller's side as recorded: the file, then silence (the call's side is silence and the beep).
        let recorded = Int(((now - start) * Double(rate)).rounded())
        var side = try recorder.heard(from: startSample)
        side = Self.mix(side, caller, count: recorded)
        if pendingHangupEnded { return }
        await finishRecording(record, start: start, samples: side)
    }

    /// A recording that ran in the background, finished at the end of the call: the call as heard, with the
    /// caller's side mixed in.
    func finishBackgroundRecords() async throws {
        let records = backgroundRecords
        backgroundRecords = []
        for item in records {
            let heard = try recorder.heard(from: item.startSample)
            recorder.say("\(item.action.path) record ends with the call after \(String(format: "%.2f", now - item.start)) s (the caller's side: \(item.callerFile ?? "silence"))")
            await finishRecording(item.record, start: item.start, samples: Self.mix(heard, item.caller, count: heard.count))
        }
    }

    /// `count` samples of `a` and `b` added (each padded with silence), clipped to ±1.
    static func mix(_ a: [Float], _ b: [Float], count: Int) -> [Float] {
        (0..<count).map { index in
            let sum = (index < a.count ? a[index] : 0) + (index < b.count ? b[index] : 0)
            return Swift.max(-1, Swift.min(1, sum))
        }
    }

    /// Saves a recording in the recordings folder and posts the record event with its local `recording_url`. A
    /// recording that could not be saved (no folder, a folder that is gone or not writable) is lost: no record
    /// event is posted (an event with an empty `recording_url` would tell the application a lie), and the
    /// transcript says why.
    func finishRecording(_ record: NCCOAction.Record, start: Double, samples: [Float]) async {
        guard let folder = setup.recordingsDirectory else {
            recorder.say("note: no recordings folder: the recording is not saved and no record event is posted")
            return
        }
        var number = 1
        let format = OutputFormat(rawValue: record.format) ?? .mp3
        var url = URL(fileURLWithPath: folder).appendingPathComponent("recording-\(number).\(record.format)")
        while FileManager.default.fileExists(atPath: url.path) {
            number += 1
            url = URL(fileURLWithPath: folder).appendingPathComponent("recording-\(number).\(record.format)")
        }
        var isFolder: ObjCBool = false
        let recordingURL: String
        let size: Int
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) || !isFolder.boolValue {
            recorder.problem("the recording could not be saved: the recordings folder \(folder) does not exist; no record event is posted")
            return
        }
        do {
            try AudioFile.write(samples.isEmpty ? [0] : samples, to: url, sampleRate: rate, format: format)
            recordingURL = url.absoluteString
            size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0
            recorder.say("the recording is saved as \(url.path)")
        } catch {
            // The writer's own message may name its temporary file; the user knows the folder and the name.
            let why = FileManager.default.isWritableFile(atPath: folder) ? ((error as? SSMLError)?.kind.rawValue ?? "a write error") : "the folder is not writable"
            recorder.problem("the recording could not be saved as \(url.path) (\(why)); no record event is posted")
            return
        }
        let target = record.events ?? setup.eventURL.map { EventTarget(url: $0, method: setup.eventMethod) }
        if let target {
            let payload = CallJSON.object(
                [
                    ("start_time", .string(isoTimestamp(start))), ("end_time", .string(isoTimestamp(now))), ("recording_url", .string(recordingURL)),
                    ("size", .number(Double(size))), ("recording_uuid", .string(ids.next())),
                ] + vonageBase(now))
            _ = await send("record", method: target.method, url: target.url, payload: payload)
        }
    }

    /// A `record` running in the background (see ``runRecord(_:action:)``).
    struct BackgroundRecord {
        var record: NCCOAction.Record
        var action: NCCOAction
        var start: Double
        var startSample: Int
        var caller: [Float]
        var callerFile: String?
    }

    /// The record event is still sent when the caller hung up during the recording (Vonage sends it at the end);
    /// only the length timer stops everything.
    var pendingHangupEnded: Bool { ended && endedBy == "service" }

    func runConnect(_ connect: NCCOAction.Connect, action: NCCOAction) async throws -> NCCO? {
        let target = connect.events ?? setup.eventURL.map { EventTarget(url: $0, method: setup.eventMethod) }
        let leg = ids.next()
        func legEvent(_ status: String, to: String, extra: [(String, CallJSON)] = []) async -> (Delivery, CallExchange)? {
            guard let target else { return nil }
            let payload = CallJSON.object(
                [
                    ("status", .string(status)), ("direction", .string("outbound")), ("from", .string(connect.from ?? setup.from)), ("to", .string(to)),
                    ("uuid", .string(leg)), ("conversation_uuid", .string(ids.conversation)), ("timestamp", .string(isoTimestamp(now))),
                ] + extra)
            return await send("connect \(status)", method: target.method, url: target.url, payload: payload)
        }
        switch connect.endpoint {
        case .websocket(let uri, let contentType, let headers):
            let legRate = contentType.contains("16000") ? 16000 : 8000
            _ = await legEvent("started", to: uri)
            recorder.say("\(action.path) connect: opening the websocket \(uri) (\(contentType))")
            let available = min(connect.limit, deadline - now)
            let quiet: Double? = hangupAt == nil ? CallScript.patience : nil
            // The caller's side: a script's caller audio (the next step, untimed), at the leg's rate.
            var caller: [Float] = []
            if let step = pending, step.after == nil, case .audio(let file) = step.action {
                consume()
                caller = try callerAudio(file, rate: legRate)
                recorder.say("the caller's side on the websocket is \(file) (\(String(format: "%.2f", Double(caller.count) / Double(legRate))) s), then silence")
            }
            do {
                let outcome = try await WebSocketLeg.run(
                    uri: uri, rate: legRate, headers: headers.map(Self.json), caller: caller, limit: available, quietLimit: quiet,
                    idleTimeout: setup.webhookTimeout)
                _ = await legEvent("answered", to: uri)
                for text in outcome.texts.prefix(20) { recorder.say("websocket text: \(text.prefix(200))") }
                let heard = try resample(outcome.samples, from: Double(legRate))
                let start = now
                let until = min(start + outcome.seconds, deadline)
                try recorder.sound(Array(heard.prefix(Int(((until - start) * Double(rate)).rounded()))), detail: "websocket \(URLComponents(string: uri)?.path ?? uri)", attributes: ["rate": "\(legRate)"])
                try wait(until: until, reason: "websocket")
                recorder.say("the websocket sent \(String(format: "%.2f", Double(outcome.samples.count) / Double(legRate))) s of audio; \(outcome.ending)")
                endIfDue()
                let events = await legEvent("completed", to: uri, extra: [("duration", .string("\(Int((now - start).rounded()))"))])
                return connect.synchronous ? nextNCCO(events) : nil
            } catch {
                recorder.problem("the websocket \(uri) failed: \(error)")
                let events = await legEvent("failed", to: uri)
                return connect.synchronous ? nextNCCO(events) : nil
            }
        case .phone(let number, _, _), .sip(let number), .app(let number), .vbc(let number):
            _ = await legEvent("started", to: number)
            _ = await legEvent("ringing", to: number)
            let ring = min(2.0, connect.timeout)
            if let tone = connect.ringbackTone {
                // `ringbackTone`: the application's audio instead of the network's ring, looped for the ring time.
                recorder.say("\(action.path) connect to \(number): ringbackTone \(tone) for \(NCCOPlanner.seconds(ring))")
                let log = DiagnosticLog()
                let clip = AudioClip(source: tone, gainDB: 0, location: action.location, label: "\(action.path).ringbackTone \"\(tone)\"")
                let rendered = try await render(try await playable([.audio(clip)], log: log, what: "\(action.path) connect ringbackTone \(tone)") ?? [])
                report(log)
                let until = now + ring
                while now < until - 1e-9, !ended, rendered.seconds > 0 {
                    let count = min(rendered.samples.count, Int(((until - now) * Double(rate)).rounded()))
                    guard count > 0 else { break }
                    _ = try await play(Rendered(samples: Array(rendered.samples.prefix(count)), report: Self.clip(rendered.report, to: count)), interruptible: false) { _, _ in }
                }
            } else {
                recorder.say("\(action.path) connect to \(number): ringback for \(NCCOPlanner.seconds(ring))")
                try ringback(ring)
            }
            if ended { return nil }
            _ = await legEvent("answered", to: number)
            recorder.say("note: the connected party (\(number)) is not simulated: the leg is answered and ends at once; the NCCO goes on")
            let events = await legEvent("completed", to: number, extra: [("duration", .string("0"))])
            return connect.synchronous ? nextNCCO(events) : nil
        }
    }

    /// With `eventType: synchronous` the answer to the leg's last event may hold the next NCCO.
    func nextNCCO(_ events: (Delivery, CallExchange)?) -> NCCO? {
        guard let (delivery, exchange) = events, case .answered(let response) = delivery, (200..<300).contains(response.status) else { return nil }
        if case .ncco(let ncco) = parseNCCO(response, purpose: exchange.purpose, method: exchange.request.method, url: exchange.request.url) { return ncco }
        return nil
    }

    func runConversation(_ conversation: NCCOAction.Conversation, action: NCCOAction) async throws {
        // Nobody else joins in a simulation: the caller is alone, hearing the music on hold (when the
        // conversation waits for a moderator) or silence, until they hang up.
        let until = aloneUntil()
        recorder.say("\(action.path) conversation \"\(conversation.name)\": the caller is alone in it\(conversation.startOnEnter ? "" : ", hearing music on hold") until they hang up")
        if !conversation.startOnEnter, let music = conversation.musicOnHoldUrl {
            let log = DiagnosticLog()
            let clip = AudioClip(source: music, gainDB: 0, location: action.location, label: "\(action.path).musicOnHoldUrl[0] \"\(music)\"")
            let plan = try await playable([.audio(clip)], log: log, what: "\(action.path) conversation musicOnHoldUrl \(music)") ?? []
            report(log)
            let rendered = try await render(plan)
            var played = 0.0
            while now < until - 1e-9, !ended, rendered.seconds > 0 {
                let remaining = until - now
                let part = Rendered(samples: Array(rendered.samples.prefix(Int(remaining * Double(rate)))), report: Self.clip(rendered.report, to: min(rendered.samples.count, Int(remaining * Double(rate)))))
                _ = try await play(part, interruptible: false) { _, _ in }
                played += part.seconds
            }
        }
        if pending.map({ if case .hangup = $0.action { return true } else { return false } }) == true { consume() }
        try wait(until: until, reason: "conversation")
        if !ended { end(by: "caller", "the caller, alone in the conversation, hangs up") }
    }

    /// When a caller alone on an open-ended leg (a conversation nobody else joins) hangs up: at `hangup_after`, at
    /// the script's timed hang-up, else after the caller's patience.
    func aloneUntil() -> Double {
        if let hangupAt { return hangupAt }
        if let step = pending, case .hangup = step.action, let after = step.after { return now + after }
        return now + CallScript.patience
    }

    /// `transfer`: the leg moves into another, existing conversation; the event URL hears of it
    /// (`conversation_uuid_from`, `conversation_uuid_to`), later events carry the new conversation, and the
    /// caller, alone there (nobody else is simulated), stays until they hang up.
    func runTransfer(_ transfer: NCCOAction.Transfer, action: NCCOAction) async throws {
        let from = ids.conversation
        recorder.event(.call, "transfer", settings: ["conversation": transfer.conversationID])
        recorder.say("\(action.path) transfer: the call moves from \(from) into \(transfer.conversationID)")
        if let url = setup.eventURL {
            let payload = CallJSON.object([
                ("conversation_uuid_from", .string(from)), ("conversation_uuid_to", .string(transfer.conversationID)), ("uuid", .string(ids.call)),
                ("timestamp", .string(isoTimestamp(now))),
            ])
            _ = await send("event transfer", method: setup.eventMethod, url: url, payload: payload)
        }
        ids.conversation = transfer.conversationID
        let until = aloneUntil()
        recorder.say("nobody else in \(transfer.conversationID) is simulated: the caller hears silence until they hang up")
        if pending.map({ if case .hangup = $0.action { return true } else { return false } }) == true { consume() }
        try wait(until: until, reason: "transfer")
        if !ended { end(by: "caller", "the caller, alone in \(transfer.conversationID), hangs up") }
    }

    // MARK: - Helpers

    /// A located JSON value as a payload value.
    static func json(_ value: JSONValue) -> CallJSON { CallJSON(value) }

    /// The first words of a plan, for the transcript.
    static func excerpt(_ plan: [Segment]) -> String {
        let text = plan.compactMap { segment -> String? in
            if case .speech(let speech) = segment { return speech.displayText }
            return nil
        }.joined(separator: " ")
        return text.count > 70 ? String(text.prefix(69)) + "…" : text
    }
}
