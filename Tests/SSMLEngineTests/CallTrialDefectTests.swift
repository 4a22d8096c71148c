import Foundation
import SSMLCore
import SSMLTestSupport
import Testing
@testable import SSMLEngine

/// The defects a new-user trial of `ssml call` found, each pinned where the simulator decides it.
@Suite(.ownThread, .timeLimit(.minutes(5))) struct CallTrialDefectTests {
    let calls = CallSimulatorTests()

    static func sevenSetup(_ document: String) -> CallSetup {
        var setup = CallSetup(source: .seven(text: document, name: "trial.ssml"))
        setup.webhookURL = "http://app.test/status"
        return setup
    }

    static func voiceDTMF(_ app: FakeApplication) -> [CallJSON] {
        app.payloads("/status").filter { $0["webhook_event"] == .string("voice_dtmf") }
    }

    // MARK: 1. heard counts only the words before a barge-in cut

    @Test func heardCountsOnlyTheWordsBeforeTheBargeInCut() async throws {
        let app = CallSimulatorTests.menuApp()
        let recording = try await calls.run(app, CallSimulatorTests.answerSetup(), CallScript(steps: [.init(.press("1"), after: 1.5, origin: "test")]))
        // The words of the menu that started before 1.5 s were heard; "support" (much later) was not.
        let words = recording.timeline.words.filter { $0.start < 1.5 }
        #expect(!words.isEmpty)
        #expect(recording.spokenText.lowercased().hasPrefix("welcome"))
        #expect(!recording.spokenText.contains("support"))
        #expect(!recording.spokenText.contains("stay on the line"))
        var expect = CallExpectations()
        expect.heard = ["welcome", "for support press 2"]
        expect.notHeard = ["stay on the line"]
        let failures = recording.check(expect)
        #expect(failures.count == 1, "\(failures)")
        #expect(failures.first?.contains("for support press 2") == true)
        #expect(failures.first?.contains("stay on the line") == false, "the failure prints the uncut prompt: \(failures)")
    }

    // MARK: 4. seven.io: what comes before a <dtmf> is not its prompt

    @Test func aKeyDuringABreakBeforeADTMFIsAVoiceDTMFEventNotItsInput() async throws {
        let app = FakeApplication { request, _ in
            request.url.hasSuffix("/cb") ? FakeApplication.json(#"{"hangup": true}"#) : FakeApplication.json("{}")
        }
        let document = #"<speak>Welcome. <break time="3s"/><dtmf callback="http://app.test/cb" min="1" max="1" wait="2000">Press 1.</dtmf></speak>"#
        let recording = try await calls.run(app, Self.sevenSetup(document), CallScript(steps: [.init(.press("5"), after: 1.8, origin: "a"), .init(.press("1"), origin: "b")]))
        // 5 landed in the break before the <dtmf>: a voice_dtmf event; the <dtmf> collected 1.
        #expect(Self.voiceDTMF(app).map { $0.value(at: "data.dtmf_digit") } == [.string("5")])
        #expect(app.payloads("/cb").map { $0.value(at: "data.digits") } == [.string("1")])
        // The break was heard whole (the key did not cut it) and the transcript shows it.
        let breakSegment = try #require(recording.timeline.segments.first { $0.kind == "pause" && $0.end - $0.start > 2.9 })
        #expect(abs((breakSegment.end - breakSegment.start) - 3) < 0.01)
        #expect(recording.spokenText.contains("Press 1"))
        #expect(recording.transcript.contains { $0.contains("[break 3 s]") }, "\(recording.transcript)")
    }

    // MARK: 5. webhook timeouts and retries cost call time

    @Test func aTimedOutAnswerURLCostsTheCallItsTimeoutAndTheRetrySecond() async throws {
        let tries = Counter()
        let app = FakeApplication { request, _ in
            guard request.url.contains("/answer") else { return FakeApplication.json("{}") }
            if tries.next() == 1 { throw WebhookFailure(.timeout, "no answer within 5 s") }
            return FakeApplication.json(#"[{"action": "talk", "text": "Hello after the wait."}]"#)
        }
        let recording = try await calls.run(app, CallSimulatorTests.answerSetup(), CallScript())
        // 5 s of timeout, 1 s before the retry: the talk starts at 6 s, and the events' timestamps follow.
        let talk = try #require(recording.timeline.segments.first { $0.kind == "speech" })
        #expect(abs(talk.start - 6) < 0.001, "\(talk.start)")
        #expect(recording.summary.duration > 6)
        let completed = try #require(app.payloads("/event").first { $0["status"] == .string("completed") })
        #expect(completed["duration"] == .string("\(Int(recording.summary.duration.rounded()))"))
    }

    @Test func aTimedOutSevenCallbackCostsTheCallItsTimeout() async throws {
        let app = FakeApplication { request, _ in
            if request.url.hasSuffix("/cb") { throw WebhookFailure(.timeout, "no answer within 5 s") }
            return FakeApplication.json("{}")
        }
        let document = #"<speak><dtmf callback="http://app.test/cb" min="1" max="1" wait="2000" exit="Bye.">Press 1.</dtmf></speak>"#
        let recording = try await calls.run(app, Self.sevenSetup(document), CallScript(steps: [.init(.press("1"), origin: "a")]))
        let wait = try #require(recording.timeline.segments.first { $0.kind == "pause" && $0.text == "webhook" })
        #expect(abs((wait.end - wait.start) - 5) < 0.001)
        // "Bye." comes after the wait, and the completed status carries the later time.
        let bye = try #require(recording.timeline.segments.first { $0.kind == "speech" && $0.text.contains("Bye") })
        #expect(bye.start >= wait.end - 1e-6)
        let completed = try #require(app.payloads("/status").first { $0.value(at: "data.status") == .string("completed") })
        #expect(completed.value(at: "data.duration") == .string("\(Int(recording.summary.duration.rounded()))"))
        #expect(recording.summary.duration > 5)
    }

    // MARK: 6. voice_dtmf at the key's time; bridge keys are not voice_dtmf

    @Test func aVoiceDTMFEventIsSentAtItsKeysTimeWithOneTimestamp() async throws {
        let app = FakeApplication { _, _ in FakeApplication.json("{}") }
        let document = "<speak>This is a long announcement about our opening hours and our address in the city.</speak>"
        let recording = try await calls.run(app, Self.sevenSetup(document), CallScript(steps: [.init(.press("4"), after: 1, origin: "a")]))
        let event = try #require(Self.voiceDTMF(app).first)
        #expect(event["webhook_timestamp"] == .string("2025-01-01 09:00:04"))
        #expect(event.value(at: "data.timestamp") == .string("2025-01-01 09:00:04"))
        let exchange = try #require(recording.exchanges.first { $0.purpose == "voice_dtmf" })
        #expect(abs(exchange.time - 1) < 0.001)
        #expect(recording.timeline.events.contains { $0.kind == "webhook" && $0.name.contains("voice_dtmf") && abs($0.time - 1) < 0.001 })
    }

    @Test func keysOfAnArmedBridgePatternAreNotVoiceDTMFEvents() async throws {
        let app = FakeApplication { _, _ in FakeApplication.json("{}") }
        let document = #"<speak><bridge number="+4930111" digit="*~9{3}"/>This is a long announcement about opening hours, prices and our address in Berlin. Thank you.</speak>"#
        let recording = try await calls.run(app, Self.sevenSetup(document), CallScript(steps: [.init(.press("5*999"), after: 0.5, origin: "a")]))
        // 5 is no part of the pattern: a voice_dtmf event; *999 transfers and none of its keys is sent.
        #expect(Self.voiceDTMF(app).map { $0.value(at: "data.dtmf_digit") } == [.string("5")])
        #expect(recording.timeline.events.contains { $0.kind == "call" && $0.name == "transfer" && $0.settings["number"] == "+4930111" })
        #expect(recording.summary.keys == "5*999")
    }

    // MARK: 8. tries on <dtmf>

    @Test func triesOnADTMFIsReadAndNotReportedUnknown() async throws {
        let app = FakeApplication { _, _ in FakeApplication.json(#"{"hangup": true}"#) }
        let document = #"<speak><dtmf callback="http://app.test/cb" min="1" max="1" digits="[12]" tries="3" wait="1000" invalid="Not valid.">Press 1 or 2.</dtmf></speak>"#
        let recording = try await calls.run(app, Self.sevenSetup(document), CallScript(steps: [.init(.press("7"), origin: "a"), .init(.press("8"), origin: "b"), .init(.press("9"), origin: "c")]))
        #expect(!recording.transcript.contains { $0.contains("unknown attribute tries") }, "\(recording.transcript)")
        // Three tries: three invalid texts, no callback.
        #expect(recording.spokenText.components(separatedBy: "Not valid.").count == 4)
        #expect(app.payloads("/cb").isEmpty)
    }

    // MARK: 9. speech fields of an input ended by a key

    @Test func aKeyThatEndsADTMFAndSpeechInputLeavesNoStartTimeoutAndGETHasOneForm() async throws {
        let ncco = """
            [{"action": "input", "type": ["dtmf", "speech"], "dtmf": {"maxDigits": 1}, "speech": {"startTimeout": 5},
              "eventUrl": ["http://app.test/in"], "eventMethod": "GET"},
             {"action": "input", "type": ["speech"], "speech": {"startTimeout": 2}, "eventUrl": ["http://app.test/in"], "eventMethod": "GET"},
             {"action": "input", "type": ["speech"], "eventUrl": ["http://app.test/in"], "eventMethod": "GET"}]
            """
        let app = FakeApplication { _, _ in FakeApplication.json("") }
        var setup = CallSetup(source: .ncco(text: ncco, name: "in.json"))
        setup.eventURL = "http://app.test/event"
        _ = try await calls.run(app, setup, CallScript(steps: [.init(.press("1"), origin: "a"), .init(.silent, origin: "b"), .init(.say("yes please"), origin: "c")]))
        let inputs = app.payloads("/in")
        #expect(inputs.count == 3)
        // The key ended the first input at once: the 5 s start timeout never ran out.
        #expect(inputs.first?["speech.timeout_reason"] == nil, "\(inputs.first.map { $0.text() } ?? "")")
        #expect(inputs.dropFirst().first?["speech.timeout_reason"] == .string("start_timeout"))
        // One form for speech.results whatever was said: one key with the array's JSON.
        #expect(inputs.first?["speech.results"] == .string("[]"))
        let said = try #require(inputs.last?["speech.results"]?.display)
        let parsed = try #require(CallJSON.parse(Data(said.utf8)))
        #expect(parsed.value(at: "[0].text") == .string("yes please"))
        #expect(inputs.last?["speech.results[0].text"] == nil)
    }
}

/// A thread-safe count of calls.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}
