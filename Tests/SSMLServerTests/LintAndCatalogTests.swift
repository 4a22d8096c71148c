import Foundation
import SSMLCore
import SSMLTestSupport
import Testing

/// `POST /lint`, `GET /voices`, `GET /dialects`, `GET /healthz`.
@Suite(.ownThread, .timeLimit(.minutes(10))) struct LintAndCatalogTests {
    static let polly = "<speak>\n  Tom & Jerry <break time=\"30s\"/>\n  Fine.\n</speak>\n"

    func server() async throws -> TestServer { try await SharedServers.shared.standard() }

    /// Applies a finding's edits (UTF-8 byte offsets) as a client does.
    static func apply(_ edits: [[String: Any]], to text: String) -> String {
        var bytes = Array(text.utf8)
        for edit in edits.sorted(by: { ($0["start"] as? Int ?? 0) > ($1["start"] as? Int ?? 0) }) {
            let start = edit["start"] as? Int ?? 0, end = edit["end"] as? Int ?? 0
            bytes.replaceSubrange(start..<end, with: Array((edit["replacement"] as? String ?? "").utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func findingsHaveTheirLinesRulesAndFixes() async throws {
        let response = try await server().request(
            "POST", "/lint", headers: [("Content-Type", "application/json")], body: HTTPTestClient.json(["input": Self.polly, "dialect": "polly"]))
        #expect(response.status == 200, "\(response.text)")
        let report = response.json
        #expect(report["service"] as? String == "Amazon Polly")
        let findings = report["findings"] as? [[String: Any]] ?? []
        #expect(report["errors"] as? Int == findings.filter { $0["severity"] as? String == "error" }.count)
        let escape = try #require(findings.first { $0["rule"] as? String == "escape" })
        #expect(escape["line"] as? Int == 2 && escape["column"] as? Int == 7 && escape["severity"] as? String == "error")
        let cap = try #require(findings.first { $0["rule"] as? String == "break-cap" })
        #expect(cap["line"] as? Int == 2)
        // The same findings as `ssml lint --format json`.
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.polly.write(to: directory.appendingPathComponent("input"), atomically: true, encoding: .utf8)
        let cli = try run(Repository.ssmlBinary, ["lint", "input", "--dialect", "polly", "--format", "json"], in: directory)
        let cliReport = try JSONSerialization.jsonObject(with: cli.stdout) as? [String: Any] ?? [:]
        let cliFindings = ((cliReport["files"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]]) ?? []
        #expect(cliFindings.map { "\($0["line"]!):\($0["column"]!) \($0["rule"]!)" } == findings.map { "\($0["line"]!):\($0["column"]!) \($0["rule"]!)" })
        // Applying one fix's edits removes that finding and no other.
        let fix = try #require(escape["fix"] as? [String: Any])
        let fixed = Self.apply(fix["edits"] as? [[String: Any]] ?? [], to: Self.polly)
        #expect(fixed.contains("Tom &amp; Jerry"))
        let again = try await server().request(
            "POST", "/lint", headers: [("Content-Type", "application/json")], body: HTTPTestClient.json(["input": fixed, "dialect": "polly"]))
        let rules = (again.json["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(!rules.contains("escape") && rules.contains("break-cap"))
    }

    @Test func fixReturnsTheFixedDocument() async throws {
        let response = try await server().request(
            "POST", "/lint?dialect=polly&fix=true", headers: [("Content-Type", "application/ssml+xml")], body: Data(Self.polly.utf8))
        #expect(response.status == 200)
        #expect(response.json["changed"] as? Bool == true)
        let fixed = try #require(response.json["fixed"] as? String)
        #expect(fixed.contains("&amp;") && fixed.contains("time=\"10s\""))
        #expect((response.json["diff"] as? String)?.contains("+  Tom &amp; Jerry") == true)
        #expect((response.json["errors"] as? Int) == 0)
    }

    @Test func lintNeedsAKnownDialect() async throws {
        let missing = try await server().request("POST", "/lint", headers: [("Content-Type", "text/plain")], body: Data("Hi".utf8))
        #expect(missing.status == 400 && missing.error("field") as? String == "dialect")
        let unknown = try await server().request("POST", "/lint?dialect=alexa", headers: [("Content-Type", "text/plain")], body: Data("Hi".utf8))
        #expect(unknown.status == 400 && unknown.error("field") as? String == "dialect")
    }

    @Test func theVoiceCatalogIsListedAndFiltered() async throws {
        let server = try await server()
        let all = try await server.request("GET", "/voices")
        #expect(all.status == 200)
        let voices = all.json["voices"] as? [[String: Any]] ?? []
        #expect(voices.count == (try Repository.catalog()).voices.count && all.json["count"] as? Int == voices.count)
        #expect(voices.contains { $0["name"] as? String == "de-de-female" && ($0["aliases"] as? [String] ?? []).contains("de-DE-KatjaNeural") })
        let german = try await server.request("GET", "/voices?locale=de-DE&gender=male").json["voices"] as? [[String: Any]] ?? []
        #expect(!german.isEmpty && german.allSatisfy { ($0["locale"] as? String)?.hasPrefix("de-DE") == true && $0["gender"] as? String == "male" })
        let wrong = try await server.request("GET", "/voices?gender=robot")
        #expect(wrong.status == 400 && wrong.error("field") as? String == "gender")
    }

    @Test func dialectsAndHealth() async throws {
        let server = try await server()
        let dialects = try await server.request("GET", "/dialects").json["dialects"] as? [[String: Any]] ?? []
        #expect(dialects.compactMap { $0["name"] as? String } == Dialect.names)
        let health = try await server.request("GET", "/healthz")
        #expect(health.status == 200 && health.json["status"] as? String == "ok" && health.json["workers"] as? Int == 2)
        #expect((health.json["engine"] as? String)?.hasPrefix("espeak-ng") == true)
    }
}
