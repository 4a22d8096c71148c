import Foundation

/// Breath sounds: noise band-limited to 500-4000 Hz (where an inhalation's turbulence sounds) under a breath-shaped
/// envelope, a quick rise and a long fall. Deterministic: the same breath gives the same samples.
struct NoiseGenerator {
    /// RMS level of a breath at 0 dB, dBFS: about 14 dB under the voice's speech (which renders near -20 dBFS RMS).
    static let breathLevelDB = NoiseSegment.breathLevelDB
    /// The placeholder tone: 1 kHz (clear of most of the voice's energy, and heard through telephone band-pass).
    static let toneHz = 1000.0
    /// Its fades in and out, seconds: no clicks at the edges.
    static let toneFade = 0.01
    static let lowHz = 500.0
    static let highHz = 4000.0
    /// The part of the breath spent rising; the rest falls.
    static let rise = 0.3

    /// A breath of `count` samples at `sampleRate`, scaled by `gain` (linear) on top of the breath level.
    static func breath(count: Int, sampleRate: Double, gain: Double, seed: UInt64) -> [Float] {
        guard count > 0 else { return [] }
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        var filters = [
            Biquad.highPass(lowHz, sampleRate: sampleRate), Biquad.highPass(lowHz, sampleRate: sampleRate),
            Biquad.lowPass(min(highHz, 0.45 * sampleRate), sampleRate: sampleRate), Biquad.lowPass(min(highHz, 0.45 * sampleRate), sampleRate: sampleRate),
        ]
        var noise = [Double](repeating: 0, count: count)
        var energy = 0.0
        var weight = 0.0
        for n in 0..<count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var x = Double(Int64(bitPattern: (state >> 11) << 11)) / Double(Int64.max)
            for index in filters.indices { x = filters[index].process(x) }
            let t = Double(n) / Double(count)
            let envelope = t < rise ? 0.5 - 0.5 * cos(.pi * t / rise) : 0.5 + 0.5 * cos(.pi * (t - rise) / (1 - rise))
            noise[n] = x * envelope
            energy += noise[n] * noise[n]
            weight += envelope * envelope
        }
        // Scaled so the breath's body (where the envelope is full) is at the breath level.
        let bodyRMS = (energy / max(weight, 1e-12)).squareRoot()
        let scale = bodyRMS > 0 ? pow(10, breathLevelDB / 20) * gain / bodyRMS : 0
        return noise.map { Float($0 * scale) }
    }

    /// A placeholder tone of `count` samples, at `levelDB` RMS moved by `gain` (linear), with short fades.
    static func tone(count: Int, sampleRate: Double, levelDB: Double, gain: Double) -> [Float] {
        guard count > 0 else { return [] }
        // A sine's RMS is its amplitude / sqrt(2).
        let amplitude = pow(10, levelDB / 20) * 2.0.squareRoot() * gain
        let fade = max(1, min(count / 2, Int(toneFade * sampleRate)))
        let step = 2 * Double.pi * min(toneHz, 0.4 * sampleRate) / sampleRate
        return (0..<count).map { n in
            let edge = min(n, count - 1 - n)
            let envelope = edge < fade ? 0.5 - 0.5 * cos(Double.pi * Double(edge) / Double(fade)) : 1
            return Float(amplitude * envelope * sin(step * Double(n)))
        }
    }
}

/// A second-order filter section (RBJ cookbook), direct form I.
struct Biquad {
    var b0, b1, b2, a1, a2: Double
    var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0

    static func lowPass(_ frequency: Double, sampleRate: Double) -> Biquad {
        let w = 2 * Double.pi * frequency / sampleRate, alpha = sin(w) / (2 * 0.7071), c = cos(w), a0 = 1 + alpha
        return Biquad(b0: (1 - c) / 2 / a0, b1: (1 - c) / a0, b2: (1 - c) / 2 / a0, a1: -2 * c / a0, a2: (1 - alpha) / a0)
    }

    static func highPass(_ frequency: Double, sampleRate: Double) -> Biquad {
        let w = 2 * Double.pi * frequency / sampleRate, alpha = sin(w) / (2 * 0.7071), c = cos(w), a0 = 1 + alpha
        return Biquad(b0: (1 + c) / 2 / a0, b1: -(1 + c) / a0, b2: (1 + c) / 2 / a0, a1: -2 * c / a0, a2: (1 - alpha) / a0)
    }

    mutating func process(_ x: Double) -> Double {
        let y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
        x2 = x1; x1 = x
        y2 = y1; y1 = y
        return y
    }
}
