import Foundation

/// Silences Azure's `<mstts:silence>` asks for within one `<voice>` (the setting covers all of the voice's text).
struct VendorSilences: Equatable {
    /// Seconds before the voice's first words and after its last.
    var leading: Double?
    var tailing: Double?
    /// Seconds between two sentences, and at commas and semicolons (`-exact` types).
    var sentence: Double?
    var comma: Double?
    var semicolon: Double?

    var splitsText: Bool { sentence != nil || comma != nil || semicolon != nil }
}

/// Vendor elements that need no new kind of sound: Azure `mstts:*` and `bookmark`, Google `google:style`, Polly
/// `amazon:*`, MathML inside Azure's `<math>`. Each is heard as the service describes it where espeak-ng can (exact
/// silences, marks, a whispered voice, a child or adult role), and otherwise says what is not rendered and speaks
/// its text: never silence where the service speaks.
extension Interpreter {
    static let msttsNamespaces: Set<String> = ["https://www.w3.org/2001/mstts", "http://www.w3.org/2001/mstts"]
    static let mathMLNamespace = "http://www.w3.org/1998/Math/MathML"
    static let amazonNamespace = "https://amazon.com/polly"

    /// The vendor vocabulary an element belongs to, from its namespace or (undeclared, as the services' own
    /// examples write it) its prefix.
    func vendor(of element: XMLElement) -> String? {
        if element.name == "bookmark", element.prefix == nil, element.namespace == nil || element.namespace == SSMLDocument.namespace {
            return "bookmark"
        }
        if let namespace = element.namespace {
            if Self.msttsNamespaces.contains(namespace) { return "mstts" }
            if namespace == Self.mathMLNamespace { return "mathml" }
            if namespace.contains("amazon") { return "amazon" }
            if namespace.contains("google") { return "google" }
            return nil
        }
        switch element.prefix {
        case "mstts": return "mstts"
        case "amazon": return "amazon"
        case "google": return "google"
        default: return nil
        }
    }

    /// Plans a vendor element; false when `element` is not one (the SSML switch handles it).
    func visitVendor(_ element: XMLElement, frame: Frame) throws -> Bool {
        guard let vocabulary = vendor(of: element) else { return false }
        let name = element.qualifiedName
        let place = element.location.with(element: name)
        switch (vocabulary, element.name) {
        case ("bookmark", _):
            // Azure's <bookmark mark="…"/> is SSML's <mark name="…"/>.
            guard let mark = element.attribute("mark") else {
                throw SSMLError(.missingAttribute, "<bookmark> needs a mark attribute", at: place)
            }
            flush()
            segments.append(.mark(name: mark.value, location: place))
        case ("mstts", "silence"):
            _ = try silence(element)  // Read (and checked) by the enclosing <voice>; no sound here.
        case ("mstts", "express-as"):
            var inner = frame
            if let role = element.attribute("role"), let gender = Self.roleGender(role.value) {
                inner.voice = try voiceFor(locale: frame.voice.locale, gender: gender, at: role.location.with(element: name, attribute: "role"), current: frame.voice)
            }
            let style = element.attribute("style")?.value ?? "(none)"
            try log.warn(
                "<\(name)> style \"\(style)\" is not rendered (espeak-ng has no speaking styles); the text is spoken in the voice's neutral style",
                at: place, kind: .unknownElement)
            try visitChildren(element, frame: inner)
        case ("mstts", "dialog"), ("mstts", "ttsembedding"), ("mstts", "embedding"), ("mstts", "voiceconversion"):
            try visitChildren(element, frame: frame)
        case ("mstts", "turn"):
            var inner = frame
            if let speaker = element.attribute("speaker") {
                let locale = frame.voice.locale
                if let match = resolver.resolve("\(locale)-\(speaker.value)Neural"), match.approximation == nil {
                    inner.voice = match.voice
                } else {
                    try log.warn(
                        "<\(name)> speaker \"\(speaker.value)\" is no \(locale) voice the catalog knows; \(frame.voice.name) speaks the turn",
                        at: speaker.location.with(element: name, attribute: "speaker"), kind: .unknownVoice)
                }
            }
            flush()
            try visitChildren(element, frame: inner)
            flush()
        case ("mstts", "prompt"), ("mstts", "mathspeechverbosity"), ("mstts", "viseme"):
            break  // Settings with no sound of their own.
        case ("mstts", "backgroundaudio"):
            try backgroundAudio(element)
        case ("mstts", "audioduration"):
            _ = try audioDuration(element)  // Read (and checked) by the enclosing <voice>; no sound here.
        case ("mathml", _):
            // MathML (Azure's <math>): its tokens are read in document order, one warning for the whole expression.
            try log.warn("<\(name)> is MathML: its text is read token by token, without MathML's reading rules", at: place, kind: .unknownElement)
            speak(.text(Self.mathTokens(element).joined(separator: " ")), frame: frame, at: place)
        case ("google", "style"):
            try log.warn(
                "<\(name)> name \"\(element.attribute("name")?.value ?? "")\" is not rendered (espeak-ng has no speaking styles); the text is spoken",
                at: place, kind: .unknownElement)
            try visitChildren(element, frame: frame)
        case ("amazon", "effect"):
            try visitChildren(element, frame: try amazonEffect(element, frame: frame))
        case ("amazon", "breath"):
            try breath(element, frame: frame)
        case ("amazon", "auto-breaths"):
            var inner = frame
            inner.autoBreaths = try autoBreaths(element, frame: frame)
            wordsSinceBreath = 0
            try visitChildren(element, frame: inner)
        case ("amazon", "domain"):
            try log.warn("<\(name)>: the speaking domain is not rendered; the text is spoken", at: place, kind: .unknownElement)
            try visitChildren(element, frame: frame)
        default:
            try log.warn("unknown element <\(name)>; its text is read, its meaning ignored", at: place, kind: .unknownElement)
            try visitChildren(element, frame: frame)
        }
        return true
    }

    /// Azure roles: an age and gender the voice imitates (`Girl`, `OlderAdultMale`).
    static func roleGender(_ role: String) -> VoiceGender? {
        let value = role.lowercased()
        if value == "girl" || value == "boy" { return .child }
        if value.hasSuffix("female") { return .female }
        if value.hasSuffix("male") { return .male }
        return nil
    }

    static func mathTokens(_ element: XMLElement) -> [String] {
        element.children.flatMap { node -> [String] in
            switch node {
            case .text(let text, _):
                let trimmed = text.trimmingWhitespaceAndNewlines()
                return trimmed.isEmpty ? [] : [trimmed]
            case .element(let child): return mathTokens(child)
            }
        }
    }

    // MARK: - Azure silences

    /// One `<mstts:silence type value>`: its kind and seconds (Azure caps values at 20000 ms).
    func silence(_ element: XMLElement) throws -> (type: String, seconds: Double)? {
        let name = element.qualifiedName
        let type = try required("type", of: element)
        let value = try required("value", of: element)
        var seconds: Double
        do { seconds = try BreakValue.time(value.value) } catch {
            throw SSMLError(
                .invalidValue, "\(name) value: " + error.message.replacingOccurrences(of: "break time", with: "time"),
                at: value.location.with(element: name, attribute: "value"))
        }
        if seconds > 20 {
            try log.warn("\(name) value \(value.value) is above Azure's 20000ms; 20000ms is used, as Azure does", at: value.location.with(element: name, attribute: "value"), kind: .limitExceeded)
            seconds = 20
        }
        let kind = type.value.lowercased()
        let known = ["leading", "leading-exact", "tailing", "tailing-exact", "sentenceboundary", "sentenceboundary-exact", "comma-exact", "semicolon-exact", "enumerationcomma-exact"]
        guard known.contains(kind) else {
            try log.warn("\(name) type \"\(type.value)\" is not one of Azure's (\(known.joined(separator: ", "))); ignored", at: type.location.with(element: name, attribute: "type"), kind: .invalidValue)
            return nil
        }
        return (kind, seconds)
    }

    /// The silences the `<mstts:silence>` children of a `<voice>` set; `-exact` types win over the plain ones.
    func silences(of voice: XMLElement) throws -> VendorSilences {
        var result = VendorSilences()
        var exact: Set<String> = []
        for case .element(let child) in voice.children where vendor(of: child) == "mstts" && child.name == "silence" {
            guard let (type, seconds) = try silence(child) else { continue }
            let base = type.hasSuffix("-exact") ? String(type.dropLast("-exact".count)) : type
            if type.hasSuffix("-exact") { exact.insert(base) } else if exact.contains(base) { continue }
            switch base {
            case "leading": result.leading = seconds
            case "tailing": result.tailing = seconds
            case "sentenceboundary": result.sentence = seconds
            case "comma", "enumerationcomma": result.comma = seconds
            case "semicolon": result.semicolon = seconds
            default: break
            }
        }
        return result
    }

    /// A pause of exactly `seconds` (Azure's silences are explicit: they replace a structural pause beside them).
    func addSilence(_ seconds: Double, at place: SourceLocation) {
        flush()
        while case .pause(_, let reason, _) = segments.last, reason != .break { segments.removeLast() }
        segments.append(.pause(seconds: seconds, reason: .break, location: place))
    }

    /// Text in a voice with sentence, comma or semicolon silences: cut where the silences go.
    func speakText(_ text: String, frame: Frame, at location: SourceLocation) {
        if let breaths = frame.autoBreaths {
            return speakWithBreaths(text, breaths: breaths, frame: frame, at: location)
        }
        guard let silences = frame.silences, silences.splitsText else {
            speak(.text(text), frame: frame, at: location)
            return
        }
        var piece = ""
        var characters = Array(text)
        characters.append(" ")
        var index = 0
        while index < characters.count - 1 {
            let character = characters[index]
            piece.append(character)
            let next = characters[index + 1]
            var gap: Double?
            if next.isWhitespace {
                if ".!?".contains(character) { gap = silences.sentence }
                if character == "," { gap = silences.comma }
                if character == ";" { gap = silences.semicolon }
            }
            if "。！？".contains(character) { gap = silences.sentence }
            if "，、".contains(character) { gap = silences.comma }
            if character == "；" { gap = silences.semicolon }
            if let gap, !piece.trimmingWhitespace().isEmpty,
                characters[(index + 1)...].contains(where: { !$0.isWhitespace })
            {
                speak(.text(piece), frame: frame, at: location)
                addSilence(gap, at: location)
                piece = ""
            }
            index += 1
        }
        speak(.text(piece), frame: frame, at: location)
    }

    // MARK: - Polly

    /// `<amazon:effect>`: `whispered` is a whispered voice, `drc` compresses the level range, `vocal-tract-length`
    /// changes the formants (the pitch stays), `phonation="soft"` is spoken 6 dB softer (no soft phonation here).
    func amazonEffect(_ element: XMLElement, frame: Frame) throws -> Frame {
        let name = element.qualifiedName
        var inner = frame
        if let effect = element.attribute("name") {
            switch effect.value.lowercased() {
            case "whispered": inner.effects.voice.whisper = true
            case "drc": inner.effects.compression = true
            default:
                try log.warn(
                    "\(name) name \"\(effect.value)\" is not one of Polly's effects (whispered, drc); the text is spoken as it is",
                    at: effect.location.with(element: name, attribute: "name"), kind: .invalidValue)
            }
        }
        if let phonation = element.attribute("phonation") {
            let place = phonation.location.with(element: name, attribute: "phonation")
            switch phonation.value.lowercased() {
            case "soft":
                try log.warn("\(name) phonation=\"soft\": the voice has no soft phonation here; the text is spoken 6 dB softer", at: place, kind: .invalidValue)
                inner.prosody.volumeDB -= 6
            case "normal": break
            default:
                try log.warn("\(name) phonation \"\(phonation.value)\" is not soft or normal; ignored", at: place, kind: .invalidValue)
            }
        }
        if let tract = element.attribute("vocal-tract-length") {
            let place = tract.location.with(element: name, attribute: "vocal-tract-length")
            let value = tract.value.trimmingWhitespace()
            guard let number = ProsodyValue.leadingNumber(value.lowercased()), number.unit == "%" else {
                throw SSMLError(.invalidValue, "\(name) vocal-tract-length \"\(tract.value)\" is not a percentage (use +10%, -15% or 90%)", at: place)
            }
            // Polly: "+n%" / "-n%" change the length by that much, "n%" sets it to that much of the voice's own.
            var factor = number.signed ? 1 + number.value / 100 : number.value / 100
            let allowed = 0.5...2.0
            if !allowed.contains(factor) {
                try log.warn("\(name) vocal-tract-length \"\(tract.value)\" is outside 50%..200% of the voice's own; clamped", at: place, kind: .limitExceeded)
                factor = min(max(factor, allowed.lowerBound), allowed.upperBound)
            }
            inner.effects.voice.tractLength *= factor
        }
        return inner
    }

    /// Polly's breath durations and volumes (its keywords; "the exact length and volume ... is dependent on the voice").
    static let breathSeconds: [String: Double] = ["x-short": 0.15, "short": 0.25, "medium": 0.35, "long": 0.45, "x-long": 0.6, "default": 0.35]
    static let breathVolumesDB: [String: Double] = ["x-soft": -12, "soft": -6, "medium": 0, "loud": 4, "x-loud": 8, "default": 0]

    /// A keyword attribute of a breath element, looked up in `table`.
    func breathValue(_ element: XMLElement, _ attribute: String, _ table: [String: Double], default fallback: Double) throws -> Double {
        guard let value = element.attribute(attribute) else { return fallback }
        guard let found = table[value.value.trimmingWhitespace().lowercased()] else {
            let names = table.keys.sorted().joined(separator: ", ")
            throw SSMLError(
                .invalidValue, "\(element.qualifiedName) \(attribute) \"\(value.value)\" is not one of \(names)",
                at: value.location.with(element: element.qualifiedName, attribute: attribute))
        }
        return found
    }

    /// `<amazon:breath>`: an audible breath of Polly's duration and volume, at the level of the voice's speech.
    func breath(_ element: XMLElement, frame: Frame) throws {
        let place = element.location.with(element: element.qualifiedName)
        let seconds = try breathValue(element, "duration", Self.breathSeconds, default: 0.35)
        let gain = try breathValue(element, "volume", Self.breathVolumesDB, default: 0)
        addBreath(seconds: seconds, gainDB: gain, frame: frame, at: place)
    }

    func addBreath(seconds: Double, gainDB: Double, frame: Frame, at place: SourceLocation) {
        flush()
        segments.append(.noise(NoiseSegment(kind: .breath, seconds: seconds, gainDB: gainDB + frame.prosody.volumeDB, silent: frame.prosody.silent, location: place)))
        wordsSinceBreath = 0
    }

    /// `<amazon:auto-breaths>`: `frequency` (how many words between breaths), `volume`, `duration`.
    func autoBreaths(_ element: XMLElement, frame: Frame) throws -> AutoBreaths {
        // Words between breaths for Polly's frequency keywords: a breath every clause or two at x-high, about one a
        // long sentence at x-low.
        let words: [String: Double] = ["x-low": 24, "low": 18, "medium": 12, "default": 12, "high": 8, "x-high": 5]
        let count = try breathValue(element, "frequency", words, default: 12)
        let seconds = try breathValue(element, "duration", Self.breathSeconds, default: 0.35)
        let gain = try breathValue(element, "volume", Self.breathVolumesDB, default: 0)
        return AutoBreaths(words: Int(count), seconds: seconds, gainDB: gain)
    }

    /// Text under `<amazon:auto-breaths>`: a breath at a phrase boundary (after `.`, `!`, `?`, `;`, `:` or `,`) once
    /// enough words have been spoken since the last breath.
    func speakWithBreaths(_ text: String, breaths: AutoBreaths, frame: Frame, at location: SourceLocation) {
        var piece = ""
        let words = text.split(whereSeparator: \.isWhitespace)
        for (index, word) in words.enumerated() {
            piece += (piece.isEmpty ? "" : " ") + word
            wordsSinceBreath += 1
            guard let last = word.last, ".!?;:,。！？；，".contains(last), index + 1 < words.count, wordsSinceBreath >= breaths.words else { continue }
            speak(.text(piece), frame: frame, at: location)
            addBreath(seconds: breaths.seconds, gainDB: breaths.gainDB, frame: frame, at: location)
            piece = ""
        }
        if !piece.isEmpty { speak(.text(piece), frame: frame, at: location) }
    }

    // MARK: - Azure background audio and audio duration

    /// `<mstts:backgroundaudio src volume fadein fadeout>`: a clip looped under the whole document (Azure: "If the background
    /// audio file provided is shorter than the text-to-speech or the fade out, it loops. If it's longer than the
    /// text-to-speech, it stops when the fade out has finished"). `volume` 0-100 is the clip's amplitude (1, the default,
    /// is the clip as it is); `fadein` and `fadeout` are milliseconds, 0-10000.
    func backgroundAudio(_ element: XMLElement) throws {
        let name = element.qualifiedName
        let place = element.location.with(element: name)
        let src = try required("src", of: element)
        func number(_ attribute: String, range: ClosedRange<Double>, default fallback: Double) throws -> Double {
            guard let value = element.attribute(attribute) else { return fallback }
            let at = value.location.with(element: name, attribute: attribute)
            guard let number = Double(value.value.trimmingWhitespace()), number.isFinite else {
                throw SSMLError(.invalidValue, "\(name) \(attribute) \"\(value.value)\" is not a number", at: at)
            }
            guard range.contains(number) else {
                try log.warn("\(name) \(attribute) \(value.value) is outside Azure's \(Int(range.lowerBound))..\(Int(range.upperBound)); clamped", at: at, kind: .limitExceeded)
                return min(max(number, range.lowerBound), range.upperBound)
            }
            return number
        }
        let volume = try number("volume", range: 0...100, default: 1)
        let fadeIn = try number("fadein", range: 0...10000, default: 0) / 1000
        let fadeOut = try number("fadeout", range: 0...10000, default: 0) / 1000
        guard background == nil else {
            try log.warn("\(name): Azure takes one background audio per document; this one is ignored", at: place, kind: .invalidValue)
            return
        }
        let gain = volume > 0 ? 20 * log10(volume) : -120
        let clip = AudioClip(source: src.value, gainDB: 0, location: place, sourceLocation: src.location.with(element: name, attribute: "src"), label: "\(name) \"\(src.value)\"")
        background = MixLayer(content: [.audio(clip)], loops: true, gainDB: gain, fadeIn: fadeIn, fadeOut: fadeOut, location: place)
    }

    /// `<mstts:audioduration value>` inside a `<voice>`: seconds the voice's content should take.
    func audioDuration(_ element: XMLElement) throws -> Double {
        let name = element.qualifiedName
        let value = try required("value", of: element)
        let at = value.location.with(element: name, attribute: "value")
        let seconds: Double
        do { seconds = try BreakValue.time(value.value) } catch {
            throw SSMLError(.invalidValue, "\(name) value: " + error.message.replacingOccurrences(of: "break time", with: "time"), at: at)
        }
        guard seconds > 0 else { throw SSMLError(.invalidValue, "\(name) value must be longer than 0", at: at) }
        return seconds
    }

    // MARK: - Vendor phonetic alphabets

    /// Alphabets of one service (Azure `sapi`, `ups`; Polly `x-amazon-pinyin`, `x-amazon-jyutping`,
    /// `x-amazon-yomigana`). Azure's American English sets are converted to IPA and spoken (``MicrosoftPhones``); for
    /// the others the element's text is spoken, with a warning at the alphabet. False for an alphabet no service documents (the caller reports it as an error).
    func vendorAlphabet(_ element: XMLElement, alphabet: XMLAttribute, frame: Frame) throws -> Bool {
        let known = [
            "sapi": "Azure's SAPI phone set", "ups": "Azure's Universal Phone Set", "x-microsoft-sapi": "Azure's SAPI phone set",
            "x-amazon-pinyin": "Polly's pinyin", "x-amazon-jyutping": "Polly's jyutping", "x-amazon-yomigana": "Polly's yomigana",
        ]
        guard let what = known[alphabet.value.lowercased()] else { return false }
        let name = alphabet.value.lowercased()
        // Microsoft's American English phone sets convert to IPA and are spoken; other languages' sets are not here.
        if ["sapi", "ups", "x-microsoft-sapi"].contains(name), frame.voice.locale.lowercased().hasPrefix("en"), let ph = element.attribute("ph") {
            switch MicrosoftPhones.toIPA(ph.value) {
            case .success(let ipa) where capabilities.checkPronunciation(ipa, voice: frame.voice) == nil:
                speak(.ipa(ipa), frame: frame, at: element.location.with(element: "phoneme"))
                return true
            case .success(let ipa):
                try log.warn(
                    "phoneme ph \"\(ph.value)\" (\(what)) is /\(ipa)/, which \(frame.voice.locale) cannot say; the element's text is read as written",
                    at: ph.location.with(element: "phoneme", attribute: "ph"), kind: .invalidValue)
            case .failure(let error):
                try log.warn(
                    "phoneme ph \"\(ph.value)\": \"\(error.phone)\" is not a phone of \(what) for American English; the element's text is read as written",
                    at: ph.location.with(element: "phoneme", attribute: "ph"), kind: .invalidValue)
            }
            try visitChildren(element, frame: frame)
            return true
        }
        try log.warn(
            "phoneme alphabet \"\(alphabet.value)\" (\(what)) is not converted for espeak-ng; the element's text is read as written",
            at: alphabet.location.with(element: "phoneme", attribute: "alphabet"), kind: .invalidValue)
        try visitChildren(element, frame: frame)
        return true
    }
}
