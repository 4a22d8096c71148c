import Foundation
import SSMLCore
import SSMLTestSupport
import Testing

/// NCCOs generated from Vonage's published NCCO schema, its NCCO reference and its server SDKs'
/// models (`Tests/Fixtures/ncco-schema`, built by its `generate.py`; `RULES.md` cites every rule): every valid
/// and legacy NCCO is accepted, every invalid one is refused with the JSON path of its fault, except the few
/// read differently on purpose, listed here with the reason.
@Suite struct NCCOSchemaCorpusTests {
    struct Case: Decodable {
        var dir: String
        var name: String
        var path: String
        var rule: String
        var tier: String
    }

    static let folder = Repository.root.appendingPathComponent("Tests/Fixtures/ncco-schema")

    /// Invalid cases this tool accepts, and why. Each one is still reported (a warning or a note) unless said.
    static let acceptedOnPurpose: [String: String] = [
        "input-type-missing": "the legacy DTMF input of Vonage's own examples: read as type [\"dtmf\"], with a warning",
        "stream-streamUrl-item-pattern": "a local streamUrl makes offline previews possible: a warning says Vonage needs a URL",
        "talk-bargeIn-without-input": "the reference says an input must follow; nothing else in the NCCO breaks: a warning",
        "input-speech-settings-without-speech-type": "the settings cannot take effect: a warning says they are ignored",
        "talk-language-enum": "the schema's 2021 language list is older than Vonage's current one: the planner warns on languages it cannot speak",
        "talk-voiceName-enum": "voiceName is deprecated; unknown names get a warning and the default voice, as the planner says",
        "input-mode-asynchronous-dtmf": "only the Java SDK refuses it; the reference does not",
        "input-speech-sensitivity-below-min": "only an SDK states the minimum; the reference does not",
    ]

    static func cases() throws -> [Case] {
        try JSONDecoder().decode([Case].self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
    }

    func parse(_ item: Case) throws -> DiagnosticLog {
        let text = try String(contentsOf: Self.folder.appendingPathComponent("\(item.dir)/\(item.name).json"), encoding: .utf8)
        let log = DiagnosticLog()
        _ = try NCCO.parse(text, file: "\(item.name).json", log: log)
        return log
    }

    /// `$[1].endpoint[0]['content-type']` as this tool writes paths.
    static func normalized(_ path: String) -> String {
        path.replacingOccurrences(of: "['", with: ".").replacingOccurrences(of: "']", with: "")
    }

    @Test func theCorpusIsThere() throws {
        let cases = try Self.cases()
        #expect(cases.count > 250)
        #expect(Set(cases.map(\.dir)) == ["valid", "invalid", "legacy"])
    }

    @Test func validAndLegacyNCCOsAreAccepted() throws {
        var refused: [String] = []
        for item in try Self.cases() where item.dir != "invalid" {
            do {
                let log = try parse(item)
                // Coerced and rewritten forms are reported; valid-but-lenient ones (7-digit numbers, ws://) need not be,
                // and the planner reports a deprecated voiceName with what it means.
                let rewritten = ["-string", "-no-type", "-clamped"].contains { item.name.contains($0) }
                if item.dir == "legacy" && rewritten && log.warnings.isEmpty { refused.append("\(item.name): accepted without the warning that names the current form") }
            } catch {
                refused.append("\(item.name): \(error)")
            }
        }
        #expect(refused.isEmpty, "\(refused.joined(separator: "\n"))")
    }

    @Test func invalidNCCOsAreRefusedWithThePathOfTheirFault() throws {
        var wrong: [String] = []
        for item in try Self.cases() where item.dir == "invalid" {
            let path = Self.normalized(item.path)
            do {
                let log = try parse(item)
                if let reason = Self.acceptedOnPurpose[item.name] {
                    // Accepted on purpose, but never silently (except where the reason says the planner reports it).
                    if !item.name.hasSuffix("-enum") && !item.name.hasPrefix("input-mode") && !item.name.hasPrefix("input-speech-sensitivity")
                        && !log.diagnostics.contains(where: { $0.message.contains(path) || $0.message.contains(Self.normalized(item.path).components(separatedBy: ".").dropLast().joined(separator: ".")) })
                    {
                        wrong.append("\(item.name): accepted (\(reason)) but nothing is reported")
                    }
                    continue
                }
                wrong.append("\(item.name): accepted, but \(path) breaks \(item.rule) [\(item.tier)]")
            } catch let error as SSMLError {
                if Self.acceptedOnPurpose[item.name] != nil {
                    wrong.append("\(item.name): listed as accepted on purpose, but refused: \(error.message)")
                } else if !error.message.contains(path) && !(path == "$" && error.message.hasPrefix("$")) {
                    wrong.append("\(item.name): refused, but the message does not name \(path): \(error.message)")
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
    }
}
