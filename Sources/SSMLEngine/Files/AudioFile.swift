import Foundation
import SSMLCore

/// Audio files written whole or not at all: an ``AudioFileWriter`` on an ``AtomicFile``.
public enum AudioFile {
    /// Encodes what `body` writes into the file at `url`, which appears only if `body` succeeds.
    public static func write(
        to url: URL, sampleRate: Int, format: OutputFormat = .wav, encoding: OutputEncoding = .pcm16, channels: Int = 1, bitrate: Int? = nil,
        force: Bool = false, _ body: (AudioFileWriter) throws -> Void
    ) throws {
        let file = try AtomicFile(url, force: force)
        do {
            let writer = try AudioFileWriter(
                descriptor: file.descriptor, name: url.path, sampleRate: sampleRate, format: format, encoding: encoding, channels: channels, bitrate: bitrate)
            try body(writer)
            try writer.finish()
            try file.commit()
        } catch {
            file.abandon()
            throw error
        }
    }

    /// Writes `samples` (interleaved when `channels` is above 1) to `url`.
    public static func write(_ samples: [Float], to url: URL, sampleRate: Int, format: OutputFormat = .wav, encoding: OutputEncoding = .pcm16, channels: Int = 1) throws {
        try write(to: url, sampleRate: sampleRate, format: format, encoding: encoding, channels: channels) { try $0.write(samples) }
    }
}
