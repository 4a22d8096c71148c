/// Plans are data: `ssml text --json` prints them and render workers receive them. Each segment is an object
/// with a `kind` and the fields of that kind, so the JSON reads like the plan:
///
/// ```json
/// {"kind": "pause", "seconds": 0.5, "reason": "break", "location": {...}}
/// ```
extension Segment: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, speech, seconds, reason, location, audio, name, control, pass, passes, noise, mix, fit
    }

    private enum Kind: String, Codable {
        case speech, bleep, pause, audio, mark, callControl, loop, noise, mix, fit
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .kind) {
        case .speech: self = .speech(try container.decode(SpeechSegment.self, forKey: .speech))
        case .bleep: self = .bleep(try container.decode(SpeechSegment.self, forKey: .speech))
        case .pause:
            self = .pause(
                seconds: try container.decode(Double.self, forKey: .seconds), reason: try container.decode(PauseReason.self, forKey: .reason),
                location: try container.decodeIfPresent(SourceLocation.self, forKey: .location))
        case .audio: self = .audio(try container.decode(AudioClip.self, forKey: .audio))
        case .mark: self = .mark(name: try container.decode(String.self, forKey: .name), location: try container.decode(SourceLocation.self, forKey: .location))
        case .callControl: self = .callControl(try container.decode(CallControl.self, forKey: .control))
        case .loop:
            self = .loop(
                pass: try container.decode(Int.self, forKey: .pass), passes: try container.decode(Int.self, forKey: .passes),
                location: try container.decode(SourceLocation.self, forKey: .location))
        case .noise: self = .noise(try container.decode(NoiseSegment.self, forKey: .noise))
        case .mix: self = .mix(try container.decode(Mix.self, forKey: .mix))
        case .fit: self = .fit(try container.decode(DurationFit.self, forKey: .fit))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .speech(let speech):
            try container.encode(Kind.speech, forKey: .kind)
            try container.encode(speech, forKey: .speech)
        case .bleep(let speech):
            try container.encode(Kind.bleep, forKey: .kind)
            try container.encode(speech, forKey: .speech)
        case .pause(let seconds, let reason, let location):
            try container.encode(Kind.pause, forKey: .kind)
            try container.encode(seconds, forKey: .seconds)
            try container.encode(reason, forKey: .reason)
            try container.encodeIfPresent(location, forKey: .location)
        case .audio(let clip):
            try container.encode(Kind.audio, forKey: .kind)
            try container.encode(clip, forKey: .audio)
        case .mark(let name, let location):
            try container.encode(Kind.mark, forKey: .kind)
            try container.encode(name, forKey: .name)
            try container.encode(location, forKey: .location)
        case .callControl(let control):
            try container.encode(Kind.callControl, forKey: .kind)
            try container.encode(control, forKey: .control)
        case .loop(let pass, let passes, let location):
            try container.encode(Kind.loop, forKey: .kind)
            try container.encode(pass, forKey: .pass)
            try container.encode(passes, forKey: .passes)
            try container.encode(location, forKey: .location)
        case .noise(let noise):
            try container.encode(Kind.noise, forKey: .kind)
            try container.encode(noise, forKey: .noise)
        case .mix(let mix):
            try container.encode(Kind.mix, forKey: .kind)
            try container.encode(mix, forKey: .mix)
        case .fit(let fit):
            try container.encode(Kind.fit, forKey: .kind)
            try container.encode(fit, forKey: .fit)
        }
    }
}

/// A piece is `{"text": "…"}`, `{"characters": "A7"}` or `{"ipa": "təˈmɑːtəʊ"}`.
extension SpeechPiece: Codable {
    private enum CodingKeys: String, CodingKey { case text, characters, ipa }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try container.decodeIfPresent(String.self, forKey: .text) {
            self = .text(text)
        } else if let code = try container.decodeIfPresent(String.self, forKey: .characters) {
            self = .characters(code)
        } else if let ipa = try container.decodeIfPresent(String.self, forKey: .ipa) {
            self = .ipa(ipa)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a speech piece has text, characters or ipa"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text): try container.encode(text, forKey: .text)
        case .characters(let code): try container.encode(code, forKey: .characters)
        case .ipa(let ipa): try container.encode(ipa, forKey: .ipa)
        }
    }
}
