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

/// Shared plumbing for subcommands: the data files, reading input, printing diagnostics and errors.
enum CommandSupport {
    /// The data folders (voice catalog, Vonage styles, dialects), found once per run.
    static func data() throws -> DataFiles { try DataFiles.locate() }

    static func catalog() throws -> VoiceCatalog { try data().catalog() }

    static func dialect(_ name: String) throws -> Dialect { try data().dialect(name) }

    /// Reads a path, or standard input for `-`, as a job's input; `kind` nil tells SSML from NCCO by the content.
    static func read(_ path: String, kind: JobInput.Kind? = nil) throws -> JobInput {
        let source = try read(path)
        return JobInput(kind: kind ?? JobInput.kind(of: source.text), text: source.text, name: source.name, baseDirectory: source.directory.path)
    }

    /// Reads a path, or standard input for `-`.
    static func read(_ path: String) throws -> (text: String, name: String, directory: URL) {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
            return (try decode(data, name: "<stdin>"), "<stdin>", URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        }
        let url = URL(fileURLWithPath: path)
        do { data = try Data(contentsOf: url) } catch {
            throw SSMLError(.io, "cannot read \(path): \(error.localizedDescription)")
        }
        return (try decode(data, name: path), path, url.deletingLastPathComponent())
    }

    private static func decode(_ data: Data, name: String) throws -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            throw SSMLError(.io, "\(name) is not UTF-8 text (the byte 0x\(String(firstInvalidByte(data).value, radix: 16, uppercase: true)) here cannot start a UTF-8 character; save the file as UTF-8)", at: firstInvalidByte(data).location(name))
        }
        return text
    }

    /// The first byte that breaks UTF-8, and its line and column (columns count characters before it).
    private static func firstInvalidByte(_ data: Data) -> (value: UInt8, location: (String) -> SourceLocation) {
        let bytes = [UInt8](data)
        var index = 0, line = 1, column = 1
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            let valid = length > 0 && index + length <= bytes.count
                && bytes[index + 1 ..< index + length].allSatisfy { $0 >> 6 == 0b10 }
                && String(bytes: bytes[index ..< index + length], encoding: .utf8) != nil
            if !valid {
                let (l, c) = (line, column)
                return (byte, { SourceLocation(file: $0, line: l, column: c) })
            }
            if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
            index += length
        }
        return (0, { SourceLocation(file: $0, line: line, column: column) })
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
