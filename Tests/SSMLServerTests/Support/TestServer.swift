import Foundation
import Logging
import SSMLCore
import SSMLEngine
import SSMLServer
import SSMLTestSupport
import ServiceLifecycle
import Synchronization

/// A server of the library, in this process, on 127.0.0.1 and a free port. It stops with ``stop()`` or with the
/// test process (its render workers die with it), and installs no signal handlers.
final class TestServer: Sendable {
    let server: SSMLServer
    let port: Int
    let logs: LogCapture
    private let task: Task<Void, Never>

    private init(server: SSMLServer, port: Int, logs: LogCapture, task: Task<Void, Never>) {
        self.server = server
        self.port = port
        self.logs = logs
        self.task = task
    }

    /// The settings every test server starts from: the checkout's data, assets and worker.
    static func configuration() -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.workers = 2
        configuration.workerExecutable = Repository.buildProduct("ssml-worker")
        configuration.data = Repository.data
        configuration.assets = Repository.root.appendingPathComponent("Sources/SSMLServer/Resources")
        configuration.fetch = FetchSettings(cacheDirectory: nil)
        return configuration
    }

    static func start(_ configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
        var configuration = Self.configuration()
        configure(&configuration)
        let logs = LogCapture()
        let logger = Logger(label: "ssml-serve-test") { label in LogCapture.Handler(capture: logs) }
        let server = try SSMLServer(configuration: configuration, logger: logger)
        let ready = AsyncLatch<URL>()
        let application = try server.application { url in ready.set(url) }
        let task = Task {
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], logger: logger))
            try? await group.run()
        }
        let url = try await withThrowingTaskGroup(of: URL?.self) { group in
            group.addTask { await ready.wait() }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let url, let port = url.port else {
            task.cancel()
            throw HTTPTestClient.Failure(description: "the test server did not start within 30 s")
        }
        return TestServer(server: server, port: port, logs: logs, task: task)
    }

    func stop() async {
        task.cancel()
        await task.value
    }

    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: Data? = nil, timeout: Double = 120) throws -> HTTPTestClient.Response {
        try HTTPTestClient.fetch(port: port, method, path, headers: headers, body: body, timeout: timeout)
    }

    /// `POST /render` with a JSON body.
    func render(_ fields: [String: Any], query: String = "") throws -> HTTPTestClient.Response {
        try request("POST", "/render" + query, headers: [("Content-Type", "application/json")], body: HTTPTestClient.json(fields))
    }

    /// Renders in progress and waiting, from `GET /healthz`.
    func load() throws -> (running: Int, waiting: Int) {
        let health = try request("GET", "/healthz", timeout: 60).json
        return (health["running"] as? Int ?? -1, health["waiting"] as? Int ?? -1)
    }

    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: Data? = nil, timeout: Double = 120) async throws -> HTTPTestClient.Response {
        try await HTTPTestClient.fetch(port: port, method, path, headers: headers, body: body, timeout: timeout)
    }

    func render(_ fields: [String: Any], query: String = "") async throws -> HTTPTestClient.Response {
        try await request("POST", "/render" + query, headers: [("Content-Type", "application/json")], body: HTTPTestClient.json(fields))
    }

    func load() async throws -> (running: Int, waiting: Int) {
        let health = try await request("GET", "/healthz", timeout: 60).json
        return (health["running"] as? Int ?? -1, health["waiting"] as? Int ?? -1)
    }

    /// Waits (at most `timeout` seconds) until `condition` holds, without blocking a thread.
    static func eventually(_ timeout: Double, every interval: Double = 0.05, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
        return try await condition()
    }

    /// Waits (at most `timeout` seconds) until `condition` holds.
    static func eventually(_ timeout: Double, every interval: Double = 0.05, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: interval)
        }
        return try condition()
    }
}

/// The servers most tests share (starting render workers costs time); each test that changes a setting starts its own.
actor SharedServers {
    static let shared = SharedServers()
    private var plain: TestServer?
    private var withAudio: TestServer?

    /// The default server: no audio folder, downloads allowed.
    func standard() async throws -> TestServer {
        if let plain { return plain }
        let server = try await TestServer.start { $0.queueLength = 64 }
        plain = server
        return server
    }

    /// A server whose audio folder is `Samples/`.
    func samples() async throws -> TestServer {
        if let withAudio { return withAudio }
        let server = try await TestServer.start {
            $0.queueLength = 64
            $0.audioDirectory = Repository.root.appendingPathComponent("Samples")
        }
        withAudio = server
        return server
    }
}

/// Log lines a test server wrote, as text with their metadata.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = metadata.merging(event.metadata ?? [:]) { $1 }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let line = "\(event.level) \(event.message) \(fields.joined(separator: " "))"
            capture.lines.withLock { $0.append(line) }
        }
    }
}
