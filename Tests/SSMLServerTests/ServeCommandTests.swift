import Foundation
import SSMLTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ssml serve` as users start it: the address line, HTTPS, JSON logs, and SIGTERM draining the requests in flight.
@Suite(.ownThread, .serialized, .timeLimit(.minutes(5))) struct ServeCommandTests {
    /// A running `ssml serve`, under coreutils `timeout` so that it stops by itself whatever happens to the test.
    final class Served: @unchecked Sendable {
        let process = Process()
        let url: URL
        var port: Int { url.port ?? 0 }
        /// The server itself (the child of `timeout`).
        let pid: pid_t
        private let errors = StandardError()
        private let errorReader: Thread

        init(_ arguments: [String], limit: Int = 120) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
            process.arguments = [String(limit), Repository.ssmlBinary.path, "serve"] + arguments
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let errors = self.errors
            errorReader = Thread {
                while true {
                    let data = err.fileHandleForReading.availableData
                    if data.isEmpty { break }
                    errors.append(data)
                }
            }
            errorReader.start()
            // The first line on standard output is the address.
            var line = Data()
            while true {
                let byte = out.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty || byte == Data("\n".utf8) { break }
                line.append(byte)
            }
            let text = String(decoding: line, as: UTF8.self)
            guard text.hasPrefix("listening on "), let url = URL(string: String(text.dropFirst("listening on ".count))) else {
                process.terminate()
                throw HTTPTestClient.Failure(description: "ssml serve printed \"\(text)\"; standard error: \(errors.text)")
            }
            self.url = url
            let children = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/task/\(process.processIdentifier)/children", encoding: .utf8)) ?? ""
            pid = children.split(separator: " ").first.flatMap { pid_t(String($0)) } ?? process.processIdentifier
        }

        var stderr: String { errors.text }

        /// Waits for the server to exit; its status (the `timeout` wrapper passes it on).
        func wait(seconds: Double) -> Int32? {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            return process.isRunning ? nil : process.terminationStatus
        }

        deinit { if process.isRunning { kill(pid, SIGKILL) } }
    }

    @Test func itPrintsItsAddressAndDrainsTheRequestsInFlightOnSIGTERM() throws {
        let started = Date()
        let served = try Served(["--port", "0", "--workers", "1"])
        let startup = Date().timeIntervalSince(started)
        #expect(served.url.host == "127.0.0.1" && served.port > 0)
        print("ssml serve was listening after \(String(format: "%.2f", startup)) s")
        #expect(try HTTPTestClient.fetch(port: served.port, "GET", "/healthz").status == 200)

        // A render of a minute of speech is in flight when SIGTERM arrives: it finishes, whole.
        let client = try HTTPTestClient(port: served.port, timeout: 60)
        let body = HTTPTestClient.json(["input": LoadLimitTests.speech(seconds: 60)])
        var message = HTTPTestClient.head("POST", "/render", headers: [("Content-Type", "application/json")], bodyLength: body.count)
        message.append(body)
        try client.send(message)
        let running = TestServerProbe(port: served.port)
        #expect(TestServer.eventually(20) { running.running() == 1 })
        kill(served.pid, SIGTERM)
        let response = try client.readResponse()
        #expect(response.status == 200)
        let header = try #require(WAVHeader(response.body))
        #expect(Double(header.dataBytes) / 2 / 16000 > 50)
        #expect(served.wait(seconds: 120) == 0, "\(served.stderr)")
        // It no longer listens, and it said what it did.
        #expect((try? HTTPTestClient(port: served.port, timeout: 2)) == nil)
        #expect(served.stderr.contains("path=/render") && served.stderr.contains("status=200"))
    }

    @Test func jsonLogsAreOneObjectPerLine() throws {
        let served = try Served(["--port", "0", "--workers", "1", "--log-format", "json"])
        #expect(try HTTPTestClient.fetch(port: served.port, "GET", "/voices?gender=robot").status == 400)
        kill(served.pid, SIGTERM)
        #expect(served.wait(seconds: 60) == 0)
        let lines = served.stderr.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(!lines.isEmpty && lines.allSatisfy { $0 != nil }, "\(served.stderr)")
        #expect(lines.contains { $0?["message"] as? String == "request" && $0?["status"] as? String == "400" && $0?["path"] as? String == "/voices" })
    }

    static let haveOpenSSLAndCurl = ["/usr/bin/openssl", "/usr/bin/curl"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: haveOpenSSLAndCurl, "needs openssl and curl")) func itServesHTTPSWithACertificateAndKey() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path, certificate = directory.appendingPathComponent("cert.pem").path
        let made = try run(
            URL(fileURLWithPath: "/usr/bin/openssl"),
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1"], timeLimit: 60)
        #expect(made.status == 0, "\(made.stderr)")
        let served = try Served(["--port", "0", "--workers", "1", "--tls-cert", certificate, "--tls-key", key])
        #expect(served.url.scheme == "https")
        let curl = try run(URL(fileURLWithPath: "/usr/bin/curl"), ["-sk", "--max-time", "20", "\(served.url.absoluteString)/healthz"], timeLimit: 30)
        let health = try JSONSerialization.jsonObject(with: curl.stdout) as? [String: Any]
        #expect(health?["status"] as? String == "ok", "\(curl.stderr)")
        let render = try run(
            URL(fileURLWithPath: "/usr/bin/curl"),
            ["-sk", "--max-time", "30", "-H", "Content-Type: text/plain", "--data-binary", "Hello over TLS.", "\(served.url.absoluteString)/render"], timeLimit: 40)
        #expect(WAVHeader(render.stdout) != nil)
        kill(served.pid, SIGTERM)
        #expect(served.wait(seconds: 60) == 0)
    }

    @Test func wrongSettingsAreUsageErrors() throws {
        let lonely = try run(Repository.ssmlBinary, ["serve", "--tls-cert", "cert.pem"], timeLimit: 30)
        #expect(lonely.status == 64 && lonely.stderr.contains("--tls-cert and --tls-key go together"))
        let folder = try run(Repository.ssmlBinary, ["serve", "--audio-dir", "/nonexistent/audio"], timeLimit: 30)
        #expect(folder.status == 64 && folder.stderr.contains("--audio-dir"))
        let port = try run(Repository.ssmlBinary, ["serve", "--port", "70000"], timeLimit: 30)
        #expect(port.status == 64)
        let missingKey = try run(Repository.ssmlBinary, ["serve", "--port", "0", "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"], timeLimit: 30)
        #expect(missingKey.status != 0 && missingKey.stderr.contains("TLS certificate /nonexistent.pem"))
    }

    @Test func aPortInUseIsAClearError() throws {
        let first = try Served(["--port", "0", "--workers", "1"])
        let second = try run(Repository.ssmlBinary, ["serve", "--port", "\(first.port)", "--workers", "1"], timeLimit: 30)
        #expect(second.status == 1)
        #expect(second.stderr.lowercased().contains("address already in use"), "\(second.stderr)")
        kill(first.pid, SIGTERM)
        #expect(first.wait(seconds: 60) == 0)
    }
}

/// What a served process wrote on standard error, collected by a reader thread.
final class StandardError: Sendable {
    private let data = Mutex(Data())
    func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }
    var text: String { String(decoding: data.withLock { $0 }, as: UTF8.self) }
}

/// Reads `/healthz` of a server started elsewhere.
struct TestServerProbe {
    let port: Int
    func running() -> Int {
        ((try? HTTPTestClient.fetch(port: port, "GET", "/healthz", timeout: 5))?.json["running"] as? Int) ?? -1
    }
}
