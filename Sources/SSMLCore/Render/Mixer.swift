import Foundation

/// One layer of a mix while it plays: its source placed at `start`, active until `end`, with its gain and fades.
final class LayerPlayer {
    /// Samples from the start of the mix.
    let start: Int
    /// The end of the layer's active time; `Int.max` until known (a background loop ends with the mix).
    var end: Int
    private let gain: Float
    private let fadeIn: Int
    private let fadeOut: Int
    private let source: any SampleSource
    private var position = 0

    init(start: Int, end: Int, gainDB: Double, fadeIn: Int, fadeOut: Int, source: any SampleSource) {
        self.start = start
        self.end = end
        gain = Float(pow(10, gainDB / 20))
        self.fadeIn = fadeIn
        self.fadeOut = fadeOut
        self.source = source
    }

    /// Adds the layer's samples for the block that starts `at` samples into the mix.
    func add(into block: inout [Float], at offset: Int) throws {
        let from = max(offset, start), to = min(offset + block.count, end)
        guard from < to else { return }
        if from - start > position {
            _ = try source.read(from - start - position)
            position = from - start
        }
        let samples = try source.read(to - from)
        position += samples.count
        for (k, sample) in samples.enumerated() {
            let time = from + k
            var level = gain
            if fadeIn > 0, time - start < fadeIn { level *= Float(time - start) / Float(fadeIn) }
            if fadeOut > 0, end != .max, end - time < fadeOut { level *= Float(end - time) / Float(fadeOut) }
            block[time - offset] += sample * level
        }
    }
}

/// A sink that mixes layers into what passes through it: the lead of a background mix is rendered as usual into this
/// sink, and each block gets the layers' samples for the same stretch of time added before it goes on.
final class MixingSink: AudioSink {
    private let inner: any AudioSink
    let players: [LayerPlayer]
    /// Samples since the mix started.
    private(set) var position = 0

    init(inner: any AudioSink, players: [LayerPlayer]) {
        self.inner = inner
        self.players = players
    }

    func write(_ samples: [Float]) throws {
        var block = samples
        for player in players { try player.add(into: &block, at: position) }
        for i in block.indices { block[i] = SoftLimiter.apply(block[i]) }
        position += block.count
        try inner.write(block)
    }
}

/// Counts samples and keeps none: the length of a render, for fitting durations.
final class CountingSink: AudioSink {
    private(set) var count = 0
    func write(_ samples: [Float]) throws { count += samples.count }
}
