import Foundation
import SSMLCore
import Testing

/// `trimmingWhitespace()` and `trimmingWhitespaceAndNewlines()` stand in for Foundation's `trimmingCharacters(in:)`
/// with `.whitespaces` and `.whitespacesAndNewlines`: they must trim exactly the same scalars.
@Suite struct TrimmingTests {
    @Test func everyScalarIsTrimmedExactlyWhenFoundationTrimsIt() {
        var differences: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "\(scalar)x\(scalar)"
            if CharacterSet.whitespaces.contains(scalar) != (text.trimmingWhitespace() == "x") {
                differences.append(String(format: "U+%04X (whitespaces)", value))
            }
            if CharacterSet.whitespacesAndNewlines.contains(scalar) != (text.trimmingWhitespaceAndNewlines() == "x") {
                differences.append(String(format: "U+%04X (whitespacesAndNewlines)", value))
            }
        }
        #expect(differences.isEmpty, "\(differences.prefix(20))")
    }

    @Test func textsTrimAsFoundationTrimsThem() {
        let texts = [
            "", " ", "\t\n", "Hello", "  Hello, world.  ", "\u{00A0}\u{2003}Grüße\u{3000}", "\n line \r\n", " \u{301}a ",
            "e\u{301} ", "\u{200B} zero width \u{FEFF}", "\u{2028}para\u{2029}", "\u{85}next\u{85}", "a b\tc", "👋🏽  ",
        ]
        for text in texts {
            #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
            #expect(text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
            let slice = ("[" + text + "]").dropFirst().dropLast()
            #expect(slice.trimmingWhitespace() == slice.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
        }
    }
}
