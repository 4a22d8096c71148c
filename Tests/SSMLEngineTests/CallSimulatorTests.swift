import Foundation
import SSMLCore
import SSMLTestSupport
import Synchronization
import Testing
@testable import SSMLEngine

/// An application answering in process: a handler per request, every request kept.
final class FakeApplication: WebhookClient {
    typealias Handler = @Sendable (WebhookRequest, CallJSON?) throws -> WebhookResponse
    private let handler: Handler
    private let seen = Mutex<[WebhookRequest]>([])

    init(_ handler: @escaping Handler) { self.handler = handler }

    var requests: [WebhookRequest] { seen.withLock { $0 } }

    /// The JSON bodies (or GET queries) of the requests to `path`.
    func payloads(_ path: String) -> [CallJSON] {
        requests.filter { URLComponents(string: $0.url)?.path == path }.map { request in
            if let body = request.body, let json = CallJSON.parse(body) { return json }
            let items = URLComponents(string: request.url)?.queryItems ?? []
            return .object(items.map { ($0.name, .string($0.value ?? "")) })
        }
    }

    func send(_ request: WebhookRequest, timeout: Double) async throws -> WebhookResponse {
        seen.withLock { $0.append(request) }
        return try handler(request, request.body.flatMap(CallJSON.parse))
    }

    static func json(_ text: String, status: Int = 200) -> WebhookResponse {
        WebhookResponse(status: status, contentType: "application/json", body: Data(text.utf8))
    }
}

@Suite(.ownThread, .timeLimit(.minutes(5))) struct CallSimulatorTests {
    static let executable = Repository.buildProduct("ssml-worker")

    func simulator(_ app: FakeApplication) throws -> CallSimulator {
        let engine = try Engine(catalog: Repository.catalog(), styles: Repository.vonageStyles(), data: Repository.data)
        return CallSimulator(engine: engine, pool: try RenderWorkerPool(size: 1, executable: Self.executable), client: app)
    }

    func run(_ app: FakeApplication, _ setup: CallSetup, _ script: CallScript, rate: Int = 16000) async throws -> CallRecording {
        try await simulator(app).run(setup, script: script, rate: rate)
    }

    func samples(_ recording: CallRecording) throws -> [Float] {
        var all: [Float] = []
        try recording.forEachChunk { all += $0 }
        return all
    }

    static let menu = """
        [{"action": "talk", "text": "Welcome to Example Bank. For sales press 1, for support press 2, for anything else stay on the line.", "bargeIn": true},
         {"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 1, "timeOut": 4}, "eventUrl": ["http://app.test/menu"]},
         {"action": "talk", "text": "We did not receive your choice. Goodbye."}]
        """

    static func menuApp() -> FakeApplication {
        FakeApplication { request, body in
            switch URLComponents(string: request.url)?.path {
            case "/answer": return FakeApplication.json(menu)
            case "/menu":
                let digits = body?.value(at: "dtmf.digits")?.display ?? ""
                return FakeApplication.json(digits == "1" ? #"[{"action": "talk", "text": "You chose sales."}]"# : #"[{"action": "talk", "text": "That is not an option."}]"#)
            default: return FakeApplication.json("{}")
            }
        }
    }

    static func answerSetup() -> CallSetup {
        var setup = CallSetup(source: .answerURL("http://app.test/answer"))
        setup.eventURL = "http://app.test/event"
        return setup
    }

    @Test func aKeyInATalkWithBargeInCutsItThereAndGoesToTheInput() async throws {
        let app = Self.menuApp()
        let recording = try await run(app, Self.answerSetup(), CallScript(steps: [.init(.press("1"), after: 1.5, origin: "test")]))
        let timeline = recording.timeline
        // The menu's speech stops at the key: nothing of it after 1.5 s.
        let menu = timeline.segments.filter { $0.step?.contains("talk $[0] of NCCO from GET /answer") == true && $0.kind == "speech" }
        #expect(!menu.isEmpty)
        #expect(menu.allSatisfy { $0.end <= 1.5 + 1e-6 })
        #expect(menu.last.map { abs($0.end - 1.5) < 0.001 } == true)
        // The input ends at once (maxDigits 1) and its result goes to the input's eventUrl.
        let input = try #require(app.payloads("/menu").first)
        #expect(input.value(at: "dtmf.digits") == .string("1"))
        #expect(input.value(at: "dtmf.timed_out") == .bool(false))
        #expect(timeline.events.contains { $0.kind == "key" && $0.name == "1" && abs($0.time - 1.5) < 0.001 })
        #expect(timeline.events.contains { $0.kind == "barge-in" && abs($0.time - 1.5) < 0.001 })
        // The answer's NCCO replaced the rest: "You chose sales" right after, never the goodbye.
        let next = try #require(timeline.segments.first { $0.kind == "speech" && $0.text.contains("You chose sales") })
        #expect(abs(next.start - 1.5) < 0.01)
        #expect(!recording.spokenText.contains("Goodbye"))
        // Measured: the audio is loud before the cut, the cut point is quiet (a fade, no click).
        let audio = try samples(recording)
        let cut = Int(1.5 * 16000)
        let before = audio[(cut - 8000)..<cut].map { abs($0) }.max() ?? 0
        #expect(before > 0.05)
        #expect(abs(audio[cut - 1]) < 0.02)
        #expect(recording.summary.keys == "1")
        #expect(recording.problems.isEmpty)
    }

    @Test func anInputWithoutKeysWaitsItsTimeOutInSilence() async throws {
        let app = Self.menuApp()
        let recording = try await run(app, Self.answerSetup(), CallScript(steps: [.init(.silent, origin: "test")]))
        let timeline = recording.timeline
        let wait = try #require(timeline.segments.first { $0.kind == "pause" && $0.text == "input" })
        #expect(abs((wait.end - wait.start) - 4.0) < 0.001)
        let audio = try samples(recording)
        let quiet = audio[wait.startSample..<wait.endSample].map { abs($0) }.max() ?? 1
        #expect(quiet < 1e-4)
        // The whole menu was heard (no barge-in), then the input's answer: no digits, timed out.
        let input = try #require(app.payloads("/menu").first)
        #expect(input.value(at: "dtmf.digits") == .string(""))
        #expect(input.value(at: "dtmf.timed_out") == .bool(true))
        #expect(recording.spokenText.contains("That is not an option"))
    }

    @Test func eventsArriveInOrderWithVonagesFields() async throws {
        let app = Self.menuApp()
        let recording = try await run(app, Self.answerSetup(), CallScript(steps: [.init(.press("2"), origin: "test")]))
        let statuses = app.payloads("/event").compactMap { $0["status"]?.display }
        #expect(statuses == ["started", "ringing", "answered", "completed"])
        let completed = try #require(app.payloads("/event").last)
        for field in ["uuid", "conversation_uuid", "timestamp", "from", "to", "direction", "duration", "start_time", "end_time", "rate", "price"] {
            #expect(completed[field] != nil, "completed has no \(field)")
        }
        #expect(completed["duration"] == .string("\(Int(recording.summary.duration.rounded()))"))
        #expect(completed["conversation_uuid"]?.display.hasPrefix("CON-") == true)
        // The answer webhook is a GET with the call's fields in the query.
        let answer = try #require(app.requests.first { $0.url.contains("/answer") })
        #expect(answer.method == "GET")
        let query = Set((URLComponents(string: answer.url)?.queryItems ?? []).map(\.name))
        #expect(query.isSuperset(of: ["from", "to", "uuid", "conversation_uuid"]))
        let order = app.requests.map { URLComponents(string: $0.url)!.path }
        #expect(order == ["/event", "/event", "/answer", "/event", "/menu", "/event"])
    }

    @Test func theSameAnswersAndScriptGiveTheSameBytes() async throws {
        var first: (Data, [String]) = (Data(), [])
        for round in 0..<2 {
            let app = Self.menuApp()
            let recording = try await run(app, Self.answerSetup(), CallScript(steps: [.init(.press("1"), after: 2, origin: "test")]))
            let job = RenderJob(input: JobInput(ssml: "", name: "call"), allowEmpty: true, output: OutputSettings(rate: 16000))
            let audio = try #require(try recording.write(job: job, to: .memory).audio)
            let bodies = app.requests.map { String(decoding: $0.body ?? Data($0.url.utf8), as: UTF8.self) }
            if round == 0 {
                first = (audio, bodies)
            } else {
                #expect(audio == first.0)
                #expect(bodies == first.1)
            }
        }
    }

    @Test func anAnswerURLThatFailsGetsAnErrorEventThenTheFallback() async throws {
        let app = FakeApplication { request, _ in
            switch URLComponents(string: request.url)?.path {
            case "/answer": return FakeApplication.json(#"{"error": "boom"}"#, status: 500)
            case "/fallback": return FakeApplication.json(#"[{"action": "talk", "text": "This is the fallback."}]"#)
            default: return FakeApplication.json("{}")
            }
        }
        var setup = Self.answerSetup()
        setup.fallbackAnswerURL = "http://app.test/fallback"
        let recording = try await run(app, setup, CallScript())
        #expect(recording.spokenText.contains("This is the fallback"))
        // A 500 is not retried; the error goes to the event URL before the fallback is asked.
        #expect(app.requests.filter { URLComponents(string: $0.url)?.path == "/answer" }.count == 1)
        let paths = app.requests.map { URLComponents(string: $0.url)!.path }
        let errorIndex = try #require(app.payloads("/event").firstIndex { $0["reason"] != nil })
        _ = errorIndex
        #expect(paths.firstIndex(of: "/fallback")! > paths.firstIndex(of: "/answer")!)
        // Asked like the answer URL (GET), with the original fields and where the original request went.
        let fallback = try #require(app.payloads("/fallback").first)
        #expect(fallback["original_request.url"] == .string("http://app.test/answer"))
        #expect(fallback["uuid"] != nil && fallback["reason"] != nil)
        #expect(!recording.problems.isEmpty)
        #expect(recording.transcript.contains { $0.contains("HTTP 500") })
    }

    @Test func aTimeoutIsRetriedTwiceThenTheCallFailsWithoutFallback() async throws {
        let app = FakeApplication { request, _ in
            if request.url.contains("/answer") { throw WebhookFailure(.timeout, "no answer within 5 s") }
            return FakeApplication.json("{}")
        }
        let recording = try await run(app, Self.answerSetup(), CallScript())
        #expect(app.requests.filter { $0.url.contains("/answer") }.count == 3)
        #expect(recording.summary.status == "failed")
        #expect(recording.transcript.contains { $0.contains("no fallback_answer_url") })
    }

    @Test func aWrongNCCOInAnInputAnswerIsAnErrorAndTheCallGoesOn() async throws {
        let app = FakeApplication { request, _ in
            switch URLComponents(string: request.url)?.path {
            case "/answer": return FakeApplication.json(Self.menu)
            case "/menu": return FakeApplication.json(#"[{"action": "talk"}]"#)
            default: return FakeApplication.json("{}")
            }
        }
        let recording = try await run(app, Self.answerSetup(), CallScript(steps: [.init(.press("1"), origin: "test")]))
        #expect(recording.problems.contains { $0.contains("invalid NCCO") && $0.contains("needs \"text\"") })
        #expect(recording.spokenText.contains("We did not receive your choice"))
    }

    @Test func sevenInvalidInputSpeaksItsTextAndAValidOnePostsTheCallback() async throws {
        let app = FakeApplication { request, body in
            if request.url.hasSuffix("/cb") {
                #expect(body?["webhook_event"] == .string("dtmf"))
                return FakeApplication.json(#"{"ssml": "<speak>You chose support. Goodbye.</speak>", "hangup": true}"#)
            }
            return FakeApplication.json("{}")
        }
        let document = """
            <speak><s>Welcome.</s><dtmf callback="http://app.test/cb" min="1" max="1" wait="3000" digits="[12]" invalid="That key is not valid." short="Press 1 or 2." exit="Thank you for calling.">Press 1 or 2.</dtmf></speak>
            """
        var setup = CallSetup(source: .seven(text: document, name: "menu.ssml"))
        setup.webhookURL = "http://app.test/status"
        let recording = try await run(app, setup, CallScript(steps: [.init(.press("2"), origin: "test")]))
        let callback = try #require(app.payloads("/cb").first)
        #expect(callback.value(at: "data.digits") == .string("2"))
        #expect(recording.spokenText.contains("You chose support"))
        #expect(recording.spokenText.contains("Thank you for calling"))
        let statuses = app.payloads("/status").compactMap { $0.value(at: "data.status")?.display }
        #expect(statuses == ["initiated", "ringing", "in-progress", "completed"])
        #expect(app.payloads("/status").allSatisfy { $0["webhook_event"] == .string("voice_status") })

        let wrong = FakeApplication { _, _ in FakeApplication.json("{}") }
        let invalid = try await run(wrong, setup, CallScript(steps: [.init(.press("7"), origin: "test")]))
        #expect(invalid.spokenText.contains("That key is not valid"))
        #expect(wrong.payloads("/cb").isEmpty)
    }

    @Test func aSevenCallbackAnswerSteersTheNextCollectionWithItsTries() async throws {
        let app = FakeApplication { request, body in
            guard request.url.hasSuffix("/cb") else { return FakeApplication.json("{}") }
            if body?.value(at: "data.digits") == .string("3") {
                return FakeApplication.json(#"{"ssml": "<speak>Now enter two digits.</speak>", "min": 2, "max": 2, "tries": 2, "digits": "^[0-9]+$"}"#)
            }
            return FakeApplication.json(#"{"hangup": true}"#)
        }
        let document = #"<speak>Hello. <dtmf callback="http://app.test/cb" min="1" max="1" digits="[3]" wait="2000" invalid="Not valid." exit="Bye now.">Press 3.</dtmf></speak>"#
        let setup = CallSetup(source: .seven(text: document, name: "code.ssml"))
        let script = CallScript(steps: [.init(.press("3"), origin: "a"), .init(.press("1"), origin: "b"), .init(.press("45"), origin: "c")])
        let recording = try await run(app, setup, script)
        #expect(app.payloads("/cb").compactMap { $0.value(at: "data.digits") } == [.string("3"), .string("45")])
        let spoken = recording.spokenText
        #expect(spoken.components(separatedBy: "Not valid.").count == 2)
        #expect(spoken.components(separatedBy: "Now enter two digits.").count == 3)
        #expect(spoken.hasSuffix("Bye now."))
        #expect(!spoken.dropFirst(10).contains("Hello"))
        // "1" alone waited the full 2 s after its key before it was judged.
        let waits = recording.timeline.segments.filter { $0.kind == "pause" && $0.text == "dtmf" }
        #expect(waits.contains { abs(($0.end - $0.start) - 2.0) < 0.001 })
        #expect(recording.summary.endedBy == "application")
    }

    @Test func aSevenBridgeWithADigitTransfersWhenThatKeyIsPressed() async throws {
        let app = FakeApplication { _, _ in FakeApplication.json("{}") }
        let document = #"<speak><bridge number="+4930123" digit="0"/>For an agent press 0. Otherwise please hold while we look at your account, this can take a moment.</speak>"#
        var setup = CallSetup(source: .seven(text: document, name: "hold.ssml"))
        setup.webhookURL = "http://app.test/status"
        let recording = try await run(app, setup, CallScript(steps: [.init(.press("5"), after: 0.5, origin: "test"), .init(.press("0"), after: 1.5, origin: "test")]))
        // 5 is no bridge key: a voice_dtmf event; 0 transfers and stops the announcement.
        let keys = app.payloads("/status").filter { $0["webhook_event"] == .string("voice_dtmf") }
        #expect(keys.map { $0.value(at: "data.dtmf_digit") } == [.string("5")])
        #expect(recording.timeline.events.contains { $0.kind == "call" && $0.name == "transfer" && $0.settings["number"] == "+4930123" })
        let speech = recording.timeline.segments.filter { $0.kind == "speech" }
        #expect(speech.allSatisfy { $0.end <= 1.5 + 1e-6 })
    }

    @Test func hangupAfterEndsTheCallWhereverItIs() async throws {
        let app = Self.menuApp()
        var script = CallScript()
        script.hangupAfter = 2
        let recording = try await run(app, Self.answerSetup(), script)
        #expect(abs(recording.summary.duration - 2) < 0.001)
        #expect(recording.summary.endedBy == "caller")
        #expect(app.payloads("/event").last?["status"] == .string("completed"))
        #expect(app.payloads("/menu").isEmpty)
    }

    @Test func webhookBodiesAreExactlyVonagesShape() async throws {
        let app = Self.menuApp()
        let recording = try await run(app, Self.answerSetup(), CallScript(steps: [.init(.press("1"), after: 1.5, origin: "test")]))
        let bodies = app.requests.filter { $0.method == "POST" }.map { String(decoding: $0.body ?? Data(), as: UTF8.self) }
        let ids = #""from":"447700900000","to":"447700900001","uuid":"8eaf03bf-47ef-4997-be89-15992a0aadac","conversation_uuid":"CON-99f8f8b7-8cf6-44a3-bb75-672d45466823""#
        // Seed 0: the same ids every run; the call is placed at 09:00:00 and answered at 09:00:03.
        #expect(bodies.first == #"{"status":"started","direction":"outbound",\#(ids),"timestamp":"2025-01-01T09:00:00.000Z"}"#)
        // The key lands at 1.5 s: the input's result at 09:00:04.500, with the call's fields.
        #expect(bodies.contains(#"{"dtmf":{"digits":"1","timed_out":false},\#(ids),"timestamp":"2025-01-01T09:00:04.500Z"}"#), "\(bodies)")
        let end = String(format: "%.3f", 3 + recording.summary.duration)
        let seconds = Int(recording.summary.duration.rounded())
        #expect(
            bodies.last
                == #"{"status":"completed","direction":"outbound",\#(ids),"timestamp":"2025-01-01T09:00:0\#(end)Z","duration":"\#(seconds)","start_time":"2025-01-01T09:00:03.000Z","end_time":"2025-01-01T09:00:0\#(end)Z","rate":"0.00000000","price":"0.00000000"}"#,
            "\(bodies.last ?? "")")
        // Every POST is JSON.
        #expect(app.requests.filter { $0.method == "POST" }.allSatisfy { $0.headers.contains { $0.0 == "Content-Type" && $0.1 == "application/json" } })
    }
}
