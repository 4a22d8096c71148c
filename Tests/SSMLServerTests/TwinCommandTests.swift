import Foundation
import SSMLTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ssml serve`'s twin flags as users give them: a script for every caller, a wrong key file or webhook refused
/// before the server starts, and `--no-twin`.
@Suite(.ownThread, .serialized, .timeLimit(.minutes(5))) struct TwinCommandTests {
    @Test func aScriptFileGivesEveryCallerItsKeysAndSIGTERMEndsTheServer() async throws {
        let folder = try Repository.scratchDirectory()
        let script = folder.appendingPathComponent("caller.call.yaml")
        try "script:\n  - press: \"7\"\n".write(to: script, atomically: true, encoding: .utf8)
        let served = try ServeCommandTests.Served(["--port", "0", "--workers", "1", "--script", script.path, "--state-dir", folder.appendingPathComponent("state").path])
        let body = Data(
            #"{"to": [{"type": "phone", "number": "447700900001"}], "from": {"type": "phone", "number": "447700900000"}, "ncco": [{"action": "talk", "text": "Press seven."}, {"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 1}}]}"#
                .utf8)
        let created = try await HTTPTestClient.fetch(port: served.port, "POST", "/v1/calls", headers: [("Content-Type", "application/json"), ("Authorization", "Bearer t")], body: body)
        let uuid = try #require(created.json["uuid"] as? String, "\(created.text)")
        let done = try await TestServer.eventually(60) {
            try await HTTPTestClient.fetch(port: served.port, "GET", "/_twin/calls/\(uuid)").json["keys"] as? String == "7"
        }
        #expect(done)
        kill(served.pid, SIGTERM)
        #expect(served.wait(seconds: 60) == 0, "\(served.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("state/call-\(uuid).wav").path))
    }

    @Test func wrongTwinFlagsAreUsageErrorsBeforeTheServerStarts() throws {
        let folder = try Repository.scratchDirectory()
        let notKey = folder.appendingPathComponent("key.pem")
        try "not a key".write(to: notKey, atomically: true, encoding: .utf8)
        let badScript = folder.appendingPathComponent("bad.call.yaml")
        try "answer_url: http://x/\n".write(to: badScript, atomically: true, encoding: .utf8)
        for (arguments, words) in [
            (["--vonage-public-key", notKey.path], "PEM"), (["--vonage-public-key", folder.appendingPathComponent("missing.pem").path], "cannot be read"),
            (["--seven-webhook", "ftp://x/"], "--seven-webhook"), (["--script", badScript.path], "answer_url"),
            (["--no-twin", "--api-key", "k"], "--no-twin"),
        ] {
            let result = try run(Repository.ssmlBinary, ["serve", "--port", "0"] + arguments, timeLimit: 60)
            #expect(result.status == 64, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains(words), "\(arguments): \(result.stderr)")
        }
    }

    @Test func sigtermHangsUpACallThatWaitsForItsCallerAndKeepsIt() async throws {
        let folder = try Repository.scratchDirectory()
        let served = try ServeCommandTests.Served(["--port", "0", "--workers", "1", "--state-dir", folder.path])
        let body = Data(
            #"{"to": [{"type": "phone", "number": "447700900001"}], "from": {"type": "phone", "number": "447700900000"}, "ncco": [{"action": "talk", "text": "Hello."}, {"action": "input", "type": ["dtmf"], "dtmf": {"timeOut": 10}}]}"#
                .utf8)
        let created = try await HTTPTestClient.fetch(port: served.port, "POST", "/v1/calls", headers: [("Content-Type", "application/json"), ("Authorization", "Bearer t")], body: body)
        let uuid = try #require(created.json["uuid"] as? String, "\(created.text)")
        #expect(try await TestServer.eventually(60) { try await HTTPTestClient.fetch(port: served.port, "GET", "/_twin/calls/\(uuid)").json["listening"] as? Bool == true })
        let signalled = Date()
        kill(served.pid, SIGTERM)
        #expect(served.wait(seconds: 60) == 0, "\(served.stderr)")
        // Hung up at once, not after the input's 10 s.
        #expect(Date().timeIntervalSince(signalled) < 8)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("call-\(uuid).json"))) as? [String: Any] ?? [:]
        #expect(record["endedBy"] as? String == "api" && record["finished"] as? Bool == true)
    }

    @Test func noTwinServesNone() throws {
        let served = try ServeCommandTests.Served(["--port", "0", "--workers", "1", "--no-twin"])
        #expect(try HTTPTestClient.fetch(port: served.port, "POST", "/v1/calls", headers: [("Content-Type", "application/json")], body: Data("{}".utf8)).status == 404)
        #expect(try HTTPTestClient.fetch(port: served.port, "GET", "/_twin/calls").status == 404)
        kill(served.pid, SIGTERM)
        _ = served.wait(seconds: 60)
    }
}
