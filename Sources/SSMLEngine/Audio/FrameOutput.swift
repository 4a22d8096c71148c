import Foundation
import SSMLCore

/// Fixed-length frames of headerless audio, as a websocket sends them (Vonage: 20 ms of audio/l16 per message).
public struct FrameLayout: Sendable, Equatable {
    public let samplesPerFrame: Int
    public let bytesPerFrame: Int
    public let milliseconds: Int

    /// 20 ms at 8000 Hz PCM16 is 160 samples, 320 bytes; at 16000 Hz 320 samples, 640 bytes; G.711 is 1 byte a sample.
    public init?(sampleRate: Int, encoding: OutputEncoding, milliseconds: Int = 20) {
        guard milliseconds > 0, (sampleRate * milliseconds) % 1000 == 0 else { return nil }
        self.milliseconds = milliseconds
        samplesPerFrame = sampleRate * milliseconds / 1000
        bytesPerFrame = samplesPerFrame * (encoding == .pcm16 ? 2 : 1)
    }
}

/// What a frames output wrote.
public struct FrameReport: Sendable, Equatable {
    public var frames: Int
    /// Silent samples added to fill the last frame.
    public var paddingSamples: Int
}

/// Passes samples on and, at ``finish()``, adds silence up to a whole number of frames. The silence goes
/// through the encoder, so it is the encoding's own zero (0xFF in mu-law, 0xD5 in A-law, 0x0000 in PCM16).
final class FramePaddingSink: AudioSink {
    private let next: any AudioSink
    private let frame: Int
    private(set) var count = 0

    init(next: any AudioSink, samplesPerFrame: Int) {
        self.next = next
        frame = samplesPerFrame
    }

    func write(_ samples: [Float]) throws {
        count += samples.count
        try next.write(samples)
    }

    func finish() throws -> FrameReport {
        let padding = (frame - count % frame) % frame
        if padding > 0 { try next.write([Float](repeating: 0, count: padding)) }
        return FrameReport(frames: (count + padding) / frame, paddingSamples: padding)
    }
}

/// Cuts an encoded raw stream into a new directory of frame files, `frame-000001.raw`, `frame-000002.raw`, …
/// (six digits hold the 4-hour output limit: 720,000 frames).
///
/// The directory is filled under a temporary name beside its destination and renamed into place whole, so it
/// appears complete or not at all; the temporary name carries this process's id, so what a killed process left
/// is swept by the next write there.
enum FrameDirectory {
    static func write(_ stream: ScratchFile, layout: FrameLayout, to target: URL) throws -> Int {
        AtomicFile.sweep(folder: target.deletingLastPathComponent().path, stem: target.lastPathComponent)
        let staging = AtomicFile.temporaryName(for: target)
        guard mkdir(staging, 0o777) == 0 else { throw Posix.failure("cannot create \(staging)") }
        Interruption.register(staging)
        defer {
            try? FileManager.default.removeItem(atPath: staging)
            Interruption.unregister(staging)
        }
        try stream.rewind()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: layout.bytesPerFrame, alignment: 8)
        defer { buffer.deallocate() }
        var index = 0
        while true {
            var filled = 0
            while filled < layout.bytesPerFrame {
                let count = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                if count == 0 { break }
                filled += count
            }
            if filled == 0 { break }
            index += 1
            let name = "frame-" + String(repeating: "0", count: max(0, 6 - String(index).count)) + String(index) + ".raw"
            let path = (staging as NSString).appendingPathComponent(name)
            let fd = try Posix.createExclusive(path, mode: 0o666 & ~Posix.creationMask)
            defer { Posix.close(fd) }
            try Posix.write(fd, UnsafeRawBufferPointer(rebasing: buffer[..<filled]), what: path)
        }
        try Posix.rename(staging, to: target.path)
        return index
    }
}
