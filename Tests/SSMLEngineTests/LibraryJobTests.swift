import Foundation
import SSMLCore
import SSMLTestSupport
import Testing
@testable import SSMLEngine

/// A program using the library renders jobs without the command line, with the bytes `ssml render` writes.
@Suite(.ownThread, .serialized, .timeLimit(.minutes(5))) struct LibraryJobTests {
    static let engine: Engine = {
        do { return try Engine(catalog: Repository.catalog(), styles: Repository.vonageStyles(), data: Repository.data) } catch { fatalError("\(error)") }
    }()

    static let pool: RenderWorkerPool = {
        do { return try RenderWorkerPool(size: 2, executable: RenderWorkerPoolTests.executable) } catch { fatalError("\(error)") }
    }()

    static let samples = ["seven-verification-code.ssml", "audio-between-sentences.ssml", "de-order-status.ssml", "vonage-stream-chime.json", "vonage-talk-ssml.json"]

    @Test(arguments: samples)
    func aJobOnThePoolHasTheBytesOfSsmlRender(_ name: String) throws {
        let file = Repository.root.appendingPathComponent("Samples").appendingPathComponent(name)
        let input = try InputFile.jobInput(file.path)
        for output in [OutputSettings(rate: 16000), OutputSettings(rate: 8000, encoding: .mulaw), OutputSettings(rate: 16000, format: .mp3, bitrate: 32)] {
            let job = RenderJob(input: input, output: output, timeline: true)
            let result = try Self.engine.run(job, to: .memory, log: DiagnosticLog(), pool: Self.pool)
            let directory = try Repository.scratchDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let out = directory.appendingPathComponent("out.\(output.format.rawValue)")
            var arguments = [input.kind == .ncco ? "ncco" : "render", file.path, "-o", out.path, "--rate", "\(output.rate)", "--encoding", output.encoding.rawValue]
            if let bitrate = output.bitrate { arguments += ["--bitrate", "\(bitrate)"] }
            let cli = try run(Repository.ssmlBinary, arguments + ["-q"])
            #expect(cli.status == 0, "\(cli.stderr)")
            #expect(result.audio == (try Data(contentsOf: out)), "\(name) at \(output.rate) Hz \(output.format.rawValue)")
            #expect(result.timeline?.samples == result.report.sampleCount && result.report.sampleCount > 0)
        }
    }

    @Test func aLongPlanIsRenderedInPartsWithTheSameBytes() throws {
        let text = ProcessLifetimeTestsDocument.long
        let input = JobInput(ssml: text, name: "long.ssml")
        let plan = try Self.engine.resolve(Self.engine.plan(RenderJob(input: input), log: DiagnosticLog()), for: RenderJob(input: input), log: DiagnosticLog())
        #expect(RenderPartition.split(plan).count == 2)
        let job = RenderJob(input: input, output: OutputSettings(rate: 8000, encoding: .mulaw))
        let whole = try Self.engine.run(job, to: .memory, log: DiagnosticLog(), pool: Self.pool)
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try text.write(to: directory.appendingPathComponent("long.ssml"), atomically: true, encoding: .utf8)
        let cli = try run(Repository.ssmlBinary, ["render", "long.ssml", "-o", "long.wav", "--rate", "8000", "--encoding", "mulaw"], in: directory)
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(whole.audio == (try Data(contentsOf: directory.appendingPathComponent("long.wav"))))
    }
}

/// A document long enough to be cut in two parts.
enum ProcessLifetimeTestsDocument {
    static let long: String = {
        let sentence = "The teacher walked to the market with her family early in the morning, and they talked about the weather. "
        return "<speak>" + (0..<60).map { _ in "<p>" + String(repeating: sentence, count: 2) + "</p>" }.joined() + "</speak>"
    }()
}
