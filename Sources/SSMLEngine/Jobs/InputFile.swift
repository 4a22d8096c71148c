import Foundation
import SSMLCore

/// Reads a job's input: a file, or standard input for `-`, up to the input limit and decoded as its encoding
/// declares (see ``InputReader``); a byte that cannot be decoded is an error at its line and column.
public enum InputFile {
    public static func read(_ path: String, limits: Limits = .standard) throws -> InputReader.Input {
        try InputReader(limit: limits.maxInputBytes).read(path)
    }

    /// The file as a job's input; `kind` nil tells SSML from NCCO by the content.
    public static func jobInput(_ path: String, kind: JobInput.Kind? = nil, limits: Limits = .standard) throws -> JobInput {
        let source = try read(path, limits: limits)
        return JobInput(kind: kind ?? JobInput.kind(of: source.text), text: source.text, name: source.name, baseDirectory: source.directory.path)
    }
}
