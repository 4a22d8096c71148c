import Foundation
import SSMLCore

/// Makes an Ogg file reproducible: libsndfile picks each logical stream's serial number from the clock
/// (`psf_rand_int32`, seeded by `gettimeofday`) and offers no way to set it, so the same render gave
/// different bytes on every run. This pass replaces every page's serial by one derived from the content
/// (a hash of the pages with their serial and checksum fields blanked) and recomputes each page's CRC.
/// libsndfile stays the writer; the audio is untouched.
enum OggSerial {
    /// The RFC 3533 page header: "OggS", version, type, granule (8), serial (4), sequence (4), CRC (4),
    /// segment count, then the segment table.
    static let headerLength = 27

    /// Rewrites the complete Ogg file open as `descriptor` in place (same length); the position ends at its end.
    static func normalize(descriptor: Int32, name: String) throws {
        let size = Int(try Posix.status(descriptor).st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        try Posix.seek(descriptor, to: 0)
        var filled = 0
        while filled < size {
            let count = try bytes.withUnsafeMutableBytes {
                try Posix.read(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]), what: name)
            }
            guard count > 0 else { throw SSMLError(.io, "cannot read back \(name): it ended early") }
            filled += count
        }
        try normalize(&bytes)
        try Posix.seek(descriptor, to: 0)
        try bytes.withUnsafeBytes { try Posix.write(descriptor, $0, what: name) }
    }

    /// Rewrites the serial numbers and CRCs of `bytes`, a sequence of Ogg pages.
    static func normalize(_ bytes: inout [UInt8]) throws {
        let pages = try pageRanges(bytes)
        // FNV-1a over every page with serial and CRC blanked: the same content gives the same serials.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for page in pages {
            for index in page where !(14..<18).contains(index - page.lowerBound) && !(22..<26).contains(index - page.lowerBound) {
                hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3
            }
        }
        var serials: [UInt32: UInt32] = [:]
        for page in pages {
            let start = page.lowerBound
            let old = readLE(bytes, at: start + 14)
            let new =
                serials[old]
                ?? {
                    // Each logical stream keeps a distinct serial, numbered in order of appearance.
                    let value = UInt32(truncatingIfNeeded: hash >> 32 ^ hash) &+ UInt32(serials.count)
                    serials[old] = value
                    return value
                }()
            writeLE(new, into: &bytes, at: start + 14)
            writeLE(0, into: &bytes, at: start + 22)
            writeLE(crc(bytes[page]), into: &bytes, at: start + 22)
        }
    }

    /// The byte range of each page, checked: every page starts with "OggS" and the pages cover the file.
    static func pageRanges(_ bytes: [UInt8]) throws -> [Range<Int>] {
        var pages: [Range<Int>] = []
        var start = 0
        while start < bytes.count {
            guard start + headerLength <= bytes.count, bytes[start..<start + 4].elementsEqual("OggS".utf8) else {
                throw SSMLError(.io, "the Ogg writer left a malformed page at byte \(start)")
            }
            let segments = Int(bytes[start + 26])
            guard start + headerLength + segments <= bytes.count else { throw SSMLError(.io, "the Ogg writer left a truncated page at byte \(start)") }
            let body = bytes[(start + headerLength)..<(start + headerLength + segments)].reduce(0) { $0 + Int($1) }
            let end = start + headerLength + segments + body
            guard end <= bytes.count else { throw SSMLError(.io, "the Ogg writer left a truncated page at byte \(start)") }
            pages.append(start..<end)
            start = end
        }
        return pages
    }

    /// Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, no final XOR.
    static func crc(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var value: UInt32 = 0
        for byte in bytes { value = (value << 8) ^ table[Int((value >> 24) ^ UInt32(byte))] }
        return value
    }

    private static let table: [UInt32] = (0..<256).map { index in
        var r = UInt32(index) << 24
        for _ in 0..<8 { r = r & 0x8000_0000 != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1 }
        return r
    }

    static func readLE(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    private static func writeLE(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
        for k in 0..<4 { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
    }
}
