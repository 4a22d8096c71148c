import Foundation
import SSMLServer
import SSMLTestSupport
import Testing

/// The preview page works offline (every asset from this server), and the OpenAPI document stays true: it names
/// exactly the routes the router serves, and the server's answers validate against it.
@Suite(.ownThread, .timeLimit(.minutes(10))) struct PageAndDocumentTests {
    static let documentURL = Repository.root.appendingPathComponent("Sources/SSMLServer/Resources/openapi.json")

    static func document() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: documentURL)) as? [String: Any] ?? [:]
    }

    static func documentedOperations() throws -> Set<String> {
        let paths = try document()["paths"] as? [String: [String: Any]] ?? [:]
        var operations: Set<String> = []
        for (path, item) in paths {
            for method in item.keys where ["get", "put", "post", "delete", "patch", "head", "options"].contains(method) {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    @Test func thePageAndEveryAssetItNamesComeFromThisServer() async throws {
        let server = try await SharedServers.shared.standard()
        let page = try await server.request("GET", "/")
        #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)
        let references = Set(page.text.matches(of: /(?:src|href)="([^"]+)"/).map { String($0.1) })
        #expect(references.contains("/assets/app.js") && references.contains("/assets/app.css"))
        for reference in references {
            // Nothing from another host, no protocol-relative URL: the page works offline.
            #expect(reference.hasPrefix("/assets/") || reference == "data:,", "\(reference)")
            guard reference.hasPrefix("/assets/") else { continue }
            let asset = try await server.request("GET", reference)
            #expect(asset.status == 200, "\(reference)")
            #expect(asset.headers["x-content-type-options"] == "nosniff")
            // The script and style fetch nothing from elsewhere either (the SVG namespace is a name, not a fetch).
            let text = asset.text.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
            #expect(!text.contains("http://") && !text.contains("https://") && !text.contains("url(//"), "\(reference) names another host")
        }
        #expect(try await server.request("GET", "/assets/app.js").headers["content-type"] == "text/javascript; charset=utf-8")
        // The page calls only routes the document describes.
        let script = try await server.request("GET", "/assets/app.js").text
        let called = Set(script.matches(of: /fetch\("([^"]+)"/).map { String($0.1) })
        let documented = try Self.documentedOperations().map { $0.split(separator: " ")[1] }
        #expect(!called.isEmpty && called.allSatisfy { documented.contains(Substring($0)) }, "\(called)")
    }

    @Test func theDocumentNamesExactlyTheRoutesOfTheRouter() async throws {
        let server = try await SharedServers.shared.standard()
        // The twins' Vonage and seven.io routes are described by those services' own documents (TwinTests checks them).
        let routes = Set(server.server.routes.filter { $0.document == nil }.map { "\($0.method.rawValue) \($0.path)" })
        let documented = try Self.documentedOperations()
        #expect(routes == documented, "router only: \(routes.subtracting(documented)); document only: \(documented.subtracting(routes))")
        let served = try await server.request("GET", "/openapi.json")
        let file = try Data(contentsOf: Self.documentURL)
        #expect(served.status == 200 && served.body == file)
    }

    @Test func everyDocumentedOperationIsAnswered() async throws {
        let server = try await SharedServers.shared.standard()
        // The routes of one twin call ({id}) are driven by TwinTests and the exchanges below.
        for operation in try Self.documentedOperations().sorted() where !operation.contains("{id}") {
            let parts = operation.split(separator: " ").map(String.init)
            let path = parts[1].replacingOccurrences(of: "{name}", with: "app.js")
            let body: Data? = parts[0] == "POST" ? Data("Hello.".utf8) : nil
            let query = path == "/lint" ? "?dialect=w3c" : ""
            let response = try await server.request(parts[0], path + query, headers: [("Content-Type", "text/plain")], body: body)
            #expect(response.status == 200, "\(operation): \(response.status) \(response.text.prefix(200))")
        }
    }

    /// The Python checker (openapi-spec-validator, jsonschema) in the virtual environment `make test` creates.
    static let python: URL? = {
        let environment = ProcessInfo.processInfo.environment
        let candidates: [String?] = [environment["SSML_OPENAPI_PYTHON"], Repository.root.appendingPathComponent(".build/openapi-venv/bin/python3").path]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }.map { URL(fileURLWithPath: $0) }
    }()

    static var checkRequired: Bool { ProcessInfo.processInfo.environment["SSML_REQUIRE_OPENAPI_CHECK"] == "1" }

    @Test(.enabled(if: python != nil || checkRequired, "make test creates the checker's virtual environment (.build/openapi-venv)"))
    func theServersAnswersValidateAgainstTheDocument() async throws {
        let python = try #require(Self.python, "no Python with openapi-spec-validator and jsonschema: run make openapi-venv")
        let server = try await SharedServers.shared.standard()
        var exchanges: [[String: Any]] = []
        func exchange(_ method: String, _ path: String, contentType: String? = nil, body: Data? = nil) async throws {
            let response = try await server.request(method, path, headers: contentType.map { [("Content-Type", $0)] } ?? [], body: body)
            var record: [String: Any] = [
                "method": method, "path": path, "status": response.status, "headers": response.headers,
                "contentType": response.headers["content-type"] ?? "",
            ]
            if let body, let contentType { record["request"] = ["contentType": contentType, "body": String(decoding: body, as: UTF8.self)] }
            if response.headers["content-type"]?.hasPrefix("application/json") == true { record["body"] = response.text }
            exchanges.append(record)
        }
        let json = "application/json"
        try await exchange("GET", "/")
        try await exchange("GET", "/assets/app.js")
        try await exchange("GET", "/assets/app.css")
        try await exchange("GET", "/assets/missing.js")
        try await exchange("GET", "/openapi.json")
        try await exchange("GET", "/healthz")
        try await exchange("GET", "/voices")
        try await exchange("GET", "/voices?locale=en&gender=child")
        try await exchange("GET", "/voices?gender=robot")
        try await exchange("GET", "/dialects")
        try await exchange("POST", "/render", contentType: "application/ssml+xml", body: Data("<speak>Hello <break time=\"200ms\"/> world.</speak>".utf8))
        try await exchange("POST", "/render?rate=8000&encoding=mulaw&format=raw", contentType: "text/plain", body: Data("Hello.".utf8))
        try await exchange("POST", "/render?format=mp3", contentType: "text/plain", body: Data("Hello.".utf8))
        try await exchange("POST", "/render", contentType: json, body: HTTPTestClient.json(["input": "Hello <shout>you</shout>.", "timeline": true, "timelineSVG": true, "voice": "en-gb-female"]))
        try await exchange("POST", "/render", contentType: json, body: Data(#"[{"action": "talk", "text": "Hi"}, {"action": "input", "type": ["dtmf"]}]"#.utf8))
        try await exchange("POST", "/render", contentType: json, body: HTTPTestClient.json(["input": "Hi", "rate": 12345]))
        try await exchange("POST", "/render", contentType: json, body: HTTPTestClient.json(["input": "<speak><prosody rate=\"x\">a</prosody></speak>"]))
        try await exchange("POST", "/render", contentType: json, body: Data("{\"input\": ".utf8))
        try await exchange("POST", "/render", contentType: "application/x-www-form-urlencoded", body: Data("a=b".utf8))
        try await exchange("POST", "/render", contentType: "text/plain", body: Data(repeating: 65, count: 10_000_000))
        try await exchange("GET", "/render")
        try await exchange("GET", "/nowhere")
        try await exchange("POST", "/lint", contentType: json, body: HTTPTestClient.json(["input": "<speak>Tom & Jerry</speak>", "dialect": "polly"]))
        try await exchange("POST", "/lint?dialect=polly&fix=true", contentType: "application/ssml+xml", body: Data("<speak>Tom & Jerry <break time=\"30s\"/></speak>".utf8))
        try await exchange("POST", "/lint", contentType: "text/plain", body: Data("Hi".utf8))

        // The twins' own routes, over a Vonage twin call that runs to its end.
        let ncco = Data(#"{"to": [{"type": "phone", "number": "447700900001"}], "from": {"type": "phone", "number": "447700900000"}, "ncco": [{"action": "talk", "text": "Hello."}]}"#.utf8)
        let created = try await server.request("POST", "/v1/calls", headers: [("Content-Type", json), ("Authorization", "Bearer t")], body: ncco)
        let id = try #require(created.json["uuid"] as? String, "\(created.text)")
        #expect(try await TestServer.eventually(60) { try await server.request("GET", "/_twin/calls/\(id)").json["finished"] as? Bool == true })
        try await exchange("GET", "/_twin/calls")
        try await exchange("GET", "/_twin/calls?service=vonage")
        try await exchange("GET", "/_twin/calls?service=nope")
        try await exchange("GET", "/_twin/calls/\(id)")
        try await exchange("GET", "/_twin/calls/\(id)/audio")
        try await exchange("GET", "/_twin/calls/\(id)/timeline")
        try await exchange("GET", "/_twin/calls/nope")
        try await exchange("POST", "/_twin/calls/\(id)/press", contentType: json, body: Data(#"{"keys": "x"}"#.utf8))

        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("exchanges.json")
        try JSONSerialization.data(withJSONObject: exchanges, options: [.sortedKeys]).write(to: file)
        let check = try run(python, [Repository.root.appendingPathComponent("scripts/check-openapi.py").path, Self.documentURL.path, file.path], timeLimit: 120)
        #expect(check.status == 0, "\(String(decoding: check.stdout, as: UTF8.self))\(check.stderr)")
        #expect(String(decoding: check.stdout, as: UTF8.self).contains("\(exchanges.count) exchanges valid"))
    }
}
