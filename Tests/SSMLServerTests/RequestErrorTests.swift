import Foundation
import SSMLTestSupport
import Testing

/// Bad requests get a JSON error that names the field (and inside the input, the line and column).
@Suite(.ownThread, .timeLimit(.minutes(10))) struct RequestErrorTests {
    func server() async throws -> TestServer { try await SharedServers.shared.standard() }

    @Test func malformedJSONNamesTheBodyAndThePlace() async throws {
        let response = try await server().request("POST", "/render", headers: [("Content-Type", "application/json")], body: Data("{\n  \"input\": \"Hi\",\n  \"rate\": 80 00\n}".utf8))
        #expect(response.status == 400)
        #expect(response.error("kind") as? String == "malformed-json")
        #expect(response.error("field") as? String == "body")
        #expect(response.error("line") as? Int == 3)
    }

    @Test func anUnknownVoiceSuggestsTheClosestName() async throws {
        let response = try await server().render(["input": "Hallo", "voice": "de-de-femal"])
        #expect(response.status == 400)
        #expect(response.error("kind") as? String == "unknown-voice")
        #expect(response.error("field") as? String == "voice")
        #expect((response.error("message") as? String)?.contains("did you mean de-de-female?") == true)
    }

    @Test(
        arguments: [
            (["rate": 12345], "rate", "not supported"),
            (["rate": "8000"], "rate", "must be a number"),
            (["encoding": "mulaw"], "encoding", "8000 Hz only"),
            (["preset": "vonage-stream", "rate": 8000], "rate", "conflicts with preset"),
            (["format": "aiff"], "format", "is not one of"),
            (["bitrate": 33, "format": "mp3"], "bitrate", "not an MP3 bit rate"),
            (["truePeak": -2], "truePeak", "loudness target only"),
            (["loudness": -80], "loudness", "outside"),
            (["timeline": "yes"], "timeline", "true or false"),
            (["dialect": "alexa"], "dialect", "is not one of"),
            (["kind": "mp3"], "kind", "is not one of"),
            (["rat": 8000], "rat", "did you mean rate?"),
            (["output": "/tmp/x.wav"], "output", "not a field"),
        ] as [([String: any Sendable], String, String)])
    func anOptionThatIsWrongIsNamed(_ options: [String: any Sendable], _ field: String, _ words: String) async throws {
        var fields: [String: Any] = ["input": "Hello"]
        for (key, value) in options { fields[key] = value }
        let response = try await server().render(fields)
        #expect(response.status == 400, "\(options)")
        #expect(response.error("field") as? String == field, "\(options): \(response.text)")
        #expect((response.error("message") as? String)?.contains(words) == true, "\(options): \(response.text)")
    }

    @Test func queryParametersAreCheckedLikeFields() async throws {
        let server = try await server()
        let wrong = try await server.request("POST", "/render?rate=fast", headers: [("Content-Type", "text/plain")], body: Data("Hi".utf8))
        #expect(wrong.status == 400 && wrong.error("field") as? String == "rate")
        let twice = try await server.request("POST", "/render?rate=8000", headers: [("Content-Type", "application/json")], body: HTTPTestClient.json(["input": "Hi", "rate": 8000]))
        #expect(twice.status == 400 && twice.error("field") as? String == "rate")
    }

    @Test func anErrorInTheSSMLNamesItsLineAndColumn() async throws {
        let response = try await server().render(["input": "<speak>\n  <prosody rate=\"warp9\">Fast</prosody>\n</speak>"])
        #expect(response.status == 400)
        #expect(response.error("kind") as? String == "invalid-value")
        #expect(response.error("field") as? String == "input")
        #expect(response.error("line") as? Int == 2)
        #expect(response.error("attribute") as? String == "rate")
        let unclosed = try await server().request("POST", "/render", headers: [("Content-Type", "application/ssml+xml")], body: Data("<speak>\n<p>Hi</speak>".utf8))
        #expect(unclosed.status == 400 && unclosed.error("kind") as? String == "malformed-xml" && unclosed.error("line") as? Int == 2)
    }

    @Test func anEmptyInputIsAnErrorUnlessAllowed() async throws {
        let empty = try await server().render(["input": "<speak> </speak>"])
        #expect(empty.status == 400 && (empty.error("message") as? String)?.contains("allowEmpty: true renders it anyway") == true)
        let allowed = try await server().render(["input": "<speak> </speak>", "allowEmpty": true])
        #expect(allowed.status == 200 && WAVHeader(allowed.body)?.dataBytes == 0)
        let none = try await server().request("POST", "/render", headers: [("Content-Type", "application/ssml+xml")], body: nil)
        #expect(none.status == 400 && none.error("kind") as? String == "missing-input")
    }

    @Test func bodiesOverTheLimitAre413() async throws {
        let server = try await server()
        let big = Data(repeating: UInt8(ascii: "a"), count: 10_000_000)
        let declared = try await server.request("POST", "/render", headers: [("Content-Type", "text/plain")], body: big)
        #expect(declared.status == 413)
        #expect(declared.error("kind") as? String == "payload-too-large" && declared.error("field") as? String == "body")
        #expect(declared.headers["connection"] == "close")
        // Chunked, without a length: refused once the limit has passed.
        let client = try HTTPTestClient(port: server.port)
        var message = Data("POST /render HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let chunk = Data(repeating: UInt8(ascii: "b"), count: 1 << 20)
        for _ in 0..<10 {
            message.append(Data((String(chunk.count, radix: 16) + "\r\n").utf8))
            message.append(chunk)
            message.append(Data("\r\n".utf8))
        }
        message.append(Data("0\r\n\r\n".utf8))
        try? await client.send(message)
        let chunked = try await client.readResponse()
        #expect(chunked.status == 413 && chunked.error("kind") as? String == "payload-too-large")
        // Under the body limit but over the input limit (8 MiB).
        let input = String(repeating: "word ", count: 1_700_000)
        let over = try await server.render(["input": input])
        #expect(over.status == 413 && over.error("field") as? String == "input")
    }

    @Test func whatTheServerDoesNotReadIs415() async throws {
        let server = try await server()
        let form = try await server.request("POST", "/render", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Data("<speak>Hi</speak>".utf8))
        #expect(form.status == 415 && (form.error("message") as? String)?.contains("--data-binary") == true)
        let latin = try await server.request("POST", "/render", headers: [("Content-Type", "text/plain; charset=iso-8859-1")], body: Data([0x48, 0xE9]))
        #expect(latin.status == 415 && latin.error("field") as? String == "Content-Type")
        let image = try await server.request("POST", "/lint?dialect=w3c", headers: [("Content-Type", "image/png")], body: Data([0x89]))
        #expect(image.status == 415)
        let notUTF8 = try await server.request("POST", "/render", headers: [("Content-Type", "text/plain")], body: Data([0x48, 0x0A, 0x41, 0xFF]))
        #expect(notUTF8.status == 400 && notUTF8.error("line") as? Int == 2 && notUTF8.error("column") as? Int == 2)
    }

    @Test func unknownPathsAndMethodsAreJSON() async throws {
        let server = try await server()
        let missing = try await server.request("GET", "/nothing")
        #expect(missing.status == 404 && missing.error("kind") as? String == "not-found")
        let method = try await server.request("GET", "/render")
        #expect(method.status == 405 && method.headers["allow"] == "POST")
        let put = try await server.request("PUT", "/voices", body: Data())
        #expect(put.status == 405 && put.headers["allow"] == "GET, HEAD")
        let head = try await server.request("HEAD", "/healthz")
        #expect(head.status == 200 && head.body.isEmpty)
        let asset = try await server.request("GET", "/assets/..%2F..%2Fopenapi.json")
        #expect(asset.status == 404)
    }
}
