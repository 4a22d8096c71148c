import Foundation

/// `<voice>`: names, gender and age, and seven.io's `loop` / `loop-info`.
extension Interpreter {
    func voice(_ element: XMLElement, frame: Frame) throws {
        try check(element, allowed: ["name", "gender", "age", "variant", "languages", "language", "effect", "lang", "loop", "loop-info", "required", "ordering", "onvoicefailure", "id"])
        let place = element.location.with(element: "voice")
        var inner = try languageFrame(element, frame: frame)
        // Google selects a voice by `language` (and `gender`) instead of xml:lang: <voice language="fr-FR" gender="male">.
        if let language = element.attribute("language") {
            inner.voice = try voiceFor(
                locale: language.value.trimmingWhitespace(), gender: inner.voice.gender,
                at: language.location.with(element: "voice", attribute: "language"), current: inner.voice)
        }
        let gender = element.attribute("gender") ?? element.attribute("gender", prefix: "xml")
        let resolved = try element.attribute("name").map { try voiceName($0, into: &inner) } ?? false
        if !resolved && (gender != nil || element.attribute("age") != nil) {
            var gender = inner.voice.gender
            if let attribute = element.attribute("gender") ?? element.attribute("gender", prefix: "xml") {
                switch attribute.value.lowercased() {
                case "female": gender = .female
                case "male": gender = .male
                case "child": gender = .child
                case "neutral": break
                default:
                    throw SSMLError(.invalidValue, "voice gender \"\(attribute.value)\" is not a gender (use female, male, neutral or child)", at: attribute.location.with(element: "voice", attribute: "gender"))
                }
            }
            if let attribute = element.attribute("age") {
                guard let age = Int(attribute.value), age >= 0 else {
                    throw SSMLError(.invalidValue, "voice age \"\(attribute.value)\" is not a whole number of years", at: attribute.location.with(element: "voice", attribute: "age"))
                }
                if age < 13 { gender = .child } else if gender == .child { gender = .female }
            }
            inner.voice = try voiceFor(locale: inner.voice.locale, gender: gender, at: place)
        }
        for ignored in ["variant", "required", "ordering", "onvoicefailure"] {
            if let attribute = element.attribute(ignored) {
                try log.warn("voice \(ignored) is not supported and is ignored", at: attribute.location.with(element: "voice", attribute: ignored), kind: .unknownAttribute)
            }
        }

        if let effect = element.attribute("effect") {
            try log.warn("voice effect \"\(effect.value)\" (Azure's playback equalizer) is not applied locally", at: effect.location.with(element: "voice", attribute: "effect"), kind: .unknownAttribute)
        }

        var passes = 1
        if let loop = element.attribute("loop") {
            guard let count = Int(loop.value.trimmingWhitespace()), count >= 1 else {
                throw SSMLError(.invalidValue, "voice loop \"\(loop.value)\" is not a whole number of times (1 or more)", at: loop.location.with(element: "voice", attribute: "loop"))
            }
            guard count <= limits.maxLoop else {
                throw SSMLError(.limitExceeded, "voice loop \(count) is above the limit of \(limits.maxLoop)", at: loop.location.with(element: "voice", attribute: "loop"))
            }
            passes = count
        }
        let loopInfo = element.attribute("loop-info")
        if loopInfo != nil && element.attribute("loop") == nil {
            try log.warn("loop-info has no effect without loop", at: loopInfo!.location.with(element: "voice", attribute: "loop-info"), kind: .invalidValue)
        }

        flush()
        if passes > 1 { segments.append(.loop(pass: 1, passes: passes, location: place)) }
        let start = segments.count
        let silences = try self.silences(of: element)
        inner.silences = silences == VendorSilences() ? nil : silences
        if let leading = silences.leading { addSilence(leading, at: place) }
        try visitChildren(element, frame: inner)
        flush()
        if let tailing = silences.tailing { addSilence(tailing, at: place) }
        // Azure's <mstts:audioduration>: the voice's content fitted to that length ("within 0.5 to 2 times the original
        // audio ... outside of these boundaries, the duration is set according to the respective minimum or maximum").
        if let duration = element.children.lazy.compactMap({ node -> XMLElement? in
            if case .element(let child) = node, self.vendor(of: child) == "mstts", child.name == "audioduration" { child } else { nil }
        }).first {
            let seconds = try audioDuration(duration)
            let content = Array(segments[start...])
            segments.removeSubrange(start...)
            segments.append(.fit(DurationFit(content: content, seconds: seconds, rule: .exact, factors: 0.5...2, location: duration.location.with(element: duration.qualifiedName))))
        }
        let body = Array(segments[start...])
        for pass in 1..<passes {
            addPause(BreakValue.sentencePause, reason: .sentence, at: place)
            segments.append(.loop(pass: pass + 1, passes: passes, location: place))
            if let info = loopInfo, !info.value.trimmingWhitespace().isEmpty {
                speak(.text(info.value), frame: inner, at: info.location.with(element: "voice", attribute: "loop-info"))
                flush()
                addPause(BreakValue.sentencePause, reason: .sentence, at: place)
            }
            segments.append(contentsOf: body)
            try checkSize(at: place)
        }
    }

    /// `name`: the first of its names (space or comma separated) that resolves. SSML's rule when a voice cannot be
    /// found is to pick another and go on: an unknown name keeps the voice in force with a warning (an error with
    /// `--strict`); a name of a service's form that no list knows is read as its language's voice, with a warning.
    func voiceName(_ name: XMLAttribute, into frame: inout Frame) throws -> Bool {
        let place = name.location.with(element: "voice", attribute: "name")
        let candidates = name.value.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        if let match = candidates.lazy.compactMap({ self.resolver.resolve($0) }).first {
            if let why = match.approximation {
                try log.warn("voice \"\(name.value)\" is \(why)", at: place, kind: .unknownVoice)
            }
            frame.voice = match.voice
            return true
        }
        let suggestions = resolver.suggestions(for: candidates.first ?? name.value)
        let hint = suggestions.isEmpty ? "" : "; did you mean \(suggestions.joined(separator: ", "))?"
        try log.warn(
            "unknown voice \"\(name.value)\" (a custom or personal voice, or a misspelling)\(hint); \(frame.voice.name) reads it instead, as SSML says when a voice cannot be found",
            at: place, kind: .unknownVoice)
        return false
    }
}
