import Foundation
import Synchronization

/// What a stretch of audio sounds like, in numbers that survive tiny numeric noise (a different libm, a
/// resampler's last bit) but move when what a caller hears changes: its length, its level, and its
/// spectral profile (average energy in eight bands from 100 Hz to 4 kHz, the telephone band).
public struct AudioFeatures: Sendable, Equatable, Codable {
    public var duration: Double
    /// RMS level in dBFS over the parts louder than -45 dBFS (pauses do not dilute it); nil when silent.
    public var levelDB: Double?
    /// Band levels in dB relative to the loudest band (so a level change does not count twice); empty when silent.
    public var spectrum: [Double]

    /// Band edges in Hz.
    public static let bands: [Double] = [100, 200, 350, 550, 800, 1200, 1800, 2600, 4000]

    public init(duration: Double, levelDB: Double?, spectrum: [Double]) {
        self.duration = duration
        self.levelDB = levelDB
        self.spectrum = spectrum
    }

    public init(samples: ArraySlice<Float>, sampleRate: Double) {
        duration = Double(samples.count) / sampleRate
        let analysis = AudioAnalysis(samples: Array(samples), sampleRate: sampleRate)
        let level = analysis.activeRMSDB()
        levelDB = level.isFinite ? Self.round(level, 0.1) : nil
        spectrum = levelDB == nil ? [] : Self.bandProfile(samples, sampleRate: sampleRate)
    }

    static func round(_ value: Double, _ step: Double) -> Double { (value / step).rounded() * step }

    static let hann = (0..<512).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / 512) }

    /// Average power per band over 512-point Hann frames (hop 256) that are not silent.
    static func bandProfile(_ samples: ArraySlice<Float>, sampleRate: Double) -> [Double] {
        let size = 512
        let hann = Self.hann
        var power = [Double](repeating: 0, count: size / 2)
        var frames = 0
        var start = samples.startIndex
        var real = [Double](repeating: 0, count: size), imaginary = [Double](repeating: 0, count: size)
        // At most ~400 frames: a long segment is sampled evenly, which keeps the cost bounded.
        let available = max(0, (samples.count - size) / 256 + 1)
        let stride = max(1, available / 400) * 256
        while start + size <= samples.endIndex {
            var energy = 0.0
            for i in 0..<size {
                let x = Double(samples[start + i])
                energy += x * x
                real[i] = x * hann[i]
                imaginary[i] = 0
            }
            if 10 * log10(energy / Double(size) + 1e-20) > -45 {
                FFT.transform(&real, &imaginary)
                for k in 0..<size / 2 { power[k] += real[k] * real[k] + imaginary[k] * imaginary[k] }
                frames += 1
            }
            start += stride
        }
        guard frames > 0 else { return [] }
        let binHz = sampleRate / Double(size)
        var levels: [Double] = []
        for (low, high) in zip(bands, bands.dropFirst()) {
            let first = Int((low / binHz).rounded(.up)), last = min(Int((high / binHz).rounded(.down)), size / 2 - 1)
            guard first <= last else { levels.append(-120); continue }
            let mean = power[first...last].reduce(0, +) / Double(last - first + 1) / Double(frames)
            levels.append(10 * log10(mean + 1e-20))
        }
        let top = levels.max() ?? 0
        return levels.map { round(max($0 - top, -60), 0.1) }
    }
}

/// An in-place radix-2 FFT (the size must be a power of two).
///
/// The twiddle factors are computed once per size, not in the butterfly loop: trigonometry there was most of
/// what a snapshot of a short prompt cost.
enum FFT {
    /// cos and sin of -2πk/n for k < n/2, per size.
    private static let twiddles = Mutex<[Int: (cos: [Double], sin: [Double])]>([:])

    static func factors(_ n: Int) -> (cos: [Double], sin: [Double]) {
        twiddles.withLock { cache in
            if let known = cache[n] { return known }
            let angle = -2 * Double.pi / Double(n)
            let made = (cos: (0..<n / 2).map { cos(angle * Double($0)) }, sin: (0..<n / 2).map { sin(angle * Double($0)) })
            cache[n] = made
            return made
        }
    }

    static func transform(_ real: inout [Double], _ imaginary: inout [Double]) {
        let n = real.count
        guard n > 1 else { return }
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { real.swapAt(i, j); imaginary.swapAt(i, j) }
        }
        let (wcos, wsin) = factors(n)
        real.withUnsafeMutableBufferPointer { re in
            imaginary.withUnsafeMutableBufferPointer { im in
                var length = 2
                while length <= n {
                    let step = n / length, half = length / 2
                    var start = 0
                    while start < n {
                        for k in 0..<half {
                            let wr = wcos[k * step], wi = wsin[k * step]
                            let a = start + k, b = a + half
                            let tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr
                            re[b] = re[a] - tr; im[b] = im[a] - ti
                            re[a] += tr; im[a] += ti
                        }
                        start += length
                    }
                    length <<= 1
                }
            }
        }
    }
}
