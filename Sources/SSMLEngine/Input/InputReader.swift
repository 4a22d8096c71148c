import Foundation
import SSMLCore

/// Reads an input (a file, or standard input for `-`) up to a byte limit and decodes it.
///
/// Reading stops at the limit: a 3 GB stream costs the limit in memory and time, never more, and the
/// error names the limit. A regular file larger than the limit is refused before a byte is read.
public struct InputReader: Sendable {
    /// An input, read and decoded.
    public struct Input: Sendable {
        /// The decoded text (without a byte order mark); every location refers to it.
        public var text: String
        /// The name in messages: the path as given, or `<stdin>`.
        public var name: String
        /// Where relative paths inside the input are looked up (the file's folder, or the working directory).
        public var directory: URL
        /// The bytes as read (fed again to a worker that reads the same standard input).
        public var bytes: [UInt8]
        public var encoding: TextEncoding
    }

    /// The most bytes read from one input.
    public var limit: Int

    public init(limit: Int = Limits.standard.maxInputBytes) {
        self.limit = limit
    }

    /// Reads `path`, or standard input for `-`.
    public func read(_ path: String) throws -> Input {
        if path == "-" {
            let bytes = try readAll(STDIN_FILENO, name: "<stdin>", path: "standard input")
            return try decode(bytes, name: "<stdin>", directory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        }
        guard let descriptor = Posix.openForReading(path) else { throw Self.failure(path, errno: errno) }
        defer { Posix.close(descriptor) }
        let status = try Posix.status(descriptor)
        if status.st_mode & S_IFMT == S_IFDIR {
            throw SSMLError(.io, "cannot read \(path): it is a directory (name a file, or - for standard input)", at: SourceLocation(file: path, line: 1, column: 1))
        }
        if status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) > limit {
            throw tooLarge(path, size: Int(status.st_size))
        }
        let bytes = try readAll(descriptor, name: path, path: path)
        return try decode(bytes, name: path, directory: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    /// Decodes bytes that came some other way (an HTTP body), within the same limit.
    public func decode(_ bytes: [UInt8], name: String, directory: URL) throws -> Input {
        guard bytes.count <= limit else { throw tooLarge(name, size: bytes.count) }
        let (text, encoding) = try InputDecoder.decode(bytes, name: name)
        return Input(text: text, name: name, directory: directory, bytes: bytes, encoding: encoding)
    }

    /// Reads until end of file, or throws as soon as more than `limit` bytes have arrived.
    private func readAll(_ descriptor: Int32, name: String, path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        let chunk = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            // Never ask for more than one byte past the limit: that byte is enough to know.
            let wanted = min(chunk, limit + 1 - bytes.count)
            let count = try buffer.withUnsafeMutableBytes { try Posix.read(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<wanted]), what: path) }
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > limit { throw tooLarge(name, size: nil) }
        }
    }

    private func tooLarge(_ name: String, size: Int?) -> SSMLError {
        let what = size.map { "is \(Self.bytes($0))" } ?? "is larger than that (reading stopped there)"
        return SSMLError(
            .limitExceeded, "the input is limited to \(Self.bytes(limit)); \(name) \(what)",
            at: SourceLocation(file: name, line: 1, column: 1))
    }

    /// `8 MiB (8388608 bytes)`.
    static func bytes(_ count: Int) -> String {
        let mebibytes = Double(count) / 1_048_576
        if mebibytes >= 1 {
            let shown = mebibytes == mebibytes.rounded() ? String(Int(mebibytes)) : String(format: "%.1f", mebibytes)
            return "\(shown) MiB (\(count) bytes)"
        }
        return "\(count) bytes"
    }

    private static func failure(_ path: String, errno code: Int32) -> SSMLError {
        let reason: String
        switch code {
        case ENOENT: reason = "no such file"
        case EACCES, EPERM: reason = "permission denied"
        case EISDIR: reason = "it is a directory (name a file, or - for standard input)"
        case ENOTDIR: reason = "a part of the path is not a directory"
        default: reason = Posix.reason(code)
        }
        return SSMLError(.io, "cannot read \(path): \(reason)", at: SourceLocation(file: path, line: 1, column: 1))
    }
}
