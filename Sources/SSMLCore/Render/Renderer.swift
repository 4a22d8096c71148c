import Foundation

/// Settings of one render.
public struct RenderOptions: Sendable, Equatable {
    /// Output sample rate in Hz.
    public var sampleRate: Double
    /// Gain applied to all speech before prosody volume: espeak-ng peaks already reach 0.9 of full
    /// scale, and resampling overshoots, so speech starts this far below it.
    public var speechHeadroomDB: Double = -3
    public var limits: Limits = .standard

    public init(sampleRate: Double, limits: Limits = .standard) {
        self.sampleRate = sampleRate
        self.limits = limits
    }
}

/// What happened during a render, in output samples.
public struct RenderReport: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable {
            case speech, bleep, pause, audio, mark, word, loop
            /// Call control (seven.io dtmf/bridge, NCCO actions without sound): `detail` names the kind.
            case callControl
            /// A sound made by the renderer (`detail`: breath).
            case noise
            /// A stretch of the output where only a mix's layers sound (Google `par`/`seq`, background fade-out).
            case mix
        }
        public var kind: Kind
        public var start: Int
        public var end: Int
        /// Spoken text, a word, the clip path, the mark name, the pause's reason, or the call-control kind.
        public var detail: String
        public var voice: String?
        public var location: SourceLocation?
        /// Settings: a speech segment's prosody, a pause's length, a clip's gain, call-control attributes,
        /// a loop's pass.
        public var attributes: [String: String]
        /// The mix layer that played it (1-based, in the render); nil for the main sequence, whose entries tile the output.
        public var layer: Int?

        public init(kind: Kind, start: Int, end: Int, detail: String, voice: String? = nil, location: SourceLocation? = nil, attributes: [String: String] = [:], layer: Int? = nil) {
            self.kind = kind
            self.start = start
            self.end = end
            self.detail = detail
            self.voice = voice
            self.location = location
            self.attributes = attributes
            self.layer = layer
        }
    }

    public var sampleRate: Double
    public var sampleCount: Int
    public var entries: [Entry]

    public init(sampleRate: Double, sampleCount: Int, entries: [Entry]) {
        self.sampleRate = sampleRate
        self.sampleCount = sampleCount
        self.entries = entries
    }

    public var duration: Double { Double(sampleCount) / sampleRate }

    /// This report followed by `next` (a later part of the same render), its samples shifted to start here.
    public func appending(_ next: RenderReport) -> RenderReport {
        let offset = sampleCount
        let shifted = next.entries.map { entry in
            var entry = entry
            entry.start += offset
            entry.end += offset
            return entry
        }
        return RenderReport(sampleRate: sampleRate, sampleCount: sampleCount + next.sampleCount, entries: entries + shifted)
    }
}

/// Renders a plan to a sink, streaming: memory stays bounded by the longest synthesis chunk, not by the
/// length of the output.
public final class Renderer {
    let synthesizer: any SpeechSynthesizer
    let decoder: any AudioDecoder
    let resamplers: any ResamplerFactory
    let options: RenderOptions

    var written = 0
    var entries: [RenderReport.Entry] = []
    /// The markup of the segment being rendered: the place a limit error names.
    var currentLocation: SourceLocation?
    var sink: (any AudioSink)!
    /// Mix layers numbered so far in this render.
    var layers = 0
    /// While a fitted duration renders its content: the samples, held back so the fit can be made exact.
    var held: [Float]?

    public init(synthesizer: any SpeechSynthesizer, decoder: any AudioDecoder, resamplers: any ResamplerFactory, options: RenderOptions) {
        self.synthesizer = synthesizer
        self.decoder = decoder
        self.resamplers = resamplers
        self.options = options
    }

    /// Renders every segment in order into `sink`.
    public func render(_ plan: [Segment], into sink: any AudioSink) throws -> RenderReport {
        self.sink = sink
        written = 0
        entries = []
        layers = 0
        defer { self.sink = nil }
        try render(plan)
        return RenderReport(sampleRate: options.sampleRate, sampleCount: written, entries: entries)
    }

    func render(_ plan: [Segment]) throws {
        for segment in plan {
            let start = written
            currentLocation = segment.location
            switch segment {
            case .speech(let speech):
                // The segment's entry goes before its words.
                let index = entries.count
                entries.append(.init(kind: .speech, start: start, end: start, detail: speech.displayText, voice: speech.voice.name, location: speech.location, attributes: Self.attributes(of: speech)))
                try render(speech)
                entries[index].end = written
            case .bleep(let speech):
                try bleep(speech)
                entries.append(.init(kind: .bleep, start: start, end: written, detail: speech.displayText, voice: speech.voice.name, location: speech.location, attributes: Self.attributes(of: speech.prosody)))
            case .pause(let seconds, let reason, let location):
                try silence(Int((seconds * options.sampleRate).rounded()))
                entries.append(.init(kind: .pause, start: start, end: written, detail: reason.rawValue, location: location, attributes: ["seconds": Self.number(seconds)]))
            case .audio(let clip):
                try render(clip)
                entries.append(.init(kind: .audio, start: start, end: written, detail: clip.displayName, location: clip.location, attributes: Self.attributes(of: clip)))
            case .mark(let name, let location):
                entries.append(.init(kind: .mark, start: start, end: start, detail: name, location: location))
            case .callControl(let control):
                entries.append(.init(kind: .callControl, start: start, end: start, detail: control.kind.rawValue, location: control.location, attributes: control.attributes))
            case .loop(let pass, let passes, let location):
                entries.append(.init(kind: .loop, start: start, end: start, detail: "pass \(pass) of \(passes)", location: location, attributes: ["pass": "\(pass)", "passes": "\(passes)"]))
            case .noise(let noise):
                try render(noise)
                var attributes = ["seconds": Self.number(noise.seconds), "gainDB": noise.silent ? "-inf" : Self.number(noise.gainDB)]
                if let level = noise.levelDB { attributes["levelDB"] = Self.number(level + noise.gainDB) }
                if let source = noise.source { attributes["source"] = source }
                entries.append(.init(kind: .noise, start: start, end: written, detail: noise.kind.rawValue, location: noise.location, attributes: attributes))
            case .mix(let mix):
                try render(mix)
            case .fit(let fit):
                try render(fit)
            }
        }
    }

    /// A speech segment's settings on the timeline: its prosody and the effects applied to it.
    static func attributes(of speech: SpeechSegment) -> [String: String] {
        var attributes = attributes(of: speech.prosody)
        if speech.effects.voice.whisper { attributes["whisper"] = "true" }
        if speech.effects.voice.tractLength != 1 { attributes["tractLength"] = number(speech.effects.voice.tractLength) }
        if speech.effects.compression { attributes["compression"] = "drc" }
        return attributes
    }

    /// A clip's settings on the timeline: gain, clip points, speed.
    static func attributes(of clip: AudioClip) -> [String: String] {
        var attributes = ["gainDB": Self.number(clip.gainDB), "clipBegin": Self.number(clip.clipBegin)]
        if let end = clip.clipEnd { attributes["clipEnd"] = Self.number(end) }
        if clip.speed != 1 { attributes["speed"] = Self.number(clip.speed) }
        return attributes
    }

    /// Prosody as reported on the timeline: factors of the voice's own settings, and dB.
    static func attributes(of prosody: Prosody) -> [String: String] {
        ["rate": number(prosody.rate), "pitch": number(prosody.pitch), "range": number(prosody.range), "volumeDB": prosody.silent ? "-inf" : number(prosody.volumeDB)]
    }

    /// A number for reports: up to three decimals, no trailing zeros; the digits of `String(format: "%.3f")`.
    ///
    /// Thousandths are counted exactly as printf rounds them: the binary value times 1,000, its rounding error
    /// from a fused multiply-add deciding a tie, half to even. (Foundation's formatting takes its arguments as
    /// `CVarArg`, whose first use costs a search of all the executable's protocol conformances on every start.)
    static func number(_ value: Double) -> String {
        let product = value * 1000
        guard value.isFinite, abs(product) < 1e15 else {
            var text = String(format: "%.3f", value)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text == "-0" ? "0" : text
        }
        let error = (-product).addingProduct(value, 1000)
        var units = product.rounded(.toNearestOrEven)
        if abs(product - product.rounded(.towardZero)) == 0.5, error != 0 {
            units = error > 0 ? product.rounded(.up) : product.rounded(.down)
        }
        let thousandths = Int(units)
        let magnitude = thousandths.magnitude
        var text = thousandths < 0 ? "-" : ""
        text += String(magnitude / 1000)
        var fraction = magnitude % 1000
        if fraction != 0 {
            var digits = 3
            while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
            let written = String(fraction)
            text += "." + String(repeating: "0", count: digits - written.count) + written
        }
        return text
    }

    // MARK: - Segments

    private func render(_ speech: SpeechSegment) throws {
        let gain = Float(pow(10, options.speechHeadroomDB / 20) * speech.prosody.gain)
        let start = written
        var compressor = speech.effects.compression ? DynamicRangeCompressor(sampleRate: options.sampleRate) : nil
        let (events, scale) = try synthesize(speech) { block in
            guard compressor != nil else { return try emit(block, gain: gain) }
            try emit(compressor!.process(block.map { $0 * gain }), gain: 1)
        }
        let words = events.filter { $0.kind == .word }
        for (index, word) in words.enumerated() {
            let wordStart = start + Int((Double(word.sample) * scale).rounded())
            let next = index + 1 < words.count ? start + Int((Double(words[index + 1].sample) * scale).rounded()) : written
            entries.append(.init(kind: .word, start: min(wordStart, written), end: min(max(next, wordStart), written), detail: word.text ?? "", voice: speech.voice.name))
        }
    }

    /// Synthesises `speech` at the output rate, handing each block to `output`; returns the engine's events and the
    /// factor from engine samples to output samples.
    private func synthesize(_ speech: SpeechSegment, output: ([Float]) throws -> Void) throws -> ([SpeechEvent], Double) {
        let request = speech.request
        let inputRate = synthesizer.sampleRate(for: request)
        let resampler = try resamplers.make(from: inputRate, to: options.sampleRate)
        let events = try synthesizer.synthesize(request) { chunk in
            try output(resampler.process(chunk))
        }
        try output(resampler.flush())
        return (events, options.sampleRate / inputRate)
    }

    /// Level of a bleep at neutral volume (prosody volume moves it like speech).
    public static let bleepLevelDB = -12.0
    public static let bleepFrequency = 1000.0
    /// Fade in and out, so the tone starts and stops without a click.
    public static let bleepRamp = 0.005

    /// Says the words into nothing to learn their length, then plays a 1 kHz tone that long.
    private func bleep(_ speech: SpeechSegment) throws {
        var count = 0
        _ = try synthesize(speech) { count += $0.count }
        let amplitude = pow(10, Self.bleepLevelDB / 20) * speech.prosody.gain
        let ramp = max(1, Int(Self.bleepRamp * options.sampleRate))
        var block: [Float] = []
        block.reserveCapacity(8192)
        for n in 0..<count {
            let edge = min(n, count - 1 - n)
            let envelope = edge < ramp ? Double(edge) / Double(ramp) : 1
            block.append(Float(amplitude * envelope * sin(2 * Double.pi * Self.bleepFrequency * Double(n) / options.sampleRate)))
            if block.count == 8192 {
                try emit(block, gain: 1)
                block.removeAll(keepingCapacity: true)
            }
        }
        try emit(block, gain: 1)
    }

    private func render(_ clip: AudioClip) throws {
        let stream = try ClipStream(clip, decoder: decoder, resamplers: resamplers, outputRate: options.sampleRate)
        let gain = Float(pow(10, clip.gainDB / 20))
        while true {
            let block = try stream.read(16384)
            if block.isEmpty { break }
            try emit(block, gain: gain)
        }
    }

    /// A renderer-made sound: a breath (band-limited noise under a breath envelope) or a placeholder, at its level moved by its gain.
    private func render(_ noise: NoiseSegment) throws {
        let count = Int((noise.seconds * options.sampleRate).rounded())
        guard !noise.silent, let level = noise.levelDB else { return try silence(count) }
        let samples: [Float]
        switch noise.kind {
        case .breath:
            // Seeded by the place in the output: every breath is its own, and a render is reproducible.
            samples = NoiseGenerator.breath(count: count, sampleRate: options.sampleRate, gain: pow(10, noise.gainDB / 20), seed: UInt64(written) &+ 0x9E37_79B9)
        case .placeholderTone, .placeholderSilence:
            samples = NoiseGenerator.tone(count: count, sampleRate: options.sampleRate, levelDB: level, gain: pow(10, noise.gainDB / 20))
        }
        var start = 0
        while start < samples.count {
            try emit(Array(samples[start..<min(start + 8192, samples.count)]), gain: 1)
            start += 8192
        }
    }

    func silence(_ count: Int) throws {
        var remaining = count
        let block = [Float](repeating: 0, count: 8192)
        while remaining > 0 {
            let n = min(remaining, block.count)
            try output(n == block.count ? block : Array(block[..<n]))
            remaining -= n
        }
    }

    // MARK: - Output

    /// Applies `gain` and the limiter, then outputs.
    private func emit(_ samples: [Float], gain: Float) throws {
        var shaped = samples
        for i in shaped.indices { shaped[i] = SoftLimiter.apply(shaped[i] * gain) }
        try output(shaped)
    }

    /// Counts samples against the length limit and hands them to the sink.
    func output(_ samples: [Float]) throws {
        guard !samples.isEmpty else { return }
        written += samples.count
        if Double(written) > options.limits.maxOutputSeconds * options.sampleRate {
            throw SSMLError(.limitExceeded, "the output passes the limit of \(Int(options.limits.maxOutputSeconds)) s here", at: currentLocation)
        }
        if held != nil {
            held!.append(contentsOf: samples)
        } else {
            try sink.write(samples)
        }
    }
}

/// Keeps every sample below full scale: linear up to the knee, then a smooth curve that never reaches 1.
public enum SoftLimiter {
    public static let knee: Float = 0.89

    @inline(__always)
    public static func apply(_ x: Float) -> Float {
        // NaN (a float clip holding NaN, or inf x 0 from an absurd gain) is silence, never full scale.
        guard !x.isNaN else { return 0 }
        let magnitude = abs(x)
        guard magnitude > knee else { return x }
        let headroom = 1 - knee
        let shaped = knee + headroom * 0.98 * tanhf((magnitude - knee) / headroom)
        return x < 0 ? -shaped : shaped
    }
}
