internal import CSndFile
import Foundation
import SSMLCore

/// Decodes audio files with libsndfile: WAV, FLAC, Ogg/Vorbis, Opus, MP3 and more, any rate and channel count.
public struct SndFileDecoder: AudioDecoder {
    public init() {}

    public func open(_ url: URL) throws -> any AudioSource { try SndFileSource(url: url) }
}

/// An open file, read as mono floats. The corresponding C functions are `sf_open`, `sf_readf_float`, `sf_seek`.
final class SndFileSource: AudioSource {
    private let handle: OpaquePointer
    private let channels: Int
    let sampleRate: Double
    let frameCount: Int

    init(url: URL) throws {
        var info = SF_INFO()
        guard let handle = sf_open(url.path, Int32(SFM_READ), &info) else {
            let reason = String(cString: sf_strerror(nil))
            throw SSMLError(.audioSource, "cannot decode \(url.lastPathComponent): \(reason)")
        }
        guard info.channels > 0, info.samplerate > 0 else {
            sf_close(handle)
            throw SSMLError(.audioSource, "\(url.lastPathComponent) has no channels or no sample rate")
        }
        self.handle = handle
        self.channels = Int(info.channels)
        self.sampleRate = Double(info.samplerate)
        // MP3 reports frames = 0 or an estimate until read; treat unknown lengths as "read to the end".
        self.frameCount = info.frames > 0 ? Int(info.frames) : 0
    }

    deinit { sf_close(handle) }

    func seek(to frame: Int) throws {
        if sf_seek(handle, sf_count_t(frame), SEEK_SET) < 0 {
            throw SSMLError(.audioSource, "cannot seek to frame \(frame): \(String(cString: sf_strerror(handle)))")
        }
    }

    func read(maxFrames: Int) throws -> [Float] {
        var interleaved = [Float](repeating: 0, count: maxFrames * channels)
        let got = Int(interleaved.withUnsafeMutableBufferPointer { sf_readf_float(handle, $0.baseAddress, sf_count_t(maxFrames)) })
        if got == 0, sf_error(handle) != 0 {
            throw SSMLError(.audioSource, "decoding failed: \(String(cString: sf_strerror(handle)))")
        }
        if channels == 1 { return Array(interleaved[..<got]) }
        let scale = 1 / Float(channels)
        return (0..<got).map { frame in
            var sum: Float = 0
            for channel in 0..<channels { sum += interleaved[frame * channels + channel] }
            return sum * scale
        }
    }
}

/// Sample encodings of PCM-style outputs.
public enum OutputEncoding: String, Sendable, CaseIterable {
    case pcm16, mulaw, alaw

    /// G.711 is defined at 8 kHz only.
    public var requiresTelephonyRate: Bool { self != .pcm16 }
}

/// File containers libsndfile writes for us.
public enum OutputFormat: String, Sendable, CaseIterable {
    case wav, flac, ogg, mp3
    /// Headerless samples (16-bit little-endian for pcm16).
    case raw

    /// Whether the container carries `encoding` (compressed containers choose their own).
    public func supports(_ encoding: OutputEncoding) -> Bool {
        switch self {
        case .wav, .raw: true
        case .flac, .ogg, .mp3: encoding == .pcm16
        }
    }
}

/// Writes audio through libsndfile into a temporary file beside the target; ``commit()`` renames it into
/// place, so the target appears whole or not at all and a failed render never clobbers it.
/// The corresponding C functions are `sf_open`, `sf_write_float` and `sf_close`.
public final class AudioFileWriter: AudioSink {
    public let destination: URL
    private let temporary: URL
    private let channels: Int
    private var handle: OpaquePointer?

    /// - Parameter channels: samples passed to ``write(_:)`` are interleaved when above 1.
    public init(destination: URL, sampleRate: Int, format: OutputFormat = .wav, encoding: OutputEncoding = .pcm16, channels: Int = 1) throws {
        guard format.supports(encoding) else {
            throw SSMLError(.usage, "\(format.rawValue) files cannot hold \(encoding.rawValue) samples")
        }
        self.destination = destination
        self.channels = channels
        let directory = destination.deletingLastPathComponent()
        temporary = directory.appendingPathComponent(".\(destination.lastPathComponent).\(getpid()).tmp")
        let major: Int32 = switch format {
        case .wav: Int32(SF_FORMAT_WAV)
        case .flac: Int32(SF_FORMAT_FLAC)
        case .ogg: Int32(SF_FORMAT_OGG)
        case .mp3: Int32(SF_FORMAT_MPEG)
        case .raw: Int32(SF_FORMAT_RAW) | Int32(SF_ENDIAN_LITTLE)
        }
        let subtype: Int32 = switch (format, encoding) {
        case (.ogg, _): Int32(SF_FORMAT_VORBIS)
        case (.mp3, _): Int32(SF_FORMAT_MPEG_LAYER_III)
        case (_, .pcm16): Int32(SF_FORMAT_PCM_16)
        case (_, .mulaw): Int32(SF_FORMAT_ULAW)
        case (_, .alaw): Int32(SF_FORMAT_ALAW)
        }
        var info = SF_INFO(frames: 0, samplerate: Int32(sampleRate), channels: Int32(channels), format: major | subtype, sections: 0, seekable: 0)
        Interruption.register(temporary.path)
        guard sf_format_check(&info) == SF_TRUE, let handle = sf_open(temporary.path, Int32(SFM_WRITE), &info) else {
            Interruption.unregister(temporary.path)
            throw SSMLError(.io, "cannot write \(destination.path) as \(format.rawValue) at \(sampleRate) Hz: \(String(cString: sf_strerror(nil)))")
        }
        self.handle = handle
        // Clip instead of wrapping around if a sample ever reaches full scale.
        sf_command(handle, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
    }

    deinit { abandon() }

    public func write(_ samples: [Float]) throws {
        guard let handle else { throw SSMLError(.io, "the output file is already closed") }
        let frames = samples.count / channels
        let written = samples.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(frames)) }
        guard written == frames else {
            throw SSMLError(.io, "writing \(destination.path) failed: \(String(cString: sf_strerror(handle)))")
        }
    }

    /// Closes the file and moves it into place.
    public func commit() throws {
        guard let handle else { return }
        self.handle = nil
        defer { Interruption.unregister(temporary.path) }
        guard sf_close(handle) == 0 else {
            unlink(temporary.path)
            throw SSMLError(.io, "closing \(destination.path) failed")
        }
        guard rename(temporary.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw SSMLError(.io, "cannot move the output into \(destination.path): \(reason)")
        }
    }

    /// Drops the temporary file; the destination is untouched.
    public func abandon() {
        if let handle {
            sf_close(handle)
            self.handle = nil
        }
        unlink(temporary.path)
        Interruption.unregister(temporary.path)
    }
}
