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

/// What ``RenderOutput/writeFrames(sampleRate:encoding:layout:_:)`` wrote.
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

extension RenderOutput {
    /// Writes headerless audio cut into frames of `layout`, the last one padded with silence.
    ///
    /// A file or standard output receives one raw stream whose length is a whole number of frames. A
    /// ``directory(_:)`` receives one file per frame, `frame-000001.raw`, `frame-000002.raw`, … (six digits
    /// hold the 4-hour output limit: 720,000 frames); the directory is filled beside its destination and
    /// renamed into place whole, so it appears complete or not at all.
    public func writeFrames(
        sampleRate: Int, encoding: OutputEncoding, layout: FrameLayout, _ render: (any AudioSink) throws -> Void
    ) throws -> FrameReport {
        var report: FrameReport?
        let padded: (any AudioSink) throws -> Void = { sink in
            let padder = FramePaddingSink(next: sink, samplesPerFrame: layout.samplesPerFrame)
            try render(padder)
            report = try padder.finish()
        }
        guard case .directory(let target) = self else {
            try write(sampleRate: sampleRate, format: .raw, encoding: encoding, padded)
            return report ?? FrameReport(frames: 0, paddingSamples: 0)
        }
        let stream = FileManager.default.temporaryDirectory.appendingPathComponent("ssml-frames-\(getpid())-\(UUID().uuidString).raw")
        Interruption.register(stream.path)
        defer {
            unlink(stream.path)
            Interruption.unregister(stream.path)
        }
        try RenderOutput.file(stream).write(sampleRate: sampleRate, format: .raw, encoding: encoding, padded)
        let staging = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(getpid()).tmp")
        Interruption.register(staging.path)
        defer {
            try? FileManager.default.removeItem(at: staging)
            Interruption.unregister(staging.path)
        }
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw SSMLError(.io, "cannot create \(staging.path): \(error.localizedDescription)")
        }
        guard let source = FileHandle(forReadingAtPath: stream.path) else { throw SSMLError(.io, "cannot read \(stream.path)") }
        defer { try? source.close() }
        var index = 0
        while let frame = try source.read(upToCount: layout.bytesPerFrame), !frame.isEmpty {
            index += 1
            let name = "frame-" + String(repeating: "0", count: max(0, 6 - String(index).count)) + String(index) + ".raw"
            guard FileManager.default.createFile(atPath: staging.appendingPathComponent(name).path, contents: frame) else {
                throw SSMLError(.io, "cannot write \(staging.appendingPathComponent(name).path)")
            }
        }
        guard rename(staging.path, target.path) == 0 else {
            throw SSMLError(.io, "cannot move the frames into \(target.path): \(String(cString: strerror(errno)))")
        }
        return report ?? FrameReport(frames: index, paddingSamples: 0)
    }
}
