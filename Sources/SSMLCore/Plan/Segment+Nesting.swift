import Foundation

/// Segments that hold segments (mixes, fitted durations, clip fallbacks): walks and rewrites that reach into them.
extension Segment {
    /// The segments inside this one (a mix's lead and layers, a fit's content); empty for the others.
    public var nested: [Segment] {
        switch self {
        case .mix(let mix): mix.lead + mix.layers.flatMap(\.content)
        case .fit(let fit): fit.content
        default: []
        }
    }

    /// This segment with each nested list of segments passed through `transform` (the segment itself unchanged
    /// otherwise).
    public func mappingNested(_ transform: ([Segment]) throws -> [Segment]) rethrows -> Segment {
        switch self {
        case .mix(var mix):
            mix.lead = try transform(mix.lead)
            for index in mix.layers.indices { mix.layers[index].content = try transform(mix.layers[index].content) }
            return .mix(mix)
        case .fit(var fit):
            fit.content = try transform(fit.content)
            return .fit(fit)
        default:
            return self
        }
    }

    /// The segment with every source location passed through `move` (for SSML planned inside an NCCO string),
    /// nested segments included.
    public func relocated(_ move: (SourceLocation) -> SourceLocation) -> Segment {
        switch self {
        case .speech(var speech):
            speech.location = move(speech.location)
            return .speech(speech)
        case .bleep(var speech):
            speech.location = move(speech.location)
            return .bleep(speech)
        case .pause(let seconds, let reason, let location):
            return .pause(seconds: seconds, reason: reason, location: location.map(move))
        case .audio(var clip):
            clip.location = move(clip.location)
            clip.sourceLocation = move(clip.sourceLocation)
            if var fallback = clip.fallback {
                fallback.segments = fallback.segments.map { $0.relocated(move) }
                fallback.diagnostics = fallback.diagnostics.map { diagnostic in
                    var moved = diagnostic
                    moved.location = diagnostic.location.map(move)
                    return moved
                }
                if var error = fallback.error {
                    error.location = error.location.map(move)
                    fallback.error = error
                }
                clip.fallback = fallback
            }
            return .audio(clip)
        case .mark(let name, let location):
            return .mark(name: name, location: move(location))
        case .callControl(var control):
            control.location = move(control.location)
            return .callControl(control)
        case .loop(let pass, let passes, let location):
            return .loop(pass: pass, passes: passes, location: move(location))
        case .noise(var noise):
            noise.location = move(noise.location)
            return .noise(noise)
        case .mix(var mix):
            mix.location = move(mix.location)
            for index in mix.layers.indices { mix.layers[index].location = move(mix.layers[index].location) }
            return Segment.mix(mix).mappingNested { $0.map { $0.relocated(move) } }
        case .fit(var fit):
            fit.location = move(fit.location)
            return Segment.fit(fit).mappingNested { $0.map { $0.relocated(move) } }
        }
    }

    /// The markup that made the segment (the place a limit error names), nested kinds included.
    public var location: SourceLocation? {
        switch self {
        case .speech(let speech), .bleep(let speech): speech.location
        case .pause(_, _, let location): location
        case .audio(let clip): clip.location
        case .mark(_, let location), .loop(_, _, let location): location
        case .callControl(let control): control.location
        case .noise(let noise): noise.location
        case .mix(let mix): mix.location
        case .fit(let fit): fit.location
        }
    }

    /// One line for reports (`ssml text`): what a breath, a mix or a fitted duration will do, its content in short.
    public var summary: String {
        func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }
        func list(_ segments: [Segment]) -> String { segments.map(\.shortText).filter { !$0.isEmpty }.joined(separator: " | ") }
        switch self {
        case .noise(let noise):
            return "\(noise.kind.rawValue) \(seconds(noise.seconds))" + (noise.silent ? " (silent)" : String(format: " at %+.1f dB", noise.gainDB))
        case .mix(let mix):
            let layers = mix.layers.enumerated().map { index, layer -> String in
                var parts = ["layer \(index + 1)"]
                if let id = layer.id { parts.append("id=\(id)") }
                parts.append("begin=\(layer.begin.description)")
                if let end = layer.end { parts.append("end=\(end.description)") }
                if layer.repeatCount != 1 { parts.append("repeat=\(layer.repeatCount)") }
                if let limit = layer.repeatSeconds { parts.append("repeatDur=\(Renderer.number(limit))s") }
                if layer.loops { parts.append("loops") }
                if layer.gainDB != 0 { parts.append(String(format: "gain=%+.1fdB", layer.gainDB)) }
                if layer.fadeIn > 0 { parts.append("fadeIn=\(Renderer.number(layer.fadeIn))s") }
                if layer.fadeOut > 0 { parts.append("fadeOut=\(Renderer.number(layer.fadeOut))s") }
                return "[\(parts.joined(separator: " ")): \(list(layer.content))]"
            }
            let lead = mix.lead.isEmpty ? "" : " under: \(list(mix.lead))"
            let tail = mix.tail > 0 ? " then \(seconds(mix.tail)) of fade-out" : ""
            return "\(mix.kind.rawValue) \(layers.joined(separator: " "))\(lead)\(tail)"
        case .fit(let fit):
            let rule = fit.rule == .exact ? "exactly" : "at most"
            return "\(rule) \(seconds(fit.seconds)) (rate x\(Renderer.number(fit.factors.lowerBound))...x\(Renderer.number(fit.factors.upperBound))): \(list(fit.content))"
        default:
            return shortText
        }
    }

    /// A few words for a segment inside a summary.
    var shortText: String {
        switch self {
        case .speech(let speech): "'\(speech.displayText)'"
        case .bleep(let speech): "bleep '\(speech.displayText)'"
        case .pause(let seconds, let reason, _): "\(reason.rawValue) \(Renderer.number(seconds)) s"
        case .audio(let clip): "audio \(clip.displayName)" + (clip.speed != 1 ? " at x\(Renderer.number(clip.speed))" : "")
        case .mark(let name, _): "mark \(name)"
        case .callControl(let control): control.kind.rawValue
        case .loop(let pass, let passes, _): "pass \(pass) of \(passes)"
        case .noise, .mix, .fit: "(\(summary))"
        }
    }
}

extension MixTime: CustomStringConvertible {
    /// The SMIL form: `0.5s`, `question.end+2s`.
    public var description: String {
        let offset = Renderer.number(self.offset) + "s"
        guard let id, let edge else { return offset }
        return self.offset == 0 ? "\(id).\(edge.rawValue)" : "\(id).\(edge.rawValue)\(self.offset > 0 ? "+" : "")\(offset)"
    }
}
