import Foundation

/// What an audio file is and how loud it is: what `ssml info` prints and `ssml check-asset` judges.
public struct AudioFileProperties: Sendable, Equatable, Codable {
    /// The container as libsndfile names it ("WAV (Microsoft)", "MPEG-1/2 Audio", "RAW (header-less)").
    public var containerName: String
    public var container: Container
    /// The sample encoding as libsndfile names it ("Signed 16 bit PCM", "U-Law", "MPEG Layer III").
    public var encodingName: String
    public var encoding: Encoding
    public var sampleRate: Int
    public var channels: Int
    /// Frames per channel, counted by decoding the whole file.
    public var frames: Int
    public var fileBytes: Int
    /// For MP3: constant, average or variable bit rate, as the decoder reports it.
    public var bitrateMode: BitrateMode?
    /// Integrated loudness (EBU R128, LUFS); nil for silence (below the -70 LUFS gate).
    public var integratedLUFS: Double?
    /// Loudness range in LU (EBU Tech 3342).
    public var loudnessRangeLU: Double
    /// Highest sample magnitude in dBFS (-infinity for digital silence).
    public var samplePeakDBFS: Double
    /// Highest inter-sample peak in dBTP.
    public var truePeakDBTP: Double
    /// Why loudness and true peak could not be measured at all (a format the meter refuses); nil when measured.
    public var loudnessUnmeasurable: String?

    public init(
        containerName: String, container: Container, encodingName: String, encoding: Encoding, sampleRate: Int, channels: Int,
        frames: Int, fileBytes: Int, bitrateMode: BitrateMode? = nil, integratedLUFS: Double? = nil, loudnessRangeLU: Double = 0,
        samplePeakDBFS: Double = -.infinity, truePeakDBTP: Double = -.infinity, loudnessUnmeasurable: String? = nil
    ) {
        self.loudnessUnmeasurable = loudnessUnmeasurable
        self.containerName = containerName
        self.container = container
        self.encodingName = encodingName
        self.encoding = encoding
        self.sampleRate = sampleRate
        self.channels = channels
        self.frames = frames
        self.fileBytes = fileBytes
        self.bitrateMode = bitrateMode
        self.integratedLUFS = integratedLUFS
        self.loudnessRangeLU = loudnessRangeLU
        self.samplePeakDBFS = samplePeakDBFS
        self.truePeakDBTP = truePeakDBTP
    }

    public var durationSeconds: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }

    /// BS.1770 measures loudness over 400 ms blocks: a shorter file has no integrated loudness, silent or not.
    public var tooShortForLoudness: Bool { durationSeconds < 0.4 }

    /// Why there is no loudness figure other than silence, if any.
    public var loudnessNote: String? {
        loudnessUnmeasurable.map { "not measurable (\($0))" } ?? (tooShortForLoudness ? "not measurable (shorter than one 0.4 s block)" : nil)
    }

    /// File containers that matter to telephony; everything else is `other`.
    public enum Container: String, Sendable, Codable {
        case wav, mp3, flac, ogg, raw, other
    }

    /// Sample encodings that matter to telephony; everything else is `other`.
    public enum Encoding: String, Sendable, Codable {
        case pcm8, pcm16, pcm24, pcm32, float32, float64, mulaw, alaw, mp3, vorbis, opus, other

        /// Bits per sample of linear PCM encodings; nil for the others.
        public var pcmBits: Int? {
            switch self {
            case .pcm8: 8
            case .pcm16: 16
            case .pcm24: 24
            case .pcm32: 32
            default: nil
            }
        }
    }

    public enum BitrateMode: String, Sendable, Codable {
        case constant, average, variable
    }
}
