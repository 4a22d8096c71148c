import Foundation

/// The integrated loudness (ITU-R BS.1770 gated, EBU R 128) and sample peak of a mono signal, computed as
/// libebur128 computes them (`EBUR128_MODE_I | EBUR128_MODE_SAMPLE_PEAK`, one channel), to the last bit.
///
/// libebur128 filters each sample through the K-weighting filter (its two biquads multiplied into one of fourth
/// order, in double precision, with flush-to-zero on), keeps the last 400 ms of the filtered signal in a ring,
/// and every 100 ms sums the squares of the ring, position 0 first, into a gating block; the blocks above the
/// absolute gate (-70 LUFS) are kept in order, and the result is the mean of those above the relative gate.
/// This meter computes the same coefficients with the same library calls, the same filter with the same
/// operations in the same order and the same mode, and each block's sum over the same values in the same order;
/// so the numbers are the same, which the tests check against libebur128 on speech, noise, tones, silence,
/// sample rates and every way of cutting the input into pieces.
///
/// It is faster because each step is one dependency chain that the processor can overlap with others:
/// libebur128 keeps the filter's state in memory that the filtered output might alias (each sample waits for
/// its state to be stored and loaded again), and sums each block alone (four additions a sample, one after
/// the other). Here the state lives in registers, and four blocks are summed side by side, each in its own
/// order. A batch spent a tenth of its main process's time in libebur128.
struct IntegratedLoudnessMeter {
    private let a1: Double, a2: Double, a3: Double, a4: Double
    private let b0: Double, b1: Double, b2: Double, b3: Double, b4: Double
    /// The filter's state: its last four intermediate values, newest first.
    private var v1 = 0.0, v2 = 0.0, v3 = 0.0, v4 = 0.0
    /// Frames in 100 ms (libebur128 rounds: `(rate + 5) / 10`), in a gating block (four of them), and in
    /// libebur128's ring (400 ms rounded up to a multiple of 100 ms: usually the block, sometimes 500 ms).
    private let step: Int
    private let blockFrames: Int
    private let ringFrames: Int
    /// Frames until the next gating block ends (400 ms before the first, 100 ms after).
    private var needed: Int
    /// The filtered signal from ``origin`` on: what the blocks not yet summed read.
    private var filtered: [Double] = []
    private var origin = 0
    /// Frames filtered so far.
    private var frames = 0
    /// Where the blocks not yet summed end (frame counts), oldest first.
    private var pending: [Int] = []
    /// The energies of the blocks above the absolute gate, in order.
    private var blocks: [Double] = []
    /// The largest sample magnitude.
    private(set) var samplePeak = 0.0

    /// libebur128's absolute gate as an energy, and its relative gate (-10 LU) as a factor.
    private static let absoluteGate = pow(10.0, (-70.0 + 0.691) / 10.0)
    private static let relativeGateFactor = pow(10.0, -10.0 / 10.0)

    init(sampleRate: Int) {
        // libebur128's ebur128_init_filter, term by term.
        let rate = Double(sampleRate)
        var f0 = 1681.974450955533
        let gain = 3.999843853973347
        var q = 0.7071752369554196
        var k = tan(Double.pi * f0 / rate)
        let vh = pow(10.0, gain / 20.0)
        let vb = pow(vh, 0.4996667741545416)
        let a0 = 1.0 + k / q + k * k
        let pb = [(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
        let pa = [1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0]
        let rb = [1.0, -2.0, 1.0]
        f0 = 38.13547087602444
        q = 0.5003270373238773
        k = tan(Double.pi * f0 / rate)
        let ra = [1.0, 2.0 * (k * k - 1.0) / (1.0 + k / q + k * k), (1.0 - k / q + k * k) / (1.0 + k / q + k * k)]
        b0 = pb[0] * rb[0]
        b1 = pb[0] * rb[1] + pb[1] * rb[0]
        b2 = pb[0] * rb[2] + pb[1] * rb[1] + pb[2] * rb[0]
        b3 = pb[1] * rb[2] + pb[2] * rb[1]
        b4 = pb[2] * rb[2]
        a1 = pa[0] * ra[1] + pa[1] * ra[0]
        a2 = pa[0] * ra[2] + pa[1] * ra[1] + pa[2] * ra[0]
        a3 = pa[1] * ra[2] + pa[2] * ra[1]
        a4 = pa[2] * ra[2]
        step = (sampleRate + 5) / 10
        blockFrames = step * 4
        var ring = sampleRate * 400 / 1000
        if ring % step != 0 { ring = ring + step - ring % step }
        ringFrames = ring
        needed = blockFrames
    }

    /// Adds the next samples (full scale is 1.0).
    mutating func add(_ samples: [Float]) {
        samples.withUnsafeBufferPointer { input in
            for sample in input where Double(abs(sample)) > samplePeak { samplePeak = Double(abs(sample)) }
            // Filtered in the pieces libebur128 filters (up to each block's end), which only matters where
            // flush-to-zero is not available and the state is flushed by hand after each piece, as it does.
            var offset = 0
            while offset < input.count {
                let count = min(needed, input.count - offset)
                filter(UnsafeBufferPointer(rebasing: input[offset..<(offset + count)]))
                offset += count
                needed -= count
                if needed == 0 {
                    pending.append(frames)
                    needed = step
                }
            }
        }
        while pending.count >= 4 { sumPending(4) }
    }

    /// Integrated loudness in LUFS; nil when nothing is above the gates (silence, or under 400 ms).
    var integrated: Double? {
        var meter = self
        while !meter.pending.isEmpty { meter.sumPending(min(4, meter.pending.count)) }
        guard !meter.blocks.isEmpty else { return nil }
        var relative = 0.0
        for energy in meter.blocks { relative += energy }
        relative /= Double(meter.blocks.count)
        relative *= Self.relativeGateFactor
        var gated = 0.0
        var count = 0
        for energy in meter.blocks where energy >= relative {
            count += 1
            gated += energy
        }
        guard count > 0 else { return nil }
        gated /= Double(count)
        let value = 10 * (log(gated) / log(10.0)) - 0.691
        return value.isFinite && value >= LoudnessMeter.silenceLUFS ? value : nil
    }

    private mutating func filter(_ input: UnsafeBufferPointer<Float>) {
        let start = filtered.count
        filtered.append(contentsOf: repeatElement(0, count: input.count))
        let coefficients = Coefficients(a1: a1, a2: a2, a3: a3, a4: a4, b0: b0, b1: b1, b2: b2, b3: b3, b4: b4)
        var state = (v1, v2, v3, v4)
        filtered.withUnsafeMutableBufferPointer { output in
            let output = UnsafeMutableBufferPointer(rebasing: output[start...])
            if Posix.flushToZeroAvailable {
                Posix.withFlushToZero { Self.run(coefficients, input, into: output, state: &state) }
            } else {
                Self.run(coefficients, input, into: output, state: &state)
                // libebur128's FLUSH_MANUALLY, after each piece.
                if abs(state.3) < Double.leastNormalMagnitude { state.3 = 0 }
                if abs(state.2) < Double.leastNormalMagnitude { state.2 = 0 }
                if abs(state.1) < Double.leastNormalMagnitude { state.1 = 0 }
                if abs(state.0) < Double.leastNormalMagnitude { state.0 = 0 }
            }
        }
        (v1, v2, v3, v4) = state
        frames += input.count
    }

    private struct Coefficients {
        let a1: Double, a2: Double, a3: Double, a4: Double
        let b0: Double, b1: Double, b2: Double, b3: Double, b4: Double
    }

    /// The filter loop (not inlined, so that no arithmetic moves across the flush-to-zero switch around it).
    @inline(never)
    private static func run(
        _ c: Coefficients, _ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Double>, state: inout (Double, Double, Double, Double)
    ) {
        var (v1, v2, v3, v4) = state
        for index in 0..<input.count {
            let v0 = Double(input[index]) - c.a1 * v1 - c.a2 * v2 - c.a3 * v3 - c.a4 * v4
            output[index] = c.b0 * v0 + c.b1 * v1 + c.b2 * v2 + c.b3 * v3 + c.b4 * v4
            v4 = v3
            v3 = v2
            v2 = v1
            v1 = v0
        }
        state = (v1, v2, v3, v4)
    }

    /// Sums the first `lanes` (1...4) pending blocks side by side and keeps those above the absolute gate.
    ///
    /// libebur128 sums its ring from position 0: a block ending at frame `end` (`end` mod the ring's length is
    /// `at`) reads the newest `at` frames first, then the older ones, unless `at` is 0 or a whole block, when it
    /// reads the block in order. Both pieces are whole 100 ms steps, so each block is four steps in its own order.
    private mutating func sumPending(_ lanes: Int) {
        var starts = [Int](repeating: 0, count: 16)
        for lane in 0..<4 {
            let end = pending[min(lane, lanes - 1)]
            let at = end % ringFrames
            let newest = at == 0 || at >= blockFrames ? 0 : at / step
            for piece in 0..<4 {
                let first = piece < newest ? end - at + piece * step : end - blockFrames + (piece - newest) * step
                starts[piece * 4 + lane] = first - origin
            }
        }
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        filtered.withUnsafeBufferPointer { y in
            for piece in 0..<4 {
                let p0 = y.baseAddress! + starts[piece * 4]
                let p1 = y.baseAddress! + starts[piece * 4 + 1]
                let p2 = y.baseAddress! + starts[piece * 4 + 2]
                let p3 = y.baseAddress! + starts[piece * 4 + 3]
                for index in 0..<step {
                    s0 += p0[index] * p0[index]
                    s1 += p1[index] * p1[index]
                    s2 += p2[index] * p2[index]
                    s3 += p3[index] * p3[index]
                }
            }
        }
        for sum in [s0, s1, s2, s3].prefix(lanes) {
            let energy = sum / Double(blockFrames)
            if energy >= Self.absoluteGate { blocks.append(energy) }
        }
        pending.removeFirst(lanes)
        // The next block reads from a block before its end on.
        let keep = (pending.first ?? (frames + needed)) - blockFrames
        if keep > origin {
            filtered.removeFirst(min(keep - origin, filtered.count))
            origin = keep
        }
    }
}
