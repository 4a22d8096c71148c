import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

@Suite(.ownThread, .serialized, .timeLimit(.minutes(10))) struct CallCommandTests {
    let ssml = Repository.ssmlBinary

    func call(_ arguments: [String], in directory: URL? = nil) throws -> ProcessResult {
        try run(ssml, ["call"] + arguments, in: directory, timeLimit: 180)
    }

    @Test func aMenuWithAWrongKeyThenARightOneAgainstAPythonApplication() throws {
        let app = try PythonApp()
        let folder = try Repository.scratchDirectory()
        let output = folder.appendingPathComponent("call.wav")
        let result = try call([
            "--answer-url", "\(app.url)/answer", "--event-url", "\(app.url)/event", "--press", "9", "--after", "1.2s", "--press", "1",
            "-o", output.path, "--rate", "8000", "--timeline", folder.appendingPathComponent("call.json").path,
            "--timeline-svg", folder.appendingPathComponent("call.svg").path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        // Webhooks in order, with Vonage's fields and types.
        let requests = app.requests()
        let paths = requests.compactMap { $0["path"] as? String }
        #expect(paths == ["/event", "/event", "/answer", "/event", "/menu", "/menu", "/event", "/event", "/event", "/event", "/event"], "\(paths)")
        let events = app.bodies("/event")
        #expect(events.prefix(3).compactMap { $0["status"] as? String } == ["started", "ringing", "answered"])
        #expect(events.last?["status"] as? String == "completed")
        #expect(events.last?["duration"] is String)
        let answer = try #require(requests.first { $0["path"] as? String == "/answer" })
        #expect(answer["method"] as? String == "GET")
        #expect((answer["query"] as? [String: String])?["uuid"]?.count == 36)
        let menus = app.bodies("/menu")
        #expect(menus.compactMap { ($0["dtmf"] as? [String: Any])?["digits"] as? String } == ["9", "1"])
        #expect(menus.first.map { ($0["dtmf"] as? [String: Any])?["timed_out"] as? Bool } == false)
        #expect(menus.allSatisfy { $0["timestamp"] is String && $0["uuid"] is String })
        // The connect leg's events come from the transfer.
        #expect(events.contains { $0["status"] as? String == "answered" && $0["to"] as? String == "447700900123" })

        // The audio: 8 kHz WAV; the second menu is cut 1.2 s after it started, where the key lands.
        let wav = try #require(WAVHeader(Data(contentsOf: output)))
        #expect(wav.sampleRate == 8000)
        let timeline = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("call.json"))) as? [String: Any])
        let segments = try #require(timeline["segments"] as? [[String: Any]])
        let spoken = segments.filter { $0["kind"] as? String == "speech" }.compactMap { $0["text"] as? String }
        let order = ["Welcome to Example Bank", "not an option", "Welcome to Example Bank", "Connecting you to sales"]
        var cursor = 0
        for text in spoken where cursor < order.count && text.contains(order[cursor]) { cursor += 1 }
        #expect(cursor == order.count, "\(spoken)")
        let secondMenu = segments.filter { ($0["step"] as? String)?.contains("NCCO from POST /menu") == true && ($0["text"] as? String)?.contains("Welcome") == true }
        let menuStart = try #require(secondMenu.first?["start"] as? Double)
        let menuEnd = try #require(secondMenu.last?["end"] as? Double)
        #expect(abs(menuEnd - menuStart - 1.2) < 0.01)
        // The first input waited nothing (the key came at once, maxDigits 1); there is a ringback for the transfer.
        #expect(segments.contains { $0["kind"] as? String == "audio" && $0["text"] as? String == "ringback" })
        let svg = try String(contentsOf: folder.appendingPathComponent("call.svg"), encoding: .utf8)
        #expect(svg.contains("key: 9") && svg.contains("webhook: POST /menu input"))
        // The transcript names what happened.
        #expect(result.stderr.contains("barge-in"))
        #expect(result.stderr.contains("call completed"))
    }

    @Test func theSameApplicationAndScriptGiveTheSameBytes() throws {
        let app = try PythonApp()
        let folder = try Repository.scratchDirectory()
        var outputs: [Data] = []
        for name in ["a.wav", "b.wav"] {
            let result = try call(["--answer-url", "\(app.url)/answer", "--event-url", "\(app.url)/event", "--press", "2", "--say", "Ada Lovelace", "-o", folder.appendingPathComponent(name).path, "-q"])
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(try Data(contentsOf: folder.appendingPathComponent(name)))
        }
        #expect(outputs[0] == outputs[1])
        // The speech input went to /name; its answer says the name.
        let names = app.bodies("/name")
        #expect(names.count == 2)
        let results = (names.first?["speech"] as? [String: Any])?["results"] as? [[String: Any]]
        #expect(results?.first?["text"] as? String == "Ada Lovelace")
        let completed = app.bodies("/event").filter { $0["status"] as? String == "completed" }
        #expect(completed.count == 2 && completed[0]["timestamp"] as? String == completed[1]["timestamp"] as? String)
    }

    @Test func brokenApplicationsGetVonagesBehaviourAndExitOne() throws {
        let app = try PythonApp()
        let folder = try Repository.scratchDirectory()
        for (path, expected) in [("/answer-500", "HTTP 500"), ("/answer-badjson", "not JSON"), ("/answer-wrong", "needs \"text\"")] {
            let started = Date()
            let result = try call(["--answer-url", "\(app.url)\(path)", "--event-url", "\(app.url)/event", "--fallback-answer-url", "\(app.url)/fallback", "-o", folder.appendingPathComponent("x.wav").path])
            #expect(result.status == 1, "\(path): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(path): \(result.stderr)")
            #expect(result.stderr.contains("This is the fallback message") || result.stderr.contains("fallback"), "\(path)")
            #expect(Date().timeIntervalSince(started) < 60)
        }
        let errors = app.bodies("/event").filter { $0["reason"] != nil }
        #expect(errors.count == 3)
        #expect(errors.allSatisfy { $0["level"] as? String == "error" })
        // A slow answer URL: each attempt is cut at --webhook-timeout, then retried twice; no fallback: failed.
        let started = Date()
        let slow = try call(["--answer-url", "\(app.url)/answer-slow", "--event-url", "\(app.url)/event", "--webhook-timeout", "1", "-o", folder.appendingPathComponent("slow.wav").path])
        #expect(slow.status == 1, "\(slow.stderr)")
        #expect(slow.stderr.contains("no answer within 1 s"))
        #expect(slow.stderr.contains("call failed"))
        #expect(Date().timeIntervalSince(started) < 30)
        // An answer over --webhook-max-kb is refused as it arrives (not retried: it is not a connection failure);
        // the fallback answers instead.
        let huge = try call(["--answer-url", "\(app.url)/answer-huge", "--event-url", "\(app.url)/event", "--fallback-answer-url", "\(app.url)/fallback", "--webhook-max-kb", "64", "-o", folder.appendingPathComponent("huge.wav").path])
        #expect(huge.status == 1, "\(huge.stderr)")
        #expect(huge.stderr.contains("PROBLEM: answer GET \(app.url)/answer-huge: the answer is larger than the limit of 65536 bytes"), "\(huge.stderr)")
        #expect(!huge.stderr.contains("answer (attempt 2)"))
        #expect(huge.stderr.contains("This is the fallback message"))
    }

    @Test func aWebsocketConnectReallyStreamsAndTheReplyIsHeard() throws {
        let app = try PythonApp()
        let folder = try Repository.scratchDirectory()
        let output = folder.appendingPathComponent("ws.wav")
        let result = try call(["--answer-url", "\(app.url)/answer-ws", "--event-url", "\(app.url)/event", "-o", output.path, "--timeline", folder.appendingPathComponent("ws.json").path])
        #expect(result.status == 0, "\(result.stderr)")
        let requests = app.requests()
        let greeting = try #require(requests.first { $0["method"] as? String == "WS" && $0["text"] != nil }?["text"] as? String)
        #expect(greeting.contains("websocket:connected") && greeting.contains("audio/l16;rate=16000") && greeting.contains("\"caller\":\"test\""))
        let received = requests.compactMap { $0["received_frames"] as? Int }.first ?? 0
        #expect(received >= 40)
        // The tone the socket sent is in the call: a 440 Hz stretch of about 1 s between the two talks.
        let timeline = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("ws.json"))) as? [String: Any])
        let segments = try #require(timeline["segments"] as? [[String: Any]])
        let socket = try #require(segments.first { ($0["text"] as? String)?.hasPrefix("websocket") == true })
        let start = try #require(socket["startSample"] as? Int), end = try #require(socket["endSample"] as? Int)
        #expect(abs(Double(end - start) / 16000 - 1.0) < 0.02)
        let samples = try Self.read(output)
        let tone = Array(samples[start..<end])
        let analysis = AudioAnalysis(samples: tone, sampleRate: 16000)
        let pitch = try #require(analysis.medianF0())
        #expect(abs(pitch - 440) < 10)
        #expect(result.stderr.contains("The bot has hung up") || segments.contains { ($0["text"] as? String)?.contains("The bot has hung up") == true })
    }

    @Test func aRecordSavesTheCallersSideAndPostsItsURL() throws {
        let app = try PythonApp()
        let folder = try Repository.scratchDirectory()
        let result = try call([
            "--answer-url", "\(app.url)/answer-record", "--event-url", "\(app.url)/event", "--caller-audio", Repository.root.appendingPathComponent("Samples/chime.wav").path, "-o", folder.appendingPathComponent("r.wav").path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let record = try #require(app.bodies("/recording").first)
        let url = try #require((record["recording_url"] as? String).flatMap(URL.init(string:)))
        #expect(url.isFileURL && FileManager.default.fileExists(atPath: url.path))
        #expect((record["size"] as? Int ?? 0) > 1000)
        #expect(record["recording_uuid"] is String && record["start_time"] is String && record["end_time"] is String)
        let recorded = try Self.read(url)
        #expect(recorded.map { abs($0) }.max() ?? 0 > 0.05)
    }

    @Test func theCallersAudioGoesOutOnTheWebsocketAndTheEchoIsHeard() throws {
        let app = try PythonApp()
        let folder = try Repository.scratchDirectory()
        // The caller's side: 1 s of a 330 Hz tone at 16 kHz; the leg runs at 8 kHz, the call at 16 kHz.
        let tone = folder.appendingPathComponent("caller.wav")
        try AudioFile.write((0..<16000).map { Float(0.4 * sin(2 * .pi * 330 * Double($0) / 16000)) }, to: tone, sampleRate: 16000)
        let output = folder.appendingPathComponent("echo.wav"), timelineURL = folder.appendingPathComponent("echo.json")
        let result = try call(["--answer-url", "\(app.url)/answer-ws-echo", "--caller-audio", tone.path, "-o", output.path, "--timeline", timelineURL.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(app.requests().compactMap { $0["echoed_frames"] as? Int }.first == 75)
        let timeline = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: timelineURL)) as? [String: Any])
        let segments = try #require(timeline["segments"] as? [[String: Any]])
        let socket = try #require(segments.first { ($0["text"] as? String)?.hasPrefix("websocket") == true })
        let start = try #require(socket["startSample"] as? Int), end = try #require(socket["endSample"] as? Int)
        // 75 frames of 20 ms came back: 1.5 s, the tone for 1 s, then the silence the caller sent after it.
        #expect(abs(Double(end - start) / 16000 - 1.5) < 0.001)
        let samples = try Self.read(output)
        let echoed = AudioAnalysis(samples: Array(samples[(start + 800)..<(start + 15200)]), sampleRate: 16000)
        #expect(abs((echoed.medianF0() ?? 0) - 330) < 5)
        #expect(echoed.activeRMSDB() > -15)
        let after = samples[(start + 17000)..<end].map { abs($0) }.max() ?? 1
        #expect(after < 0.001)
        #expect(result.stderr.contains("The echo has ended"))
    }

    @Test func aRingbackToneIsTheApplicationsAudioLoopedForTheRing() throws {
        let app = try PythonApp()
        let folder = try Repository.scratchDirectory()
        let ring = folder.appendingPathComponent("ring.wav"), timelineURL = folder.appendingPathComponent("ring.json")
        let result = try call(["--answer-url", "\(app.url)/answer-ringback", "--event-url", "\(app.url)/event", "-o", ring.path, "--timeline", timelineURL.path])
        #expect(result.status == 0, "\(result.stderr)")
        let streamed = folder.appendingPathComponent("stream.wav")
        #expect(try call(["--answer-url", "\(app.url)/answer-stream-chime", "-o", streamed.path]).status == 0)
        // 2 s of ring: the 0.6 s chime three times and the start of a fourth, not the 440 + 480 Hz ring.
        let audio = try Self.read(ring), chime = try Self.read(streamed)
        #expect(audio.count == 32000)
        let timeline = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: timelineURL)) as? [String: Any])
        let clips = try #require(timeline["segments"] as? [[String: Any]]).filter { $0["kind"] as? String == "audio" }
        #expect(clips.count == 4)
        // Each loop starts as the chime does when a stream plays it.
        for clip in clips.prefix(3) {
            let start = try #require(clip["startSample"] as? Int)
            #expect(zip(audio[start..<(start + 9000)], chime.prefix(9000)).allSatisfy { abs($0 - $1) < 1e-4 })
        }
        // The leg's events still arrive: started, ringing, answered, completed.
        let statuses = app.bodies("/event").compactMap { $0["status"] as? String }
        #expect(Array(statuses.suffix(5).prefix(4)) == ["started", "ringing", "answered", "completed"])
    }

    @Test func aWebsocketThatNeverAnswersTheHandshakeIsGivenUpInTime() throws {
        let app = try PythonApp()
        let folder = try Repository.scratchDirectory()
        let started = Date()
        let result = try call(["--answer-url", "\(app.url)/answer-ws-mute", "--event-url", "\(app.url)/event", "--webhook-timeout", "1", "-o", folder.appendingPathComponent("m.wav").path])
        // Bounded by the webhook timeout, not by the server: the leg fails, the NCCO goes on, the run exits 1.
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("no websocket handshake within 1 s (real time)"), "\(result.stderr)")
        #expect(result.stderr.contains("talk: \"The bot did not answer."))
        let legs = app.bodies("/event").compactMap { $0["status"] as? String }
        #expect(legs.contains("failed"))
    }

    @Test func aRecordWithoutAnEndRecordsTheWholeCallInTheBackground() throws {
        let app = try PythonApp()
        let folder = try Repository.scratchDirectory()
        let output = folder.appendingPathComponent("rc.wav")
        // A + in the calling number must reach a GET answer URL as a +, not a space.
        let result = try call(["--answer-url", "\(app.url)/answer-record-call", "--event-url", "\(app.url)/event", "--from", "+4930111", "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        let requests = app.requests()
        let answer = try #require(requests.first { $0["path"] as? String == "/answer-record-call" })
        #expect((answer["query"] as? [String: String])?["from"] == "+4930111")
        // The record event comes when the call ends, after the talk and the connect, before completed.
        let paths = requests.compactMap { request -> String? in
            guard let path = request["path"] as? String else { return nil }
            return path == "/event" ? "event " + (((request["body"] as? [String: Any])?["status"] as? String) ?? "?") : path
        }
        let recordIndex = try #require(paths.firstIndex(of: "/recording"))
        #expect(paths.lastIndex(of: "event completed").map { $0 > recordIndex } == true)
        #expect(paths.lastIndex { $0.hasPrefix("event ") && $0 != "event completed" }.map { $0 < recordIndex } == true)
        let record = try #require(app.bodies("/recording").first)
        let url = try #require((record["recording_url"] as? String).flatMap(URL.init(string:)))
        // The recording holds the whole call as heard (mp3, the default format): as long as the call, and loud
        // where the talk was.
        let call = try Self.read(output)
        let recorded = try Self.read(url)
        #expect(url.pathExtension == "mp3")
        let source = try SndFileDecoder().open(url)
        #expect(abs(Double(recorded.count) / source.sampleRate - Double(call.count) / 16000) < 0.1)
        #expect(AudioAnalysis(samples: Array(recorded.prefix(Int(source.sampleRate))), sampleRate: source.sampleRate).activeRMSDB() > -30)
        #expect(result.stderr.contains("records the call (both sides) until the call ends"))
    }

    @Test func aTransferMovesTheCallIntoTheOtherConversation() throws {
        let app = try PythonApp()
        let folder = try Repository.scratchDirectory()
        let result = try call(["--answer-url", "\(app.url)/answer-transfer", "--event-url", "\(app.url)/event", "--hangup-after", "6s", "-o", folder.appendingPathComponent("t.wav").path])
        #expect(result.status == 0, "\(result.stderr)")
        let events = app.bodies("/event")
        let transfer = try #require(events.first { $0["conversation_uuid_to"] != nil })
        #expect(transfer["conversation_uuid_to"] as? String == "CON-agents-room")
        #expect((transfer["conversation_uuid_from"] as? String)?.hasPrefix("CON-") == true && transfer["conversation_uuid_from"] as? String != "CON-agents-room")
        #expect(transfer["uuid"] is String && transfer["timestamp"] is String)
        let completed = try #require(events.first { $0["status"] as? String == "completed" })
        #expect(completed["conversation_uuid"] as? String == "CON-agents-room")
        #expect(completed["duration"] as? String == "6")
        #expect(!result.stderr.contains("talk: \"You will not hear this"))
        #expect(result.stderr.contains("talk: \"Please hold while we move you."))
    }

    @Test func sevenMenuWithCallbackSteeringAgainstAPythonApplication() throws {
        let app = try PythonApp()
        let folder = try Repository.scratchDirectory()
        let document = folder.appendingPathComponent("menu.ssml")
        try """
        <speak><s>Welcome to Example Company.</s><dtmf callback="\(app.url)/seven/dtmf" min="1" max="1" wait="4000" digits="[1-4]" invalid="Sorry, that key is not valid." exit="Thank you for calling.">Press 1 for sales, 2 for an agent, 3 for a code.</dtmf><s>We did not get your choice.</s></speak>
        """.write(to: document, atomically: true, encoding: .utf8)
        let sales = try call(["--seven", document.path, "--webhook", "\(app.url)/seven/status", "--press", "1", "-o", folder.appendingPathComponent("s.wav").path])
        #expect(sales.status == 0, "\(sales.stderr)")
        #expect(sales.stderr.contains("You chose sales"))
        #expect(sales.stderr.contains("Thank you for calling"))
        let callbacks = app.bodies("/seven/dtmf")
        #expect(callbacks.first?["webhook_event"] as? String == "dtmf")
        let data = callbacks.first?["data"] as? [String: Any]
        #expect(data?["digits"] as? String == "1" && data?["id"] is String && data?["callerId"] is String && data?["recipient"] is String)
        let statuses = app.bodies("/seven/status").compactMap { ($0["data"] as? [String: Any])?["status"] as? String }
        #expect(statuses == ["initiated", "ringing", "in-progress", "completed"])

        let invalid = try call(["--seven", document.path, "--webhook", "\(app.url)/seven/status", "--press", "9", "-o", folder.appendingPathComponent("i.wav").path])
        #expect(invalid.status == 0, "\(invalid.stderr)")
        #expect(invalid.stderr.contains("Sorry, that key is not valid"))
        #expect(invalid.stderr.contains("We did not get your choice"))

        // A callback answering 500 steers nothing: seven.io ends the call (speaking exit); the run exits 1.
        let broken = try call(["--seven", document.path, "--webhook", "\(app.url)/seven/status", "--press", "4", "-o", folder.appendingPathComponent("b.wav").path])
        #expect(broken.status == 1, "\(broken.stderr)")
        #expect(broken.stderr.contains("PROBLEM: the callback's answer steers nothing: HTTP 500"), "\(broken.stderr)")
        #expect(broken.stderr.contains("speaks exit: \"Thank you for calling.\""), "\(broken.stderr)")
        #expect(!broken.stderr.contains("We did not get your choice"))
        let bridge = try call(["--seven", document.path, "--webhook", "\(app.url)/seven/status", "--press", "2", "-o", folder.appendingPathComponent("t.wav").path])
        #expect(bridge.status == 0, "\(bridge.stderr)")
        #expect(bridge.stderr.contains("transferred to +4930123456"))
    }

    @Test func scenariosInSSMLTestPassAndAChangedPromptFailsNamingTheStep() throws {
        let folder = try Repository.scratchDirectory()
        try """
        # The menu flow, pinned.
        answer_url: ${IVR_APP}/answer
        event_url: ${IVR_APP}/event
        script:
          - press: "9"
          - press: "1"
            after: 1.2s
        expect:
          heard: ["Welcome to Example Bank", "not an option", "Connecting you to sales"]
          webhooks:
            - { path: /menu, fields: { dtmf.digits: "9", dtmf.timed_out: false } }
            - { path: /menu, fields: { dtmf.digits: "1" } }
            - { path: /event, fields: { status: completed } }
          status: completed
        """.write(to: folder.appendingPathComponent("menu.call.yaml"), atomically: true, encoding: .utf8)
        try #"{"answer_url": "${IVR_APP}/answer", "script": [{"silent": true}], "expect": {"heard": ["Press 1 for sales"], "status": "completed"}}"#
            .write(to: folder.appendingPathComponent("quiet.call.json"), atomically: true, encoding: .utf8)
        func test(_ app: PythonApp, _ extra: [String] = []) throws -> ProcessResult {
            try run(URL(fileURLWithPath: "/usr/bin/env"), ["IVR_APP=\(app.url)", ssml.path, "test", folder.path] + extra, timeLimit: 300)
        }
        let app = try PythonApp()
        let recorded = try test(app, ["--update"])
        #expect(recorded.status == 0, "\(recorded.stdout.utf8String) \(recorded.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("menu.call.snap.json").path))
        let again = try test(app, ["--junit", folder.appendingPathComponent("junit.xml").path])
        #expect(again.status == 0, "\(again.stdout.utf8String)")
        #expect(again.stdout.utf8String.contains("PASS   menu.call.yaml"))
        app.stop()

        // The application now says another welcome: the case fails and names the call step.
        let changed = try PythonApp(welcome: "Welcome to Other Bank.")
        let failed = try test(changed, ["--report", folder.appendingPathComponent("report.html").path, "--junit", folder.appendingPathComponent("junit.xml").path])
        #expect(failed.status == 1)
        let output = failed.stdout.utf8String
        #expect(output.contains("FAIL   menu.call.yaml"), "\(output)")
        #expect(output.contains("call step") && output.contains("Other Bank"), "\(output)")
        #expect(output.contains("expectation failed: expected to hear 'Welcome to Example Bank'"), "\(output)")
        let junit = try String(contentsOf: folder.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit.contains("name=\"menu.call.yaml\"") && junit.contains("<failure"))
        let report = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("key: 9") && report.contains("webhook: POST /menu input"))
    }

    static func read(_ url: URL) throws -> [Float] {
        let source = try SndFileDecoder().open(url)
        return try source.read(maxFrames: max(source.frameCount, 1))
    }

    @Test func anUnplayableStreamFailsThatActionAndTheCallGoesOn() throws {
        let app = try PythonApp()
        let folder = try Repository.scratchDirectory()
        let output = folder.appendingPathComponent("s.wav")
        let result = try call(["--answer-url", "\(app.url)/answer-stream-missing", "--event-url", "\(app.url)/event", "--hangup-after", "6s", "-o", output.path])
        // The application's URLs answer 404: its fault (exit 1), but the call ran to its end.
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("PROBLEM: $[0] stream"), "\(result.stderr)")
        #expect(result.stderr.contains("musicOnHoldUrl"), "\(result.stderr)")
        let events = app.bodies("/event")
        let errors = events.filter { $0["level"] as? String == "error" }
        #expect(errors.count == 2, "\(events)")
        #expect(events.last?["status"] as? String == "completed")
        // The talk after the stream was heard: the file holds speech, and lasts the call.
        let audio = try Self.read(output)
        #expect(audio.map { abs($0) }.max() ?? 0 > 0.05)
        #expect(Double(audio.count) / 16000 > 5.9)
    }

    @Test func aRecordingsFolderThatIsNotThereIsAUsageErrorBeforeTheCall() throws {
        let app = try PythonApp()
        let folder = try Repository.scratchDirectory()
        let output = folder.appendingPathComponent("r.wav")
        let missing = folder.appendingPathComponent("no-such-folder").path
        let result = try call(["--answer-url", "\(app.url)/answer-record", "--event-url", "\(app.url)/event", "--recordings", missing, "-o", output.path])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--recordings \(missing) does not exist"), "\(result.stderr)")
        #expect(!result.stderr.contains(".tmp"))
        #expect(app.requests().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func webhookURLsThatAreNotHTTPAreUsageErrors() throws {
        let folder = try Repository.scratchDirectory()
        let output = folder.appendingPathComponent("u.wav")
        let seven = folder.appendingPathComponent("u.ssml")
        try "<speak>Hello.</speak>".write(to: seven, atomically: true, encoding: .utf8)
        for (arguments, option) in [
            (["--answer-url", "not a url"], "--answer-url"), (["--answer-url", "ftp://127.0.0.1/answer"], "--answer-url"),
            (["--answer-url", "http://127.0.0.1:9/a", "--event-url", "ftp://127.0.0.1/e"], "--event-url"),
            (["--seven", seven.path, "--webhook", "mailto:x@example.com"], "--webhook"),
        ] {
            let result = try call(arguments + ["-o", output.path])
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(option), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("→"), "the call ran: \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output.path))
        }
    }

    @Test func anUnansweredOrFailedCallSaysSoAndWritesNoEmptyFile() throws {
        let folder = try Repository.scratchDirectory()
        let output = folder.appendingPathComponent("f.wav")
        for flag in ["--busy", "--no-answer"] {
            let result = try call(["--answer-url", "http://127.0.0.1:9/answer", flag, "-o", output.path])
            #expect(!result.stderr.contains("the nobody"), "\(result.stderr)")
            #expect(result.stderr.contains(flag == "--busy" ? "the line was busy" : "nobody answered"), "\(result.stderr)")
        }
        try? FileManager.default.removeItem(at: output)
        // Nothing answers the answer URL: exit 1, and no empty audio file that looks like a result.
        let failed = try call(["--answer-url", "http://127.0.0.1:9/answer", "-o", output.path, "--timeline", folder.appendingPathComponent("f.json").path])
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains("no audio written"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("f.json").path))
    }

    @Test func usageErrorsExit64() throws {
        let folder = try Repository.scratchDirectory()
        let out = folder.appendingPathComponent("x.wav").path
        for (arguments, message) in [
            (["-o", out], "say what to call"),
            (["--answer-url", "http://127.0.0.1:9/a", "--seven", "x.ssml", "-o", out], "give one"),
            (["--answer-url", "http://127.0.0.1:9/a", "--press", "12x", "-o", out], "is not a phone key"),
            (["--answer-url", "http://127.0.0.1:9/a", "--press", "1", "--after", "soon", "-o", out], "is not a duration"),
            (["--answer-url", "http://127.0.0.1:9/a", "--press", "1", "--after", "2s", "-o", out], "not followed by a step"),
        ] {
            let result = try call(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        // An application that is not there: the call fails, never hangs.
        let nobody = try call(["--answer-url", "http://127.0.0.1:9/answer", "-o", out])
        #expect(nobody.status == 1)
        #expect(nobody.stderr.contains("call failed"))
    }
}

extension Data {
    var utf8String: String { String(decoding: self, as: UTF8.self) }
}
