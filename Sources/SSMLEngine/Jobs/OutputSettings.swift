import Foundation
import SSMLCore

/// How a job's audio is written: rate, encoding, container, MP3 bit rate, 20 ms frames, loudness.
///
/// ``resolved(_:)`` turns what a user asked for (some fields, a preset, a file name's extension) into settings
/// that fit together, or an error naming the setting at fault.
public struct OutputSettings: Sendable, Equatable, Codable {
    public var rate: Int
    public var encoding: OutputEncoding
    public var format: OutputFormat
    /// MP3's constant bit rate in kbit/s; nil for other formats.
    public var bitrate: Int?
    /// Raw audio cut into 20 ms frames, the last padded with silence.
    public var frames: Bool
    /// Two-pass normalisation to an integrated loudness under a true-peak ceiling.
    public var loudness: LoudnessTarget?

    /// The sample rates a job can write.
    public static let rates = [8000, 16000, 22050, 24000, 44100, 48000]

    public init(
        rate: Int = 16000, encoding: OutputEncoding = .pcm16, format: OutputFormat = .wav, bitrate: Int? = nil, frames: Bool = false,
        loudness: LoudnessTarget? = nil
    ) {
        self.rate = rate
        self.encoding = encoding
        self.format = format
        self.bitrate = bitrate
        self.frames = frames
        self.loudness = loudness
    }

    /// The settings a preset fixes.
    public init(preset: OutputPreset) {
        self.init(rate: preset.rate, format: preset.format, bitrate: preset.bitrate)
    }

    /// The frame layout when ``frames`` is set.
    public var frameLayout: FrameLayout? { frames ? FrameLayout(sampleRate: rate, encoding: encoding) : nil }

    /// What a user may leave open: any field, a preset, and the format a file name's extension implies.
    public struct Request: Sendable, Equatable, Codable {
        public var rate: Int?
        public var encoding: OutputEncoding?
        public var format: OutputFormat?
        public var bitrate: Int?
        public var frames = false
        public var preset: OutputPreset?
        public var loudness: Double?
        public var truePeak: Double?
        /// The format the destination's name implies (`.mp3`), and that name, for messages.
        public var impliedFormat: OutputFormat?
        public var destinationName: String?

        public init() {}
    }

    /// Checks a request and fills in the defaults. Errors name the setting that conflicts.
    public static func resolved(_ request: Request) throws -> OutputSettings {
        var format = request.format
        let named = request.destinationName ?? "the output"
        if let format, let implied = request.impliedFormat, implied != format {
            throw SSMLError(.usage, "\(format.rawValue) conflicts with \(named), which names a \(implied.rawValue) file", setting: .format)
        }
        var rate = request.rate
        var bitrate = request.bitrate
        if let preset = request.preset {
            func conflict(_ setting: JobSetting, _ what: String, _ given: String) -> SSMLError {
                SSMLError(.usage, "\(given) conflicts with preset \(preset.rawValue), which sets \(what)", setting: setting)
            }
            if let given = format, given != preset.format { throw conflict(.format, "\(preset.format.rawValue)", given.rawValue) }
            if let implied = request.impliedFormat, implied != preset.format {
                throw SSMLError(.usage, "preset \(preset.rawValue) writes \(preset.format.rawValue); it conflicts with \(named)", setting: .output)
            }
            if let given = rate, given != preset.rate { throw conflict(.rate, "\(preset.rate) Hz", "\(given)") }
            if let given = request.encoding, given != .pcm16 { throw conflict(.encoding, "pcm16", given.rawValue) }
            if let given = bitrate, given != preset.bitrate { throw conflict(.bitrate, preset.bitrate.map { "\($0) kbit/s" } ?? "a WAV file (no bit rate)", "\(given)") }
            if request.frames {
                throw SSMLError(.usage, "frames conflict with preset \(preset.rawValue), which sets a \(preset.format.rawValue) file", setting: .frames)
            }
            format = preset.format
            rate = preset.rate
            bitrate = preset.bitrate
        }
        let resolvedRate = rate ?? 16000
        guard rates.contains(resolvedRate) else {
            throw SSMLError(.usage, "\(resolvedRate) Hz is not supported (use \(rates.map(String.init).joined(separator: ", ")))", setting: .rate)
        }
        let encoding = request.encoding ?? .pcm16
        if encoding.requiresTelephonyRate && resolvedRate != 8000 {
            throw SSMLError(.usage, "\(encoding.rawValue) is G.711, defined at 8000 Hz only (set the rate to 8000)", setting: .encoding)
        }
        var settings = OutputSettings(rate: resolvedRate, encoding: encoding, format: format ?? request.impliedFormat ?? (request.frames ? .raw : .wav))
        if request.frames {
            guard settings.format == .raw else {
                throw SSMLError(.usage, "frames are raw audio; they conflict with a \(settings.format.rawValue) file", setting: .frames)
            }
            settings.frames = true
        }
        guard settings.format.supports(encoding) else {
            throw SSMLError(.usage, "\(encoding.rawValue) cannot be stored in \(settings.format.rawValue) (use wav or raw)", setting: .encoding)
        }
        if settings.format == .mp3 {
            let kbps = bitrate ?? OutputFormat.defaultMP3Bitrate(sampleRate: resolvedRate)
            let legal = OutputFormat.mp3Bitrates(sampleRate: resolvedRate)
            guard legal.contains(kbps) else {
                throw SSMLError(.usage, "\(kbps) kbit/s is not an MP3 bit rate at \(resolvedRate) Hz (use \(legal.map(String.init).joined(separator: ", ")))", setting: .bitrate)
            }
            settings.bitrate = kbps
        } else if let bitrate {
            throw SSMLError(.usage, "\(bitrate) kbit/s: a bit rate applies to mp3 only, not \(settings.format.rawValue)", setting: .bitrate)
        }
        if let loudness = request.loudness {
            let ceiling = request.truePeak ?? -1
            guard LoudnessTarget.integratedRange.contains(loudness) else {
                throw SSMLError(.usage, "\(loudness) LUFS is outside -60...-5 LUFS", setting: .loudness)
            }
            guard LoudnessTarget.ceilingRange.contains(ceiling) else {
                throw SSMLError(.usage, "\(ceiling) dBTP is outside -20...0 dBTP", setting: .truePeak)
            }
            settings.loudness = LoudnessTarget(integrated: loudness, truePeakCeiling: ceiling)
        } else if let truePeak = request.truePeak {
            throw SSMLError(.usage, "\(truePeak) dBTP: a true-peak ceiling applies with a loudness target only", setting: .truePeak)
        }
        return settings
    }

    /// File name extensions that choose a format when none is given.
    public static let extensionFormats: [String: OutputFormat] = [
        "wav": .wav, "wave": .wav, "mp3": .mp3, "flac": .flac, "ogg": .ogg, "oga": .ogg,
        "raw": .raw, "pcm": .raw, "l16": .raw, "sln": .raw, "ul": .raw, "ulaw": .raw, "al": .raw, "alaw": .raw,
    ]

    /// The format a file name implies by its extension, if any.
    public static func format(impliedBy name: String) -> OutputFormat? {
        guard name != "-" else { return nil }
        return extensionFormats[URL(fileURLWithPath: name).pathExtension.lowercased()]
    }
}

/// Settings fixed together for a service.
public enum OutputPreset: String, Sendable, Codable, CaseIterable {
    /// 16 kHz mono 16-bit PCM WAV: what a Vonage `stream` plays without surprises.
    case vonageStream = "vonage-stream"
    /// 16 kHz mono MP3 at a constant 32 kbit/s.
    case vonageMP3 = "vonage-mp3"

    public var format: OutputFormat { self == .vonageStream ? .wav : .mp3 }
    public var rate: Int { 16000 }
    public var bitrate: Int? { self == .vonageStream ? nil : 32 }
}

extension OutputEncoding: Codable {}
extension OutputFormat: Codable {}
