import Foundation

/// Checks a Vonage NCCO the way the Voice API and its Playground's validate step do: the structure first
/// (actions, option types and ranges, legacy forms, with JSON paths), then the SSML inside each `talk` under
/// Vonage's dialect, with every place moved into the JSON file.
///
/// ```swift
/// let findings = NCCOLinter(linter: Linter(dialect: vonage, parser: LibXMLParser())).lint(json, file: "menu.json")
/// ```
public struct NCCOLinter: Sendable {
    /// The linter of the talk text (Vonage's dialect).
    public let linter: Linter

    static let source = "https://developer.vonage.com/en/voice/voice-api/ncco-reference"

    public init(linter: Linter) {
        self.linter = linter
    }

    /// Every finding for the NCCO `text`, in document order. The structure stops at its first error (as the
    /// Voice API does); the talk texts are checked only when the structure holds.
    public func lint(_ text: String, file: String) -> [LintFinding] {
        let log = DiagnosticLog()
        let ncco: NCCO
        do {
            ncco = try NCCO.parse(text, file: file, log: log)
        } catch let error as SSMLError {
            let start = SourceLocation(file: file, line: 1, column: 1)
            return findings(of: log, file: file) + [LintFinding(.error, error.kind == .malformedJSON ? "json" : "ncco", error.message, at: error.location ?? start, source: Self.source)]
        } catch {
            return [LintFinding(.error, "ncco", "\(error)", at: SourceLocation(file: file, line: 1, column: 1), source: Self.source)]
        }
        var result = findings(of: log, file: file)
        for action in ncco.actions {
            guard case .talk(let talk) = action.kind else { continue }
            for finding in linter.lint(talk.textString, file: file) where finding.rule != "speak" {
                // A talk text without <speak> is plain text to Vonage: no wrapper is missing. Fixes edit the
                // text, not the JSON file, so they are not offered here.
                var moved = LintFinding(finding.severity, finding.rule, "\(action.path).text: \(finding.message)", at: finding.location, source: finding.source)
                moved.location = talk.text.sourceLocation(ofDecodedLine: finding.location.line, column: finding.location.column)
                moved.location.file = file
                moved.location.element = finding.location.element
                moved.location.attribute = finding.location.attribute
                result.append(moved)
            }
        }
        return result.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
    }

    private func findings(of log: DiagnosticLog, file: String) -> [LintFinding] {
        log.diagnostics.map { diagnostic in
            LintFinding(diagnostic.severity, "ncco", diagnostic.message, at: diagnostic.location ?? SourceLocation(file: file, line: 1, column: 1), source: Self.source)
        }
    }
}
