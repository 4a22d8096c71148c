import Foundation

/// The findings for a set of files, printed for people (compiler style), for programs (JSON) or for
/// CI systems (JUnit XML, one test case per finding).
public struct LintReport: Sendable {
    public struct File: Sendable {
        public var name: String
        /// The text the findings point into, for the source line under each message.
        public var text: String
        public var findings: [LintFinding]

        public init(name: String, text: String, findings: [LintFinding]) {
            self.name = name
            self.text = text
            self.findings = findings
        }
    }

    public var dialect: Dialect
    public var files: [File]
    /// Findings at or above this severity fail the run.
    public var failOn: Diagnostic.Severity

    public init(dialect: Dialect, files: [File], failOn: Diagnostic.Severity) {
        self.dialect = dialect
        self.files = files
        self.failOn = failOn
    }

    public var allFindings: [LintFinding] { files.flatMap(\.findings) }
    public var failed: Bool { allFindings.contains { $0.severity >= failOn } }

    public func count(_ severity: Diagnostic.Severity) -> Int { allFindings.filter { $0.severity == severity }.count }

    /// "2 errors, 1 warning and 0 notes for Amazon Polly in 3 files".
    public var summary: String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return "\(plural(count(.error), "error")), \(plural(count(.warning), "warning")) and \(plural(count(.note), "note")) for \(dialect.title) in \(plural(files.count, "file"))"
    }

    // MARK: - Text

    /// `file:line:col: severity: message [rule]`, then the source line and a caret under the column.
    public func text() -> String {
        var out = ""
        for file in files {
            let lines = file.findings.isEmpty ? nil : LineIndex(file.text)
            for finding in file.findings {
                out += finding.description + "\n"
                // A fix's note points into the text of the pass that found it, which the file no longer holds.
                guard finding.rule != "fixed", let lines else { continue }
                let line = finding.location.line
                guard line >= 1, line <= lines.lineStarts.count else { continue }
                let range = lines.lineRange(line)
                guard !range.isEmpty else { continue }
                // A window around the column, not the whole line: a finding on a 2 MB line prints a few
                // dozen characters, and many findings on it cost time in proportion to their number.
                let offset = lines.offset(line: line, column: max(1, finding.location.column)) ?? range.upperBound
                let window = lines.excerpt(around: min(offset, range.upperBound))
                let excerpt = (window.cutBefore ? "…" : "") + window.text + (window.cutAfter ? "…" : "")
                out += "    " + excerpt + "\n"
                // Tabs stay tabs so the caret lines up under any tab width.
                let lead =
                    (window.cutBefore ? " " : "")
                    + window.text.unicodeScalars.prefix(window.column - 1).map { $0 == "\t" ? "\t" : " " }.joined()
                out += "    " + lead + "^\n"
            }
        }
        return out
    }

    // MARK: - JSON

    private struct JSONFinding: Encodable {
        var severity: String
        var rule: String
        var message: String
        var file: String
        var line: Int
        var column: Int
        var element: String?
        var attribute: String?
        var source: String?
        var fixable: Bool
    }

    private struct JSONFile: Encodable {
        var file: String
        var findings: [JSONFinding]
    }

    private struct JSONReport: Encodable {
        var dialect: String
        var service: String
        var failOn: String
        var failed: Bool
        var errors: Int
        var warnings: Int
        var notes: Int
        var files: [JSONFile]
    }

    public func json() -> String {
        let report = JSONReport(
            dialect: dialect.name, service: dialect.title, failOn: failOn.rawValue, failed: failed,
            errors: count(.error), warnings: count(.warning), notes: count(.note),
            files: files.map { file in
                JSONFile(
                    file: file.name,
                    findings: file.findings.map { finding in
                        JSONFinding(
                            severity: finding.severity.rawValue, rule: finding.rule, message: finding.message,
                            file: finding.location.file, line: finding.location.line, column: finding.location.column,
                            element: finding.location.element, attribute: finding.location.attribute,
                            source: finding.source, fixable: finding.fix != nil)
                    })
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(report)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: - JUnit

    /// One `<testsuite>` per file and one `<testcase>` per finding; findings at or above `failOn` are
    /// `<failure>`s, the others pass with the message as output. A clean file is one passing test case.
    public func junit() -> String {
        let failures = allFindings.filter { $0.severity >= failOn }.count
        let tests = files.reduce(0) { $0 + max(1, $1.findings.count) }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"ssml lint \(XMLEscaping.escape(dialect.name))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\">\n"
        for file in files {
            let fileFailures = file.findings.filter { $0.severity >= failOn }.count
            out += "  <testsuite name=\"\(XMLEscaping.escape(file.name))\" tests=\"\(max(1, file.findings.count))\" failures=\"\(fileFailures)\" errors=\"0\" skipped=\"0\">\n"
            let className = "ssml-lint.\(dialect.name)"
            if file.findings.isEmpty {
                out += "    <testcase classname=\"\(className)\" name=\"\(XMLEscaping.escape(file.name)) is clean for \(XMLEscaping.escape(dialect.title))\"/>\n"
            }
            for finding in file.findings {
                let name = "\(finding.location.line):\(finding.location.column) \(finding.rule)"
                out += "    <testcase classname=\"\(className)\" name=\"\(XMLEscaping.escape(name))\" file=\"\(XMLEscaping.escape(file.name))\" line=\"\(finding.location.line)\">\n"
                let body = XMLEscaping.escape(finding.description + (finding.source.map { "\nsource: \($0)" } ?? ""))
                if finding.severity >= failOn {
                    out += "      <failure type=\"\(finding.severity.rawValue)\" message=\"\(XMLEscaping.escape(finding.message))\">\(body)</failure>\n"
                } else {
                    out += "      <system-out>\(body)</system-out>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

}
