import Foundation
import SSMLTestSupport
import Testing

/// Every input the fuzzers ever found (and the attacks they were seeded with) stays a test: each runs
/// through the same body as its harness (`FuzzTargets.swift` is a link to `Fuzz/Sources/FuzzTargets/`),
/// which traps on anything but a clean result or an `SSMLError`.
@Suite(.ownThread) struct FuzzRegressionTests {
    static let targets = ["FuzzAudio", "FuzzLint", "FuzzNCCO", "FuzzSSML"]

    static func run(_ target: String, _ bytes: [UInt8]) {
        switch target {
        case "FuzzSSML": FuzzTargets.ssml(bytes)
        case "FuzzNCCO": FuzzTargets.ncco(bytes)
        case "FuzzLint": FuzzTargets.lint(bytes)
        case "FuzzAudio": FuzzTargets.audio(bytes)
        default: Issue.record("no harness \(target)")
        }
    }

    static var inputs: [String] {
        let folder = Repository.root.appendingPathComponent("Fuzz/Regressions")
        return targets.flatMap { target in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(target).path)) ?? [])
                .filter { !$0.hasPrefix(".") }.sorted().map { target + "/" + $0 }
        }
    }

    @Test func everyHarnessHasKeptInputs() {
        let inputs = Self.inputs
        for target in Self.targets { #expect(inputs.contains { $0.hasPrefix(target + "/") }, "\(target)") }
    }

    @Test(arguments: inputs)
    func keptInputRunsCleanly(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Repository.root.appendingPathComponent("Fuzz/Regressions/" + name)))
        Self.run(String(name.prefix { $0 != "/" }), bytes)
    }
}
