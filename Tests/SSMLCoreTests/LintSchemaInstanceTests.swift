import Foundation
import SSMLTestSupport
import Testing
@testable import SSMLCore

/// The W3C specification's documents carry xsi:schemaLocation on <speak>; no dialect reports it, while a
/// made-up attribute next to it is still reported.
@Suite struct LintSchemaInstanceTests {
    static let document = """
        <?xml version="1.0"?>
        <speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis"
               xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
               xsi:schemaLocation="http://www.w3.org/2001/10/synthesis http://www.w3.org/TR/speech-synthesis11/synthesis.xsd"
               xml:lang="en-US">Hello</speak>
        """

    @Test(arguments: ["w3c", "azure", "google", "polly", "vonage", "seven"])
    func schemaLocationIsNotAFinding(dialect: String) throws {
        let findings = try Dialects.lint(Self.document, dialect)
        #expect(!findings.contains { $0.message.contains("schemaLocation") }, "\(findings)")
        let planted = Self.document.replacingOccurrences(of: "xml:lang=\"en-US\"", with: "xml:lang=\"en-US\" colour=\"red\"")
        #expect(try Dialects.lint(planted, dialect).contains { $0.rule == "attribute" && $0.message.contains("colour") })
    }
}
