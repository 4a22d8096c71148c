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

    /// The average LPC envelope in dB of the loud frames, sampled at `grid` (Hz): the shape of the vocal
    /// tract's resonances over the whole utterance, smooth enough to compare voices.
    public func averageEnvelope(grid: [Double]) -> [Double]? {
        let frame = Int(sampleRate * 0.025)
        let hop = Int(sampleRate * 0.01)
        let order = min(2 + Int(sampleRate / 1000), 18)
        let window = (0..<frame).map { 0.54 - 0.46 * cos(2 * Double.pi * Double($0) / Double(frame - 1)) }
        let loudest = peak
        var sum = [Double](repeating: 0, count: grid.count)
        var frames = 0
        var start = 1
        while start + frame < samples.count {
            let slice = samples[start..<start + frame]
            if slice.reduce(Float(0), { max($0, abs($1)) }) > loudest * 0.3 {
                var x = [Double](repeating: 0, count: frame)
                for n in 0..<frame { x[n] = (Double(samples[start + n]) - 0.97 * Double(samples[start + n - 1])) * window[n] }
                if let a = Self.lpc(x, order: order) {
                    for (i, frequency) in grid.enumerated() {
                        let w = 2 * Double.pi * frequency / sampleRate
                        var re = 1.0, im = 0.0
                        for k in 1...order { re += a[k] * cos(w * Double(k)); im -= a[k] * sin(w * Double(k)) }
                        sum[i] -= 10 * log10(re * re + im * im)
                    }
                    frames += 1
                }
            }
            start += hop
        }
        return frames == 0 ? nil : sum.map { $0 / Double(frames) }
    }

    /// The factor by which `self`'s formants sit above `reference`'s: the frequency scale that best aligns
    /// the two average envelopes between 300 and 3500 Hz (1.2 means resonances 20 % higher, as from a
    /// vocal tract 1/1.2 as long). Nil when either signal has no loud frames.
    public func formantScale(relativeTo reference: AudioAnalysis) -> Double? {
        let grid = Array(stride(from: 100.0, through: min(4500, sampleRate / 2 - 50), by: 10))
        guard let mine = averageEnvelope(grid: grid), let theirs = reference.averageEnvelope(grid: grid) else { return nil }
        func value(_ envelope: [Double], at frequency: Double) -> Double {
            let position = (frequency - grid[0]) / 10
            let i = max(0, min(grid.count - 2, Int(position)))
            let t = max(0, min(1, position - Double(i)))
            return envelope[i] * (1 - t) + envelope[i + 1] * t
        }
        let points = Array(stride(from: 300.0, through: min(3500, grid.last! / 1.6), by: 10))
        var best = (scale: 1.0, score: -Double.infinity)
        for scale in stride(from: 0.7, through: 1.6, by: 0.01) {
            let a = points.map { value(mine, at: $0 * scale) }
            let b = points.map { value(theirs, at: $0) }
            let meanA = a.reduce(0, +) / Double(a.count), meanB = b.reduce(0, +) / Double(b.count)
            var covariance = 0.0, varianceA = 0.0, varianceB = 0.0
            for (x, y) in zip(a, b) {
                covariance += (x - meanA) * (y - meanB)
                varianceA += (x - meanA) * (x - meanA)
                varianceB += (y - meanB) * (y - meanB)
            }
            let score = covariance / max((varianceA * varianceB).squareRoot(), 1e-12)
            if score > best.score { best = (scale, score) }
        }
        return best.scale
    }

    /// Linear-prediction coefficients (a[0] = 1) by Levinson-Durbin on the autocorrelation.
    static func lpc(_ x: [Double], order: Int) -> [Double]? {
        var r = [Double](repeating: 0, count: order + 1)
        for lag in 0...order {
            var sum = 0.0
            for n in lag..<x.count { sum += x[n] * x[n - lag] }
            r[lag] = sum
        }
        guard r[0] > 1e-9 else { return nil }
        r[0] *= 1.0001  // a little white noise keeps the recursion stable
        var a = [Double](repeating: 0, count: order + 1)
        a[0] = 1
        var error = r[0]
        for i in 1...order {
            var acc = r[i]
            for j in 1..<i { acc += a[j] * r[i - j] }
            let k = -acc / error
            let previous = a
            for j in 1..<i { a[j] = previous[j] + k * previous[i - j] }
            a[i] = k
            error *= 1 - k * k
            if error <= 0 { return nil }
        }
        return a
    }
}
