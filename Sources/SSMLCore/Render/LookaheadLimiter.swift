import Foundation

/// A streaming look-ahead peak limiter: no output sample exceeds `ceiling`, and gain changes are ramps
/// at least `lookahead` samples long, so loud peaks are turned down smoothly before they arrive.
///
/// The output is the input delayed by `lookahead` samples; ``flush()`` returns the held tail, so the
/// output has exactly as many samples as the input. Memory is O(lookahead) whatever the length.
///
/// ```swift
/// let limiter = LookaheadLimiter(ceiling: 0.8, sampleRate: 16000)
/// let out = limiter.process(samples) + limiter.flush()
/// ```
public final class LookaheadLimiter {
    public let ceiling: Float
    public let lookahead: Int
    private let release: Double
    /// Input samples waiting for their gain.
    private var delay: [Float]
    private var delayPosition = 0
    /// Monotonic queue of (index, required gain): its front is the smallest required gain in the window.
    private var queueIndex: [Int]
    private var queueGain: [Double]
    private var queueHead = 0
    private var queueCount = 0
    /// The last `lookahead` envelope values, averaged into a ramp.
    private var ramp: [Double]
    private var rampPosition = 0
    private var rampSum: Double
    private var envelope = 1.0
    /// Samples stepped through, the flush's padding included.
    private var position = 0
    private var received = 0
    private var emitted = 0
    /// The smallest gain applied so far (1 = never limited).
    public private(set) var deepestGain: Float = 1

    /// - Parameters:
    ///   - ceiling: the highest output magnitude (linear, above 0).
    ///   - lookaheadSeconds: how early the gain starts to fall before a peak (default 5 ms).
    ///   - releaseSeconds: the time constant of the gain's recovery (default 80 ms).
    public init(ceiling: Float, sampleRate: Double, lookaheadSeconds: Double = 0.005, releaseSeconds: Double = 0.08) {
        self.ceiling = max(ceiling, 1e-6)
        lookahead = max(1, Int(lookaheadSeconds * sampleRate))
        release = 1 - exp(-1 / max(1, releaseSeconds * sampleRate))
        delay = [Float](repeating: 0, count: lookahead)
        queueIndex = [Int](repeating: 0, count: lookahead + 2)
        queueGain = [Double](repeating: 1, count: lookahead + 2)
        ramp = [Double](repeating: 1, count: lookahead)
        rampSum = Double(lookahead)
    }

    /// Limits `input`; returns as many samples as are ready (the first call returns `lookahead` fewer).
    public func process(_ input: [Float]) -> [Float] {
        var output: [Float] = []
        output.reserveCapacity(input.count)
        for sample in input {
            received += 1
            step(sample, into: &output)
        }
        return output
    }

    /// The samples still held back; call once at the end of the stream.
    public func flush() -> [Float] {
        var output: [Float] = []
        while emitted < received { step(0, into: &output) }
        return output
    }

    @inline(__always)
    private func step(_ sample: Float, into output: inout [Float]) {
        let n = position
        position += 1
        let magnitude = abs(sample)
        let required = magnitude > ceiling ? Double(ceiling / magnitude) : 1
        // Push onto the monotonic queue, dropping larger gains that can never be the minimum again.
        let capacity = queueIndex.count
        while queueCount > 0, queueGain[(queueHead + queueCount - 1) % capacity] >= required { queueCount -= 1 }
        queueIndex[(queueHead + queueCount) % capacity] = n
        queueGain[(queueHead + queueCount) % capacity] = required
        queueCount += 1
        while queueIndex[queueHead] < n - lookahead {
            queueHead = (queueHead + 1) % capacity
            queueCount -= 1
        }
        let windowMinimum = queueGain[queueHead]
        // Recover towards 1 exponentially, but never above what the window needs.
        envelope = min(windowMinimum, envelope + (1 - envelope) * release)
        rampSum += envelope - ramp[rampPosition]
        ramp[rampPosition] = envelope
        rampPosition = (rampPosition + 1) % lookahead
        // Each of the last `lookahead` envelope values is at most the gain the delayed sample needs, so their mean is too.
        let gain = Float(min(1, rampSum / Double(lookahead)))
        let delayed = delay[delayPosition]
        delay[delayPosition] = sample
        delayPosition = (delayPosition + 1) % lookahead
        if n >= lookahead {
            var limited = delayed * gain
            // Float rounding must not lift a sample a hair above the ceiling.
            if abs(limited) > ceiling { limited = limited < 0 ? -ceiling : ceiling }
            if gain < deepestGain { deepestGain = gain }
            output.append(limited)
            emitted += 1
        }
    }
}
