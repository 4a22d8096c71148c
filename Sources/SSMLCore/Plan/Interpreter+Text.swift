import Foundation

/// Elements that change what is said: `<break>`, `<say-as>`, `<phoneme>`.
extension Interpreter {
    func pause(_ element: XMLElement) throws {
        let place = element.location.with(element: "break")
        var seconds = BreakValue.defaultBreak
        if let time = element.attribute("time") {
            do { seconds = try BreakValue.time(time.value) } catch {
                guard let number = BreakValue.unitlessSeconds(time.value) else {
                    throw SSMLError(.invalidValue, error.message, at: time.location.with(element: "break", attribute: "time"))
                }
                try log.warn(
                    "break time \"\(time.value)\" has no unit; read as \(BreakValue.format(number)), as Google reads it (W3C SSML requires the unit)",
                    at: time.location.with(element: "break", attribute: "time"), kind: .invalidValue)
                seconds = number
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
    func sayAs(_ element: XMLElement, frame: Frame) throws {
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
    func phoneme(_ element: XMLElement, frame: Frame) throws {
        let ph = try required("ph", of: element)
        let phPlace = ph.location.with(element: "phoneme", attribute: "ph")
        var alphabet = PhoneticAlphabet.ipa
        if let attribute = element.attribute("alphabet") {
            guard let named = PhoneticAlphabet(attribute: attribute.value) else {
                if try vendorAlphabet(element, alphabet: attribute, frame: frame) { return }
                throw SSMLError(.invalidValue, "phoneme alphabet \"\(attribute.value)\" is not supported (use ipa or x-sampa)", at: attribute.location.with(element: "phoneme", attribute: "alphabet"))
            }
            alphabet = named
        }
        let quoted = "phoneme ph \"\(ph.value)\""
        let ipa: String
        var symbols: [XSAMPA.Symbol] = []
        switch alphabet {
        case .ipa:
            ipa = ph.value
        case .xsampa:
            do { symbols = try XSAMPA.symbols(ph.value) } catch {
                throw SSMLError(.invalidValue, "\(quoted): \"\(error.phone)\" is not an X-SAMPA symbol", at: phPlace)
            }
            ipa = symbols.map(\.ipa).joined()
        }
        switch capabilities.checkPronunciation(ipa, voice: frame.voice) {
        case nil:
            speak(.ipa(ipa), frame: frame, at: element.location.with(element: "phoneme"))
        case .nothingToSay:
            throw SSMLError(.invalidValue, "\(quoted) has no phones to say", at: phPlace)
        case .unknownPhone(let phone, let reason, let certain):
            // An X-SAMPA document is told about the X-SAMPA symbol the IPA phone came from.
            let first = phone.decomposedStringWithCanonicalMapping.unicodeScalars.prefix(1)
            let written = symbols.first { $0.ipa.decomposedStringWithCanonicalMapping.unicodeScalars.starts(with: first) }?.source ?? phone
            if certain {
                throw SSMLError(.invalidValue, "\(quoted): \"\(written)\" \(reason) (\(alphabet.rawValue))", at: phPlace)
            }
            try log.warn("\(quoted): \"\(written)\" \(reason); the text is read as written", at: phPlace, kind: .invalidValue)
            try visitChildren(element, frame: frame)
        }
    }
}
