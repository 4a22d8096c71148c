import Foundation

/// Mixes and fitted durations: layers placed in time and added block by block, and content re-spoken at the rate that
/// fits its target length.
extension Renderer {
    /// Block size of a mix, in samples.
    static let mixBlock = 8192

    /// A layer laid out: where it plays in the mix, how it is read, and what it did (entries from the mix's start).
    struct PlacedLayer {
        var number: Int
        var begin: Int
        var end: Int
        var source: any SampleSource
        var entries: [RenderReport.Entry]
    }

    func render(_ mix: Mix) throws {
        let origin = written
        if mix.kind == .background {
            // The lead is rendered as usual into a sink that adds the layers under it; they go on for the tail after it.
            var players: [LayerPlayer] = []
            var placed: [(Int, MixLayer, Int)] = []
            for layer in mix.layers {
                layers += 1
                let (source, passLength, layerEntries) = try prepare(layer, loops: true)
                let begin = Int((max(0, layer.begin.offset) * options.sampleRate).rounded())
                players.append(LayerPlayer(start: begin, end: .max, gainDB: layer.gainDB, fadeIn: samples(layer.fadeIn), fadeOut: samples(layer.fadeOut), source: source))
                placed.append((layers, layer, begin))
                _ = (passLength, layerEntries)
            }
            let mixing = MixingSink(inner: sink, players: players)
            let outer = sink
            sink = mixing
            defer { sink = outer }
            try render(mix.lead)
            let leadEnd = mixing.position
            let tail = samples(mix.tail)
            for player in players { player.end = leadEnd + tail }
            if tail > 0 {
                let start = written
                try silence(tail)
                entries.append(.init(kind: .mix, start: start, end: written, detail: "background fade-out", location: mix.location, attributes: ["seconds": Self.number(mix.tail)]))
            }
            for (number, layer, begin) in placed {
                entries.append(.init(kind: .mix, start: origin + begin, end: origin + leadEnd + tail, detail: "background", location: layer.location, attributes: Self.attributes(of: layer), layer: number))
                for case .audio(let clip) in layer.content {
                    entries.append(
                        .init(kind: .audio, start: origin + begin, end: origin + leadEnd + tail, detail: clip.displayName, location: clip.location, attributes: Self.attributes(of: clip).merging(["loops": "true"]) { $1 }, layer: number))
                }
            }
            return
        }
        // Google's containers: every layer is laid out first (speech rendered ahead, clips measured), then mixed.
        var placed: [PlacedLayer] = []
        var times: [String: (begin: Int, end: Int)] = [:]
        var previousEnd = 0
        for layer in mix.layers {
            layers += 1
            let number = layers
            let (source, passLength, passEntries) = try prepare(layer, loops: false)
            var length = passLength * max(1, layer.repeatCount)
            if let limit = layer.repeatSeconds { length = min(length, samples(limit)) }
            let base = mix.kind == .sequence ? previousEnd : 0
            func resolve(_ time: MixTime) -> Int {
                let offset = Int((time.offset * options.sampleRate).rounded())
                guard let id = time.id, let known = times[id] else { return base + offset }
                return (time.edge == .begin ? known.begin : known.end) + offset
            }
            let begin = max(0, resolve(layer.begin))
            let end = max(begin, layer.end.map(resolve) ?? begin + length)
            var layerEntries: [RenderReport.Entry] = []
            for pass in 0..<max(1, layer.repeatCount) {
                let shift = begin + pass * passLength
                guard shift < end || (pass == 0 && passLength == 0) else { break }
                for entry in passEntries {
                    var moved = entry
                    moved.start = min(entry.start + shift, end)
                    moved.end = min(entry.end + shift, end)
                    moved.layer = number
                    layerEntries.append(moved)
                }
            }
            if let id = layer.id { times[id] = (begin, end) }
            previousEnd = end
            placed.append(PlacedLayer(number: number, begin: begin, end: end, source: source, entries: layerEntries))
        }
        let length = placed.map(\.end).max() ?? 0
        let players = zip(placed, mix.layers).map { placed, layer in
            LayerPlayer(start: placed.begin, end: placed.end, gainDB: layer.gainDB, fadeIn: samples(layer.fadeIn), fadeOut: samples(layer.fadeOut), source: placed.source)
        }
        var position = 0
        while position < length {
            var block = [Float](repeating: 0, count: min(length - position, Self.mixBlock))
            for player in players { try player.add(into: &block, at: position) }
            for i in block.indices { block[i] = SoftLimiter.apply(block[i]) }
            try output(block)
            position += block.count
        }
        entries.append(.init(kind: .mix, start: origin, end: origin + length, detail: mix.kind == .sequence ? "seq" : "par", location: mix.location, attributes: ["layers": "\(mix.layers.count)"]))
        for (layer, source) in zip(placed, mix.layers) {
            entries.append(.init(kind: .mix, start: origin + layer.begin, end: origin + layer.end, detail: source.id ?? "media", location: source.location, attributes: Self.attributes(of: source), layer: layer.number))
            entries += layer.entries.map { entry in
                var moved = entry
                moved.start += origin
                moved.end += origin
                return moved
            }
        }
    }

    /// How a layer is read: clips and pauses stream from their files; anything with speech (or a nested mix) is
    /// rendered ahead into memory, which is also how its exact length is learnt. Returns the source, the length of one
    /// pass and the entries of one pass (from the layer's start).
    private func prepare(_ layer: MixLayer, loops: Bool) throws -> (any SampleSource, Int, [RenderReport.Entry]) {
        let streams = layer.content.allSatisfy {
            switch $0 {
            case .audio, .pause, .mark: true
            default: false
            }
        }
        let passes: Int? = loops ? nil : max(1, layer.repeatCount)
        if streams {
            var length = 0
            var makers: [() throws -> any SampleSource] = []
            var passEntries: [RenderReport.Entry] = []
            for segment in layer.content {
                switch segment {
                case .audio(let clip):
                    let clipLength = try ClipStream(clip, decoder: decoder, resamplers: resamplers, outputRate: options.sampleRate).length
                    let gain = Float(pow(10, clip.gainDB / 20))
                    let decoder = self.decoder, resamplers = self.resamplers, rate = options.sampleRate
                    makers.append { GainSource(try ClipStream(clip, decoder: decoder, resamplers: resamplers, outputRate: rate), gain: gain) }
                    passEntries.append(.init(kind: .audio, start: length, end: length + clipLength, detail: clip.displayName, location: clip.location, attributes: Self.attributes(of: clip)))
                    length += clipLength
                case .pause(let seconds, let reason, let location):
                    let count = samples(seconds)
                    makers.append { SilenceSource(count) }
                    passEntries.append(.init(kind: .pause, start: length, end: length + count, detail: reason.rawValue, location: location, attributes: ["seconds": Self.number(seconds)]))
                    length += count
                case .mark(let name, let location):
                    passEntries.append(.init(kind: .mark, start: length, end: length, detail: name, location: location))
                default:
                    break
                }
            }
            let pass = makers
            return (RepeatingSource(passLength: length, passes: passes) { SequenceSource(pass) }, length, passEntries)
        }
        let child = Renderer(synthesizer: synthesizer, decoder: decoder, resamplers: resamplers, options: options)
        let memory = MemorySink()
        let report = try child.render(layer.content, into: memory)
        let buffer = memory.samples
        return (RepeatingSource(passLength: buffer.count, passes: passes) { BufferSource(buffer) }, buffer.count, report.entries)
    }

    func samples(_ seconds: Double) -> Int { Int((max(0, seconds) * options.sampleRate).rounded()) }

    /// A layer's settings on the timeline.
    static func attributes(of layer: MixLayer) -> [String: String] {
        var attributes = ["begin": layer.begin.description, "gainDB": number(layer.gainDB)]
        if let end = layer.end { attributes["end"] = end.description }
        if layer.repeatCount != 1 { attributes["repeatCount"] = "\(layer.repeatCount)" }
        if let limit = layer.repeatSeconds { attributes["repeatDur"] = number(limit) }
        if layer.fadeIn > 0 { attributes["fadeIn"] = number(layer.fadeIn) }
        if layer.fadeOut > 0 { attributes["fadeOut"] = number(layer.fadeOut) }
        return attributes
    }

    // MARK: - Fitted durations

    /// Speaks `fit`'s content at the rate that makes it last its target: measured at its own rate, then re-measured at the
    /// rate the measurement suggests (speech scales with the rate, pauses and clips do not) until it is within half a
    /// percent of a point just under the target; rendered at that rate; for an exact fit, silence fills the rest.
    func render(_ fit: DurationFit) throws {
        let start = written
        let target = samples(fit.seconds)
        let natural = try measure(fit.content, factor: 1)
        if fit.rule == .atMost, natural <= target {
            try render(fit.content)
            return
        }
        // What the rate does not change: pauses, breaths, clips.
        let fixed = try fixedLength(fit.content)
        let aim = Double(target) * (fit.rule == .exact ? 0.985 : 0.995)
        var factor = 1.0
        var length = natural
        // Whether the rate the target needs is beyond the allowed factors: then the length is what the limit gives
        // (Azure: "the duration is set according to the respective minimum or maximum multiple"), without silence.
        var limited = false
        for _ in 0..<5 {
            let speech = Double(length - fixed), wanted = aim - Double(fixed)
            guard speech > 0 else { break }
            let next = wanted > 0 ? factor * speech / wanted : fit.factors.upperBound
            let clamped = min(max(next, fit.factors.lowerBound), fit.factors.upperBound)
            limited = clamped != next
            if clamped == factor { break }
            factor = clamped
            length = try measure(fit.content, factor: factor)
            if abs(Double(length) - aim) < 0.005 * Double(target) { break }
        }
        // Held back: espeak-ng does not always give the same length twice in one process (it drifts), so the
        // rendering can come out a little longer than its measurement; then its last samples are cut, with a fade,
        // and the target holds to the sample.
        let outer = held
        let firstEntry = entries.count
        held = []
        try render(Self.scaled(fit.content, rate: factor))
        var body = held ?? []
        held = outer
        if !limited, body.count > target {
            trim(&body, to: target, from: start, entriesFrom: firstEntry)
        }
        if held != nil { held!.append(contentsOf: body) } else if !body.isEmpty { try sink.write(body) }
        let spoken = written - start
        let rest = target - spoken
        if fit.rule == .exact, rest > 0, !limited {
            let padStart = written
            try silence(rest)
            entries.append(.init(kind: .pause, start: padStart, end: written, detail: "fit", location: fit.location, attributes: ["seconds": Self.number(Double(rest) / options.sampleRate), "rateFactor": Self.number(factor)]))
        } else {
            entries.append(
                .init(
                    kind: .mark, start: written, end: written, detail: "fit", location: fit.location,
                    attributes: ["rateFactor": Self.number(factor), "seconds": Self.number(Double(spoken) / options.sampleRate), "target": Self.number(fit.seconds)]))
        }
    }

    /// Cuts `body` (which started at output sample `start`) to `target` samples with a 10 ms fade-out, and the
    /// entries made since the fit began to the new end.
    private func trim(_ body: inout [Float], to target: Int, from start: Int, entriesFrom firstEntry: Int) {
        let fade = min(target, Int(0.01 * options.sampleRate))
        body.removeLast(body.count - target)
        for index in 0..<fade { body[target - fade + index] *= Float(fade - index) / Float(fade + 1) }
        written = start + target
        let end = start + target
        for index in firstEntry..<entries.count {
            entries[index].start = min(entries[index].start, end)
            entries[index].end = min(entries[index].end, end)
        }
    }

    /// The length of `content` with every speech rate times `factor`, rendered into nothing.
    private func measure(_ content: [Segment], factor: Double) throws -> Int {
        let child = Renderer(synthesizer: synthesizer, decoder: decoder, resamplers: resamplers, options: options)
        let counter = CountingSink()
        _ = try child.render(Self.scaled(content, rate: factor), into: counter)
        return counter.count
    }

    /// Samples of `content` that do not depend on the speaking rate.
    private func fixedLength(_ content: [Segment]) throws -> Int {
        try content.reduce(0) { total, segment in
            switch segment {
            case .pause(let seconds, _, _): return total + samples(seconds)
            case .noise(let noise): return total + samples(noise.seconds)
            case .audio(let clip): return total + (try ClipStream(clip, decoder: decoder, resamplers: resamplers, outputRate: options.sampleRate).length)
            case .fit(let inner): return total + samples(inner.seconds)
            default: return total + (try fixedLength(segment.nested))
            }
        }
    }

    /// `segments` with every speech rate (nested ones included) multiplied by `rate`.
    static func scaled(_ segments: [Segment], rate: Double) -> [Segment] {
        guard rate != 1 else { return segments }
        return segments.map { segment in
            switch segment {
            case .speech(var speech):
                speech.prosody.rate *= rate
                return .speech(speech)
            case .bleep(var speech):
                speech.prosody.rate *= rate
                return .bleep(speech)
            default:
                return segment.mappingNested { scaled($0, rate: rate) }
            }
        }
    }
}

/// A source with a gain applied.
final class GainSource: SampleSource {
    private let inner: any SampleSource
    private let gain: Float

    init(_ inner: any SampleSource, gain: Float) {
        self.inner = inner
        self.gain = gain
    }

    func read(_ count: Int) throws -> [Float] { try inner.read(count).map { $0 * gain } }
}
