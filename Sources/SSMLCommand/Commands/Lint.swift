import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

/// The services `lint` and `render --dialect` know; each is a file `Dialects/<name>.json`.
enum DialectName: String, ChoiceArgument {
    case seven, vonage, azure, polly, google, w3c
}

struct Lint: ParsableCommand {
    enum Format: String, ChoiceArgument { case text, json, junit }
    enum Level: String, ChoiceArgument {
        case error, warning, note
        var severity: Diagnostic.Severity { Diagnostic.Severity(rawValue: rawValue) ?? .error }
    }

    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check SSML against what one voice service supports, reads differently or rejects.",
        discussion: """
            Every finding names file:line:col, a severity and the rule's source. error: the service rejects the \
            document (or the limit); warning: it reads the markup differently or ignores it; note: worth knowing.
            NCCO files (JSON arrays of actions) are checked as the Voice API checks them (structure, types, ranges and \
            legacy forms, with JSON paths), then the SSML of each talk under the vonage dialect; --dialect is needed \
            only for SSML files.
            Exit status: 0 clean, 1 findings at or above --fail-on (default error), 64 usage.
            --fix rewrites what is safe (escapes & and <, wraps fragments in <speak>, clamps breaks and values to the \
            service's range, removes markup the service rejects), reports each change as a note and prints a unified \
            diff on standard output; the report then goes to standard error. Files are replaced atomically; input \
            from - (or -o -) writes the fixed document to standard output instead.
            Examples:
              ssml lint prompt.ssml --dialect vonage
              ssml lint call.json
              ssml lint Samples/*.ssml --dialect seven --format junit > lint.xml
              ssml lint prompt.ssml --dialect polly --fix
              cat prompt.ssml | ssml lint - --dialect azure --fix > fixed.ssml
            """)

    @Argument(help: "SSML or NCCO files, or - for standard input.")
    var inputs: [String] = []

    @Option(help: "The service: \(DialectName.allCases.map(\.rawValue).joined(separator: ", ")) (NCCO files: always vonage).")
    var dialect: DialectName?

    @Option(help: "Report format: text (compiler style), json, junit.")
    var format: Format = .text

    @Option(help: "Exit 1 when a finding is at least this severe: error, warning, note.")
    var failOn: Level = .error

    @Flag(help: "Rewrite what is safe to rewrite and print a unified diff.")
    var fix = false

    @Option(name: .shortAndLong, help: "With --fix: write the fixed document here (- for standard output) instead of in place.")
    var output: String?

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("name at least one SSML file (or - for standard input)") }
        if output != nil && !fix { throw ValidationError("-o/--output needs --fix") }
        if output != nil && inputs.count > 1 { throw ValidationError("-o/--output takes one input") }
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read once") }
    }

    func run() throws {
        let failed: Bool
        do { failed = try lint() } catch { CommandSupport.fail(error) }
        if failed { throw ExitCode(1) }
    }

    private func lint() throws -> Bool {
        let catalog = try? CommandSupport.catalog()
        let vonage = try CommandSupport.dialect(DialectName.vonage.rawValue)
        let dialect = try self.dialect.map { try CommandSupport.dialect($0.rawValue) }
        let linter = dialect.map { Linter(dialect: $0, parser: LibXMLParser(), catalog: catalog) }
        let nccoLinter = NCCOLinter(linter: Linter(dialect: vonage, parser: LibXMLParser(), catalog: catalog))
        var files: [LintReport.File] = []
        var diff = ""
        for input in inputs {
            let source: InputReader.Input
            do { source = try CommandSupport.read(input) } catch let error as SSMLError {
                let name = input == "-" ? "<stdin>" : input
                let finding = LintFinding(.error, "io", error.message, at: SourceLocation(file: name, line: 1, column: 1))
                files.append(LintReport.File(name: name, text: "", findings: [finding]))
                continue
            }
            // A JSON object is a mistaken NCCO (one action without its array), not SSML: say so in NCCO terms.
            if JobInput.kind(of: source.text) == .ncco || source.text.first(where: { !$0.isWhitespace }) == "{" {
                var findings = nccoLinter.lint(source.text, file: source.name)
                if fix {
                    findings.append(LintFinding(.note, "fix", "--fix rewrites SSML files; an NCCO is left as it is", at: SourceLocation(file: source.name, line: 1, column: 1)))
                }
                files.append(LintReport.File(name: source.name, text: source.text, findings: findings))
                continue
            }
            guard let linter else {
                throw SSMLError(.usage, "\(source.name) is SSML: name the service it is for with --dialect (\(DialectName.allCases.map(\.rawValue).joined(separator: ", ")))", setting: .dialect)
            }
            guard fix else {
                files.append(LintReport.File(name: source.name, text: source.text, findings: linter.lint(source.text, file: source.name)))
                continue
            }
            let result = LintFixer.fix(source.text, file: source.name, linter: linter)
            files.append(LintReport.File(name: source.name, text: result.fixed, findings: result.notes + result.remaining))
            let destination = output ?? input
            // Written back in the encoding it came in (its XML declaration still names it).
            let fixed = Data(try source.encoding.encode(result.fixed))
            if destination == "-" {
                FileHandle.standardOutput.write(fixed)
            } else if result.changed || destination != input {
                // A temporary file renamed over the target (through a symlink, not replacing it): never half a file.
                try CommandSupport.writeAtomically(fixed, to: destination)
                diff += UnifiedDiff.make(source.text, result.fixed, oldName: "a/\(source.name)", newName: "b/\(destination)")
            }
        }
        let report = LintReport(dialect: dialect ?? vonage, files: files, failOn: failOn.severity)
        let body: String
        switch format {
        case .text: body = report.text()
        case .json: body = report.json()
        case .junit: body = report.junit()
        }
        if fix {
            FileHandle.standardOutput.write(Data(diff.utf8))
            FileHandle.standardError.write(Data(body.utf8))
        } else {
            FileHandle.standardOutput.write(Data(body.utf8))
        }
        if format == .text { FileHandle.standardError.write(Data((report.summary + "\n").utf8)) }
        return report.failed
    }
}
