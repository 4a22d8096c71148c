import Foundation
import SSMLCore

/// One output format of a batch: a name (what `{format}` in the output template becomes) and the request it
/// stands for.
///
/// A format is written as
/// - a preset: `vonage-stream`, `vonage-mp3`, or a name the manifest defines (`# preset sip: wav-8000-mulaw`);
/// - a spec of words in any order, joined by `-` or `/`: a container (`wav`, `mp3`, `flac`, `ogg`, `raw`), a rate
///   (`8000`, `16000`, … or `8k`, `16k`, `22k`, `24k`, `44k`, `48k`), an encoding (`pcm16`, `mulaw`/`ulaw`,
///   `alaw`), an MP3 bit rate (`32kbps`), `frames` (raw audio padded to whole 20 ms frames). `wav-8000-mulaw`,
///   `mp3-16k-32kbps`, `flac`.
///
/// Missing parts take `ssml render`'s defaults (WAV, 16000 Hz, pcm16).
public struct BatchFormat: Sendable, Equatable {
    /// The name in output paths and the manifest (`vonage-stream`, `wav-8000-mulaw`, `sip`).
    public var name: String
    public var request: OutputSettings.Request

    /// The file name extension of the format's container.
    public var fileExtension: String { (request.format ?? request.preset?.format ?? (request.frames ? .raw : .wav)).rawValue }

    /// Words a spec is made of, for messages.
    static let vocabulary = "a container (wav, mp3, flac, ogg, raw), a rate (8000 or 8k, 16000, 22050, 24000, 44100, 48000), an encoding (pcm16, mulaw, alaw), an MP3 bit rate (32kbps) or frames"

    /// Reads a format name: a preset of the manifest, a built-in preset, or a spec.
    /// - Parameter presets: the manifest's named formats, already read.
    public static func parse(_ written: String, presets: [String: BatchFormat], at origin: BatchOrigin) throws -> BatchFormat {
        let name = written.trimmingWhitespace()
        guard !name.isEmpty else { throw origin.error("a format name is empty") }
        if let preset = presets[name] ?? presets[name.lowercased()] { return preset }
        if let preset = OutputPreset(rawValue: name.lowercased()) {
            var request = OutputSettings.Request()
            request.preset = preset
            return BatchFormat(name: preset.rawValue, request: request)
        }
        return BatchFormat(name: name.lowercased().replacingOccurrences(of: "/", with: "-"), request: try spec(name, at: origin))
    }

    /// Reads a spec (`wav-8000-mulaw`) into a request.
    static func spec(_ written: String, at origin: BatchOrigin) throws -> OutputSettings.Request {
        var request = OutputSettings.Request()
        let rateWords = ["8k": 8000, "16k": 16000, "22k": 22050, "24k": 24000, "44k": 44100, "48k": 48000]
        for word in written.lowercased().split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "+" }).map(String.init) {
            func set<T: Equatable>(_ field: inout T?, _ value: T, _ what: String) throws {
                if let existing = field, existing != value { throw origin.error("format \"\(written)\" gives two \(what)s") }
                field = value
            }
            if let format = OutputFormat(rawValue: word) {
                try set(&request.format, format, "container")
            } else if let encoding = OutputEncoding(rawValue: word == "ulaw" ? "mulaw" : word) {
                try set(&request.encoding, encoding, "encoding")
            } else if let rate = Int(word) ?? rateWords[word] {
                guard OutputSettings.rates.contains(rate) else {
                    throw origin.error("format \"\(written)\": \(rate) Hz is not supported (use \(OutputSettings.rates.map(String.init).joined(separator: ", ")))")
                }
                try set(&request.rate, rate, "rate")
            } else if word.hasSuffix("kbps"), let kbps = Int(word.dropLast(4)) {
                try set(&request.bitrate, kbps, "bit rate")
            } else if word == "frames" {
                request.frames = true
            } else {
                throw origin.error("format \"\(written)\": \"\(word)\" is not a preset or a part of a format (use vonage-stream, vonage-mp3, a preset the manifest defines, or \(vocabulary))")
            }
        }
        return request
    }

    /// Reads a preset the manifest defines: a spec, or a map of `format`, `rate`, `encoding`, `bitrate`, `frames`.
    static func definition(_ name: String, _ value: ManifestValue, presets: [String: BatchFormat]) throws -> BatchFormat {
        let origin = BatchOrigin.place(value.location)
        switch value.content {
        case .text(let text):
            var format = try parse(text, presets: presets, at: origin)
            format.name = name
            return format
        case .map(let fields):
            var request = OutputSettings.Request()
            for field in fields {
                let at = BatchOrigin.place(field.value.location)
                guard let text = field.value.text else { throw at.error("\(field.key) must be a single value, not \(field.value.typeName)") }
                switch field.key {
                case "format":
                    guard let format = OutputFormat(rawValue: text.lowercased()) else { throw at.error("\"\(text)\" is not a container (wav, mp3, flac, ogg, raw)") }
                    request.format = format
                case "rate":
                    guard let rate = Int(text) else { throw at.error("rate \"\(text)\" is not a number of Hz") }
                    request.rate = rate
                case "encoding":
                    guard let encoding = OutputEncoding(rawValue: text.lowercased()) else { throw at.error("\"\(text)\" is not an encoding (pcm16, mulaw, alaw)") }
                    request.encoding = encoding
                case "bitrate":
                    guard let kbps = Int(text) else { throw at.error("bitrate \"\(text)\" is not a number of kbit/s") }
                    request.bitrate = kbps
                case "frames":
                    guard let flag = Bool(text.lowercased()) else { throw at.error("frames must be true or false") }
                    request.frames = flag
                case "preset":
                    guard let preset = OutputPreset(rawValue: text.lowercased()) else { throw at.error("\"\(text)\" is not a preset (vonage-stream, vonage-mp3)") }
                    request.preset = preset
                default:
                    throw BatchOrigin.place(field.keyLocation).error("unknown key \"\(field.key)\" in a format (known: format, rate, encoding, bitrate, frames, preset)")
                }
            }
            return BatchFormat(name: name, request: request)
        case .list:
            throw origin.error("the preset \(name) must be a format name or a map, not a list")
        }
    }
}

/// Where a batch setting came from: a place in the manifest, or an option of the front end (named as it names it).
public enum BatchOrigin: Sendable, Equatable {
    case place(SourceLocation)
    /// A command-line option or API field, by the front end's name for it (`--voices`).
    case option(String)
    /// The built-in default.
    case standard

    /// An error about the value from here.
    func error(_ message: String, kind: SSMLError.Kind = .usage) -> SSMLError {
        switch self {
        case .place(let location): SSMLError(kind, message, at: location)
        case .option(let name): SSMLError(kind, "\(name): \(message)")
        case .standard: SSMLError(kind, message)
        }
    }
}
