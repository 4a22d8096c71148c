import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

@main
struct SSMLCommand: ParsableCommand {
    static func main() {
        // A closed standard output must be a write error we report and clean up after, not a silent death.
        signal(SIGPIPE, SIG_IGN)
        // The commands that start with `Engine.standard()` have it prepared while their arguments are parsed.
        if let name = CommandLine.arguments.dropFirst().first, warmCommands.contains(name) { WarmStart.begin() }
        do {
            var command = try parseAsRoot()
            // `serve` handles its signals itself: SIGTERM drains the requests in flight instead of exiting at once.
            if !(command is Serve) { Interruption.install() }
            try command.run()
            WarmStart.finish()
        } catch {
            WarmStart.finish()
            exit(withError: error)
        }
    }

    private static let warmCommands: Set<String> = ["render", "ncco", "test", "call"]

    static let configuration = CommandConfiguration(
        commandName: "ssml",
        abstract: "Render SSML (seven.io, Vonage, W3C) to telephony audio, locally.",
        subcommands: [
            Render.self, Ncco.self, Call.self, Text.self, Lint.self, Voices.self, Info.self, CheckAsset.self, Test.self, Diff.self, Batch.self,
            Serve.self,
        ])
}

/// Shared plumbing for subcommands: the data files, reading input, printing diagnostics and errors.
enum CommandSupport {
    /// The data folders (voice catalog, Vonage styles, dialects), found once per run.
    static func data() throws -> DataFiles { try WarmStart.dataFiles() ?? DataFiles.locate() }

    static func catalog() throws -> VoiceCatalog { try data().catalog() }

    static func dialect(_ name: String) throws -> Dialect { try data().dialect(name) }

    /// Reads a path, or standard input for `-`, as a job's input; `kind` nil tells SSML from NCCO by the content.
    static func read(_ path: String, kind: JobInput.Kind? = nil) throws -> JobInput {
        try InputFile.jobInput(path, kind: kind)
    }

    /// Reads a path, or standard input for `-`, up to the input limit, decoded as its encoding declares.
    static func read(_ path: String) throws -> InputReader.Input {
        try InputFile.read(path)
    }

    /// Writes a report file atomically, or to standard output for `-`; errors name `option`.
    static func writeAtomically(_ data: Data, to path: String, option: String = "-o") throws {
        do { try ReportFile.write(data, to: path, setting: nil) } catch var error as SSMLError {
            error.message = "\(option): \(error.message)"
            throw error
        }
    }

    /// Checks a destination named by `option` before any work.
    static func checkDestination(_ path: String, option: String) throws {
        do { _ = try JobDestination.resolve(path, setting: nil) } catch var error as SSMLError {
            error.message = "\(option): \(error.message)"
            throw error
        }
    }

    static func printDiagnostics(_ log: DiagnosticLog, quiet: Bool) {
        for diagnostic in log.diagnostics where !quiet || diagnostic.severity != .note {
            printLine(diagnostic.description)
        }
    }

    /// One line on standard error.
    static func printLine(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints an error the way compilers do and exits non-zero (64 for usage errors).
    static func fail(_ error: any Error) -> Never {
        let known = error as? SSMLError
        printLine(known.map(FlagNames.describe) ?? "error: \(error)")
        Foundation.exit(known?.kind == .usage ? 64 : 1)
    }
}
