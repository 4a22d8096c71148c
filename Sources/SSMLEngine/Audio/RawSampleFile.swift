import Foundation
import SSMLCore

/// Rendered samples as raw 32-bit floats in native byte order: how a render worker hands its part to
/// the parent process, losslessly.
public final class RawSampleWriter: AudioSink {
    private let handle: FileHandle

    public init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw SSMLError(.io, "cannot write \(path)")
        }
        self.handle = handle
    }

    public func write(_ samples: [Float]) throws {
        try handle.write(contentsOf: samples.withUnsafeBytes { Data($0) })
    }

    public func close() throws { try handle.close() }
}

/// Reads a ``RawSampleWriter`` file back in chunks.
public enum RawSampleReader {
    /// Passes the file's samples to `body`, 64k at a time.
    public static func forEachChunk(path: String, _ body: ([Float]) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SSMLError(.io, "cannot read \(path)") }
        defer { try? handle.close() }
        while let data = try handle.read(upToCount: 1 << 18), !data.isEmpty {
            let samples = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            try body(samples)
        }
    }
}
