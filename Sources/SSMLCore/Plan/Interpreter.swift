import Foundation

/// Walks a `<speak>` tree and produces the render plan: speech in resolved voices and prosody,
/// pauses, clips, marks and call-control events, with loops unrolled.
///
/// Planning is pure: nothing is read, fetched or synthesised. Clips stay references (``AudioClip``) that the
/// engine's resolver turns into files; the synthesizer is asked only whether a pronunciation can be said.
public final class Interpreter {
    /// What is in force at a point of the tree; children inherit a copy.
    struct Frame {
        var voice: VoiceSpec
        var prosody: Prosody
        /// Azure `<mstts:silence>` settings of the enclosing `<voice>` (see Interpreter+Vendor).
        var silences: VendorSilences? = nil
        /// Whispers, vocal-tract length, compression (Polly's `amazon:effect`).
        var effects = SpeechEffects()
        /// Polly's `<amazon:auto-breaths>` in force: breaths at phrase boundaries.
        var autoBreaths: AutoBreaths? = nil
    }

    let resolver: VoiceResolver
    /// Where warnings go; swapped while an `<audio>` fallback is planned on the side.
    var log: DiagnosticLog
    let limits: Limits
    /// Answers whether a pronunciation can be said in a voice.
    let capabilities: any SpeechSynthesizer
    /// When a language is not spoken: warn and keep the surrounding voice instead of failing.
    public var voiceFallback = false

    var segments: [Segment] = []
    var pending: (pieces: [SpeechPiece], frame: Frame, location: SourceLocation)?
    /// Words a time reading already said (`vierzehn Uhr dreißig`): the same word right after the element
    /// (`um <say-as …>14:30</say-as> Uhr`) is not said twice.
    var saidWords: Set<String> = []
    var depth = 0
    /// Azure's `<mstts:backgroundaudio>`: mixed under the whole document once it is planned.
    var background: MixLayer?
    /// Words spoken since the last breath, for `<amazon:auto-breaths>`.
    var wordsSinceBreath = 0
    /// `xml:id`s of Google `<media>` and containers planned so far, for `begin`/`end` references.
    var mediaIDs: Set<String> = []

    /// The engine's name for messages (`espeak-ng`).
    var engineName: String { capabilities.version.split(separator: " ").first.map(String.init) ?? "the speech engine" }

    public init(resolver: VoiceResolver, log: DiagnosticLog, limits: Limits = .standard, capabilities: any SpeechSynthesizer) {
        self.resolver = resolver
        self.log = log
        self.limits = limits
        self.capabilities = capabilities
    }

    /// The plan for a document, starting in `defaultVoice` (changed by `xml:lang` on `speak`).
    public func plan(_ root: XMLElement, defaultVoice: VoiceSpec) throws -> [Segment] {
        segments = []
        pending = nil
        background = nil
        mediaIDs = []
        try visit(.element(root), frame: Frame(voice: defaultVoice, prosody: .neutral))
        flush()
        if segments.isEmpty {
            try log.warn("the document has nothing to say: the output is empty", at: root.location.with(element: root.name), kind: .invalidValue)
        }
        while case .pause(_, let reason, _) = segments.last, reason != .break { segments.removeLast() }
        while case .pause(_, let reason, _) = segments.first, reason != .break { segments.removeFirst() }
        if let background {
            segments = [.mix(Mix(kind: .background, lead: segments, layers: [background], tail: background.fadeOut, location: background.location))]
        }
        return segments
    }

    // MARK: - Tree walk

    func visit(_ node: XMLNode, frame: Frame) throws {
        switch node {
        case .text(var text, let location):
            if !saidWords.isEmpty {
                let trimmed = text.drop { $0.isWhitespace }
                let first = trimmed.prefix { $0.isLetter }
                if !first.isEmpty, saidWords.contains(first.lowercased()) { text = String(trimmed.dropFirst(first.count)) }
                saidWords = []
            }
            speakText(text, frame: frame, at: location)
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

    func visitChildren(_ element: XMLElement, frame: Frame) throws {
        for child in element.children { try visit(child, frame: frame) }
    }

    func visit(_ element: XMLElement, frame: Frame) throws {
        let place = element.location.with(element: element.qualifiedName)
        if try visitVendor(element, frame: frame) { return }
        if let namespace = element.namespace, namespace != SSMLDocument.namespace {
            try log.warn(
                "<\(element.qualifiedName)> is not SSML (namespace \(namespace)); its text is read, its meaning ignored",
                at: place, kind: .unknownElement)
            return try visitChildren(element, frame: frame)
        }
        if let prefix = element.prefix, element.namespace == nil {
            // An undeclared prefix (`<amazon:effect>` written the way Polly's pages do) is not SSML either.
            try log.warn(
                "<\(element.qualifiedName)> is not SSML (prefix \(prefix) is not declared); its text is read, its meaning ignored",
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
            try prosody(element, frame: frame)
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
        case "par", "seq":
            try check(element, allowed: ["begin", "end", "repeatCount", "repeatDur", "id"])
            try timeContainer(element, frame: frame)
        case "media":
            try check(element, allowed: ["begin", "end", "repeatCount", "repeatDur", "soundLevel", "fadeInDur", "fadeOutDur", "id"])
            try timeContainer(element, frame: frame)
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
            try check(element, allowed: ["callback", "min", "max", "wait", "digits", "invalid", "short", "exit", "tries", "id"])
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


    // MARK: - Building the plan

    func speak(_ piece: SpeechPiece, frame: Frame, at location: SourceLocation) {
        var piece = piece
        if case .text(let text) = piece {
            let collapsed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard !collapsed.isEmpty else { return }
            piece = .text(collapsed)
        }
        if let current = pending, current.frame.voice == frame.voice, current.frame.prosody == frame.prosody, current.frame.effects == frame.effects {
            pending!.pieces.append(piece)
        } else {
            flush()
            pending = ([piece], frame, location)
        }
    }

    func flush() {
        guard let current = pending else { return }
        pending = nil
        segments.append(.speech(SpeechSegment(pieces: current.pieces, voice: current.frame.voice, prosody: current.frame.prosody, effects: current.frame.effects, location: current.location)))
    }

    /// The segments `body` plans, taken out of the plan (for a mix layer, a fitted duration, a contour).
    func capture(_ body: () throws -> Void) rethrows -> [Segment] {
        flush()
        let start = segments.count
        try body()
        flush()
        let inner = Array(segments[start...])
        segments.removeSubrange(start...)
        return inner
    }

    /// `content` without the sentence and paragraph pauses at its ends (they separate it from nothing).
    static func trimmed(_ content: [Segment]) -> [Segment] {
        var content = content
        while case .pause(_, let reason, _) = content.last, reason != .break { content.removeLast() }
        while case .pause(_, let reason, _) = content.first, reason != .break { content.removeFirst() }
        return content
    }

    /// Structural pauses next to each other merge (the longer wins); next to an explicit break they give
    /// way to it; explicit breaks add up.
    func addPause(_ seconds: Double, reason: PauseReason, at location: SourceLocation) {
        if case .pause(_, .break, _) = segments.last { return }
        if case .pause(let previous, let previousReason, let previousLocation) = segments.last, previousReason != .break {
            segments[segments.count - 1] = .pause(seconds: max(previous, seconds), reason: seconds > previous ? reason : previousReason, location: previousLocation)
            return
        }
        // Nothing sounds before it yet (loop markers make no sound): no pause to keep apart.
        if !segments.contains(where: { if case .loop = $0 { false } else { true } }) { return }
        segments.append(.pause(seconds: seconds, reason: reason, location: location))
    }

    func checkSize(at place: SourceLocation) throws {
        guard segments.count <= limits.maxSegments else {
            throw SSMLError(.limitExceeded, "the document unrolls to more than \(limits.maxSegments) segments", at: place)
        }
    }

    // MARK: - Attributes

    func required(_ name: String, of element: XMLElement) throws -> XMLAttribute {
        guard let attribute = element.attribute(name) else {
            throw SSMLError(.missingAttribute, "<\(element.name)> needs \("aeiou".contains(name.prefix(1)) ? "an" : "a") \(name) attribute", at: element.location.with(element: element.name))
        }
        return attribute
    }

    /// Warns about attributes the element does not define (`xml:lang` counts as `lang`).
    func check(_ element: XMLElement, allowed: Set<String>) throws {
        for attribute in element.attributes {
            let known = attribute.prefix == nil || attribute.prefix == "xml"
            if known && allowed.contains(attribute.name) && (attribute.name != "lang" || attribute.prefix == "xml") { continue }
            if attribute.prefix == "xml" && ["base", "id", "space"].contains(attribute.name) { continue }
            // `xsi:schemaLocation` (the W3C's examples) points at a schema; it says nothing about speech.
            if attribute.isSchemaInstance { continue }
            // Polly's `<prosody amazon:max-duration>` (read by the prosody handler).
            if element.name == "prosody", attribute.prefix == "amazon", attribute.name == "max-duration" { continue }
            try log.warn(
                "unknown attribute \(attribute.qualifiedName) on <\(element.qualifiedName)>; ignored",
                at: attribute.location.with(element: element.qualifiedName, attribute: attribute.qualifiedName),
                kind: .unknownAttribute)
        }
    }
}
