import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

/// Tolerance options shared by `ssml test` and `ssml diff`.
struct ToleranceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Seconds a segment's length, a word start or an event may move (default 0.05).", valueName: "seconds"))
    var toleranceTime: Double?

    @Option(help: ArgumentHelp("dB a segment's or the whole render's level may move (default 1.5).", valueName: "dB"))
    var toleranceLevel: Double?

    @Option(help: ArgumentHelp("dB any band of a segment's spectral profile may move (default 6).", valueName: "dB"))
    var toleranceSpectrum: Double?

    func apply(to tolerances: inout Tolerances) throws {
        for (name, value) in [("--tolerance-time", toleranceTime), ("--tolerance-level", toleranceLevel), ("--tolerance-spectrum", toleranceSpectrum)] {
            if let value, !(value >= 0 && value.isFinite) { throw SSMLError(.usage, "\(name) \(value) must be zero or more") }
        }
        if let toleranceTime { tolerances.time = toleranceTime }
        if let toleranceLevel { tolerances.level = toleranceLevel }
        if let toleranceSpectrum { tolerances.spectrum = toleranceSpectrum }
    }
}

/// `ssml-test.json` in the tested folder: its render settings and tolerances, so CI and people agree.
