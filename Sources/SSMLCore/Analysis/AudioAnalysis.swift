import Foundation

/// Measurements of mono float audio: the properties tests and reports assert (level, peak, pauses, pitch).
public struct AudioAnalysis: Sendable {
    public let samples: [Float]
    public let sampleRate: Double

    public init(samples: [Float], sampleRate: Double) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    public var duration: Double { Double(samples.count) / sampleRate }

    /// Largest absolute sample value.
    public var peak: Float { samples.reduce(0) { max($0, abs($1)) } }

    /// RMS level in dBFS over the whole signal (-inf for digital silence).
    public var rmsDB: Double { Self.rmsDB(samples[...]) }

    /// RMS level in dBFS over the parts louder than `floorDB` in 20 ms windows: speech level without the pauses.
    public func activeRMSDB(floorDB: Double = -45) -> Double {
        let window = max(1, Int(sampleRate * 0.02))
        var energy = 0.0
        var count = 0
        var start = 0
        while start < samples.count {
            let slice = samples[start..<min(start + window, samples.count)]
            if Self.rmsDB(slice) > floorDB {
                for x in slice { energy += Double(x) * Double(x) }
                count += slice.count
            }
            start += window
        }
        return count == 0 ? -.infinity : 10 * log10(energy / Double(count))
    }

    static func rmsDB(_ slice: ArraySlice<Float>) -> Double {
        guard !slice.isEmpty else { return -.infinity }
        var energy = 0.0
        for x in slice { energy += Double(x) * Double(x) }
        let mean = energy / Double(slice.count)
        return mean > 0 ? 10 * log10(mean) : -.infinity
    }

    /// Stretches quieter than `thresholdDB` (10 ms windows) lasting at least `minimum` seconds, as (start, end) in seconds.
    public func silences(thresholdDB: Double = -50, minimum: Double = 0.05) -> [(start: Double, end: Double)] {
        let window = max(1, Int(sampleRate * 0.01))
        var result: [(Double, Double)] = []
        var runStart: Int?
        var index = 0
        while index < samples.count {
            let end = min(index + window, samples.count)
            let quiet = Self.rmsDB(samples[index..<end]) < thresholdDB
            if quiet, runStart == nil { runStart = index }
            if !quiet, let start = runStart {
                result.append((Double(start) / sampleRate, Double(index) / sampleRate))
                runStart = nil
            }
            index = end
        }
        if let start = runStart { result.append((Double(start) / sampleRate, Double(samples.count) / sampleRate)) }
        return result.filter { $0.1 - $0.0 >= minimum }
    }

    /// The longest silence that does not touch either end of the signal, in seconds.
    public func longestInnerSilence(thresholdDB: Double = -50) -> Double {
        silences(thresholdDB: thresholdDB)
            .filter { $0.start > 0 && $0.end < duration - 0.001 }
            .map { $0.end - $0.start }
            .max() ?? 0
    }

    /// Time from the first to the last sound above `thresholdDB`: duration without leading and trailing silence.
    public func soundingSpan(thresholdDB: Double = -50) -> Double {
        let quiet = silences(thresholdDB: thresholdDB, minimum: 0)
        var start = 0.0, end = duration
        if let first = quiet.first, first.start == 0 { start = first.end }
        if let last = quiet.last, abs(last.end - duration) < 0.011 { end = last.start }
        return max(0, end - start)
    }

    /// Median fundamental frequency of the voiced parts, by normalised autocorrelation in 40 ms frames
    /// (60-600 Hz); nil when nothing is voiced.
    public func medianF0(minimumHz: Double = 60, maximumHz: Double = 600) -> Double? {
        let frame = Int(sampleRate * 0.04)
        let hop = Int(sampleRate * 0.02)
        let minLag = max(2, Int(sampleRate / maximumHz))
        let maxLag = min(frame - 1, Int(sampleRate / minimumHz))
        guard samples.count > frame + maxLag else { return nil }
        let loudest = peak
        var estimates: [Double] = []
        samples.withUnsafeBufferPointer { x in
            var start = 0
            while start + frame + maxLag < x.count {
                var energy: Float = 0
                for i in start..<start + frame { energy += x[i] * x[i] }
                let rms = (energy / Float(frame)).squareRoot()
                if rms > loudest * 0.1 {
                    var best: Float = 0
                    var bestLag = 0
                    var scores = [Float](repeating: 0, count: maxLag + 2)
                    for lag in minLag...maxLag {
                        var dot: Float = 0, e2: Float = 0
                        for i in start..<start + frame {
                            dot += x[i] * x[i + lag]
                            e2 += x[i + lag] * x[i + lag]
                        }
                        let score = dot / max((energy * e2).squareRoot(), 1e-9)
                        scores[lag] = score
                        if score > best { best = score; bestLag = lag }
                    }
                    if best > 0.6, bestLag > minLag, bestLag < maxLag {
                        // Prefer the shortest lag that is nearly as good: avoids octave-down errors.
                        var lag = bestLag
                        for candidate in minLag...bestLag where scores[candidate] > best * 0.9 {
                            if candidate > minLag && scores[candidate] >= scores[candidate - 1] && scores[candidate] >= scores[candidate + 1] {
                                lag = candidate
                                break
                            }
                        }
                        let a = scores[lag - 1], b = scores[lag], c = scores[lag + 1]
                        let shift = (a - c) / (2 * (a - 2 * b + c))
                        let refined = Double(lag) + (shift.isFinite ? Double(shift) : 0)
                        estimates.append(sampleRate / refined)
                    }
                }
                start += hop
            }
        }
        guard !estimates.isEmpty else { return nil }
        estimates.sort()
        return estimates[estimates.count / 2]
    }

    /// Frequency below which `fraction` of the spectral energy lies, averaged over loud frames:
    /// a simple measure of where the formants sit.
    public func spectralCentroid() -> Double {
        let frame = 512
        var weighted = 0.0, total = 0.0
        var start = 0
        let loudest = peak
        while start + frame < samples.count {
            let slice = samples[start..<start + frame]
            if slice.reduce(Float(0), { max($0, abs($1)) }) > loudest * 0.2 {
                // A coarse DFT over 64 bands is enough to compare voices.
                for band in 1..<64 {
                    let k = Double(band) * Double(frame) / 128
                    var re = 0.0, im = 0.0
                    for (n, x) in slice.enumerated() {
                        let angle = 2 * Double.pi * k * Double(n) / Double(frame)
                        re += Double(x) * cos(angle)
                        im -= Double(x) * sin(angle)
                    }
                    let power = re * re + im * im
                    weighted += power * k * sampleRate / Double(frame)
                    total += power
                }
            }
            start += frame * 4
        }
        return total > 0 ? weighted / total : 0
    }
}
