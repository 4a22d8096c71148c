import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

@main
struct SSMLCommand: ParsableCommand {
    static func main() {
        // A closed standard output must be a write error we report and clean up after, not a silent death.
        signal(SIGPIPE, SIG_IGN)
        Interruption.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "ssml",
        abstract: "Render SSML (seven.io, Vonage, W3C) to telephony audio, locally.",
        subcommands: [Render.self, Ncco.self, Text.self, Lint.self, Voices.self, Info.self, CheckAsset.self, Test.self, Diff.self])
}

/// Shared plumbing for subcommands: locating the voice catalog, reading input, printing diagnostics.
enum CommandSupport {
    static func catalog() throws -> VoiceCatalog {
        try VoiceCatalog.load(from: catalogURL())
    }

    /// Where `Voices/catalog.json` is (the Vonage style table sits beside it).
    static func catalogURL() throws -> URL {
        // Bundle.main knows the real executable even when `ssml` was found through PATH.
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        guard let url = VoiceCatalog.locate(executable: executable, environment: ProcessInfo.processInfo.environment) else {
            throw SSMLError(.io, "cannot find the voice catalog (Voices/catalog.json); set SSML_VOICES to its path or run `make install`")
        }
        return url
    }

    /// The dialect `Dialects/<name>.json`, found like the voice catalog (`$SSML_DIALECTS` overrides).
    static func dialect(_ name: String) throws -> Dialect {
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        guard let url = Dialect.locate(name, executable: executable, environment: ProcessInfo.processInfo.environment) else {
            throw SSMLError(.io, "cannot find the dialect Dialects/\(name).json; set SSML_DIALECTS to its folder or run `make install`")
        }
        return try Dialect.load(from: url)
    }

    /// Reads a path, or standard input for `-`, up to the input limit, decoded as its encoding declares.
    static func read(_ path: String, limits: Limits = .standard) throws -> InputReader.Input {
        try InputReader(limit: limits.maxInputBytes).read(path)
    }

    /// Writes a report file atomically (temp + rename), or to standard output for `-`.
    static func writeAtomically(_ data: Data, to path: String) throws {
        if path == "-" {
            FileHandle.standardOutput.write(data)
            return
        }
        switch try RenderOutput.resolve(path) {
        case .file(let url):
            do { try data.write(to: url, options: .atomic) } catch {
                throw SSMLError(.io, "cannot write \(path): \(error.localizedDescription)")
            }
        case .stream(let device):
            guard let handle = FileHandle(forWritingAtPath: device ?? path) else { throw SSMLError(.io, "cannot open \(path)") }
            try handle.write(contentsOf: data)
        case .directory(let url):
            throw SSMLError(.usage, "\(url.path) is a directory")
        }
    }

    static func printDiagnostics(_ log: DiagnosticLog, quiet: Bool) {
        for diagnostic in log.diagnostics where !quiet || diagnostic.severity != .note {
            FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
        }
    }

    /// Prints an error the way compilers do and exits non-zero.
    static func fail(_ error: any Error) -> Never {
        var known = error as? SSMLError
        if known?.kind == .nothingToSay { known?.message += " (pass --allow-empty to accept an empty output)" }
        FileHandle.standardError.write(Data(((known?.description ?? "error: \(error)") + "\n").utf8))
        Foundation.exit(known?.kind == .usage ? 64 : 1)
    }
}
