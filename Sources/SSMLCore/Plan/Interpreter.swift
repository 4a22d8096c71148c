import Foundation

/// Checks that an audio clip can be played; returns a reason when it cannot.
public typealias AudioProbe = @Sendable (URL) -> String?

/// Walks a `<speak>` tree and produces the render plan: speech in resolved voices and prosody,
/// pauses, clips, marks and call-control events, with loops unrolled.
public final class Interpreter {
    /// What is in force at a point of the tree; children inherit a copy.
    struct Frame {
        var voice: VoiceSpec
        var prosody: Prosody
    }

    let resolver: VoiceResolver
    let log: DiagnosticLog
    let limits: Limits
    let sources: AudioSourceResolver
    /// When a language is not spoken: warn and keep the surrounding voice instead of failing.
    public var voiceFallback = false

    private var segments: [Segment] = []
    private var pending: (pieces: [SpeechPiece], frame: Frame, location: SourceLocation)?
    /// Words a time reading already said (`vierzehn Uhr dreißig`): the same word right after the element
    /// (`um <say-as …>14:30</say-as> Uhr`) is not said twice.
    private var saidWords: Set<String> = []
    private var depth = 0

    public init(
        resolver: VoiceResolver, log: DiagnosticLog, limits: Limits = .standard,
        baseDirectory: URL, probe: @escaping AudioProbe, fetcher: (any AudioFetcher)? = nil
    ) {
        self.resolver = resolver
        self.log = log
        self.limits = limits
        self.sources = AudioSourceResolver(baseDirectory: baseDirectory, probe: probe, fetcher: fetcher)
    }

    /// The plan for a document, starting in `defaultVoice` (changed by `xml:lang` on `speak`).
    public func plan(_ root: XMLElement, defaultVoice: VoiceSpec) throws -> [Segment] {
        segments = []
        pending = nil
        try visit(.element(root), frame: Frame(voice: defaultVoice, prosody: .neutral))
        flush()
        if segments.isEmpty {
            try log.warn("the document has nothing to say: the output is empty", at: root.location.with(element: root.name), kind: .invalidValue)
        }
        while case .pause(_, let reason, _) = segments.last, reason != .break { segments.removeLast() }
        while case .pause(_, let reason, _) = segments.first, reason != .break { segments.removeFirst() }
        return segments
    }

    // MARK: - Tree walk

    private func visit(_ node: XMLNode, frame: Frame) throws {
        switch node {
        case .text(var text, let location):
            if !saidWords.isEmpty {
                let trimmed = text.drop { $0.isWhitespace }
                let first = trimmed.prefix { $0.isLetter }
                if !first.isEmpty, saidWords.contains(first.lowercased()) { text = String(trimmed.dropFirst(first.count)) }
                saidWords = []
            }
            speak(.text(text), frame: frame, at: location)
        case .element(let element):
            saidWords = []
            depth += 1
            defer { depth -= 1 }
            guard depth <= limits.maxDepth else {
                throw SSMLError(.limitExceeded, "elements are nested deeper than \(limits.maxDepth)", at: element.location)
            }
            try visit(element, frame: frame)
        }
    }

    private func visitChildren(_ element: XMLElement, frame: Frame) throws {
        for child in element.children { try visit(child, frame: frame) }
    }

    private func visit(_ element: XMLElement, frame: Frame) throws {
        let place = element.location.with(element: element.qualifiedName)
        if let namespace = element.namespace, namespace != SSMLDocument.namespace {
            try log.warn(
                "<\(element.qualifiedName)> is not SSML (namespace \(namespace)); its text is read, its meaning ignored",
                at: place, kind: .unknownElement)
            return try visitChildren(element, frame: frame)
        }
        if let prefix = element.prefix, element.namespace == nil {
            // An undeclared prefix (`<amazon:effect>` written the way Polly's pages do) is not SSML either.
            try log.warn("<\(element.qualifiedName)> is not SSML (prefix \(prefix) is not declared); its text is read, its meaning ignored",
                at: place, kind: .unknownElement)
            return try visitChildren(element, frame: frame)
        }
        switch element.name {
        case "speak":
            try check(element, allowed: ["version", "lang", "base", "onlangfailure", "space", "id"])
            try visitChildren(element, frame: languageFrame(element, frame: frame))
        case "voice":
            try voice(element, frame: frame)
        case "prosody":
            try check(element, allowed: ["rate", "pitch", "range", "volume", "duration", "contour", "id"])
            try visitChildren(element, frame: prosodyFrame(element, frame: frame))
        case "break":
            try check(element, allowed: ["time", "strength", "id"])
            try pause(element)
        case "p", "paragraph", "s", "sentence":
            try check(element, allowed: ["lang", "id", "space"])
            let isParagraph = element.name.hasPrefix("p")
            flush()
            addPause(isParagraph ? BreakValue.paragraphPause : BreakValue.sentencePause, reason: isParagraph ? .paragraph : .sentence, at: place)
            try visitChildren(element, frame: languageFrame(element, frame: frame))
            flush()
            addPause(isParagraph ? BreakValue.paragraphPause : BreakValue.sentencePause, reason: isParagraph ? .paragraph : .sentence, at: place)
        case "say-as":
            try check(element, allowed: ["interpret-as", "format", "detail", "id"])
            try sayAs(element, frame: frame)
        case "audio":
            try check(element, allowed: ["src", "soundLevel", "clipBegin", "clipEnd", "repeatCount", "repeatDur", "speed", "fetchtimeout", "fetchhint", "maxage", "maxstale", "id"])
            try audio(element, frame: frame)
        case "sub":
            try check(element, allowed: ["alias", "id"])
            let alias = try required("alias", of: element)
            speak(.text(alias.value), frame: frame, at: place)
        case "emphasis":
            try check(element, allowed: ["level", "id"])
            try visitChildren(element, frame: emphasisFrame(element, frame: frame))
        case "mark":
            try check(element, allowed: ["name", "id"])
            let name = try required("name", of: element)
            flush()
            segments.append(.mark(name: name.value, location: place))
        case "lang":
            try check(element, allowed: ["lang", "onlangfailure", "id"])
            guard element.attribute("lang", prefix: "xml") != nil else {
                throw SSMLError(.missingAttribute, "<lang> needs an xml:lang attribute", at: place)
            }
            try visitChildren(element, frame: languageFrame(element, frame: frame))
        case "phoneme":
            try check(element, allowed: ["ph", "alphabet", "id"])
            try phoneme(element, frame: frame)
        case "dtmf":
            try check(element, allowed: ["callback", "min", "max", "wait", "digits", "invalid", "short", "exit", "id"])
            try dtmf(element, frame: frame)
        case "bridge":
            try check(element, allowed: ["number", "digit", "id"])
            let number = try required("number", of: element)
            flush()
            var attributes = ["number": number.value]
            if let digit = element.attribute("digit") { attributes["digit"] = digit.value }
            segments.append(.callControl(CallControl(kind: .bridge, attributes: attributes, location: place)))
            let trigger = attributes["digit"].map { " when the caller presses \($0)" } ?? ""
            log.note("<bridge> transfers a live call to \(number.value)\(trigger); nothing is heard locally", at: place)
        case "w", "token":
            try check(element, allowed: ["role", "id"])
            try visitChildren(element, frame: frame)
        case "desc", "meta", "metadata":
            break  // Descriptions and metadata have no sound.
        case "lexicon":
            try log.warn("<lexicon> is not loaded; pronunciations in it are not applied", at: place, kind: .unknownElement)
        default:
            try log.warn("unknown element <\(element.qualifiedName)>; its text is read, its meaning ignored", at: place, kind: .unknownElement)
            try visitChildren(element, frame: frame)
        }
    }

    // MARK: - Elements

    private func voice(_ element: XMLElement, frame: Frame) throws {
        try check(element, allowed: ["name", "gender", "age", "variant", "languages", "lang", "loop", "loop-info", "required", "ordering", "onvoicefailure", "id"])
        let place = element.location.with(element: "voice")
        var inner = try languageFrame(element, frame: frame)
        if let name = element.attribute("name") {
            let candidates = name.value.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            guard let resolved = candidates.lazy.compactMap({ self.resolver.voice(named: $0) }).first else {
                let suggestions = resolver.suggestions(for: candidates.first ?? name.value)
                let hint = suggestions.isEmpty ? " (names look like en-us-female, de-de-male, en-gb-child)" : "; did you mean \(suggestions.joined(separator: ", "))?"
                throw SSMLError(.unknownVoice, "unknown voice \"\(name.value)\"\(hint)", at: name.location.with(element: "voice", attribute: "name"))
            }
            inner.voice = resolved
        } else if element.attribute("gender") != nil || element.attribute("age") != nil {
            var gender = inner.voice.gender
            if let attribute = element.attribute("gender") {
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

        var passes = 1
        if let loop = element.attribute("loop") {
            guard let count = Int(loop.value.trimmingCharacters(in: .whitespaces)), count >= 1 else {
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
        try visitChildren(element, frame: inner)
        flush()
        let body = Array(segments[start...])
        for pass in 1..<passes {
            addPause(BreakValue.sentencePause, reason: .sentence, at: place)
            segments.append(.loop(pass: pass + 1, passes: passes, location: place))
            if let info = loopInfo, !info.value.trimmingCharacters(in: .whitespaces).isEmpty {
                speak(.text(info.value), frame: inner, at: info.location.with(element: "voice", attribute: "loop-info"))
                flush()
                addPause(BreakValue.sentencePause, reason: .sentence, at: place)
            }
            segments.append(contentsOf: body)
            try checkSize(at: place)
        }
    }

    private func pause(_ element: XMLElement) throws {
        let place = element.location.with(element: "break")
        var seconds = BreakValue.defaultBreak
        if let time = element.attribute("time") {
            do { seconds = try BreakValue.time(time.value) } catch {
                throw SSMLError(.invalidValue, error.message, at: time.location.with(element: "break", attribute: "time"))
            }
            if seconds > limits.maxBreakSeconds {
                try log.warn("break time \(time.value) is above the limit of \(Int(limits.maxBreakSeconds)) s; clamped", at: time.location.with(element: "break", attribute: "time"), kind: .limitExceeded)
                seconds = limits.maxBreakSeconds
            }
        } else if let strength = element.attribute("strength") {
            do { seconds = try BreakValue.strength(strength.value) } catch {
                throw SSMLError(.invalidValue, error.message, at: strength.location.with(element: "break", attribute: "strength"))
            }
        }
        flush()
        // An explicit break is the pause the author wants there: it replaces the sentence or paragraph
        // pause beside it instead of adding to it.
        while case .pause(_, let reason, _) = segments.last, reason != .break { segments.removeLast() }
        segments.append(.pause(seconds: seconds, reason: .break, location: place))
    }

    /// Expands a `<say-as>` into words in the voice's language (see ``TextNormalizer``). Languages without
    /// rules keep espeak-ng's own reading with a warning; values a service would refuse are errors.
    private func sayAs(_ element: XMLElement, frame: Frame) throws {
        let place = element.location.with(element: "say-as")
        let interpretAs = try required("interpret-as", of: element)
        let text = element.textContent
        guard let kind = SayAsKind(interpretAs: interpretAs.value) else {
            let known = SayAsKind.aliases.keys.sorted().joined(separator: ", ")
            try log.warn(
                "say-as interpret-as=\"\(interpretAs.value)\" is not known; the text is read as written (known: \(known))",
                at: interpretAs.location.with(element: "say-as", attribute: "interpret-as"), kind: .invalidValue)
            speak(.text(text), frame: frame, at: place)
            return
        }
        let format = element.attribute("format"), detail = element.attribute("detail")
        var previousWord: String?
        if case .text(let before)? = pending?.pieces.last { previousWord = before.split(whereSeparator: \.isWhitespace).last.map(String.init) }
        let request = SayAs(kind, text, format: format?.value, detail: detail?.value, previousWord: previousWord)
        let normalizer = TextNormalizer(locale: frame.voice.locale)
        let reading: SayAsReading?
        do {
            reading = try normalizer.reading(request)
        } catch {
            let attribute = error.attribute.flatMap { element.attribute($0) }
            let location = attribute.map { $0.location.with(element: "say-as", attribute: $0.name) } ?? place
            throw SSMLError(.invalidValue, "say-as \(interpretAs.value): \(error.message)", at: location)
        }
        switch reading {
        case .speech(let pieces):
            for piece in pieces { speak(piece, frame: frame, at: place) }
            if kind == .time {
                for case .text(let words) in pieces {
                    saidWords.formUnion(words.split { !$0.isLetter }.map { $0.lowercased() }.filter { $0.count > 1 })
                }
            }
        case .bleep(let words):
            guard !words.isEmpty else { return }
            flush()
            segments.append(.bleep(SpeechSegment(pieces: [.text(words)], voice: frame.voice, prosody: frame.prosody, location: place)))
        case nil:
            try log.warn(
                "say-as interpret-as=\"\(interpretAs.value)\" is not expanded in \(frame.voice.locale) (words exist for en, de, fr, es, it, nl, pt); espeak-ng reads the text as written",
                at: interpretAs.location.with(element: "say-as", attribute: "interpret-as"), kind: .invalidValue)
            speak(.text(text), frame: frame, at: place)
        }
    }

    /// `<phoneme>`: the pronunciation in `ph` replaces the element's text. In a language without its own phoneme
    /// table, a phone outside the names every espeak-ng table shares is a warning and the text is read instead.
    private func phoneme(_ element: XMLElement, frame: Frame) throws {
        let ph = try required("ph", of: element)
        let phPlace = ph.location.with(element: "phoneme", attribute: "ph")
        var alphabet = PhoneticAlphabet.ipa
        if let attribute = element.attribute("alphabet") {
            guard let named = PhoneticAlphabet(attribute: attribute.value) else {
                throw SSMLError(.invalidValue, "phoneme alphabet \"\(attribute.value)\" is not supported (use ipa or x-sampa)", at: attribute.location.with(element: "phoneme", attribute: "alphabet"))
            }
            alphabet = named
        }
        let transcriber = PhonemeTranscriber(language: frame.voice.espeak)
        let language = transcriber.table.name
        do {
            let mnemonics = try transcriber.transcribe(ph.value, alphabet: alphabet)
            speak(.phonemes(mnemonics), frame: frame, at: element.location.with(element: "phoneme"))
        } catch {
            let quoted = "phoneme ph \"\(ph.value)\""
            switch error.reason {
            case .empty:
                throw SSMLError(.invalidValue, "\(quoted) has no phones to say", at: phPlace)
            case .notXSAMPA:
                throw SSMLError(.invalidValue, "\(quoted): \"\(error.phone)\" is not an X-SAMPA symbol", at: phPlace)
            case .notInLanguage where transcriber.table.isExact:
                throw SSMLError(.invalidValue, "\(quoted): \"\(error.phone)\" is not a phone of \(language) (\(alphabet.rawValue))", at: phPlace)
            case .notInLanguage:
                try log.warn(
                    "\(quoted): \"\(error.phone)\" is not among the phones espeak-ng's \(language) table is known to share (exact tables: en-us, en-gb, de); the text is read as written",
                    at: phPlace, kind: .invalidValue)
                try visitChildren(element, frame: frame)
            }
        }
    }

    private func audio(_ element: XMLElement, frame: Frame) throws {
        let place = element.location.with(element: "audio")
        let src = try required("src", of: element)
        let srcPlace = src.location.with(element: "audio", attribute: "src")
        let fallback = element.children.filter {
            if case .element(let child) = $0, child.name == "desc" { return false }
            return true
        }
        let hasFallback = fallback.contains {
            if case .text(let text, _) = $0 { return !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            return true
        }

        var gain = 0.0
        if let level = element.attribute("soundLevel") {
            do { gain = try ProsodyValue.volume(level.value, currentDB: 0).db } catch {
                throw SSMLError(.invalidValue, "audio soundLevel \"\(level.value)\" is not a level (use +NdB or -NdB)", at: level.location.with(element: "audio", attribute: "soundLevel"))
            }
            guard (-60.0...40.0).contains(gain) else {
                throw SSMLError(.invalidValue, "audio soundLevel \"\(level.value)\" is outside -60dB..+40dB", at: level.location.with(element: "audio", attribute: "soundLevel"))
            }
        }
        func seconds(_ name: String) throws -> Double? {
            guard let attribute = element.attribute(name) else { return nil }
            do { return try BreakValue.time(attribute.value) } catch {
                throw SSMLError(.invalidValue, "audio \(name): " + error.message.replacingOccurrences(of: "break time", with: "time"), at: attribute.location.with(element: "audio", attribute: name))
            }
        }
        let clipBegin = try seconds("clipBegin") ?? 0
        let clipEnd = try seconds("clipEnd")
        if let clipEnd, clipEnd <= clipBegin {
            throw SSMLError(.invalidValue, "audio clipEnd must be after clipBegin", at: place.with(element: "audio", attribute: "clipEnd"))
        }
        var repeats = 1
        if let repeatCount = element.attribute("repeatCount") {
            guard let count = Int(repeatCount.value), count >= 1, count <= limits.maxLoop else {
                throw SSMLError(.invalidValue, "audio repeatCount \"\(repeatCount.value)\" must be a whole number from 1 to \(limits.maxLoop)", at: repeatCount.location.with(element: "audio", attribute: "repeatCount"))
            }
            repeats = count
        }
        for ignored in ["repeatDur", "speed", "fetchtimeout", "fetchhint", "maxage", "maxstale"] {
            if let attribute = element.attribute(ignored) {
                try log.warn("audio \(ignored) is not supported and is ignored", at: attribute.location.with(element: "audio", attribute: ignored), kind: .unknownAttribute)
            }
        }

        let failure: String
        switch sources.resolve(src.value) {
        case .playable(let url, let warning):
            if let warning { try log.warn("audio \"\(src.value)\": \(warning)", at: srcPlace, kind: .audioSource) }
            flush()
            for _ in 0..<repeats {
                let remote = AudioSourceResolver.isRemote(src.value) ? src.value.trimmingCharacters(in: .whitespaces) : nil
                segments.append(.audio(AudioClip(url: url, gainDB: gain + frame.prosody.volumeDB, clipBegin: clipBegin, clipEnd: clipEnd, location: place, source: remote)))
            }
            return
        case .unplayable(let reason):
            failure = reason
        }
        guard hasFallback else {
            throw SSMLError(.audioSource, "audio \"\(src.value)\" cannot be played: \(failure) (and the element has no fallback text)", at: srcPlace)
        }
        try log.warn("audio \"\(src.value)\" cannot be played: \(failure); speaking its fallback text", at: srcPlace, kind: .audioSource)
        for child in fallback { try visit(child, frame: frame) }
    }

    private func dtmf(_ element: XMLElement, frame: Frame) throws {
        let place = element.location.with(element: "dtmf")
        var attributes: [String: String] = [:]
        for attribute in element.attributes { attributes[attribute.name] = attribute.value }
        for name in ["min", "max", "wait"] {
            if let attribute = element.attribute(name), Int(attribute.value).map({ $0 < 0 }) ?? true {
                throw SSMLError(.invalidValue, "dtmf \(name) \"\(attribute.value)\" is not a whole number of \(name == "wait" ? "seconds" : "digits")", at: attribute.location.with(element: "dtmf", attribute: name))
            }
        }
        if let min = element.attribute("min").flatMap({ Int($0.value) }), let max = element.attribute("max").flatMap({ Int($0.value) }), min > max {
            throw SSMLError(.invalidValue, "dtmf min \(min) is greater than max \(max)", at: place)
        }
        if let digits = element.attribute("digits"), (try? NSRegularExpression(pattern: digits.value)) == nil {
            throw SSMLError(.invalidValue, "dtmf digits \"\(digits.value)\" is not a valid regular expression", at: digits.location.with(element: "dtmf", attribute: "digits"))
        }
        try visitChildren(element, frame: frame)
        flush()
        segments.append(.callControl(CallControl(kind: .dtmf, attributes: attributes, location: place)))
        let settings = attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        log.note("<dtmf> collects keys on a live call after its prompt (\(settings)); locally the prompt is spoken and nothing waits", at: place)
    }

    // MARK: - Frames

    private func languageFrame(_ element: XMLElement, frame: Frame) throws -> Frame {
        guard let lang = element.attribute("lang", prefix: "xml") else { return frame }
        var inner = frame
        let place = lang.location.with(element: element.qualifiedName, attribute: "xml:lang")
        inner.voice = try voiceFor(locale: lang.value, gender: frame.voice.gender, at: place, current: frame.voice)
        return inner
    }

    private func voiceFor(locale: String, gender: VoiceGender, at place: SourceLocation, current: VoiceSpec? = nil) throws -> VoiceSpec {
        if let voice = resolver.voice(locale: locale, gender: gender) { return voice }
        if gender == .child, let voice = resolver.voice(locale: locale, gender: .female) { return voice }
        if voiceFallback, let current {
            try log.warn("language \"\(locale)\" is not spoken by espeak-ng; keeping \(current.name) (--voice-fallback)", at: place, kind: .unknownVoice)
            return current
        }
        throw SSMLError(.unknownVoice, "language \"\(locale)\" is not spoken by espeak-ng (see `ssml voices`; --voice-fallback keeps the surrounding voice)", at: place)
    }

    private func prosodyFrame(_ element: XMLElement, frame: Frame) throws -> Frame {
        var inner = frame
        func fail(_ attribute: XMLAttribute, _ message: String) -> SSMLError {
            SSMLError(.invalidValue, message, at: attribute.location.with(element: "prosody", attribute: attribute.name))
        }
        if let rate = element.attribute("rate") {
            do { inner.prosody.rate *= try ProsodyValue.rate(rate.value) } catch { throw fail(rate, error.message) }
            let clamped = min(max(inner.prosody.rate, ProsodyValue.rateRange.lowerBound), ProsodyValue.rateRange.upperBound)
            if clamped != inner.prosody.rate {
                try log.warn("prosody rate \"\(rate.value)\" gives \(String(format: "%.3g", inner.prosody.rate))x the normal rate; clamped to \(String(format: "%.2g", clamped))x", at: rate.location.with(element: "prosody", attribute: "rate"), kind: .limitExceeded)
                inner.prosody.rate = clamped
            }
        }
        if let pitch = element.attribute("pitch") {
            do {
                inner.prosody.pitch = try ProsodyValue.pitch(pitch.value, current: frame.prosody.pitch, baseHz: frame.voice.settings.baseHz)
            } catch { throw fail(pitch, error.message) }
        }
        if let range = element.attribute("range") {
            do { inner.prosody.range = try ProsodyValue.range(range.value, current: frame.prosody.range) } catch { throw fail(range, error.message) }
        }
        if let volume = element.attribute("volume") {
            do {
                let result = try ProsodyValue.volume(volume.value, currentDB: frame.prosody.volumeDB)
                inner.prosody.volumeDB = result.db
                inner.prosody.silent = frame.prosody.silent || result.silent
            } catch { throw fail(volume, error.message) }
            guard (-60.0...40.0).contains(inner.prosody.volumeDB) else {
                throw fail(volume, "prosody volume \"\(volume.value)\" puts the level at \(Int(inner.prosody.volumeDB)) dB, outside -60dB..+40dB")
            }
        }
        for ignored in ["duration", "contour"] {
            if let attribute = element.attribute(ignored) {
                try log.warn("prosody \(ignored) is not supported and is ignored", at: attribute.location.with(element: "prosody", attribute: ignored), kind: .unknownAttribute)
            }
        }
        return inner
    }

    private func emphasisFrame(_ element: XMLElement, frame: Frame) throws -> Frame {
        var inner = frame
        let level = element.attribute("level")
        switch level?.value.lowercased() ?? "moderate" {
        case "strong":
            inner.prosody.rate *= 0.85; inner.prosody.pitch *= 1.1; inner.prosody.volumeDB += 3
        case "moderate":
            inner.prosody.rate *= 0.92; inner.prosody.pitch *= 1.05; inner.prosody.volumeDB += 1.5
        case "reduced":
            inner.prosody.rate *= 1.1; inner.prosody.pitch *= 0.95; inner.prosody.volumeDB -= 3
        case "none":
            break
        default:
            throw SSMLError(.invalidValue, "emphasis level \"\(level!.value)\" is not a level (use strong, moderate, reduced or none)", at: level!.location.with(element: "emphasis", attribute: "level"))
        }
        return inner
    }

    // MARK: - Building the plan

    private func speak(_ piece: SpeechPiece, frame: Frame, at location: SourceLocation) {
        var piece = piece
        if case .text(let text) = piece {
            let collapsed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard !collapsed.isEmpty else { return }
            piece = .text(collapsed)
        }
        if let current = pending, current.frame.voice == frame.voice, current.frame.prosody == frame.prosody {
            pending!.pieces.append(piece)
        } else {
            flush()
            pending = ([piece], frame, location)
        }
    }

    private func flush() {
        guard let current = pending else { return }
        pending = nil
        segments.append(.speech(SpeechSegment(pieces: current.pieces, voice: current.frame.voice, prosody: current.frame.prosody, location: current.location)))
    }

    /// Structural pauses next to each other merge (the longer wins); next to an explicit break they give
    /// way to it; explicit breaks add up.
    private func addPause(_ seconds: Double, reason: PauseReason, at location: SourceLocation) {
        if case .pause(_, .break, _) = segments.last { return }
        if case .pause(let previous, let previousReason, let previousLocation) = segments.last, previousReason != .break {
            segments[segments.count - 1] = .pause(seconds: max(previous, seconds), reason: seconds > previous ? reason : previousReason, location: previousLocation)
            return
        }
        // Nothing sounds before it yet (loop markers make no sound): no pause to keep apart.
        if !segments.contains(where: { if case .loop = $0 { false } else { true } }) { return }
        segments.append(.pause(seconds: seconds, reason: reason, location: location))
    }

    private func checkSize(at place: SourceLocation) throws {
        guard segments.count <= limits.maxSegments else {
            throw SSMLError(.limitExceeded, "the document unrolls to more than \(limits.maxSegments) segments", at: place)
        }
    }

    // MARK: - Attributes

    private func required(_ name: String, of element: XMLElement) throws -> XMLAttribute {
        guard let attribute = element.attribute(name) else {
            throw SSMLError(.missingAttribute, "<\(element.name)> needs \("aeiou".contains(name.prefix(1)) ? "an" : "a") \(name) attribute", at: element.location.with(element: element.name))
        }
        return attribute
    }

    /// Warns about attributes the element does not define (`xml:lang` counts as `lang`).
    private func check(_ element: XMLElement, allowed: Set<String>) throws {
        for attribute in element.attributes {
            let known = attribute.prefix == nil || attribute.prefix == "xml"
            if known && allowed.contains(attribute.name) && (attribute.name != "lang" || attribute.prefix == "xml") { continue }
            if attribute.prefix == "xml" && ["base", "id", "space"].contains(attribute.name) { continue }
            try log.warn(
                "unknown attribute \(attribute.qualifiedName) on <\(element.qualifiedName)>; ignored",
                at: attribute.location.with(element: element.qualifiedName, attribute: attribute.qualifiedName),
                kind: .unknownAttribute)
        }
    }
}
