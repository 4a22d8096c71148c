import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// `ssml lint` on NCCO files: the structure as the Voice API checks it, then the SSML of each talk under the
/// vonage dialect, every place in the JSON file.
@Suite(.ownThread) struct NccoLintCommandTests {
    func lint(_ files: [String: String], _ arguments: [String]) throws -> ProcessResult {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return try run(Repository.ssmlBinary, ["lint"] + arguments, in: directory)
    }

    @Test func aValidNCCOIsCleanWithoutADialect() throws {
        let json = """
            [
              {"action": "talk", "text": "<speak>Welcome. <break time='500ms'/> Press 1 for sales.</speak>", "language": "en-GB", "style": 1, "bargeIn": true},
              {"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 1}, "eventUrl": ["https://example.com/ivr"]}
            ]
            """
        let result = try lint(["call.json": json], ["call.json"])
        #expect(result.status == 0, "\(result.out)\(result.stderr)")
        #expect(!result.out.contains("error"), "\(result.out)")
    }

    @Test func aStructuralFaultIsAnErrorWithItsPathAndPlace() throws {
        let json = "[\n  {\"action\": \"stream\", \"streamUrl\": \"https://example.com/hold.mp3\"}\n]\n"
        let result = try lint(["call.json": json], ["call.json"])
        #expect(result.status == 1)
        #expect(result.out.contains("call.json:2:37: error: $[0].streamUrl must be an array holding one URL, not a string [ncco]"), "\(result.out)")
    }

    @Test func talkSSMLFindingsPointIntoTheJSONFile() throws {
        // Vonage documents no interpret-as "bogus"; the attribute sits on line 3 of the file.
        let json = "[\n  {\"action\": \"talk\",\n   \"text\": \"<speak>Hold on <say-as interpret-as='bogus'>1</say-as> please</speak>\"}\n]\n"
        let result = try lint(["call.json": json], ["call.json", "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "\(result.out)")
        let files = try #require(report["files"] as? [[String: Any]])
        let findings = try #require(files.first?["findings"] as? [[String: Any]])
        let finding = try #require(findings.first { ($0["message"] as? String)?.contains("$[0].text: say-as") == true }, "\(findings)")
        #expect(finding["line"] as? Int == 3, "\(finding)")
        // The text's quote is at column 12, `<say-as` at 29 and its interpret-as at 36.
        #expect(finding["column"] as? Int == 36 && finding["attribute"] as? String == "interpret-as", "\(finding)")
        #expect(finding["severity"] as? String == "warning")
    }

    @Test func legacyFormsAreWarningsThatShowTheCurrentForm() throws {
        let json = #"[{"action": "talk", "text": "Enter your PIN", "bargeIn": "true"}, {"action": "input", "maxDigits": 4, "submitOnHash": true}]"#
        let result = try lint(["call.json": json], ["call.json"])
        #expect(result.status == 0, "\(result.out)")
        #expect(result.out.contains("call.json:1:58: warning: $[0].bargeIn is the string \"true\""), "\(result.out)")
        #expect(result.out.contains("warning: $[1]: an input without \"type\" is the legacy DTMF input"), "\(result.out)")
        let strict = try lint(["call.json": json], ["call.json", "--fail-on", "warning"])
        #expect(strict.status == 1)
    }

    @Test func ssmlNeedsADialectAndNCCOsDoNot() throws {
        let result = try lint(["a.ssml": "<speak>Hi</speak>", "call.json": #"[{"action": "talk", "text": "Hi"}]"#], ["call.json", "a.ssml"])
        #expect(result.status != 0 && result.status != 1, "status \(result.status)")
        #expect(result.stderr.contains("a.ssml is SSML") && result.stderr.contains("--dialect"), "\(result.stderr)")
        let both = try lint(["a.ssml": "<speak>Hi</speak>", "call.json": #"[{"action": "talk", "text": "Hi"}]"#], ["call.json", "a.ssml", "--dialect", "vonage"])
        #expect(both.status == 0, "\(both.out)\(both.stderr)")
    }
}

extension ProcessResult {
    /// Standard output as text.
    var out: String { String(decoding: stdout, as: UTF8.self) }
}
