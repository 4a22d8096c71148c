/// A waveform's outline: the lowest and highest sample in each bin, bins evenly spread over the audio.
public struct WaveformOutline: Sendable, Equatable {
    public var minimums: [Float]
    public var maximums: [Float]

    public init(minimums: [Float], maximums: [Float]) {
        self.minimums = minimums
        self.maximums = maximums
    }

    /// The outline of `samples` in bins of `binSize`.
    public init(samples: [Float], binSize: Int) {
        var minimums: [Float] = [], maximums: [Float] = []
        var start = 0
        while start < samples.count {
            let slice = samples[start..<min(start + binSize, samples.count)]
            minimums.append(slice.min() ?? 0)
            maximums.append(slice.max() ?? 0)
            start += binSize
        }
        self.init(minimums: minimums, maximums: maximums)
    }
}

/// The waveform's outline at 5 ms resolution (minimum and maximum per bin), recorded while samples pass
/// through to another sink: what the timeline SVG draws, in bounded memory (four hours = 2.9 M bins).
public final class EnvelopeRecorder: AudioSink {
    public let sampleRate: Double
    public let binSize: Int
    private let next: any AudioSink
    public private(set) var minimums: [Float] = []
    public private(set) var maximums: [Float] = []
    private var filled = 0

    public init(sampleRate: Double, passingTo next: any AudioSink) {
        self.sampleRate = sampleRate
        self.binSize = max(1, Int(sampleRate / 200))
        self.next = next
    }

    public var outline: WaveformOutline { WaveformOutline(minimums: minimums, maximums: maximums) }

    public func write(_ samples: [Float]) throws {
        try next.write(samples)
        record(samples)
    }

    /// Adds samples without passing them on (for parts rendered elsewhere).
    public func record(_ samples: [Float]) {
        for sample in samples {
            if filled == 0 {
                minimums.append(sample)
                maximums.append(sample)
            } else {
                let last = minimums.count - 1
                if sample < minimums[last] { minimums[last] = sample }
                if sample > maximums[last] { maximums[last] = sample }
            }
            filled += 1
            if filled == binSize { filled = 0 }
        }
    }
}
