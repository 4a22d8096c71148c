import Foundation
import SSMLCore

/// Render worker processes: each a fresh `ssml` (so a fresh espeak-ng with the same seed) rendering one
/// part of the plan to a raw sample file, while the parent renders the first part.
public final class RenderWorkers {
    private var workers: [(process: Process, output: String)] = []
    private let directory: URL

    private init(directory: URL) { self.directory = directory }

    /// Launches this executable once per part with `arguments` plus `--worker-part N --worker-output FILE`.
    /// `standardInput` is fed to each worker when the document came from standard input.
    public static func start(parts: Range<Int>, arguments: [String], standardInput: Data?) throws -> RenderWorkers {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ssml-workers-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        Interruption.register(directory.path)
        let group = RenderWorkers(directory: directory)
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        for part in parts {
            let output = directory.appendingPathComponent("part\(part).f32").path
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments + ["--worker-part", "\(part)", "--worker-output", output]
            let input = Pipe()
            process.standardInput = standardInput == nil ? FileHandle.nullDevice : input
            do { try process.run() } catch {
                group.cleanUp()
                throw SSMLError(.io, "cannot start a render worker: \(error.localizedDescription)")
            }
            if let standardInput {
                try input.fileHandleForWriting.write(contentsOf: standardInput)
                try input.fileHandleForWriting.close()
            }
            group.workers.append((process, output))
        }
        return group
    }

    /// Where a worker writing samples to `output` writes its render report.
    public static func reportPath(forOutput output: String) -> String { output + ".report.json" }

    /// Waits for each worker in order and passes its samples to `sink`; fails if a worker failed (its
    /// message is already on standard error) or the total passes `limit` samples. Returns the workers'
    /// reports, in order.
    @discardableResult
    public func drain(into sink: any AudioSink, limit: Int) throws -> [RenderReport] {
        var total = 0
        var reports: [RenderReport] = []
        for (process, output) in workers {
            process.waitUntilExit()
            guard process.terminationReason == .exit, process.terminationStatus == 0 else {
                throw SSMLError(.engine, "a render worker failed (status \(process.terminationStatus))")
            }
            try RawSampleReader.forEachChunk(path: output) { samples in
                total += samples.count
                if total > limit { throw SSMLError(.limitExceeded, "the output passes the length limit") }
                try sink.write(samples)
            }
            let reportData = try Data(contentsOf: URL(fileURLWithPath: Self.reportPath(forOutput: output)))
            reports.append(try JSONDecoder().decode(RenderReport.self, from: reportData))
        }
        return reports
    }

    /// Stops any worker still running and removes the sample files.
    public func cleanUp() {
        for (process, _) in workers where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
        Interruption.unregister(directory.path)
    }
}
