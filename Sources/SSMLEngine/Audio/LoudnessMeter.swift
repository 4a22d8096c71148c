internal import CEbur128
import Foundation
import SSMLCore

/// EBU R128 / ITU-R BS.1770 loudness, loudness range, sample peak and true peak, measured with libebur128.
///
/// Channels are weighted as libebur128's default map (left, right, centre, LFE unused, surrounds); a mono
/// file counts as one channel, so it reads 3 LU below the same signal on both channels of a stereo file.
/// The corresponding C functions are `ebur128_init`, `ebur128_add_frames_float`, `ebur128_loudness_global`,
/// `ebur128_loudness_range`, `ebur128_sample_peak` and `ebur128_true_peak`.
public final class LoudnessMeter {
    /// Integrated loudness below this is silence (the BS.1770 absolute gate).
    public static let silenceLUFS = -70.0

    private var state: UnsafeMutablePointer<ebur128_state>?
    public let channels: Int
    public let sampleRate: Int
    /// Whether loudness range is measured (it keeps short-term history; the normaliser does without).
    private let measuresRange: Bool
    private let measuresTruePeak: Bool

    /// - Parameter truePeak: measure the true peak (4x oversampling: most of the meter's work); without it
    ///   ``truePeak`` is the sample peak.
    public init(sampleRate: Int, channels: Int = 1, range: Bool = true, truePeak: Bool = true) throws {
        var mode = Int32(EBUR128_MODE_I.rawValue) | Int32(EBUR128_MODE_SAMPLE_PEAK.rawValue)
        if truePeak { mode |= Int32(EBUR128_MODE_TRUE_PEAK.rawValue) }
        if range { mode |= Int32(EBUR128_MODE_LRA.rawValue) }
        guard channels > 0, sampleRate > 0, let state = ebur128_init(UInt32(channels), UInt(sampleRate), mode) else {
            throw SSMLError(.engine, "cannot measure loudness of \(channels) channels at \(sampleRate) Hz")
        }
        self.state = state
        self.channels = channels
        self.sampleRate = sampleRate
        measuresRange = range
        measuresTruePeak = truePeak
    }

    deinit { ebur128_destroy(&state) }

    /// Adds interleaved frames (`channels` samples each).
    public func add(_ interleaved: [Float]) throws {
        let frames = interleaved.count / channels
        guard frames > 0 else { return }
        let status = interleaved.withUnsafeBufferPointer { ebur128_add_frames_float(state, $0.baseAddress, frames) }
        guard status == Int32(EBUR128_SUCCESS.rawValue) else { throw SSMLError(.engine, "loudness measurement failed (libebur128 error \(status))") }
    }

    /// Integrated loudness in LUFS; nil when the audio is silent (below the -70 LUFS absolute gate).
    public var integrated: Double? {
        var value = 0.0
        guard ebur128_loudness_global(state, &value) == Int32(EBUR128_SUCCESS.rawValue), value.isFinite, value >= Self.silenceLUFS else { return nil }
        return value
    }

    /// Loudness range in LU (EBU Tech 3342); 0 for audio shorter than a few seconds or without range measurement.
    public var range: Double {
        guard measuresRange else { return 0 }
        var value = 0.0
        guard ebur128_loudness_range(state, &value) == Int32(EBUR128_SUCCESS.rawValue), value.isFinite else { return 0 }
        return value
    }

    /// The highest sample magnitude over all channels (1.0 = full scale).
    public var samplePeak: Double { peak(ebur128_sample_peak) }

    /// The highest inter-sample peak over all channels, estimated by 4x oversampling (1.0 = 0 dBTP).
    public var truePeak: Double { measuresTruePeak ? peak(ebur128_true_peak) : samplePeak }

    private func peak(_ function: (UnsafeMutablePointer<ebur128_state>?, UInt32, UnsafeMutablePointer<Double>?) -> Int32) -> Double {
        var highest = 0.0
        for channel in 0..<channels {
            var value = 0.0
            if function(state, UInt32(channel), &value) == Int32(EBUR128_SUCCESS.rawValue) { highest = max(highest, value) }
        }
        return highest
    }

    /// Decibels of a linear magnitude; -infinity for 0.
    public static func decibels(_ linear: Double) -> Double { linear > 0 ? 20 * log10(linear) : -.infinity }
}
