import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// `ssml lint` and `ssml render --dialect`, run as a user would.
@Suite(.ownThread) struct LintCommandTests {
    let bad = "<speak>\n  Tom & Jerry <break time=\"30s\"/>\n  <prosody rate=\"300%\">fast</prosody>\n</speak>\n"

    func scratch(_ text: String, _ name: String = "p.ssml") throws -> (directory: URL, file: URL) {
        let directory = try Repository.scratchDirectory()
        let file = directory.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (directory, file)
    }

    @Test func exitStatusFollowsFailOn() throws {
        let (directory, file) = try scratch("<speak>\n  One <break time=\"25s\"/> two\n</speak>\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let polly = try run(Repository.ssmlBinary, ["lint", file.path, "--dialect", "polly"])
        #expect(polly.status == 1)
        let text = String(decoding: polly.stdout, as: UTF8.self)
        #expect(text.contains("p.ssml:2:14: error: break time 25s") && text.contains("\n                 ^\n"), "\(text)")
        #expect(polly.stderr.contains("1 error"))
        // Azure clamps (a warning): clean at the default --fail-on error, failing at warning.
        #expect(try run(Repository.ssmlBinary, ["lint", file.path, "--dialect", "azure"]).status == 1)  // speak lacks version, xmlns...
        #expect(try run(Repository.ssmlBinary, ["lint", file.path, "--dialect", "seven"]).status == 0)
        #expect(try run(Repository.ssmlBinary, ["lint", file.path, "--dialect", "google", "--fail-on", "warning"]).status == 0)
    }

    @Test func usageErrorsExit64() throws {
        let (directory, file) = try scratch("<speak>x</speak>")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try run(Repository.ssmlBinary, ["lint", file.path]).status == 64)
        #expect(try run(Repository.ssmlBinary, ["lint", file.path, "--dialect", "acme"]).status == 64)
        #expect(try run(Repository.ssmlBinary, ["lint", "--dialect", "seven"]).status == 64)
        #expect(try run(Repository.ssmlBinary, ["lint", file.path, "--dialect", "seven", "-o", "x.ssml"]).status == 64)
    }

    @Test func jsonAndJUnitParse() throws {
        let (directory, file) = try scratch(bad)
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = try run(Repository.ssmlBinary, ["lint", file.path, "-", "--dialect", "polly", "--format", "json"], stdin: Data("<speak>ok</speak>".utf8))
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        #expect(object["errors"] as? Int == 3, "\(object)")
        #expect((object["files"] as? [Any])?.count == 2)

        let junit = try run(Repository.ssmlBinary, ["lint", file.path, "--dialect", "polly", "--format", "junit", "--fail-on", "warning"])
        let root = try LibXMLParser().parse(String(decoding: junit.stdout, as: UTF8.self), file: "junit.xml", lineOffset: 0)
        #expect(root.name == "testsuites" && root.attribute("failures")?.value == "3" && root.attribute("tests")?.value == "3")
    }

    @Test func fixRewritesInPlaceAndPrintsADiff() throws {
        let (directory, file) = try scratch(bad)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixed = try run(Repository.ssmlBinary, ["lint", file.path, "--dialect", "polly", "--fix"])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        let diff = String(decoding: fixed.stdout, as: UTF8.self)
        #expect(diff.hasPrefix("--- a/\(file.path)\n+++ b/\(file.path)\n@@ -1,4 +1,4 @@\n <speak>\n"), "\(diff)")
        #expect(diff.contains("\n-  Tom & Jerry <break time=\"30s\"/>\n") && diff.contains("\n+  Tom &amp; Jerry <break time=\"10s\"/>\n"), "\(diff)")
        #expect(fixed.stderr.contains("note: fixed: escaped '&'") && fixed.stderr.contains("3 notes"))
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("rate=\"200%\""))
        #expect(try run(Repository.ssmlBinary, ["lint", file.path, "--dialect", "polly", "--fail-on", "note"]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["p.ssml"])  // No temporary left.
    }

    @Test func fixFromStandardInputWritesTheDocument() throws {
        let result = try run(Repository.ssmlBinary, ["lint", "-", "--dialect", "vonage", "--fix"], stdin: Data("Hi & bye <break time=\"1s\"/>".utf8))
        #expect(result.status == 0)
        #expect(String(decoding: result.stdout, as: UTF8.self) == "<speak>\nHi &amp; bye <break time=\"1s\"/>\n</speak>")
    }

    @Test func renderWithADialectClampsTheBreak() throws {
        let (directory, file) = try scratch("<speak>Hi <break time=\"30s\"/> there.</speak>")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("p.wav")
        let result = try run(Repository.ssmlBinary, ["render", file.path, "-o", output.path, "--rate", "8000", "--dialect", "azure"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: azure: break time 30s is longer than Azure Speech's 20s"))
        let header = try #require(WAVHeader(try Data(contentsOf: output)))
        let seconds = Double(header.dataBytes) / Double(8000 * 2)
        #expect(seconds > 20 && seconds < 25, "duration \(seconds)")
    }
}
