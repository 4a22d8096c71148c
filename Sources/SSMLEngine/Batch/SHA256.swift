import Crypto
import Foundation

/// SHA-256, for the batch cache keys and the output manifest's file hashes: swift-crypto's (BoringSSL, which uses
/// the CPU's SHA instructions where it has them), behind the few calls the batch makes.
///
/// The batch hashes every file it writes; a SHA-256 of our own cost 4 % of a batch's CPU time, about five times
/// what BoringSSL's takes with SHA-NI. swift-crypto is in the build already (the Vonage twin's JWT check).
///
/// ```swift
/// var hash = SHA256()
/// hash.update("abc")
/// hash.finalize().hex  // "ba7816bf…"
/// ```
public struct SHA256: Sendable {
    private var inner = Crypto.SHA256()

    public init() {}

    /// A finished hash: 32 bytes.
    public struct Digest: Sendable, Hashable, CustomStringConvertible {
        public let bytes: [UInt8]
        /// Lower-case hexadecimal, as `sha256sum` prints it.
        public var hex: String {
            let digits = Array("0123456789abcdef".utf8)
            var text = [UInt8]()
            text.reserveCapacity(64)
            for byte in bytes {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 15)])
            }
            return String(decoding: text, as: UTF8.self)
        }

        public var description: String { hex }

        /// The first eight bytes as a number (big-endian): for shard assignment.
        public var prefix64: UInt64 { bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) } }
    }

    public mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        inner.update(bufferPointer: bytes)
    }

    public mutating func finalize() -> Digest {
        Digest(bytes: Array(inner.finalize()))
    }

    /// The hash of `text`'s UTF-8 bytes.
    public static func hash(_ text: String) -> Digest {
        var hash = SHA256()
        hash.update(text)
        return hash.finalize()
    }

    public static func hash(_ data: Data) -> Digest {
        var hash = SHA256()
        hash.update(data)
        return hash.finalize()
    }

    /// The hash of a file's bytes, read in 64 KiB pieces (never the whole file in memory; a buffer malloc reuses).
    public static func hash(fileAt path: String) throws -> (digest: Digest, bytes: Int) {
        let fd = try Posix.openForReadingOrThrow(path)
        defer { Posix.close(fd) }
        var hash = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let count = try Posix.read(fd, into: buffer, what: path)
            if count == 0 { break }
            total += count
            hash.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
        return (hash.finalize(), total)
    }
}
