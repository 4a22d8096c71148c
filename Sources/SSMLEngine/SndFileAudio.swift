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

/// Sample encodings of the output file.
public enum OutputEncoding: String, Sendable, CaseIterable {
    case pcm16, mulaw, alaw

    /// G.711 is defined at 8 kHz only.
    public var requiresTelephonyRate: Bool { self != .pcm16 }
}

/// Writes a mono WAV through libsndfile into a temporary file beside the target; ``commit()`` renames
/// it into place, so the target appears whole or not at all and a failed render never clobbers it.
/// The corresponding C functions are `sf_open`, `sf_write_float` and `sf_close`.
public final class WAVFileWriter: AudioSink {
    public let destination: URL
    private let temporary: URL
    private var handle: OpaquePointer?

    public init(destination: URL, sampleRate: Int, encoding: OutputEncoding) throws {
        self.destination = destination
        let directory = destination.deletingLastPathComponent()
        temporary = directory.appendingPathComponent(".\(destination.lastPathComponent).\(getpid()).tmp")
        let subtype: Int32 = switch encoding {
        case .pcm16: Int32(SF_FORMAT_PCM_16)
        case .mulaw: Int32(SF_FORMAT_ULAW)
        case .alaw: Int32(SF_FORMAT_ALAW)
        }
        var info = SF_INFO(frames: 0, samplerate: Int32(sampleRate), channels: 1, format: Int32(SF_FORMAT_WAV) | subtype, sections: 0, seekable: 0)
        guard let handle = sf_open(temporary.path, Int32(SFM_WRITE), &info) else {
            throw SSMLError(.io, "cannot write \(destination.path): \(String(cString: sf_strerror(nil)))")
        }
        self.handle = handle
        // Clip instead of wrapping around if a sample ever reaches full scale.
        sf_command(handle, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
    }

    deinit { abandon() }

    public func write(_ samples: [Float]) throws {
        guard let handle else { throw SSMLError(.io, "the output file is already closed") }
        let written = samples.withUnsafeBufferPointer { sf_write_float(handle, $0.baseAddress, sf_count_t($0.count)) }
        guard written == samples.count else {
            throw SSMLError(.io, "writing \(destination.path) failed: \(String(cString: sf_strerror(handle)))")
        }
    }

    /// Closes the file and moves it into place.
    public func commit() throws {
        guard let handle else { return }
        self.handle = nil
        guard sf_close(handle) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw SSMLError(.io, "closing \(destination.path) failed")
        }
        guard rename(temporary.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
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
    }
}
