import Foundation

/// Turns a validated ``NCCO`` into the render plan of what the caller hears: talk actions through the same
/// interpreter as SSML documents, streams as clips, input waits as silence, and the rest as call-control
/// events on the timeline.
public struct NCCOPlanner {
    public let resolver: VoiceResolver
    public let styles: VonageStyles
    public let parser: any XMLTreeParser
    public let limits: Limits
    /// Answers whether a pronunciation can be said (for `<phoneme>` inside talk SSML).
    public let capabilities: any SpeechSynthesizer
    public let log: DiagnosticLog
    /// The engine's name for messages (`espeak-ng`).
    var engineName: String { capabilities.version.split(separator: " ").first.map(String.init) ?? "the speech engine" }
    /// A language the engine does not speak falls back to `en-US` (a warning) instead of failing.
    public var voiceFallback = false
    /// How the SSML inside `talk` is read (Vonage's own dialect for a Vonage NCCO): its lint findings become
    /// warnings at their places in the JSON file, and what the service ignores is left out. nil reads plain SSML.
    public var dialect: Dialect?

    /// How many times `loop: 0` ("forever") plays. A live call repeats until the caller hangs up or barges in;
    /// a file has to end.
    public static let foreverPlays = 3
    /// The language Vonage speaks when `language` is not given.
    public static let defaultLanguage = "en-US"

    public init(
        resolver: VoiceResolver, styles: VonageStyles, parser: any XMLTreeParser, limits: Limits = .standard,
        capabilities: any SpeechSynthesizer, log: DiagnosticLog
    ) {
        self.resolver = resolver
        self.styles = styles
        self.parser = parser
        self.limits = limits
        self.capabilities = capabilities
        self.log = log
    }

    /// The plan for the whole NCCO, action by action, as if the caller did nothing.
    public func plan(_ ncco: NCCO) throws -> [Segment] {
        var segments: [Segment] = []
        for action in ncco.actions {
            segments += try plan(action, file: ncco.file)
            guard segments.count <= limits.maxSegments else {
                throw SSMLError(.limitExceeded, "the NCCO unrolls to more than \(limits.maxSegments) segments", at: action.location)
            }
        }
        if !segments.contains(where: { if case .speech = $0 { true } else if case .audio = $0 { true } else { false } }) {
            try log.warn("the NCCO has nothing to say or play: the output is only silence", at: ncco.actions.first?.location, kind: .invalidValue)
        }
        return segments
    }

    /// The plan of one action: what the caller hears while it runs when they do nothing (a call simulator
    /// walks the NCCO with this, action by action, and decides itself what keys and webhooks change).
    /// - Parameter file: the NCCO's name, for places inside `talk` text.
    public func plan(_ action: NCCOAction, file: String) throws -> [Segment] {
        var segments: [Segment] = []
        switch action.kind {
        case .talk(let talk):
            try append(talk: talk, action: action, file: file, to: &segments)
        case .stream(let stream):
            try append(stream: stream, action: action, to: &segments)
        case .input(let input):
            let modes = [input.dtmf ? "keys" : nil, input.speech ? "speech" : nil].compactMap { $0 }.joined(separator: " and ")
            segments.append(.callControl(CallControl(kind: .input, attributes: action.options, location: action.location)))
            log.note(
                "\(action.path): input collects \(modes) on a live call; here the caller does nothing, so the call waits \(Self.seconds(input.silentWait)) in silence (\(Self.settings(action.options)))",
                at: action.location)
            if input.silentWait > 0 {
                segments.append(.pause(seconds: input.silentWait, reason: .wait, location: action.location))
            }
        case .wait(let wait):
            segments.append(.callControl(CallControl(kind: .wait, attributes: action.options, location: action.location)))
            segments.append(.pause(seconds: wait.timeout, reason: .wait, location: action.location))
        case .record, .connect, .conversation, .notify, .pay, .transfer:
            let kind = CallControl.Kind(rawValue: action.name) ?? .notify
            segments.append(.callControl(CallControl(kind: kind, attributes: action.options, location: action.location)))
            log.note("\(action.path): \(action.name) \(Self.meaning[kind] ?? "acts on a live call"); nothing is heard locally (\(Self.settings(action.options)))", at: action.location)
        }
        return segments
    }

    static let meaning: [CallControl.Kind: String] = [
        .record: "records the call",
        .connect: "connects the call to another endpoint",
        .conversation: "joins the call to a conversation (conference)",
        .notify: "sends its payload to the event URL",
        .pay: "collects card details by keypad",
        .transfer: "moves the call into another conversation",
    ]

    // MARK: - talk

    private func append(talk: NCCOAction.Talk, action: NCCOAction, file: String, to segments: inout [Segment]) throws {
        let path = action.path
        let voice = try voice(for: talk, path: path)
        for (key, value) in talk.reported.sorted(by: { $0.key < $1.key }) {
            let meaning =
                key == "premium" ? "a premium voice is a service-side choice; the local voice is the same" : key == "bargeIn" ? "on a live call a key press or speech stops the talk early; rendered in full" : "has no effect on the audio"
            log.note("\(path).\(key) = \(value): \(meaning)", at: action.location.with(element: "talk", attribute: key))
        }
        let text = talk.textString
        // The text is its own document; its diagnostics and errors are moved to the place in the JSON file.
        let inner = DiagnosticLog(strict: log.strict)
        let body: [Segment]
        do {
            body = try speechPlan(text, value: talk.text, file: file, voice: voice, log: inner)
        } catch let error as SSMLError {
            throw translate(error, path: path, value: talk.text, file: file)
        }
        for diagnostic in inner.diagnostics {
            var moved = diagnostic
            moved.message = "\(path).text: \(diagnostic.message)"
            moved.location = diagnostic.location.map { translate($0, value: talk.text, file: file) }
            log.record(moved)
        }
        let gain = try levelDB(talk.level)
        // The segments' places point into the text; the timeline shows them as places in the JSON file.
        let shaped = body.map { Self.apply(gainDB: gain, to: $0.relocated { translate($0, value: talk.text, file: file) }) }
        let plays = try plays(talk.loop, loopValue: talk.loopValue, path: path, location: action.location)
        for _ in 0..<plays {
            segments.append(contentsOf: shaped)
            guard segments.count <= limits.maxSegments else {
                throw SSMLError(.limitExceeded, "the NCCO unrolls to more than \(limits.maxSegments) segments", at: action.location)
            }
        }
    }

    /// Text starting with `<speak` is SSML, as Vonage reads it; anything else is plain text whose `<` and `&`
    /// are words.
    private func speechPlan(_ text: String, value: JSONValue, file: String, voice: VoiceSpec, log: DiagnosticLog) throws -> [Segment] {
        let start = SourceLocation(file: "<text>", line: 1, column: 1)
        var root: XMLElement
        if text.drop(while: { $0.isWhitespace }).hasPrefix("<speak") {
            root = try SSMLDocument.load(text, file: "<text>", parser: parser, limits: limits)
        } else {
            root = XMLElement(name: "speak", children: [.text(text, start)], location: start)
        }
        if let dialect {
            for finding in Linter(dialect: dialect, parser: parser, catalog: resolver.catalog).lint(text, file: "<text>") where finding.rule != "speak" && !finding.repeatsVoiceReading {
                // Vonage reads a talk text without <speak> as plain text: the wrapper is not missing there.
                let message = "\(dialect.name): \(finding.message)"
                if finding.severity == .note { log.note(message, at: finding.location) } else { try log.warn(message, at: finding.location) }
            }
            root = DialectTransform(dialect: dialect).apply(root)
        }
        let interpreter = Interpreter(resolver: resolver, log: log, limits: limits, capabilities: capabilities)
        interpreter.voiceFallback = voiceFallback
        return try interpreter.plan(root, defaultVoice: voice)
    }

    private func translate(_ location: SourceLocation, value: JSONValue, file: String) -> SourceLocation {
        var moved = value.sourceLocation(ofDecodedLine: location.line, column: location.column)
        moved.file = file
        moved.element = location.element
        moved.attribute = location.attribute
        return moved
    }

    private func translate(_ error: SSMLError, path: String, value: JSONValue, file: String) -> SSMLError {
        SSMLError(error.kind, "\(path).text: \(error.message)", at: error.location.map { translate($0, value: value, file: file) } ?? value.location)
    }

    /// The voice for `language` and `style` (or the deprecated `voiceName`), by the documented gender of the style.
    private func voice(for talk: NCCOAction.Talk, path: String) throws -> VoiceSpec {
        var language = Self.defaultLanguage
        var languagePlace = talk.text.location.with(element: "talk")
        var style = 0
        var stylePlace = languagePlace
        if let value = talk.voiceName, case .string(let name) = value.kind {
            let place = value.location.with(element: "talk", attribute: "voiceName")
            if let legacy = styles.style(voiceName: name), talk.language == nil, talk.style == nil {
                log.note("\(path).voiceName \"\(name)\" is deprecated by Vonage; it means language \(legacy.language), style \(legacy.style)", at: place)
                language = legacy.language
                style = legacy.style
            } else if talk.language == nil && talk.style == nil {
                try log.warn("\(path).voiceName \"\(name)\" is not a Vonage voice name this tool knows; using \(Self.defaultLanguage) style 0", at: place, kind: .unknownVoice)
            } else {
                log.note("\(path).voiceName is deprecated by Vonage and ignored next to language and style", at: place)
            }
        }
        if let value = talk.language, case .string(let code) = value.kind {
            language = code
            languagePlace = value.location.with(element: "talk", attribute: "language")
        }
        if let value = talk.style, case .number(let number, _) = value.kind, abs(number) < 9e18 {
            style = Int(number)
            stylePlace = value.location.with(element: "talk", attribute: "style")
        }
        var gender = VoiceGender.female
        if let documented = styles.style(language: language, style: style) {
            gender = documented.gender
        } else if talk.style != nil && style != 0 {
            try log.warn(
                "\(path).style: Vonage documents no gender for \(language) style \(style); using a female voice (see Voices/vonage-styles.json)",
                at: stylePlace, kind: .unknownVoice)
        } else {
            log.note("\(path): Vonage documents no gender for \(language) style \(style); using a female voice", at: languagePlace)
        }
        if let voice = resolver.voice(locale: language, gender: gender) { return voice }
        if voiceFallback, let voice = resolver.voice(locale: Self.defaultLanguage, gender: gender) {
            try log.warn("\(path).language \"\(language)\" is not spoken by \(engineName); using \(voice.name) (voice fallback)", at: languagePlace, kind: .unknownVoice)
            return voice
        }
        throw SSMLError(.unknownVoice, "\(path).language \"\(language)\" is not spoken by \(engineName) (see the voice list; a voice fallback uses \(Self.defaultLanguage))", at: languagePlace, setting: .voiceFallback)
    }

    // MARK: - stream

    private func append(stream: NCCOAction.Stream, action: NCCOAction, to segments: inout [Segment]) throws {
        let place = stream.urlValue.location.with(element: "stream", attribute: "streamUrl")
        if stream.bargeIn {
            log.note("\(action.path).bargeIn = true: on a live call a key press or speech stops the stream early; rendered in full", at: action.location)
        }
        let clip = AudioClip(
            source: stream.url, gainDB: try levelDB(stream.level), location: place, sourceLocation: place,
            label: "\(action.path).streamUrl[0] \"\(stream.url)\"")
        let plays = try plays(stream.loop, loopValue: stream.loopValue, path: action.path, location: action.location)
        for _ in 0..<plays { segments.append(.audio(clip)) }
    }

    // MARK: - Shared

    /// The gain for a Vonage `level` (-1...1, 0 normal). Vonage does not publish its curve; we scale the
    /// amplitude by `1 + level`: +1 doubles it (+6.0 dB), -0.5 halves it (-6.0 dB), -1 is silence.
    public static func gainDB(level: Double) -> Double {
        level <= -1 ? -.infinity : 20 * log10(1 + level)
    }

    private func levelDB(_ level: Double) throws -> Double { Self.gainDB(level: level) }

    static func apply(gainDB: Double, to segment: Segment) -> Segment {
        guard gainDB != 0 else { return segment }
        switch segment {
        case .speech(var speech):
            if gainDB == -.infinity { speech.prosody.silent = true } else { speech.prosody.volumeDB += gainDB }
            return .speech(speech)
        case .bleep(var speech):
            if gainDB == -.infinity { speech.prosody.silent = true } else { speech.prosody.volumeDB += gainDB }
            return .bleep(speech)
        case .audio(var clip):
            clip.gainDB += gainDB
            return .audio(clip)
        default:
            return segment
        }
    }

    /// How many times a `loop` value plays: 0 is forever (capped at ``foreverPlays``), above the loop limit is clamped.
    private func plays(_ loop: Int, loopValue: JSONValue?, path: String, location: SourceLocation) throws -> Int {
        let place = loopValue?.location.with(element: location.element, attribute: "loop") ?? location
        if loop == 0 {
            try log.warn("\(path).loop is 0 (forever): rendered \(Self.foreverPlays) times; on a live call it repeats until the caller hangs up or barges in, and later actions run only after a barge-in", at: place, kind: .limitExceeded)
            return Self.foreverPlays
        }
        if loop > limits.maxLoop {
            try log.warn("\(path).loop \(loop) is above the limit of \(limits.maxLoop); rendered \(limits.maxLoop) times", at: place, kind: .limitExceeded)
            return limits.maxLoop
        }
        return loop
    }

    /// `3 s`, `0.5 s`: durations in messages.
    public static func seconds(_ value: Double) -> String {
        value.rounded() == value ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }

    static func settings(_ attributes: [String: String]) -> String {
        attributes.isEmpty ? "no options" : attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}
