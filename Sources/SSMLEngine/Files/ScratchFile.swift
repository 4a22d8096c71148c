import Foundation
import SSMLCore

#if canImport(Glibc)
    import Glibc
#endif

/// A temporary file that never has a name: made unnamed (`O_TMPFILE`) in the temporary folder, or created and
/// unlinked at once where that is not possible, so nothing is left behind even when the process is killed.
///
/// Used for what a render stages on its way: raw samples for the loudness passes, a part rendered ahead, a whole
/// file sent to a pipe after it is complete.
public final class ScratchFile {
    public let descriptor: Int32
    /// For messages: what the file holds.
    public let purpose: String

    public init(purpose: String, in folder: URL = FileManager.default.temporaryDirectory) throws {
        self.purpose = purpose
        if let fd = Posix.openUnnamed(in: folder.path) {
            descriptor = fd
            return
        }
        let path = folder.appendingPathComponent(".ssml-scratch-\(getpid())-\(UInt64.random(in: 0...UInt64.max))").path
        descriptor = try Posix.createExclusive(path)
        unlink(path)
    }

    /// A scratch file in memory (an audio file that is to end up in memory anyway): no file system work to create,
    /// write and free it. In the temporary folder when the kernel cannot make one.
    public convenience init(inMemory purpose: String) throws {
        if let fd = Posix.openMemory(name: "ssml-scratch") {
            self.init(descriptor: fd, purpose: purpose)
        } else {
            try self.init(purpose: purpose)
        }
    }

    private init(descriptor: Int32, purpose: String) {
        self.descriptor = descriptor
        self.purpose = purpose
    }

    deinit { Posix.close(descriptor) }

    /// Appends bytes at the current position.
    public func write(_ data: UnsafeRawBufferPointer) throws {
        do { try Posix.write(descriptor, data, what: purpose) } catch let error as SSMLError {
            throw SSMLError(.io, error.message + " (the temporary folder \(FileManager.default.temporaryDirectory.path) may be full)")
        }
    }

    /// Moves back to the start, to read what was written.
    public func rewind() throws { try Posix.seek(descriptor, to: 0) }

    /// Reads up to `buffer.count` bytes; 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try Posix.read(descriptor, into: buffer, what: purpose)
    }

    /// Copies everything from the start to `fd` (a pipe, a device, standard output).
    public func copy(to fd: Int32, name: String) throws {
        try rewind()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let count = try read(into: buffer)
            if count == 0 { break }
            try Posix.write(fd, UnsafeRawBufferPointer(rebasing: buffer[..<count]), what: name)
        }
    }
}

/// Raw float samples kept in a ``ScratchFile``: written once, read back in chunks any number of times.
public final class SampleScratch: AudioSink {
    let file: ScratchFile
    public private(set) var count = 0

    public init(purpose: String) throws { file = try ScratchFile(purpose: purpose) }

    public func write(_ samples: [Float]) throws {
        try samples.withUnsafeBytes { try file.write($0) }
        count += samples.count
    }

    /// Calls `body` with the samples in order, in chunks.
    public func forEachChunk(_ body: ([Float]) throws -> Void) throws {
        try file.rewind()
        var chunk = [Float](repeating: 0, count: 65536)
        var pending = 0
        while true {
            let read = try chunk.withUnsafeMutableBytes { bytes in
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[pending...]))
            }
            if read == 0 { break }
            pending += read
            let whole = pending / MemoryLayout<Float>.size
            if whole > 0 {
                try body(Array(chunk[..<whole]))
                let rest = pending - whole * MemoryLayout<Float>.size
                if rest > 0 {
                    chunk.withUnsafeMutableBytes { bytes in
                        bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[(whole * MemoryLayout<Float>.size)..<pending]))
                    }
                }
                pending = rest
            }
        }
    }
}
