internal import CSndFile
import Foundation
import SSMLCore

/// Decodes audio files with libsndfile: WAV, FLAC, Ogg/Vorbis, Opus, MP3 and more, any rate and channel count.
public struct SndFileDecoder: AudioDecoder {
    public init() {}

    public func open(_ url: URL) throws -> any AudioSource { try SndFileSource(url: url) }
}

/// An open file, read as mono floats: ``AudioFileReader`` with its channels averaged.
final class SndFileSource: AudioSource {
    private let reader: AudioFileReader
    let sampleRate: Double
    let frameCount: Int

    init(url: URL) throws {
        // Headerless files have no rate to play them at: only `ssml info` guesses one.
        reader = try AudioFileReader(url: url, rawSampleRate: nil)
        sampleRate = Double(reader.sampleRate)
        frameCount = reader.frames
    }

    func seek(to frame: Int) throws { try reader.seek(to: frame) }

    func read(maxFrames: Int) throws -> [Float] {
        let interleaved = try reader.read(maxFrames: maxFrames)
        let channels = reader.channels
        if channels == 1 { return interleaved }
        let scale = 1 / Float(channels)
        return (0..<interleaved.count / channels).map { frame in
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

    /// The MPEG Layer III bit rates (kbit/s) legal at `sampleRate`: MPEG-1 from 32 kHz, MPEG-2 from 16 kHz, MPEG-2.5 below.
    public static func mp3Bitrates(sampleRate: Int) -> [Int] {
        if sampleRate >= 32000 { return [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320] }
        if sampleRate >= 16000 { return [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160] }
        return [8, 16, 24, 32, 40, 48, 56, 64]
    }

    static func mp3BitrateRange(sampleRate: Int) -> ClosedRange<Int> {
        let rates = mp3Bitrates(sampleRate: sampleRate)
        return rates[0]...rates[rates.count - 1]
    }

    /// Speech-sized constant bit rates: 16 kbit/s at 8 kHz, 32 at 16 kHz, 48 at 22.05/24 kHz, 64 above.
    public static func defaultMP3Bitrate(sampleRate: Int) -> Int {
        switch sampleRate {
        case ..<16000: 16
        case ..<22050: 32
        case ..<32000: 48
        default: 64
        }
    }

    /// Whether the container carries `encoding` (compressed containers choose their own).
    public func supports(_ encoding: OutputEncoding) -> Bool {
        switch self {
        case .wav, .raw: true
        case .flac, .ogg, .mp3: encoding == .pcm16
        }
    }
}

/// Encodes audio through libsndfile into an open file (an ``AtomicFile`` or ``ScratchFile`` descriptor), which
/// stays open after ``finish()`` so that it can be measured, committed or copied.
/// The corresponding C functions are `sf_open_fd`, `sf_write_float` and `sf_close`.
public final class AudioFileWriter: AudioSink {
    /// The output's name, for messages.
    public let name: String
    private let channels: Int
    private var handle: OpaquePointer?
    private let descriptor: Int32
    /// Ogg pages get content-derived serial numbers once the file is complete (see ``OggSerial``).
    private let isOgg: Bool

    /// - Parameters:
    ///   - descriptor: a regular file open for reading and writing, positioned at its start.
    ///   - channels: samples passed to ``write(_:)`` are interleaved when above 1.
    ///   - bitrate: for MP3, the constant bit rate in kbit/s (see ``OutputFormat/mp3Bitrates(sampleRate:)``);
    ///     nil chooses ``OutputFormat/defaultMP3Bitrate(sampleRate:)``. MP3 is always written at a constant bit rate.
    public init(
        descriptor: Int32, name: String, sampleRate: Int, format: OutputFormat = .wav, encoding: OutputEncoding = .pcm16, channels: Int = 1,
        bitrate: Int? = nil
    ) throws {
        guard format.supports(encoding) else {
            throw SSMLError(.usage, "\(format.rawValue) files cannot hold \(encoding.rawValue) samples")
        }
        self.name = name
        self.channels = channels
        self.descriptor = descriptor
        isOgg = format == .ogg
        let major: Int32 =
            switch format {
            case .wav: Int32(SF_FORMAT_WAV)
            case .flac: Int32(SF_FORMAT_FLAC)
            case .ogg: Int32(SF_FORMAT_OGG)
            case .mp3: Int32(SF_FORMAT_MPEG)
            case .raw: Int32(SF_FORMAT_RAW) | Int32(SF_ENDIAN_LITTLE)
            }
        let subtype: Int32 =
            switch (format, encoding) {
            case (.ogg, _): Int32(SF_FORMAT_VORBIS)
            case (.mp3, _): Int32(SF_FORMAT_MPEG_LAYER_III)
            case (_, .pcm16): Int32(SF_FORMAT_PCM_16)
            case (_, .mulaw): Int32(SF_FORMAT_ULAW)
            case (_, .alaw): Int32(SF_FORMAT_ALAW)
            }
        var info = SF_INFO(frames: 0, samplerate: Int32(sampleRate), channels: Int32(channels), format: major | subtype, sections: 0, seekable: 0)
        guard sf_format_check(&info) == SF_TRUE, let handle = sf_open_fd(descriptor, Int32(SFM_WRITE), &info, Int32(SF_FALSE)) else {
            throw SSMLError(.io, "cannot write \(name) as \(format.rawValue) at \(sampleRate) Hz: \(String(cString: sf_strerror(nil)))")
        }
        self.handle = handle
        // Clip instead of wrapping around if a sample ever reaches full scale.
        sf_command(handle, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        if format == .mp3 {
            do { try Self.setConstantBitrate(handle, kbps: bitrate ?? OutputFormat.defaultMP3Bitrate(sampleRate: sampleRate), sampleRate: sampleRate) } catch {
                sf_close(handle)
                self.handle = nil
                throw error
            }
        }
    }

    /// libsndfile's MP3 encoder is variable-rate by default and maps SFC_SET_COMPRESSION_LEVEL (0...1) linearly
    /// onto the bit-rate range of the MPEG version the sample rate selects; LAME then snaps to a legal rate.
    private static func setConstantBitrate(_ handle: OpaquePointer, kbps: Int, sampleRate: Int) throws {
        let range = OutputFormat.mp3BitrateRange(sampleRate: sampleRate)
        var mode = Int32(SF_BITRATE_MODE_CONSTANT)
        // Aim a quarter kbit/s high: libsndfile truncates the bit rate it computes to an integer.
        var level = (Double(range.upperBound) - Double(kbps) - 0.25) / Double(range.upperBound - range.lowerBound)
        level = min(1, max(0, level))
        // libsndfile 1.2 answers SFC_SET_BITRATE_MODE with 0 on success: its error state is what tells.
        sf_command(handle, Int32(SFC_SET_BITRATE_MODE), &mode, Int32(MemoryLayout<Int32>.size))
        guard sf_error(handle) == 0,
            sf_command(handle, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size)) == SF_TRUE
        else {
            throw SSMLError(.io, "cannot set a constant MP3 bit rate of \(kbps) kbit/s: \(String(cString: sf_strerror(handle)))")
        }
    }

    deinit {
        if let handle { sf_close(handle) }
    }

    public func write(_ samples: [Float]) throws {
        guard let handle else { throw SSMLError(.io, "the output file is already closed") }
        let frames = samples.count / channels
        let written = samples.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(frames)) }
        guard written == frames else {
            throw SSMLError(.io, "writing \(name) failed: \(String(cString: sf_strerror(handle)))")
        }
    }

    /// Completes the file (headers, the encoder's last frames); the descriptor stays open.
    public func finish() throws {
        guard let handle else { return }
        self.handle = nil
        guard sf_close(handle) == 0 else { throw SSMLError(.io, "closing \(name) failed") }
        // libsndfile draws Ogg serial numbers from the clock; make them a function of the content.
        if isOgg { try OggSerial.normalize(descriptor: descriptor, name: name) }
    }
}

/// Reads any file libsndfile opens, all channels interleaved, and says what it is.
/// The corresponding C functions are `sf_open`, `sf_command(SFC_GET_FORMAT_INFO)`, `sf_seek`, `sf_readf_float`.
public final class AudioFileReader {
    public let sampleRate: Int
    public let channels: Int
    /// Frames per channel as the header states them (0 when unknown).
    public let frames: Int
    public let containerName: String
    public let container: AudioFileProperties.Container
    public let encodingName: String
    public let encoding: AudioFileProperties.Encoding
    public let bitrateMode: AudioFileProperties.BitrateMode?
    private let handle: OpaquePointer

    /// Headerless files cannot describe themselves: these extensions are read as 16-bit little-endian mono PCM.
    public static let rawExtensions: Set<String> = ["raw", "pcm", "l16", "sln"]

    /// - Parameter rawSampleRate: the sample rate assumed for a headerless file (see ``rawExtensions``); nil
    ///   reads such a file only if libsndfile recognises it by itself.
    public init(url: URL, rawSampleRate: Int? = 16000) throws {
        var info = SF_INFO()
        if let rawSampleRate, Self.rawExtensions.contains(url.pathExtension.lowercased()) {
            guard (1...768_000).contains(rawSampleRate) else {
                throw SSMLError(.usage, "\(url.path) is headerless; its sample rate \(rawSampleRate) Hz is not a rate (1 to 768000)")
            }
            info.samplerate = Int32(rawSampleRate)
            info.channels = 1
            info.format = Int32(SF_FORMAT_RAW) | Int32(SF_FORMAT_PCM_16) | Int32(SF_ENDIAN_LITTLE)
        }
        guard let handle = sf_open(url.path, Int32(SFM_READ), &info) else {
            throw SSMLError(.audioSource, "cannot decode \(url.path): \(String(cString: sf_strerror(nil)))")
        }
        guard info.channels > 0, info.samplerate > 0 else {
            sf_close(handle)
            throw SSMLError(.audioSource, "\(url.path) has no channels or no sample rate")
        }
        self.handle = handle
        sampleRate = Int(info.samplerate)
        channels = Int(info.channels)
        // MP3 reports 0 or an estimate until read: 0 means "read to the end".
        frames = info.frames > 0 ? Int(info.frames) : 0
        let major = info.format & Int32(SF_FORMAT_TYPEMASK)
        let minor = info.format & Int32(SF_FORMAT_SUBMASK)
        containerName = Self.formatName(major) ?? "unknown container"
        encodingName = Self.formatName(minor) ?? "unknown encoding"
        container =
            switch major {
            case Int32(SF_FORMAT_WAV), Int32(SF_FORMAT_WAVEX), Int32(SF_FORMAT_RF64): .wav
            case Int32(SF_FORMAT_MPEG): .mp3
            case Int32(SF_FORMAT_FLAC): .flac
            case Int32(SF_FORMAT_OGG): .ogg
            case Int32(SF_FORMAT_RAW): .raw
            default: .other
            }
        encoding =
            switch minor {
            case Int32(SF_FORMAT_PCM_S8), Int32(SF_FORMAT_PCM_U8): .pcm8
            case Int32(SF_FORMAT_PCM_16): .pcm16
            case Int32(SF_FORMAT_PCM_24): .pcm24
            case Int32(SF_FORMAT_PCM_32): .pcm32
            case Int32(SF_FORMAT_FLOAT): .float32
            case Int32(SF_FORMAT_DOUBLE): .float64
            case Int32(SF_FORMAT_ULAW): .mulaw
            case Int32(SF_FORMAT_ALAW): .alaw
            case Int32(SF_FORMAT_MPEG_LAYER_III): .mp3
            case Int32(SF_FORMAT_VORBIS): .vorbis
            case Int32(SF_FORMAT_OPUS): .opus
            default: .other
            }
        if container == .mp3 {
            bitrateMode =
                switch sf_command(handle, Int32(SFC_GET_BITRATE_MODE), nil, 0) {
                case Int32(SF_BITRATE_MODE_CONSTANT): .constant
                case Int32(SF_BITRATE_MODE_AVERAGE): .average
                case Int32(SF_BITRATE_MODE_VARIABLE): .variable
                default: nil
                }
        } else {
            bitrateMode = nil
        }
    }

    deinit { sf_close(handle) }

    public func seek(to frame: Int) throws {
        if sf_seek(handle, sf_count_t(frame), SEEK_SET) < 0 {
            throw SSMLError(.audioSource, "cannot seek to frame \(frame): \(String(cString: sf_strerror(handle)))")
        }
    }

    /// Up to `maxFrames` frames, channels interleaved; empty at the end.
    public func read(maxFrames: Int) throws -> [Float] {
        var interleaved = [Float](repeating: 0, count: maxFrames * channels)
        let got = Int(interleaved.withUnsafeMutableBufferPointer { sf_readf_float(handle, $0.baseAddress, sf_count_t(maxFrames)) })
        if got == 0, sf_error(handle) != 0 {
            throw SSMLError(.audioSource, "decoding failed: \(String(cString: sf_strerror(handle)))")
        }
        interleaved.removeLast(interleaved.count - got * channels)
        return interleaved
    }

    private static func formatName(_ format: Int32) -> String? {
        var info = SF_FORMAT_INFO(format: format, name: nil, extension: nil)
        guard sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &info, Int32(MemoryLayout<SF_FORMAT_INFO>.size)) == 0, let name = info.name else { return nil }
        return String(cString: name)
    }
}
