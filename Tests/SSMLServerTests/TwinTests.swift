import Foundation
import SSMLCore
import SSMLEngine
import SSMLServer
import SSMLTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The API twins of `ssml serve`: Vonage's `/v1/calls` and seven.io's `/api/voice` against a real (Python)
/// application, driven through HTTP as an application would, and what the twin keeps at `/_twin/calls`.
@Suite(.ownThread, .serialized, .timeLimit(.minutes(10))) struct TwinTests {
    static let python = PageAndDocumentTests.python
    static var menu: [[String: Any]] {
        [
            ["action": "talk", "text": "Welcome to the test line. Press a key."],
            ["action": "input", "type": ["dtmf"], "dtmf": ["maxDigits": 1, "timeOut": 10]],
            ["action": "talk", "text": "Thank you. Goodbye."],
        ]
    }
    /// The menu with a caller who may take 30 s: three inputs of 10 s (Vonage's longest `timeOut`), so that a call still
    /// listens when a test's next request comes late (a full suite on two cores delays requests by seconds).
    static var hold: [[String: Any]] {
        let input: [String: Any] = ["action": "input", "type": ["dtmf"], "dtmf": ["maxDigits": 1, "timeOut": 10]]
        return [["action": "talk", "text": "Welcome to the test line. Press a key."], input, input, input, ["action": "talk", "text": "Thank you. Goodbye."]]
    }
    static var phone: [String: Any] { ["to": [["type": "phone", "number": "447700900001"]], "from": ["type": "phone", "number": "447700900000"]] }

    static func start(_ change: (inout TwinConfiguration) -> Void = { _ in }) async throws -> TestServer {
        try await TestServer.start { configuration in
            configuration.workers = 1
            var twin = TwinConfiguration()
            change(&twin)
            configuration.twin = twin
        }
    }

    @Test func aScriptedVonageCallRunsAgainstTheAnswerURLAndKeepsItsAudioWebhooksAndTimeline() async throws {
        let app = try PythonApp(lifetime: 300)
        let server = try await Self.start { $0.script = CallScript(steps: [.init(.press("1"), origin: "test")]) }
        defer { Task { await server.stop() } }
        let client = TwinClient(server)
        var body = Self.phone
        body["answer_url"] = ["\(app.url)/answer"]
        body["event_url"] = ["\(app.url)/event"]
        let created = try await client.vonage("POST", "/v1/calls", json: body)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json["status"] as? String == "started" && created.json["direction"] as? String == "outbound")
        let uuid = try #require(created.json["uuid"] as? String)
        #expect((created.json["conversation_uuid"] as? String)?.hasPrefix("CON-") == true)
        let call = try await client.finished(uuid)
        #expect(call["status"] as? String == "completed" && call["keys"] as? String == "1", "\(call)")
        // The application got Vonage's webhooks: the answer URL with the call's fields, events in order.
        let answer = try #require(app.requests().first { $0["path"] as? String == "/answer" })
        #expect((answer["query"] as? [String: String])?["uuid"] == uuid)
        let statuses = app.bodies("/event").compactMap { $0["status"] as? String }
        #expect(statuses.first == "started" && statuses.contains("answered") && statuses.last == "completed", "\(statuses)")
        #expect(app.bodies("/menu").first.flatMap { ($0["dtmf"] as? [String: Any])?["digits"] as? String } == "1")
        // GET /v1/calls/{uuid}: completed, with its duration.
        let shown = try await client.vonage("GET", "/v1/calls/\(uuid)")
        #expect(shown.json["status"] as? String == "completed" && shown.json["duration"] != nil)
        #expect(((shown.json["_links"] as? [String: Any])?["self"] as? [String: Any])?["href"] as? String == "/v1/calls/\(uuid)")
        // The audio: a WAV of the whole call, as long as the call, with speech in it.
        let audio = try await server.request("GET", "/_twin/calls/\(uuid)/audio")
        #expect(audio.status == 200 && audio.headers["content-type"] == "audio/wav")
        let wav = try TwinWAV(audio.body)
        #expect(wav.rate == 16000)
        #expect(abs(wav.seconds - (call["seconds"] as? Double ?? 0)) < 0.05)
        #expect(wav.seconds > 3 && wav.rms(0, 2) > 0.02)
        let timeline = try await server.request("GET", "/_twin/calls/\(uuid)/timeline")
        #expect(timeline.status == 200 && timeline.text.contains("\"call\"") && timeline.text.contains("Connecting you to sales"))
        let detail = try await client.twin(uuid)
        #expect((detail["webhooks"] as? [[String: Any]])?.contains { $0["purpose"] as? String == "answer" && $0["status"] as? Int == 200 } == true)
        #expect((detail["transcript"] as? [String])?.contains { $0.contains("the caller presses 1") } == true)
        try await validate(client.exchanges)
    }

    @Test func anInteractiveVonageCallWaitsForItsCallerAndTakesTalkDtmfAndKeysWhenTheyCome() async throws {
        // `ssml serve` in a process of its own, driven from a thread of this one: the wall clock is what this test is
        // about, and the rest of the suite may keep an in-process server and this test's tasks waiting for seconds.
        let served = try ServeCommandTests.Served(["--port", "0", "--workers", "1"])
        defer { kill(served.pid, SIGKILL) }
        let port = served.port
        var body = Self.phone
        body["ncco"] = Self.menu
        let create = try JSONSerialization.data(withJSONObject: body)
        let recorded = try await CallHandleDriver.onThread { () -> Data in
            var exchanges: [[String: Any]] = []
            @discardableResult
            func vonage(_ method: String, _ path: String, _ json: Data? = nil) throws -> HTTPTestClient.Response {
                var headers = [("Authorization", "Bearer t")]
                if json != nil { headers.append(("Content-Type", "application/json")) }
                let response = try HTTPTestClient.fetch(port: port, method, path, headers: headers, body: json, timeout: 60)
                var record: [String: Any] = ["method": method, "path": path, "status": response.status, "contentType": response.headers["content-type"] ?? ""]
                if response.headers["content-type"]?.hasPrefix("application/json") == true { record["body"] = response.text }
                if let json, response.status < 400 { record["request"] = String(decoding: json, as: UTF8.self) }
                exchanges.append(record)
                return response
            }
            func twin(_ uuid: String) throws -> [String: Any] { try HTTPTestClient.fetch(port: port, "GET", "/_twin/calls/\(uuid)", timeout: 60).json }
            func until(_ uuid: String, _ condition: ([String: Any]) -> Bool) throws -> [String: Any] {
                let deadline = Date().addingTimeInterval(60)
                while Date() < deadline {
                    let call = try twin(uuid)
                    if condition(call) { return call }
                    Thread.sleep(forTimeInterval: 0.01)
                }
                throw HTTPTestClient.Failure(description: "the twin call \(uuid) did not get there: \(try twin(uuid))")
            }
            let created = try vonage("POST", "/v1/calls", create)
            let uuid = try #require(created.json["uuid"] as? String, "\(created.text)")
            let listening = try until(uuid) { $0["listening"] as? Bool == true }
            let listenedAt = listening["seconds"] as? Double ?? 0
            let during = try vonage("GET", "/v1/calls/\(uuid)")
            #expect(during.json["status"] as? String == "answered" && during.json["duration"] == nil)
            let talk = try vonage(
                "PUT", "/v1/calls/\(uuid)/talk", try JSONSerialization.data(withJSONObject: ["text": "This message comes from the application, and it goes on for a while.", "loop": 0]))
            #expect(talk.status == 200 && talk.json["message"] as? String == "Talk started" && talk.json["uuid"] as? String == uuid)
            // Rendering the talk takes no call time; once it plays, the wall clock's 1.5 s are 1.5 s of it.
            _ = try until(uuid) { ($0["transcript"] as? [String])?.contains { $0.contains("talk through the API") } == true }
            Thread.sleep(forTimeInterval: 1.5)
            #expect(try vonage("DELETE", "/v1/calls/\(uuid)/talk").json["message"] as? String == "Talk stopped")
            Thread.sleep(forTimeInterval: 0.6)
            #expect(try vonage("PUT", "/v1/calls/\(uuid)/dtmf", Data(#"{"digits": "19"}"#.utf8)).json["message"] as? String == "DTMF sent")
            Thread.sleep(forTimeInterval: 0.8)
            let press = try HTTPTestClient.fetch(port: port, "POST", "/_twin/calls/\(uuid)/press", headers: [("Content-Type", "application/json")], body: Data(#"{"keys": "3"}"#.utf8))
            #expect(press.status == 202 && press.json["listening"] as? Bool == true)
            let call = try until(uuid) { $0["finished"] as? Bool == true }
            #expect(call["keys"] as? String == "3" && call["status"] as? String == "completed")
            let wav = try TwinWAV(try HTTPTestClient.fetch(port: port, "GET", "/_twin/calls/\(uuid)/audio").body)
            let timeline = try JSONSerialization.jsonObject(with: try HTTPTestClient.fetch(port: port, "GET", "/_twin/calls/\(uuid)/timeline").body) as? [String: Any] ?? [:]
            let events = timeline["events"] as? [[String: Any]] ?? []
            func time(_ name: String) -> Double? { events.first { $0["name"] as? String == name }?["time"] as? Double }
            let started = try #require(time("talk started")), stopped = try #require(time("talk stopped")), tones = try #require(time("dtmf 19"))
            let key = try #require(events.first { $0["kind"] as? String == "key" }?["time"] as? Double)
            // Where the wall clock put them: the talk from the listening point for about 1.5 s, then the tones, then
            // the key (upper bounds leave room for a loaded machine: requests may take longer, never shorter).
            #expect(started >= listenedAt && started < listenedAt + 5)
            #expect(stopped - started >= 1.4 && stopped - started < 6)
            #expect(tones - stopped >= 0.55 && key - tones >= 0.75)
            // Measured: speech while the talk played, silence after it stopped, the tones' energy, silence before the key.
            #expect(wav.rms(started + 0.2, stopped - 0.1) > 0.01)
            #expect(wav.rms(stopped + 0.02, tones - 0.02) < 1e-4)
            #expect(wav.rms(tones, tones + 0.14) > 0.1)
            #expect(wav.rms(tones + 0.6, key - 0.02) < 1e-4)
            // Over: the call cannot be modified any more.
            let late = try vonage("PUT", "/v1/calls/\(uuid)", Data(#"{"action": "hangup"}"#.utf8))
            #expect(late.status == 400 && (late.json["detail"] as? String)?.contains("not in progress") == true)
            return try JSONSerialization.data(withJSONObject: exchanges)
        }
        try await validate(try JSONSerialization.jsonObject(with: recorded) as? [[String: Any]] ?? [])
    }

    @Test func aTransferReplacesTheNCCOAndAHangupEndsTheCall() async throws {
        let server = try await Self.start()
        defer { Task { await server.stop() } }
        let client = TwinClient(server)
        var body = Self.phone
        body["ncco"] = Self.hold
        let first = try #require(try await client.vonage("POST", "/v1/calls", json: body).json["uuid"] as? String)
        _ = try await client.wait(first) { $0["listening"] as? Bool == true }
        let transfer = try await client.vonage(
            "PUT", "/v1/calls/\(first)", json: ["action": "transfer", "destination": ["type": "ncco", "ncco": [["action": "talk", "text": "You have been transferred."]]]])
        #expect(transfer.status == 204 && transfer.body.isEmpty)
        let transferred = try await client.finished(first)
        let lines = transferred["transcript"] as? [String] ?? []
        #expect(lines.contains { $0.contains("You have been transferred") } && !lines.contains { $0.contains("Goodbye") }, "\(lines)")

        let second = try #require(try await client.vonage("POST", "/v1/calls", json: body).json["uuid"] as? String)
        _ = try await client.wait(second) { $0["listening"] as? Bool == true }
        for action in ["mute", "unmute", "earmuff", "unearmuff"] {
            #expect(try await client.vonage("PUT", "/v1/calls/\(second)", json: ["action": action]).status == 204)
        }
        #expect(try await client.vonage("PUT", "/v1/calls/\(second)", json: ["action": "hangup"]).status == 204)
        let hungUp = try await client.finished(second)
        #expect(hungUp["endedBy"] as? String == "api" && hungUp["status"] as? String == "completed")
        // The list: newest first at /_twin, Vonage's HAL page at /v1/calls with its filters.
        let listed = try await server.request("GET", "/_twin/calls").json["calls"] as? [[String: Any]] ?? []
        #expect(listed.prefix(2).compactMap { $0["id"] as? String } == [second, first])
        let page = try await client.vonage("GET", "/v1/calls?status=completed&page_size=1&order=desc")
        let calls = (page.json["_embedded"] as? [String: Any])?["calls"] as? [[String: Any]] ?? []
        #expect(page.json["count"] as? Int == 2 && page.json["page_size"] as? Int == 1 && calls.first?["uuid"] as? String == second)
        #expect(((page.json["_links"] as? [String: Any])?["next"] as? [String: Any])?["href"] as? String == "/v1/calls?page_size=1&record_index=1&order=desc&status=completed")
        try await validate(client.exchanges)
    }

    @Test func oneCallMoreThanTheRunningCapIsRefusedInEachServicesShapeUntilARunningCallEnds() async throws {
        let server = try await Self.start { $0.maxRunningCalls = 2 }
        defer { Task { await server.stop() } }
        let client = TwinClient(server)
        // Calls that wait for their caller, so they run until they are hung up.
        var body = Self.phone
        body["ncco"] = Self.hold
        var running: [String] = []
        for _ in 0..<2 {
            let created = try await client.vonage("POST", "/v1/calls", json: body)
            #expect(created.status == 201, "\(created.text)")
            running.append(try #require(created.json["uuid"] as? String))
        }
        for uuid in running { _ = try await client.wait(uuid) { $0["listening"] as? Bool == true } }
        // Vonage: 429 in its error shape, with Retry-After; nothing is started or kept.
        let refused = try await client.vonage("POST", "/v1/calls", json: body)
        #expect(refused.status == 429, "\(refused.text)")
        #expect(refused.json["type"] as? String == "https://developer.nexmo.com/api-errors#throttled" && refused.json["title"] as? String == "Rate Limit Hit")
        #expect((refused.json["detail"] as? String)?.contains("--max-running-calls 2") == true, "\(refused.text)")
        #expect(refused.headers["retry-after"] == "1")
        #expect(refused.json["uuid"] == nil)
        // seven.io: HTTP 200 with its return code, as seven.io refuses; each recipient not called says why.
        let seven = try await server.request(
            "POST", "/api/voice", headers: [("X-Api-Key", "key"), ("Content-Type", "application/json")], body: Data(#"{"to": "4930123456", "text": "Hello."}"#.utf8))
        #expect(seven.status == 200 && seven.json["success"] as? String == "600" && seven.json["field"] as? String == "to", "\(seven.text)")
        #expect(seven.headers["retry-after"] == "1")
        let listed = try await server.request("GET", "/_twin/calls").json
        #expect(listed["count"] as? Int == 2, "\(listed)")
        #expect(try await client.twin(running[0])["finished"] as? Bool == false)
        // A call that ends frees its slot: the next one is taken.
        #expect(try await client.vonage("PUT", "/v1/calls/\(running[0])", json: ["action": "hangup"]).status == 204)
        _ = try await client.finished(running[0])
        let seven2 = try await server.request(
            "POST", "/api/voice", headers: [("X-Api-Key", "key"), ("Content-Type", "application/json")],
            body: Data(#"{"to": "4930123456,4930654321", "text": "<speak><dtmf min=\"1\" max=\"1\" wait=\"60000\">Press a key.</dtmf></speak>"}"#.utf8))
        let messages = seven2.json["messages"] as? [[String: Any]] ?? []
        #expect(seven2.json["success"] as? String == "100" && messages.count == 2, "\(seven2.text)")
        #expect(messages.first?["success"] as? Bool == true && messages.last?["success"] as? Bool == false && messages.last?["error"] as? String == "600")
        #expect((messages.last?["error_text"] as? String)?.contains("2 twin calls are running") == true)
        let full = try await client.vonage("POST", "/v1/calls", json: body)
        #expect(full.status == 429)
        #expect(try await client.vonage("PUT", "/v1/calls/\(running[1])", json: ["action": "hangup"]).status == 204)
        _ = try await client.finished(running[1])
        let accepted = try await client.vonage("POST", "/v1/calls", json: body)
        #expect(accepted.status == 201, "\(accepted.text)")
        try await validate(client.exchanges)
    }

    @Test func wrongVonageRequestsGetVonageErrorsNamingTheField() async throws {
        let server = try await Self.start()
        defer { Task { await server.stop() } }
        let client = TwinClient(server)
        func invalid(_ json: Any? = nil, raw: String? = nil, method: String = "POST", path: String = "/v1/calls") async throws -> (Int, String?) {
            let response = try await client.vonage(method, path, json: json, raw: raw)
            let names = (response.json["invalid_parameters"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            return (response.status, names?.first)
        }
        var body = Self.phone
        body["ncco"] = Self.menu
        var noTo = body
        noTo["to"] = nil
        #expect(try await invalid(noTo) == (400, "to"))
        var badNumber = body
        badNumber["to"] = [["type": "phone", "number": "12ab"]]
        #expect(try await invalid(badNumber) == (400, "to[0].number"))
        var both = body
        both["answer_url"] = ["http://127.0.0.1:9/answer"]
        #expect(try await invalid(both) == (400, "ncco"))
        var typo = body
        typo["event_ur"] = ["http://127.0.0.1:9/event"]
        #expect(try await invalid(typo) == (400, "event_ur"))
        var badURL = body
        badURL["ncco"] = nil
        badURL["answer_url"] = ["file:///etc/passwd"]
        #expect(try await invalid(badURL) == (400, "answer_url[0]"))
        var badNCCO = body
        badNCCO["ncco"] = [["action": "talk"]]
        #expect(try await invalid(badNCCO) == (400, "ncco"))
        var timer = body
        timer["ringing_timer"] = 500
        #expect(try await invalid(timer) == (400, "ringing_timer"))
        #expect(try await invalid(raw: #"{"to": ["#) == (400, "body"))
        #expect(try await invalid(method: "GET", path: "/v1/calls?page_size=500") == (400, "page_size"))
        let missing = try await client.vonage("GET", "/v1/calls/00000000-0000-4000-8000-000000000000")
        #expect(missing.status == 404 && missing.json["title"] as? String == "Not Found")
        let noToken = try await server.request("GET", "/v1/calls")
        #expect(noToken.status == 401 && noToken.json["type"] as? String == "https://developer.nexmo.com/api-errors#unauthorized")
        // An answer URL that never answers: bounded by the webhook timeout, and the call fails, as Vonage's would.
        var silent = Self.phone
        silent["answer_url"] = ["http://127.0.0.1:9/answer"]
        let created = try await client.vonage("POST", "/v1/calls", json: silent)
        let failed = try await client.finished(try #require(created.json["uuid"] as? String))
        #expect(failed["status"] as? String == "failed", "\(failed)")
        try await validate(client.exchanges)
    }

    @Test func aSevenCallPerRecipientWithStatusAndDTMFWebhooks() async throws {
        let app = try PythonApp(lifetime: 300)
        let server = try await Self.start {
            $0.sevenWebhook = "\(app.url)/seven/status"
            $0.sevenAPIKey = "secret"
            $0.script = CallScript(steps: [.init(.press("1"), origin: "test")])
        }
        defer { Task { await server.stop() } }
        let text = #"<speak><dtmf callback="\#(app.url)/seven/dtmf" min="1" max="1" wait="5000">Press 1 for sales.</dtmf></speak>"#
        func form(_ pairs: [(String, String)]) -> Data {
            Data(pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&").utf8)
        }
        let sent = try await server.request(
            "POST", "/api/voice", headers: [("X-Api-Key", "secret"), ("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: form([("to", "+49176123456789, nonsense"), ("text", text), ("from", "Twin"), ("foreign_id", "order-7")]))
        #expect(sent.status == 200 && sent.json["success"] as? String == "100", "\(sent.text)")
        let messages = sent.json["messages"] as? [[String: Any]] ?? []
        #expect(messages.count == 2)
        #expect(messages[0]["success"] as? Bool == true && messages[0]["recipient"] as? String == "49176123456789" && messages[0]["sender"] as? String == "Twin")
        #expect(messages[1]["success"] as? Bool == false && messages[1]["error"] as? String == "202")
        let id = try #require((messages[0]["id"] as? Int).map(String.init))
        let client = TwinClient(server)
        let call = try await client.finished(id)
        #expect(call["service"] as? String == "seven" && call["keys"] as? String == "1" && call["foreignId"] as? String == "order-7", "\(call)")
        let statuses = app.bodies("/seven/status").compactMap { ($0["data"] as? [String: Any])?["status"] as? String }
        #expect(statuses == ["initiated", "ringing", "in-progress", "completed"], "\(statuses)")
        #expect(app.bodies("/seven/status").allSatisfy { ($0["data"] as? [String: Any])?["foreign_id"] as? String == "order-7" })
        let dtmf = try #require(app.bodies("/seven/dtmf").first?["data"] as? [String: Any])
        #expect(dtmf["digits"] as? String == "1" && dtmf["id"] as? String == id)
        let wav = try TwinWAV(try await server.request("GET", "/_twin/calls/\(id)/audio").body)
        #expect(wav.seconds > 2 && wav.rms(0, 1.5) > 0.02)
        #expect((call["transcript"] as? [String])?.contains { $0.contains("You chose sales") } == true)
        // JSON works as well; wrong requests get seven.io's codes, naming the field.
        func code(_ body: Data, type: String = "application/json", key: String? = "secret") async throws -> (String?, String?) {
            var headers = [("Content-Type", type)]
            if let key { headers.append(("Authorization", "Basic \(key)")) }
            let response = try await server.request("POST", "/api/voice", headers: headers, body: body)
            #expect(response.status == 200)
            return (response.json["success"] as? String, response.json["field"] as? String)
        }
        #expect(try await code(Data(#"{"to": "4930123456", "text": "Hello."}"#.utf8)).0 == "100")
        #expect(try await code(Data(#"{"to": "4930123456", "text": "Hello."}"#.utf8), key: "wrong") == ("900", "X-Api-Key"))
        #expect(try await code(Data(#"{"to": "4930123456", "text": "Hello."}"#.utf8), key: nil) == ("900", "X-Api-Key"))
        #expect(try await code(Data(#"{"text": "Hello."}"#.utf8)) == ("301", "to"))
        #expect(try await code(Data(#"{"to": "4930123456"}"#.utf8)) == ("305", "text"))
        #expect(try await code(Data(#"{"to": "4930123456", "text": "<speak>Hello <break time=\"x\"/></speak>"}"#.utf8)) == ("305", "text"))
        #expect(try await code(Data(#"{"to": "4930123456", "text": "Hello.", "ringtime": 100}"#.utf8)) == ("700", "ringtime"))
        #expect(try await code(Data(#"{"to": "abc", "text": "Hello."}"#.utf8)) == ("202", "to"))
        #expect(try await code(Data(#"{"to": "#.utf8)) == ("700", "body"))
        #expect(try await code(Data("=&&=x&text".utf8), type: "application/x-www-form-urlencoded") == ("301", "to"))
        // Hang-up of a finished call: seven.io's answer.
        let hangup = try await server.request("POST", "/api/voice/\(id)/hangup", headers: [("X-Api-Key", "secret")])
        #expect(hangup.json["success"] as? Bool == false && (hangup.json["error"] as? String)?.contains("not in-progress") == true)
    }

    @Test func anInteractiveSevenCallCollectsKeysGivenWhileItsDTMFWaits() async throws {
        let app = try PythonApp(lifetime: 300)
        let server = try await Self.start { $0.sevenWebhook = "\(app.url)/seven/status" }
        defer { Task { await server.stop() } }
        let text = #"<speak>Hello. <dtmf callback="\#(app.url)/seven/dtmf" min="1" max="1" wait="8000">Enter a digit.</dtmf></speak>"#
        let sent = try await server.request(
            "POST", "/api/voice", headers: [("X-Api-Key", "k"), ("Content-Type", "application/json")],
            body: try JSONSerialization.data(withJSONObject: ["to": "4930123456", "text": text]))
        let number = try #require((sent.json["messages"] as? [[String: Any]])?.first?["id"] as? Int, "\(sent.text)")
        let id = String(number)
        let client = TwinClient(server)
        _ = try await client.wait(id) { $0["listening"] as? Bool == true && $0["status"] as? String == "in-progress" }
        #expect(try await server.request("POST", "/_twin/calls/\(id)/press", headers: [("Content-Type", "text/plain")], body: Data("1".utf8)).status == 202)
        let call = try await client.finished(id)
        #expect(call["keys"] as? String == "1" && call["status"] as? String == "completed", "\(call)")
        #expect(app.bodies("/seven/dtmf").first.flatMap { ($0["data"] as? [String: Any])?["digits"] as? String } == "1")
        #expect((call["transcript"] as? [String])?.contains { $0.contains("You chose sales") } == true)
    }

    @Test func aRestartedServerListsTheCallsOfItsStateFolder() async throws {
        let folder = try Repository.scratchDirectory().appendingPathComponent("state")
        var uuid = ""
        do {
            let server = try await Self.start {
                $0.stateDirectory = folder
                $0.script = CallScript(steps: [.init(.press("2"), origin: "test")])
            }
            let client = TwinClient(server)
            var body = Self.phone
            body["ncco"] = Self.menu
            uuid = try #require(try await client.vonage("POST", "/v1/calls", json: body).json["uuid"] as? String)
            _ = try await client.finished(uuid)
            await server.stop()
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["call-\(uuid).json", "call-\(uuid).timeline.json", "call-\(uuid).wav"], "\(names)")
        let again = try await Self.start { $0.stateDirectory = folder }
        defer { Task { await again.stop() } }
        let listed = try await again.request("GET", "/_twin/calls").json["calls"] as? [[String: Any]] ?? []
        #expect(listed.first?["id"] as? String == uuid && listed.first?["keys"] as? String == "2")
        let wav = try TwinWAV(try await again.request("GET", "/_twin/calls/\(uuid)/audio").body)
        #expect(wav.seconds > 2 && wav.rms(0, 1.5) > 0.02)
        #expect(try await again.request("GET", "/v1/calls/\(uuid)", headers: [("Authorization", "Bearer t")]).json["status"] as? String == "completed")
        // A name that is not an id of ours reads nothing.
        #expect(try await again.request("GET", "/_twin/calls/..%2F..%2Fetc%2Fpasswd/audio").status == 404)
    }

    @Test(.enabled(if: python != nil || PageAndDocumentTests.checkRequired, "make test creates the Python environment with the vonage SDK (.build/openapi-venv)"))
    func vonagesOwnPythonSDKDrivesTheTwinOverHTTPS() async throws {
        let python = try #require(Self.python)
        let folder = try Repository.scratchDirectory()
        let key = folder.appendingPathComponent("private.pem"), publicKey = folder.appendingPathComponent("public.pem")
        let cert = folder.appendingPathComponent("cert.pem"), certKey = folder.appendingPathComponent("cert-key.pem")
        for arguments in [
            ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.path],
            ["pkey", "-in", key.path, "-pubout", "-out", publicKey.path],
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", certKey.path, "-out", cert.path, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        ] {
            let result = try run(URL(fileURLWithPath: "/usr/bin/openssl"), arguments, timeLimit: 60)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let server = try await TestServer.start { configuration in
            configuration.workers = 1
            configuration.tlsCertificate = cert.path
            configuration.tlsKey = certKey.path
            var twin = TwinConfiguration()
            twin.vonagePublicKey = try? String(contentsOf: publicKey, encoding: .utf8)
            configuration.twin = twin
        }
        defer { Task { await server.stop() } }
        let script = Repository.root.appendingPathComponent("Tests/Fixtures/twin/vonage_sdk_client.py")
        // The SDK speaks only HTTPS; requests trusts the twin's certificate through REQUESTS_CA_BUNDLE.
        let result = try run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["REQUESTS_CA_BUNDLE=\(cert.path)", python.path, script.path, "--host", "127.0.0.1:\(server.port)", "--key", key.path, "--app-id", "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"],
            timeLimit: 240)
        #expect(result.status == 0, "\(result.stderr)")
        let out = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any] ?? [:]
        let created = out["created"] as? [String: Any] ?? [:]
        #expect(created["status"] as? String == "started" && created["direction"] as? String == "outbound")
        #expect((out["during"] as? [String: Any])?["status"] as? String == "answered")
        #expect((out["talk"] as? [String: Any])?["message"] as? String == "Talk started")
        #expect((out["stop"] as? [String: Any])?["message"] as? String == "Talk stopped")
        #expect((out["dtmf"] as? [String: Any])?["message"] as? String == "DTMF sent")
        let final = out["final"] as? [String: Any] ?? [:]
        #expect(final["status"] as? String == "completed" && final["rate"] as? String == "0.00000000")
        #expect(((out["list"] as? [String: Any])?["uuids"] as? [String])?.contains(created["uuid"] as? String ?? "-") == true)
        #expect((out["hangup"] as? [String: Any])?["status"] as? String == "completed")
        #expect((out["not_found"] as? [String: Any])?["title"] as? String == "Not Found")
        #expect((out["ended"] as? [String: Any])?["status"] as? Int == 400)
        // A token the key did not sign is refused (the SDK's were taken).
        let forged = out["forged"] as? [String: Any] ?? [:]
        #expect(forged["status"] as? Int == 401 && (forged["detail"] as? String)?.contains("signature") == true, "\(forged)")
    }

    /// Validates the recorded Vonage exchanges against Vonage's own description (`Tests/Fixtures/vonage/voice.yml`).
    func validate(_ exchanges: [[String: Any]]) async throws {
        guard let python = Self.python else {
            #expect(!PageAndDocumentTests.checkRequired, "the Python checker is required")
            return
        }
        let file = try Repository.scratchDirectory().appendingPathComponent("vonage-exchanges.json")
        try JSONSerialization.data(withJSONObject: exchanges).write(to: file)
        let check = try run(
            python,
            [
                Repository.root.appendingPathComponent("scripts/check-vonage-twin.py").path, Repository.root.appendingPathComponent("Tests/Fixtures/vonage/voice.yml").path,
                file.path,
            ], timeLimit: 120)
        #expect(check.status == 0, "\(String(decoding: check.stdout, as: UTF8.self))\(check.stderr)")
        #expect(String(decoding: check.stdout, as: UTF8.self).contains("\(exchanges.count) exchanges valid"))
    }
}
