import Foundation
import SSMLCore
import SSMLTestSupport
import Testing
@testable import SSMLEngine

/// The plan of every sample (what `ssml text --json` prints), made on the fake synthesizer and pinned in
/// `Golden/plans/`: a change to planning shows up as a diff of the plan, not only as different audio.
@Suite(.ownThread) struct PlanGoldenTests {
    static let samples: [String] = {
        let folder = Repository.root.appendingPathComponent("Samples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { ["ssml", "txt", "json"].contains(URL(fileURLWithPath: $0).pathExtension) }.sorted()
    }()

    static let engine: Engine = {
        let fake = FakeSynthesizer(languages: FakeSynthesizer.defaultLanguages.union(["it", "nl"]))
        do {
            return try Engine(catalog: Repository.catalog(), styles: Repository.vonageStyles(), data: Repository.data, synthesizer: fake)
        } catch { fatalError("\(error)") }
    }()

    @Test func thereAreSamples() { #expect(Self.samples.count >= 10) }

    @Test(arguments: samples)
    func planMatchesTheGoldenFile(_ name: String) throws {
        let url = Repository.root.appendingPathComponent("Samples").appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        let input = JobInput(kind: JobInput.kind(of: text), text: text, name: name, baseDirectory: url.deletingLastPathComponent().path)
        let plan = try Self.engine.plan(RenderJob(input: input), log: DiagnosticLog())
        let golden = Repository.root.appendingPathComponent("Tests/SSMLEngineTests/Golden/plans/\(name).plan.json")
        let made = try RenderPlan(segments: plan).json() + Data("\n".utf8)
        if let difference = try Golden.check(made, against: golden) { Issue.record(Comment(rawValue: difference)) }
        // The plan is what workers receive: it survives a round trip through JSON unchanged.
        #expect(try RenderPlan.decoder().decode(RenderPlan.self, from: made).segments == plan)
    }
}
