import Foundation
import SSMLCore

/// Reads an audio file through once and reports its format and loudness (`ssml info`, `ssml check-asset`).
public enum AudioFileInspector {
    /// The file's properties, decoding all of it (memory stays bounded: 64k frames at a time).
    /// - Parameter rawSampleRate: the rate assumed for headerless files (``AudioFileReader/rawExtensions``).
    public static func inspect(_ url: URL, rawSampleRate: Int = 16000) throws -> AudioFileProperties {
        guard let status = Posix.status(url.path) else {
            throw SSMLError(.io, "\(url.path): no such file")
        }
        // A FIFO or device would block or never end; a link to a regular file is read as that file.
        guard status.st_mode & S_IFMT == S_IFREG else { throw SSMLError(.io, "\(url.path) is not a regular file") }
        let reader = try AudioFileReader(url: url, rawSampleRate: rawSampleRate)
        // libebur128 refuses some formats (odd rates, very many channels): the format is still reported,
        // with the sample peak measured here and the loudness as not measurable.
        var unmeasurable: String?
        let meter: LoudnessMeter?
        do { meter = try LoudnessMeter(sampleRate: reader.sampleRate, channels: reader.channels) } catch {
            meter = nil
            unmeasurable = (error as? SSMLError)?.message ?? "\(error)"
        }
        var frames = 0
        var peak: Float = 0
        while true {
            let chunk = try reader.read(maxFrames: 1 << 16)
            if chunk.isEmpty { break }
            frames += chunk.count / reader.channels
            if let meter { try meter.add(chunk) } else { for x in chunk where abs(x) > peak { peak = abs(x) } }
        }
        return AudioFileProperties(
            containerName: reader.containerName, container: reader.container, encodingName: reader.encodingName, encoding: reader.encoding,
            sampleRate: reader.sampleRate, channels: reader.channels, frames: frames, fileBytes: Int(status.st_size),
            bitrateMode: reader.bitrateMode, integratedLUFS: meter?.integrated, loudnessRangeLU: meter?.range ?? 0,
            samplePeakDBFS: LoudnessMeter.decibels(meter?.samplePeak ?? Double(peak)),
            truePeakDBTP: meter.map { LoudnessMeter.decibels($0.truePeak) } ?? -.infinity, loudnessUnmeasurable: unmeasurable)
    }
}
