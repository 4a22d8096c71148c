import Foundation

/// The Python IVR application of `Tests/Fixtures/call/ivr_app.py` on a free loopback port, for `ssml call` and the
/// server's twins: it stops by itself after its lifetime, and when this value goes away.
public final class PythonApp: @unchecked Sendable {
    // `@unchecked Sendable`: set up once in `init`, then only read (the process object is thread-safe to stop).
    public let process = Process()
    public let port: Int
    /// One JSON line per request the application saw.
    public let log: URL
    public var url: String { "http://127.0.0.1:\(port)" }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(welcome: String? = nil, lifetime: Int = 240) throws {
        log = try Repository.scratchDirectory().appendingPathComponent("requests.jsonl")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", Repository.root.appendingPathComponent("Tests/Fixtures/call/ivr_app.py").path, "--log", log.path, "--lifetime", "\(lifetime)"]
            + (welcome.map { ["--welcome", $0] } ?? [])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is the port; give up after 20 s rather than hang.
        let handle = out.fileHandleForReading
        var line = Data()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line += byte
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw Failure(description: "the Python application did not start")
        }
        self.port = port
    }

    deinit { stop() }

    public func stop() {
        if process.isRunning { process.terminate() }
    }

    /// Every request the application saw, in order.
    public func requests() -> [[String: Any]] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// The JSON bodies of the requests to `path`, in order.
    public func bodies(_ path: String) -> [[String: Any]] {
        requests().filter { $0["path"] as? String == path }.compactMap { $0["body"] as? [String: Any] }
    }
}
