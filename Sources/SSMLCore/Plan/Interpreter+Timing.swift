import Foundation

/// Elements that place speech in time: `<prosody duration>` / `contour` / Polly's `amazon:max-duration`, and Google's
/// `<par>`, `<seq>` and `<media>`.
extension Interpreter {
    // MARK: - Prosody

    /// `<prosody>`: its frame for the children, and the W3C `duration` (exact; it takes precedence over `rate`),
    /// Polly's `amazon:max-duration` (only faster, at most 5x) and the W3C pitch `contour`.
    func prosody(_ element: XMLElement, frame: Frame) throws {
        let duration = element.attribute("duration")
        let maxDuration = element.attribute("max-duration", prefix: "amazon")
        var inner = try prosodyFrame(element, frame: frame)
        func seconds(_ attribute: XMLAttribute, _ name: String) throws -> Double {
            let at = attribute.location.with(element: "prosody", attribute: name)
            let value: Double
            do { value = try BreakValue.time(attribute.value) } catch {
                throw SSMLError(.invalidValue, error.message.replacingOccurrences(of: "break time", with: "prosody \(name)"), at: at)
            }
            guard value > 0 else { throw SSMLError(.invalidValue, "prosody \(name) \"\(attribute.value)\" must be longer than 0", at: at) }
            return value
        }
        let exact = try duration.map { try seconds($0, "duration") }
        let most = try maxDuration.map { try seconds($0, "amazon:max-duration") }
        // SSML 1.1: "the duration attribute takes precedence over the rate attribute" (the fit sets the rate).
        if exact != nil, let rate = element.attribute("rate") {
            try log.warn("prosody rate \"\(rate.value)\" is ignored: duration sets the rate (SSML 1.1)", at: rate.location.with(element: "prosody", attribute: "rate"), kind: .invalidValue)
            inner.prosody.rate = frame.prosody.rate
        }
        let contour = try element.attribute("contour").map { try self.contour($0, frame: inner) }
        guard exact != nil || most != nil || contour != nil else {
            // Plain prosody: its speech joins the text around it when voice and prosody agree.
            return try visitChildren(element, frame: inner)
        }
        var content = try capture {
            try visitChildren(element, frame: inner)
        }
        if let contour { content = Self.applyContour(contour, to: content) }
        let place = element.location.with(element: "prosody")
        if let exact {
            segments.append(.fit(DurationFit(content: content, seconds: exact, rule: .exact, factors: 0.25...4, location: place)))
        } else if let most {
            // Polly: "increases the speed no more than 5 times the normal rate"; never slower, no silence added.
            segments.append(.fit(DurationFit(content: content, seconds: most, rule: .atMost, factors: 1...5, location: place)))
        } else {
            segments += content
        }
    }

    /// A W3C contour, `(0%,+20Hz) (50%,-10%) (100%,x-high)`: positions in the element's text and the pitch there, each
    /// read as a `pitch` value against the element's own pitch.
    func contour(_ attribute: XMLAttribute, frame: Frame) throws -> [(position: Double, pitch: Double)] {
        let place = attribute.location.with(element: "prosody", attribute: "contour")
        var points: [(Double, Double)] = []
        let pattern = try! NSRegularExpression(pattern: #"\(\s*([^,()]+?)\s*,\s*([^()]+?)\s*\)"#)
        let text = attribute.value
        let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
        let leftover = pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "")
        guard !matches.isEmpty, leftover.trimmingWhitespace().isEmpty else {
            throw SSMLError(.invalidValue, "prosody contour \"\(text)\" is not a contour (write (position%,pitch) pairs, like (0%,+20Hz) (50%,-10%))", at: place)
        }
        for match in matches {
            let position = String(text[Range(match.range(at: 1), in: text)!]), target = String(text[Range(match.range(at: 2), in: text)!])
            guard position.hasSuffix("%"), let percent = Double(position.dropLast()), (0...100).contains(percent) else {
                throw SSMLError(.invalidValue, "prosody contour position \"\(position)\" is not a percentage from 0% to 100%", at: place)
            }
            do {
                points.append((percent / 100, try ProsodyValue.pitch(target, current: frame.prosody.pitch, baseHz: frame.voice.settings.baseHz)))
            } catch {
                throw SSMLError(.invalidValue, "prosody contour: \(error.message)", at: place)
            }
        }
        return points.sorted { $0.0 < $1.0 }
    }

    /// The content cut at its words, each word (or spelled code, or pronunciation) at the contour's pitch at its middle.
    /// espeak-ng has no pitch envelope, so the movement is made by the pitch of successive pieces; neighbours at the
    /// same pitch stay together.
    static func applyContour(_ points: [(position: Double, pitch: Double)], to content: [Segment]) -> [Segment] {
        func pitch(at t: Double) -> Double {
            guard let first = points.first, let last = points.last else { return 1 }
            if t <= first.position { return first.pitch }
            if t >= last.position { return last.pitch }
            for (a, b) in zip(points, points.dropFirst()) where t <= b.position {
                let span = b.position - a.position
                return span > 0 ? a.pitch + (b.pitch - a.pitch) * (t - a.position) / span : b.pitch
            }
            return last.pitch
        }
        func units(_ piece: SpeechPiece) -> [SpeechPiece] {
            if case .text(let text) = piece { return text.split(whereSeparator: \.isWhitespace).map { .text(String($0)) } }
            return [piece]
        }
        func weight(_ piece: SpeechPiece) -> Int {
            switch piece {
            case .text(let text), .characters(let text), .ipa(let text): text.count + 1
            }
        }
        let total = content.reduce(0) { sum, segment in
            if case .speech(let speech) = segment { return sum + speech.pieces.flatMap(units).map(weight).reduce(0, +) }
            return sum
        }
        guard total > 0 else { return content }
        var done = 0
        var out: [Segment] = []
        for segment in content {
            guard case .speech(let speech) = segment else {
                out.append(segment)
                continue
            }
            var group: [SpeechPiece] = []
            var groupPitch: Double?
            func close() {
                guard let level = groupPitch, !group.isEmpty else { return }
                var piece = speech
                piece.pieces = group
                piece.prosody.pitch = level
                out.append(.speech(piece))
                group = []
            }
            for unit in speech.pieces.flatMap(units) {
                let middle = (Double(done) + Double(weight(unit)) / 2) / Double(total)
                done += weight(unit)
                let level = pitch(at: middle)
                if let current = groupPitch, abs(current / level - 1) > 0.005 { close() }
                groupPitch = level
                group.append(unit)
            }
            close()
        }
        return out
    }

    // MARK: - Google par, seq, media

    /// `<par>`, `<seq>` (containers) and `<media>` (a layer of one): a mix whose layers are the children, each placed by
    /// its `begin` (from the container's start in a `par`, from the end of the child before in a `seq`, or from another
    /// element's begin or end), cut at its `end`, repeated, levelled and faded as Google documents.
    func timeContainer(_ element: XMLElement, frame: Frame) throws {
        let place = element.location.with(element: element.name)
        let kind: Mix.Kind = element.name == "par" ? .parallel : .sequence
        var layers: [MixLayer] = []
        if element.name == "media" {
            // A <media> outside a container plays as a sequence of one (Google places media only inside par or seq).
            layers.append(try mediaLayer(element, frame: frame, content: try mediaContent(element, frame: frame)))
        } else {
            for child in element.children {
                switch child {
                case .text(let text, let location):
                    guard !text.trimmingWhitespaceAndNewlines().isEmpty else { continue }
                    try log.warn(
                        "text directly in <\(element.name)> is not in a <media> (Google allows only par, seq and media here); it is spoken as media of its own",
                        at: location, kind: .invalidValue)
                    let content = Self.trimmed(try capture { speakText(text, frame: frame, at: location) })
                    layers.append(MixLayer(content: content, location: location))
                case .element(let inner):
                    let name = inner.name
                    if ["par", "seq", "media"].contains(name), inner.namespace == nil || inner.namespace == SSMLDocument.namespace {
                        let content =
                            name == "media"
                            ? try mediaContent(inner, frame: frame)
                            : try capture {
                                try check(inner, allowed: ["begin", "end", "repeatCount", "repeatDur", "id"])
                                try timeContainer(inner, frame: frame)
                            }
                        layers.append(try mediaLayer(inner, frame: frame, content: content))
                    } else {
                        try log.warn(
                            "<\(inner.qualifiedName)> in <\(element.name)> is not in a <media> (Google allows only par, seq and media here); it plays as media of its own",
                            at: inner.location.with(element: inner.qualifiedName), kind: .invalidValue)
                        layers.append(MixLayer(content: Self.trimmed(try capture { try visit(.element(inner), frame: frame) }), location: inner.location.with(element: inner.qualifiedName)))
                    }
                }
            }
        }
        flush()
        segments.append(.mix(Mix(kind: kind, layers: layers, location: place)))
        try checkSize(at: place)
    }

    /// What a `<media>` plays: its `<speak>` or `<audio>` (or, not as Google has it, any other content), without the
    /// structural pauses at its ends.
    func mediaContent(_ media: XMLElement, frame: Frame) throws -> [Segment] {
        try check(media, allowed: ["begin", "end", "repeatCount", "repeatDur", "soundLevel", "fadeInDur", "fadeOutDur", "id"])
        return Self.trimmed(try capture { try visitChildren(media, frame: frame) })
    }

    /// The timing attributes of a `<media>` (or of a nested `<par>`/`<seq>`) as a layer holding `content`.
    func mediaLayer(_ element: XMLElement, frame: Frame, content: [Segment]) throws -> MixLayer {
        let name = element.name
        func place(_ attribute: String) -> SourceLocation { element.attribute(attribute)?.location.with(element: name, attribute: attribute) ?? element.location.with(element: name) }
        func time(_ attribute: String) throws -> MixTime? {
            guard let value = element.attribute(attribute) else { return nil }
            guard let time = MixTime.parse(value.value) else {
                throw SSMLError(.invalidValue, "\(name) \(attribute) \"\(value.value)\" is not a time (use an offset like 0.5s, +2s, 250ms, or id.begin / id.end with an offset like question.end+2s)", at: place(attribute))
            }
            if let id = time.id, !mediaIDs.contains(id) {
                throw SSMLError(.invalidValue, "\(name) \(attribute) \"\(value.value)\" names \"\(id)\", but no element before it has xml:id=\"\(id)\"", at: place(attribute))
            }
            return time
        }
        func duration(_ attribute: String) throws -> Double? {
            guard let value = element.attribute(attribute) else { return nil }
            guard let seconds = MixTime.offsetSeconds(value.value), seconds >= 0, !value.value.trimmingWhitespace().hasPrefix("-") else {
                throw SSMLError(.invalidValue, "\(name) \(attribute) \"\(value.value)\" is not a duration (use 2s, 500ms, 1.5min)", at: place(attribute))
            }
            return seconds
        }
        var layer = MixLayer(content: content, location: element.location.with(element: name))
        layer.begin = try time("begin") ?? MixTime()
        layer.end = try time("end")
        if let count = element.attribute("repeatCount") {
            guard let value = Double(count.value.trimmingWhitespace()), value >= 0, value.isFinite else {
                throw SSMLError(.invalidValue, "\(name) repeatCount \"\(count.value)\" is not a number of times", at: place("repeatCount"))
            }
            // Google: "Fractional repetitions aren't supported, so the value will be rounded to the nearest integer. Zero
            // is not a valid value and is therefore treated as being unspecified".
            let rounded = max(1, Int(value.rounded()))
            guard rounded <= limits.maxLoop else {
                throw SSMLError(.invalidValue, "\(name) repeatCount \(count.value) is above the limit of \(limits.maxLoop)", at: place("repeatCount"))
            }
            layer.repeatCount = rounded
        }
        layer.repeatSeconds = try duration("repeatDur")
        if let level = element.attribute("soundLevel") {
            do { layer.gainDB = try ProsodyValue.volume(level.value, currentDB: 0).db } catch {
                throw SSMLError(.invalidValue, "\(name) soundLevel \"\(level.value)\" is not a level (use +NdB or -NdB)", at: place("soundLevel"))
            }
            // Google: "Maximum range is +/-40dB".
            if abs(layer.gainDB) > 40 {
                try log.warn("\(name) soundLevel \"\(level.value)\" is beyond Google's +/-40dB; clamped", at: place("soundLevel"), kind: .limitExceeded)
                layer.gainDB = min(max(layer.gainDB, -40), 40)
            }
        }
        layer.fadeIn = try duration("fadeInDur") ?? 0
        layer.fadeOut = try duration("fadeOutDur") ?? 0
        if let id = element.attribute("id", prefix: "xml") ?? element.attribute("id") {
            layer.id = id.value
            mediaIDs.insert(id.value)
        }
        return layer
    }
}

/// Polly's `<amazon:auto-breaths>` settings: how often, how loud and how long the breaths it adds are.
struct AutoBreaths: Equatable {
    /// Words between two breaths at the least.
    var words: Int
    var seconds: Double
    var gainDB: Double
}
