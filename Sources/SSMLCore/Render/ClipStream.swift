import Foundation

/// Mono samples at the output rate, pulled block by block; fewer than asked (or none) means the source has ended.
protocol SampleSource: AnyObject {
    func read(_ count: Int) throws -> [Float]
}

/// A clip decoded, clipped (`clipBegin`/`clipEnd`), sped up or slowed down (`speed`, by resampling) and converted to the
/// output rate, read in blocks: memory holds one block, never the clip.
///
/// Its length is exact and known before it is read: the clipped frames times the output rate over the source rate times
/// the speed, rounded. The resampler's output is cut or padded to that count, so timings add up to the sample.
final class ClipStream: SampleSource {
    private let source: any AudioSource
    private let resampler: any Resampler
    private var remainingFrames: Int
    private var buffer: [Float] = []
    private var drained = false
    private var produced = 0
    /// Samples the clip gives at the output rate.
    let length: Int

    init(_ clip: AudioClip, decoder: any AudioDecoder, resamplers: any ResamplerFactory, outputRate: Double) throws {
        guard let file = clip.file else {
            throw SSMLError(.audioSource, "\(clip.label) was not resolved to a file before rendering", at: clip.sourceLocation)
        }
        source = try decoder.open(URL(fileURLWithPath: file))
        let (first, last) = Self.frames(clip, source: source)
        if first > 0 { try source.seek(to: first) }
        remainingFrames = last - first
        let speed = clip.speed > 0 && clip.speed.isFinite ? clip.speed : 1
        resampler = try resamplers.make(from: source.sampleRate * speed, to: outputRate)
        length = Int((Double(last - first) * outputRate / (source.sampleRate * speed)).rounded())
    }

    /// The clipped range in source frames.
    static func frames(_ clip: AudioClip, source: any AudioSource) -> (first: Int, last: Int) {
        let first = min(Int((clip.clipBegin * source.sampleRate).rounded()), source.frameCount)
        let last = clip.clipEnd.map { min(Int(($0 * source.sampleRate).rounded()), source.frameCount) } ?? source.frameCount
        return (first, max(first, last))
    }

    func read(_ count: Int) throws -> [Float] {
        let wanted = min(count, length - produced)
        guard wanted > 0 else { return [] }
        while buffer.count < wanted && !drained {
            if remainingFrames > 0 {
                let chunk = try source.read(maxFrames: min(remainingFrames, 16384))
                if chunk.isEmpty {
                    remainingFrames = 0
                } else {
                    remainingFrames -= chunk.count
                    buffer += try resampler.process(chunk)
                }
            } else {
                buffer += try resampler.flush()
                drained = true
            }
        }
        var out: [Float]
        if buffer.count >= wanted {
            out = Array(buffer[..<wanted])
            buffer.removeFirst(wanted)
        } else {
            // The resampler gave a sample or two fewer than the exact length: the end is padded with silence.
            out = buffer + [Float](repeating: 0, count: wanted - buffer.count)
            buffer = []
        }
        produced += out.count
        return out
    }
}

/// Samples held in memory (speech rendered ahead for a mix layer).
final class BufferSource: SampleSource {
    private let samples: [Float]
    private var position = 0

    init(_ samples: [Float]) { self.samples = samples }

    func read(_ count: Int) throws -> [Float] {
        let end = min(samples.count, position + count)
        defer { position = end }
        return Array(samples[position..<end])
    }
}

/// Silence of a given length.
final class SilenceSource: SampleSource {
    private var remaining: Int

    init(_ count: Int) { remaining = count }

    func read(_ count: Int) throws -> [Float] {
        let n = min(count, remaining)
        remaining -= n
        return [Float](repeating: 0, count: n)
    }
}

/// Sources played one after another, each made when it is reached (so only one clip is open at a time).
final class SequenceSource: SampleSource {
    private var makers: [() throws -> any SampleSource]
    private var current: (any SampleSource)?

    init(_ makers: [() throws -> any SampleSource]) { self.makers = makers }

    func read(_ count: Int) throws -> [Float] {
        var out: [Float] = []
        while out.count < count {
            if current == nil {
                guard !makers.isEmpty else { break }
                current = try makers.removeFirst()()
            }
            let part = try current!.read(count - out.count)
            if part.count < count - out.count { current = nil }
            out += part
        }
        return out
    }
}

/// One pass of content made again and again: `passes` times, or without end (background audio under a document).
final class RepeatingSource: SampleSource {
    private let make: () throws -> any SampleSource
    private var passesLeft: Int?
    private var current: (any SampleSource)?
    private let passLength: Int

    init(passLength: Int, passes: Int?, make: @escaping () throws -> any SampleSource) {
        self.make = make
        self.passLength = passLength
        passesLeft = passes
    }

    func read(_ count: Int) throws -> [Float] {
        guard passLength > 0 else { return [] }
        var out: [Float] = []
        while out.count < count {
            if current == nil {
                if let left = passesLeft {
                    guard left > 0 else { break }
                    passesLeft = left - 1
                }
                current = try make()
            }
            let part = try current!.read(count - out.count)
            if part.count < count - out.count { current = nil }
            out += part
        }
        return out
    }
}
