import Foundation
import SSMLCore

/// Reads a job's input: a file, or standard input for `-`, as UTF-8 text; a byte that is not UTF-8 is an error at
/// its line and column.
public enum InputFile {
    public static func read(_ path: String) throws -> (text: String, name: String, directory: URL) {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
            return (try decode(data, name: "<stdin>"), "<stdin>", URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        }
        let url = URL(fileURLWithPath: path)
        if let status = Posix.status(url.path), status.st_mode & S_IFMT == S_IFDIR {
            throw SSMLError(.io, "cannot read \(path): it is a directory", setting: .input)
        }
        do { data = try Data(contentsOf: url) } catch {
            throw SSMLError(.io, "cannot read \(path): \(Posix.reason())", setting: .input)
        }
        return (try decode(data, name: path), path, url.deletingLastPathComponent())
    }

    /// The file as a job's input; `kind` nil tells SSML from NCCO by the content.
    public static func jobInput(_ path: String, kind: JobInput.Kind? = nil) throws -> JobInput {
        let source = try read(path)
        return JobInput(kind: kind ?? JobInput.kind(of: source.text), text: source.text, name: source.name, baseDirectory: source.directory.path)
    }

    static func decode(_ data: Data, name: String) throws -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            let bad = firstInvalidByte(data)
            throw SSMLError(
                .io, "\(name) is not UTF-8 text (the byte 0x\(String(bad.value, radix: 16, uppercase: true)) here cannot start a UTF-8 character; save the file as UTF-8)",
                at: SourceLocation(file: name, line: bad.line, column: bad.column))
        }
        return text
    }

    /// The first byte that breaks UTF-8, and its line and column (columns count characters before it).
    static func firstInvalidByte(_ data: Data) -> (value: UInt8, line: Int, column: Int) {
        let bytes = [UInt8](data)
        var index = 0, line = 1, column = 1
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            let valid = length > 0 && index + length <= bytes.count
                && bytes[index + 1 ..< index + length].allSatisfy { $0 >> 6 == 0b10 }
                && String(bytes: bytes[index ..< index + length], encoding: .utf8) != nil
            if !valid { return (byte, line, column) }
            if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
            index += length
        }
        return (0, line, column)
    }
}
