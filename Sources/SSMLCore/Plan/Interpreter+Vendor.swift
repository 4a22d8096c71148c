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
            try log.warn("<\(name)> style \"\(style)\" is not rendered (espeak-ng has no speaking styles); the text is spoken in the voice's neutral style",
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
                    try log.warn("<\(name)> speaker \"\(speaker.value)\" is no \(locale) voice the catalog knows; \(frame.voice.name) speaks the turn",
                        at: speaker.location.with(element: name, attribute: "speaker"), kind: .unknownVoice)
                }
            }
            flush()
            try visitChildren(element, frame: inner)
            flush()
        case ("mstts", "prompt"), ("mstts", "mathspeechverbosity"), ("mstts", "viseme"):
            break  // Settings with no sound of their own.
        case ("mstts", "backgroundaudio"), ("mstts", "audioduration"):
            try log.warn("<\(name)> is not rendered yet; the document is spoken without it", at: place, kind: .unknownElement)
            try visitChildren(element, frame: frame)
        case ("mathml", _):
            // MathML (Azure's <math>): its tokens are read in document order, one warning for the whole expression.
            try log.warn("<\(name)> is MathML: its text is read token by token, without MathML's reading rules", at: place, kind: .unknownElement)
            speak(.text(Self.mathTokens(element).joined(separator: " ")), frame: frame, at: place)
        case ("google", "style"):
            try log.warn("<\(name)> name \"\(element.attribute("name")?.value ?? "")\" is not rendered (espeak-ng has no speaking styles); the text is spoken",
                at: place, kind: .unknownElement)
            try visitChildren(element, frame: frame)
        case ("amazon", "effect"):
            try visitChildren(element, frame: try amazonEffect(element, frame: frame))
        case ("amazon", "breath"):
            try breath(element)
        case ("amazon", "auto-breaths"), ("amazon", "domain"):
            let what = element.name == "domain" ? "the speaking domain" : "automatic breaths"
            try log.warn("<\(name)>: \(what) are not rendered; the text is spoken", at: place, kind: .unknownElement)
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
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
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
            throw SSMLError(.invalidValue, "\(name) value: " + error.message.replacingOccurrences(of: "break time", with: "time"),
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
            if let gap, !piece.trimmingCharacters(in: .whitespaces).isEmpty,
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

    /// `<amazon:effect>`: `whispered` becomes espeak-ng's whisper variant of the voice in force.
    func amazonEffect(_ element: XMLElement, frame: Frame) throws -> Frame {
        let name = element.qualifiedName
        var inner = frame
        if let effect = element.attribute("name") {
            switch effect.value.lowercased() {
            case "whispered":
                inner.voice.settings.variant = frame.voice.gender == .male ? "whisper" : "whisperf"
            default:
                try log.warn("\(name) name \"\(effect.value)\" is not rendered; the text is spoken as it is", at: effect.location.with(element: name, attribute: "name"), kind: .invalidValue)
            }
        }
        for attribute in ["phonation", "vocal-tract-length"] {
            if let value = element.attribute(attribute) {
                try log.warn("\(name) \(attribute)=\"\(value.value)\" is not rendered", at: value.location.with(element: name, attribute: attribute), kind: .unknownAttribute)
            }
        }
        return inner
    }

    /// `<amazon:breath>`: a pause as long as the breath would be (Polly names durations, not times: x-short..x-long).
    func breath(_ element: XMLElement) throws {
        let name = element.qualifiedName
        let place = element.location.with(element: name)
        let durations: [String: Double] = ["x-short": 0.15, "short": 0.25, "medium": 0.35, "long": 0.45, "x-long": 0.6, "default": 0.35]
        var seconds = durations["medium"]!
        if let duration = element.attribute("duration") {
            guard let value = durations[duration.value.lowercased()] else {
                throw SSMLError(.invalidValue, "\(name) duration \"\(duration.value)\" is not one of x-short, short, medium, long, x-long", at: duration.location.with(element: name, attribute: "duration"))
            }
            seconds = value
        }
        try log.warn("\(name): the breath sound is not synthesised yet; a pause of \(BreakValue.format(seconds)) keeps its time", at: place, kind: .unknownElement)
        flush()
        segments.append(.pause(seconds: seconds, reason: .break, location: place))
    }

    // MARK: - Vendor phonetic alphabets

    /// Alphabets of one service (Azure `sapi`, `ups`; Polly `x-amazon-pinyin`, `x-amazon-jyutping`,
    /// `x-amazon-yomigana`): espeak-ng has no reader for them, so the element's text is spoken, with a warning at
    /// the alphabet. False for an alphabet no service documents (the caller reports it as an error).
    func vendorAlphabet(_ element: XMLElement, alphabet: XMLAttribute, frame: Frame) throws -> Bool {
        let known = ["sapi": "Azure's SAPI phone set", "ups": "Azure's Universal Phone Set", "x-microsoft-sapi": "Azure's SAPI phone set",
            "x-amazon-pinyin": "Polly's pinyin", "x-amazon-jyutping": "Polly's jyutping", "x-amazon-yomigana": "Polly's yomigana"]
        guard let what = known[alphabet.value.lowercased()] else { return false }
        try log.warn("phoneme alphabet \"\(alphabet.value)\" (\(what)) is not converted for espeak-ng; the element's text is read as written",
            at: alphabet.location.with(element: "phoneme", attribute: "alphabet"), kind: .invalidValue)
        try visitChildren(element, frame: frame)
        return true
    }
}
