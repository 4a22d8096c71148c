import Foundation
import SSMLTestSupport
import Testing

/// Every input the fuzzers ever found (and the attacks they were seeded with) stays a test: each runs
/// through the same body as its harness (`FuzzTargets.swift` is a link to `Fuzz/Sources/FuzzTargets/`),
/// which traps on anything but a clean result or an `SSMLError`.
@Suite struct FuzzRegressionTests {
    static let bodies: [String: ([UInt8]) -> Void] = [
        "FuzzSSML": FuzzTargets.ssml, "FuzzNCCO": FuzzTargets.ncco, "FuzzLint": FuzzTargets.lint, "FuzzAudio": FuzzTargets.audio,
    ]

    static var inputs: [String] {
        let folder = Repository.root.appendingPathComponent("Fuzz/Regressions")
        return bodies.keys.sorted().flatMap { target in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(target).path)) ?? [])
                .filter { !$0.hasPrefix(".") }.sorted().map { "\(target)/\($0)" }
        }
    }

    @Test func everyHarnessHasKeptInputs() {
        for target in Self.bodies.keys { #expect(Self.inputs.contains { $0.hasPrefix(target + "/") }, "\(target)") }
    }

    @Test(arguments: inputs)
    func keptInputRunsCleanly(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Repository.root.appendingPathComponent("Fuzz/Regressions/\(name)")))
        let target = String(name.prefix { $0 != "/" })
        try #require(Self.bodies[target])(bytes)
    }
}
