import Foundation
import SSMLTestSupport
import Testing

/// No render worker outlives the process that started it, and nothing it wrote stays behind.
@Suite(.ownThread, .serialized, .timeLimit(.minutes(3))) struct ProcessLifetimeTests {
    /// Direct children of `pid`, from /proc.
    static func children(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task -> [Int32] in
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { Int32($0) }
        }
    }

    static func alive(_ pid: Int32) -> Bool {
        // A zombie has exited; only its entry waits for a reaper.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].drop { $0 == " " }.first != "Z"
    }

    /// A document long enough to be rendered in two parts, the second by a worker.
    static let longDocument: String = {
        let sentence = "The teacher walked to the market with her family early in the morning, and they talked about the weather. "
        return "<speak>" + (0..<60).map { _ in "<p>" + String(repeating: sentence, count: 2) + "</p>" }.joined() + "</speak>"
    }()

    @Test(arguments: [SIGKILL, SIGTERM, SIGINT])
    func workersAndTemporaryFilesDoNotOutliveAKilledRender(signal: Int32) throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.longDocument.write(to: directory.appendingPathComponent("long.ssml"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = Repository.ssmlBinary
        process.arguments = ["render", "long.ssml", "-o", "long.wav", "--loudness", "-19"]
        process.currentDirectoryURL = directory
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Wait for the worker and its render process to be running.
        var workers: [Int32] = []
        for _ in 0..<400 where workers.isEmpty {
            workers = Self.children(of: process.processIdentifier).filter { Self.children(of: $0).count > 0 }
            if workers.isEmpty { usleep(10_000) }
        }
        try #require(!workers.isEmpty, "the render never started a worker with a render process")
        let renders = workers.flatMap { Self.children(of: $0) }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        var survivors = workers + renders
        for _ in 0..<200 where !survivors.isEmpty {
            survivors = survivors.filter(Self.alive)
            if !survivors.isEmpty { usleep(10_000) }
        }
        #expect(survivors.isEmpty, "still running 2 s after the parent got signal \(signal): \(survivors)")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0 != "long.ssml" }
        #expect(left.isEmpty, "left behind: \(left)")
    }
}
