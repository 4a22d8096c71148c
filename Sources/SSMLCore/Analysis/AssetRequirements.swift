import Foundation

/// Whether an audio file fits what a telephony API plays, and what to change when it does not.
///
/// Sources (Vonage documents no size or duration limit for `stream`, so none is checked):
/// - Vonage .NET SDK, `StreamCommand.StreamUrl`: "Must be a single-channel 16-bit WAV at 8kHz or 16kHz, or an
///   MP3 file." https://vonage.github.io/vonage-dotnet-sdk/api/Vonage.Voice.StreamCommand.html
/// - Vonage .NET SDK, `StreamAction.StreamUrl`: "a single URL to an mp3 or wav (16-bit) audio file".
///   https://vonage.github.io/vonage-dotnet-sdk/api/Vonage.Voice.Nccos.StreamAction.html
/// - MP3 details are not documented by Vonage; a widely copied note lists MPEG-2 Layer III, constant bit rate,
///   16 kHz, mono (https://gist.github.com/fians/18b4c7a8d47a7a7648766946cdfd1050): recommendations only.
/// - Vonage Voice WebSockets: binary messages of raw 16-bit linear PCM, `audio/l16;rate=8000` or `16000`,
///   20 ms each. https://developer.vonage.com/voice/voice-api/concepts/websockets,
///   https://developer.nexmo.com/voice/voice-api/guides/websockets
/// - A true peak above -1 dBTP is not a Vonage rule: EBU R128 recommends that ceiling because lossy and
///   telephony codecs overshoot: a recommendation.
public enum AssetTarget: String, Sendable, CaseIterable {
    /// A file played by an NCCO `stream` action.
    case vonageStream = "vonage-stream"
    /// Raw audio sent into a call over a Vonage websocket.
    case vonageWebsocket = "vonage-websocket"
}

/// One judgement on a file.
public struct AssetFinding: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        /// The documented requirement is not met: the API refuses or mangles the file.
        case error
        /// Not documented as a requirement, but what plays without surprises.
        case recommendation
    }

    public var severity: Severity
    public var message: String
    /// What to run to fix it.
    public var fix: String?

    public init(_ severity: Severity, _ message: String, fix: String? = nil) {
        self.severity = severity
        self.message = message
        self.fix = fix
    }

    public var description: String { "\(severity.rawValue): \(message)" + (fix.map { " (\($0))" } ?? "") }
}

extension AssetTarget {
    /// The findings for `file`; no `.error` finding means the file fits.
    /// - Parameter name: the file's name, used in the suggested commands.
    public func check(_ file: AudioFileProperties, name: String) -> [AssetFinding] {
        switch self {
        case .vonageStream: checkStream(file, name: name)
        case .vonageWebsocket: checkWebsocket(file, name: name)
        }
    }

    private func checkStream(_ file: AudioFileProperties, name: String) -> [AssetFinding] {
        var findings: [AssetFinding] = []
        let stem = (name as NSString).deletingPathExtension
        let wavFix = "sox \(name) -r 16000 -c 1 -b 16 -e signed-integer \(stem)-16k.wav, or render it with ssml render … --preset vonage-stream"
        let mp3Fix = "sox \(name) -r 16000 -c 1 -C 32 \(stem)-16k.mp3, or render it with ssml render … --preset vonage-mp3"
        if file.frames == 0 { findings.append(AssetFinding(.error, "the file holds no audio")) }
        switch file.container {
        case .wav:
            if file.encoding != .pcm16 {
                findings.append(AssetFinding(.error, "WAV holds \(file.encodingName); Vonage plays 16-bit PCM WAV", fix: wavFix))
            }
            if file.channels != 1 {
                findings.append(AssetFinding(.error, "\(file.channels) channels; Vonage plays single-channel (mono) WAV", fix: wavFix))
            }
            if file.sampleRate != 8000 && file.sampleRate != 16000 {
                findings.append(AssetFinding(.error, "\(file.sampleRate) Hz; Vonage plays WAV at 8000 or 16000 Hz: resample to 16000 Hz", fix: wavFix))
            }
        case .mp3:
            if file.sampleRate != 16000 && file.sampleRate != 8000 {
                findings.append(AssetFinding(.recommendation, "MP3 at \(file.sampleRate) Hz; 16000 Hz (or 8000 Hz) matches the call and is what Vonage's examples use", fix: mp3Fix))
            }
            if file.channels != 1 {
                findings.append(AssetFinding(.recommendation, "\(file.channels) channels; a call is mono, so a mono MP3 is half the size", fix: mp3Fix))
            }
            if let mode = file.bitrateMode, mode != .constant {
                findings.append(AssetFinding(.recommendation, "\(mode.rawValue) bit rate MP3; constant bit rate is the documented-by-example form", fix: mp3Fix))
            }
        default:
            findings.append(AssetFinding(.error, "\(file.containerName) is not WAV or MP3, the formats Vonage's stream action plays", fix: wavFix))
        }
        findings += levelFindings(file, name: name)
        return findings
    }

    private func checkWebsocket(_ file: AudioFileProperties, name: String) -> [AssetFinding] {
        var findings: [AssetFinding] = []
        let stem = (name as NSString).deletingPathExtension
        let fix = "sox \(name) -t raw -r 16000 -c 1 -b 16 -e signed-integer -L \(stem).raw, or render it with ssml render … --format raw --frames"
        if file.frames == 0 { findings.append(AssetFinding(.error, "the file holds no audio")) }
        if file.container != .raw {
            findings.append(AssetFinding(.error, "\(file.containerName) has a header; websocket messages carry headerless 16-bit linear PCM (audio/l16)", fix: fix))
        }
        if file.encoding != .pcm16 {
            findings.append(AssetFinding(.error, "\(file.encodingName); websocket audio is 16-bit linear PCM (audio/l16)", fix: fix))
        }
        if file.channels != 1 { findings.append(AssetFinding(.error, "\(file.channels) channels; websocket audio is mono", fix: fix)) }
        if file.sampleRate != 8000 && file.sampleRate != 16000 {
            findings.append(AssetFinding(.error, "\(file.sampleRate) Hz; websocket audio is audio/l16;rate=8000 or 16000", fix: fix))
        }
        if file.container == .raw, file.encoding == .pcm16, file.channels == 1, [8000, 16000].contains(file.sampleRate) {
            let frameBytes = file.sampleRate / 50 * 2
            if file.fileBytes % frameBytes != 0 {
                findings.append(
                    AssetFinding(
                        .recommendation, "\(file.fileBytes) bytes is not a whole number of 20 ms messages (\(frameBytes) bytes each); pad the last one with silence",
                        fix: "ssml render … --format raw --frames"))
            }
        }
        findings += levelFindings(file, name: name)
        return findings
    }

    private func levelFindings(_ file: AudioFileProperties, name: String) -> [AssetFinding] {
        guard file.frames > 0 else { return [] }
        if file.integratedLUFS == nil {
            if file.loudnessNote != nil { return [] }
            return [AssetFinding(.recommendation, "the file is silent (below -70 LUFS)")]
        }
        if file.truePeakDBTP > -1 {
            return [
                AssetFinding(
                    .recommendation, String(format: "true peak %.1f dBTP is above -1 dBTP; telephony codecs may clip it", file.truePeakDBTP),
                    fix: "ssml render … --loudness -19, or sox \(name) out.wav gain -n -1")
            ]
        }
        return []
    }
}
