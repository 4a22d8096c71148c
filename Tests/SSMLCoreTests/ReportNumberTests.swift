import Foundation
import Testing

@testable import SSMLCore

/// The numbers of timelines and reports keep the digits printf's `%.3f` gives (timeline goldens and snapshots
/// were written with it), although they are no longer made by it.
@Suite struct ReportNumberTests {
    /// printf's digits, trimmed as the reports trim them.
    static func reference(_ value: Double) -> String {
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    @Test(arguments: [
        0, -0.0, 1, -1, 0.5, 0.0005, 0.0015, 0.0025, -0.0005, -0.0015, 1.0005, 2.0005, 0.1235, 0.1245, 1.2345,
        0.3, 0.1 + 0.2, 1.1, 0.85, 1.15, -6.0206, 999.9995, 1e-4, -1e-4, 123_456.789_5, 1e14, -3.999_999_9,
        Double.pi, -Double.ulpOfOne, 0.000_499_999_999_999_999_99, 2.675, 1.005,
    ])
    func matchesPrintf(_ value: Double) {
        #expect(Renderer.number(value) == Self.reference(value), "\(value)")
    }

    @Test func matchesPrintfOnManyValues() {
        var generator = SystemRandomNumberGenerator()
        var mismatches: [Double] = []
        for index in 0..<20_000 {
            // Halves of a thousandth (the ties), values near them, and values of every size a report holds.
            let value: Double
            switch index % 4 {
            case 0: value = (Double(Int.random(in: -2_000_000...2_000_000, using: &generator)) + 0.5) / 1000
            case 1: value = (Double(Int.random(in: -2_000_000...2_000_000, using: &generator)) + 0.5) / 1000 * (1 + Double.ulpOfOne * Double(Int.random(in: -4...4, using: &generator)))
            case 2: value = Double.random(in: -100...100, using: &generator)
            default: value = Double.random(in: -1...1, using: &generator) * pow(10, Double.random(in: -6...9, using: &generator))
            }
            if Renderer.number(value) != Self.reference(value) { mismatches.append(value) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func largeAndOddValuesFallBackToPrintf() {
        for value in [1e15, -2e17, Double.infinity, -Double.infinity, Double.nan, Double.greatestFiniteMagnitude] {
            #expect(Renderer.number(value) == Self.reference(value))
        }
    }
}
