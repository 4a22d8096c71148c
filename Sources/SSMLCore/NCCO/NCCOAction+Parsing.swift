import Foundation

extension NCCOAction {
    // MARK: - Parsing

    static func parse(_ written: JSONValue, path: String, log: DiagnosticLog) throws -> NCCOAction {
        var value = written
        guard case .object = value.kind else {
            throw SSMLError(.invalidValue, "\(path): an action is a JSON object like {\"action\": \"talk\", ...}, not \(value.typeName)", at: value.location)
        }
        guard let actionValue = value["action"] else {
            throw SSMLError(.missingAttribute, "\(path).action is missing: the action has no \"action\" (one of \(NCCO.actionNames.joined(separator: ", ")))", at: value.location)
        }
        guard case .string(let name) = actionValue.kind else {
            throw SSMLError(.invalidValue, "\(path).action must be a string, not \(actionValue.typeName)", at: actionValue.location)
        }
        guard let spec = specs[name] else {
            let hint = NCCO.actionNames.first { $0.lowercased() == name.lowercased() }.map { "; did you mean \($0)?" } ?? ""
            throw SSMLError(
                .unknownElement, "\(path).action \"\(name)\" is not an NCCO action (use \(NCCO.actionNames.joined(separator: ", ")))\(hint)",
                at: actionValue.location.with(element: name, attribute: "action"))
        }
        value = try readingLegacyForms(value, name: name, spec: spec, path: path, log: log)
        guard case .object(let members) = value.kind else { throw SSMLError(.invalidValue, "\(path): not an object", at: value.location) }
        let reader = OptionReader(object: value, path: path, action: name)
        for member in members where member.key != "action" && spec.options[member.key] == nil {
            try log.warn(
                "\(path).\(member.key): unknown \(name) option; ignored (known: \(spec.options.keys.sorted().joined(separator: ", ")))",
                at: member.keyLocation.with(element: name, attribute: member.key), kind: .unknownAttribute)
        }
        for member in members {
            if let option = spec.options[member.key] { try reader.check(member.key, option) }
        }
        for key in spec.required where value[key] == nil {
            throw SSMLError(.missingAttribute, "\(path).\(key) is missing: \(name) needs \"\(key)\"\(spec.requiredHint[key] ?? "")", at: value.location.with(element: name))
        }
        try checkCombinations(value, name: name, path: path, log: log)
        let kind: Kind
        switch name {
        case "talk":
            let text = value["text"]!
            if case .string(let string) = text.kind, string.trimmingWhitespaceAndNewlines().isEmpty {
                throw SSMLError(.invalidValue, "\(path).text is empty; talk needs something to say", at: text.location.with(element: name, attribute: "text"))
            }
            var reported: [String: String] = [:]
            for key in ["bargeIn", "premium", "queue", "ttl"] where value[key] != nil { reported[key] = reader.display(value[key]!) }
            kind = .talk(
                Talk(
                    text: text, language: value["language"], style: value["style"], voiceName: value["voiceName"],
                    premium: reader.bool("premium"), loop: reader.int("loop") ?? 1, loopValue: value["loop"],
                    level: reader.number("level") ?? 0, bargeIn: reader.bool("bargeIn"), reported: reported))
        case "stream":
            let urls = value["streamUrl"]!
            guard case .array(let entries) = urls.kind, entries.count == 1, let entry = entries.first, case .string(let url) = entry.kind else {
                throw SSMLError(.invalidValue, "\(path).streamUrl must be an array holding one URL", at: urls.location.with(element: name, attribute: "streamUrl"))
            }
            kind = .stream(
                Stream(
                    url: url, urlValue: entry, loop: reader.int("loop") ?? 1, loopValue: value["loop"],
                    level: reader.number("level") ?? 0, bargeIn: reader.bool("bargeIn")))
        case "input":
            let types =
                value["type"].flatMap { value -> [String]? in
                    guard case .array(let items) = value.kind else { return nil }
                    return items.compactMap { if case .string(let s) = $0.kind { s } else { nil } }
                } ?? []
            let dtmf = value["dtmf"], speech = value["speech"]
            kind = .input(
                Input(
                    dtmf: types.contains("dtmf"), speech: types.contains("speech"),
                    dtmfTimeOut: dtmf.flatMap { OptionReader.number($0["timeOut"]) } ?? 3,
                    speechStartTimeout: speech.flatMap { OptionReader.number($0["startTimeout"]) } ?? 10,
                    maxDigits: dtmf.flatMap { OptionReader.number($0["maxDigits"]) }.map { Int($0) } ?? 4,
                    submitOnHash: dtmf.flatMap { OptionReader.bool($0["submitOnHash"]) } ?? false,
                    speechLanguage: speech.flatMap { OptionReader.string($0["language"]) },
                    endOnSilence: speech.flatMap { OptionReader.number($0["endOnSilence"]) } ?? 2,
                    maxDuration: speech.flatMap { OptionReader.number($0["maxDuration"]) } ?? 60,
                    events: reader.events(), asynchronous: reader.string("mode") == "asynchronous"))
        case "record":
            kind = .record(
                Record(
                    format: reader.string("format") ?? "mp3", split: reader.string("split"), channels: reader.int("channels"),
                    endOnSilence: reader.number("endOnSilence"), endOnKey: reader.string("endOnKey"), timeOut: reader.number("timeOut") ?? 7200,
                    beepStart: reader.bool("beepStart"), events: reader.events()))
        case "connect":
            kind = .connect(
                Connect(
                    endpoint: try reader.endpoint(), from: reader.string("from"), timeout: reader.number("timeout") ?? 60,
                    limit: reader.number("limit") ?? 7200, synchronous: reader.string("eventType") == "synchronous",
                    ringbackTone: reader.string("ringbackTone"), machineDetection: reader.string("machineDetection"), events: reader.events()))
        case "conversation":
            kind = .conversation(
                Conversation(
                    name: reader.string("name") ?? "", musicOnHoldUrl: reader.strings("musicOnHoldUrl")?.first,
                    startOnEnter: value["startOnEnter"].flatMap(OptionReader.bool) ?? true, endOnExit: reader.bool("endOnExit"),
                    record: reader.bool("record"), mute: reader.bool("mute"), events: reader.events()))
        case "notify":
            guard let events = reader.events() else {
                throw SSMLError(.missingAttribute, "\(path): notify needs \"eventUrl\"", at: value.location.with(element: name))
            }
            kind = .notify(Notify(payload: value["payload"]!, events: events))
        case "wait":
            kind = .wait(Wait(timeout: reader.number("timeout") ?? 10))
        case "transfer":
            // Vonage's models spell it conversationId; conversation_id (a Ruby SDK attribute's name) is read too.
            let key = value["conversationId"] == nil && value["conversation_id"] != nil ? "conversation_id" : "conversationId"
            guard let id = value[key] else {
                throw SSMLError(
                    .missingAttribute, "\(path).conversationId is missing: transfer needs \"conversationId\" (the conversation the call moves into, CON-…)",
                    at: value.location.with(element: name))
            }
            guard let conversation = reader.string(key), !conversation.trimmingWhitespace().isEmpty else {
                throw SSMLError(.invalidValue, "\(path).\(key) is empty; transfer needs the conversation it moves the call into", at: id.location.with(element: name, attribute: key))
            }
            if key == "conversation_id" {
                try log.warn("\(path).conversation_id: Vonage's models spell it conversationId; read as that", at: id.location.with(element: name, attribute: key), kind: .unknownAttribute)
            }
            kind = .transfer(Transfer(conversationID: conversation, canHear: reader.strings("canHear"), canSpeak: reader.strings("canSpeak"), mute: reader.bool("mute")))
        case "pay":
            kind = .pay(Pay(amount: reader.number("amount") ?? 0, currency: reader.string("currency"), events: reader.events()))
        default:
            throw SSMLError(.unknownElement, "\(path).action \"\(name)\" is not an NCCO action", at: actionValue.location)
        }
        return NCCOAction(path: path, location: value.location.with(element: name), kind: kind, options: reader.attributes())
    }

    /// The longest `talk` text the Voice API takes, in characters without SSML tags (the NCCO reference).
    public static let maxTalkCharacters = 1500

    /// The rules of the NCCO reference that tie one option to another, and its limits the option types cannot
    /// say; each message names the rule.
    static func checkCombinations(_ value: JSONValue, name: String, path: String, log: DiagnosticLog) throws {
        func place(_ key: String) -> SourceLocation { (value[key]?.location ?? value.location).with(element: name, attribute: key) }
        switch name {
        case "connect":
            if OptionReader.bool(value["randomFromNumber"]) == true, value["from"] != nil {
                throw SSMLError(.invalidValue, "\(path).randomFromNumber is true, so \"from\" must not be given (Vonage picks a random number of the application)", at: place("randomFromNumber"))
            }
            if case .array(let endpoints) = value["endpoint"]?.kind, let onAnswer = endpoints.first?["onAnswer"], onAnswer["url"] == nil {
                throw SSMLError(.missingAttribute, "\(path).endpoint[0].onAnswer.url is missing: onAnswer needs \"url\" (the NCCO run on the answered leg)", at: onAnswer.location.with(element: name, attribute: "onAnswer"))
            }
        case "talk":
            // The reference: "up to 1,500 characters (excluding SSML tags)"; the schema counts the raw string, which
            // would refuse documented SSML, so the reference's rule is the one applied.
            if let text = OptionReader.string(value["text"]) {
                let spoken = text.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
                if spoken.count > maxTalkCharacters {
                    throw SSMLError(
                        .limitExceeded, "\(path).text has \(spoken.count) characters without SSML tags; the Voice API takes at most \(maxTalkCharacters)",
                        at: place("text"))
                }
            }
        case "stream":
            if case .array(let items) = value["streamUrl"]?.kind, let first = items.first, let url = OptionReader.string(first),
                !(url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://"))
            {
                // Local files make offline previews possible; the live call needs the file on a web server.
                try log.warn("\(path).streamUrl[0] \"\(url)\" is not an http(s) URL, which the Voice API needs; read here as a local file", at: first.location.with(element: name, attribute: "streamUrl"), kind: .invalidValue)
            }
        case "conversation":
            if OptionReader.bool(value["mute"]) == true, value["canSpeak"] != nil {
                throw SSMLError(.invalidValue, "\(path).mute is not supported together with canSpeak (the NCCO reference: use one or the other)", at: place("mute"))
            }
        case "record":
            if value["channels"] != nil, OptionReader.string(value["split"]) != "conversation" {
                throw SSMLError(.invalidValue, "\(path).channels needs \"split\": \"conversation\" (channels are the split legs)", at: place("channels"))
            }
        case "input":
            guard case .array(let items) = value["type"]?.kind else { return }
            let types = items.compactMap { OptionReader.string($0) }
            if Set(types).count != types.count {
                throw SSMLError(.invalidValue, "\(path).type lists \"\(types.first { t in types.filter { $0 == t }.count > 1 } ?? "")\" twice", at: place("type"))
            }
            for key in ["dtmf", "speech"] where value[key] != nil && !types.contains(key) {
                try log.warn("\(path).\(key) settings are ignored: type does not list \"\(key)\"", at: place(key), kind: .invalidValue)
            }
        default:
            break
        }
    }

    /// The Voice API requires an `input` action after a talk or stream with `bargeIn`; without it the caller
    /// could never barge in.
    static func checkBargeIn(_ actions: [NCCOAction], log: DiagnosticLog) throws {
        var pending: NCCOAction?
        for action in actions {
            switch action.kind {
            case .talk(let talk):
                if talk.bargeIn { pending = action }
            case .stream(let stream):
                if stream.bargeIn { pending = action }
            case .input:
                pending = nil
            case .record, .connect, .conversation, .notify, .wait, .pay, .transfer:
                if let barge = pending {
                    try log.warn("\(barge.path).bargeIn is true, but the next action that is not talk or stream (\(action.path)) is not an input, as the Voice API requires", at: barge.location)
                    pending = nil
                }
            }
        }
        if let barge = pending {
            try log.warn("\(barge.path).bargeIn is true, but no input action follows, as the Voice API requires", at: barge.location)
        }
    }

    // MARK: - Option specs

    enum Option {
        case bool
        case int(ClosedRange<Int>)
        case number(ClosedRange<Double>)
        case string
        case oneOf([String])
        /// An array of strings, with a count range.
        case strings(ClosedRange<Int>)
        case object
        case array
        /// `input.type`: a non-empty list of `dtmf` and `speech`.
        case inputTypes
        /// A nested object whose members follow their own specs.
        case nested([String: Option])
        /// `connect.endpoint`: exactly one endpoint object, checked by its type's spec.
        case endpoints
        /// A string that matches a regular expression; the message says what it must be.
        case matching(String, String)
        /// An array of absolute URLs with one of the schemes, with a count range.
        case urls(ClosedRange<Int>, [String])
        /// One absolute URL with one of the schemes.
        case url([String])
        /// Anything JSON (payloads).
        case any
    }

    struct Spec {
        var options: [String: Option]
        var required: [String] = []
        var requiredHint: [String: String] = [:]
    }

    /// `eventUrl` and the like: an array holding one absolute http(s) URL (the Voice API's schema: `^https?://`).
    static let urlList = Option.urls(1...1, ["http", "https"])
    /// An E.164 number without `+`, as the Voice API takes it (`^[1-9][0-9]{6,14}$`).
    static let phoneNumber = Option.matching("^[1-9][0-9]{6,14}$", "7 to 15 digits without + or spaces, not starting with 0 (E.164, e.g. 447700900000)")

    static let specs: [String: Spec] = [
        "talk": Spec(
            options: [
                "text": .string, "bargeIn": .bool, "loop": .int(0...Int.max), "level": .number(-1...1),
                "language": .string, "style": .int(0...Int.max), "premium": .bool, "voiceName": .string, "queue": .bool, "ttl": .int(0...Int.max),
            ],
            required: ["text"]),
        "stream": Spec(
            // A local path is a preview convenience (checked when the plan is made); Vonage needs a URL.
            options: ["streamUrl": .strings(1...1), "level": .number(-1...1), "bargeIn": .bool, "loop": .int(0...Int.max)],
            required: ["streamUrl"], requiredHint: ["streamUrl": " (an array holding one URL)"]),
        "input": Spec(
            options: [
                "type": .inputTypes,
                "dtmf": .nested(["timeOut": .number(0...10), "maxDigits": .int(1...20), "submitOnHash": .bool]),
                "speech": .nested([
                    "uuid": .strings(1...1), "endOnSilence": .number(0.4...10), "language": .string, "context": .strings(0...Int.max),
                    "startTimeout": .number(1...10), "maxDuration": .number(1...60), "saveAudio": .bool, "sensitivity": .number(0...100),
                ]),
                "eventUrl": urlList, "eventMethod": .oneOf(["GET", "POST"]), "mode": .oneOf(["synchronous", "asynchronous"]),
            ],
            required: ["type"], requiredHint: ["type": " ([\"dtmf\"], [\"speech\"] or both)"]),
        "record": Spec(options: [
            "format": .oneOf(["mp3", "wav", "ogg"]), "split": .oneOf(["conversation"]), "channels": .int(1...32),
            "endOnSilence": .int(3...10), "endOnKey": .oneOf(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"]),
            "timeOut": .int(3...7200), "beepStart": .bool, "eventUrl": urlList, "eventMethod": .oneOf(["GET", "POST"]), "transcription": .object,
        ]),
        "connect": Spec(
            options: [
                "endpoint": .endpoints, "from": phoneNumber, "randomFromNumber": .bool, "eventType": .oneOf(["synchronous"]),
                "timeout": .number(0...Double.greatestFiniteMagnitude), "limit": .number(0...7200), "machineDetection": .oneOf(["continue", "hangup"]),
                "advancedMachineDetection": .object, "eventUrl": urlList, "eventMethod": .oneOf(["GET", "POST"]), "ringbackTone": .url(["http", "https"]),
            ],
            required: ["endpoint"], requiredHint: ["endpoint": " (an array holding one endpoint, e.g. {\"type\": \"phone\", \"number\": \"447700900000\"})"]),
        "conversation": Spec(
            options: [
                "name": .string, "musicOnHoldUrl": urlList, "startOnEnter": .bool, "endOnExit": .bool, "record": .bool,
                "canSpeak": .strings(0...Int.max), "canHear": .strings(0...Int.max), "mute": .bool, "eventUrl": urlList, "eventMethod": .oneOf(["GET", "POST"]),
            ],
            required: ["name"]),
        "notify": Spec(
            options: ["payload": .object, "eventUrl": urlList, "eventMethod": .oneOf(["GET", "POST"])],
            required: ["payload", "eventUrl"]),
        "wait": Spec(options: ["timeout": .number(0.1...7200)]),
        "transfer": Spec(options: [
            "conversationId": .string, "conversation_id": .string, "canHear": .strings(0...Int.max), "canSpeak": .strings(0...Int.max), "mute": .bool,
        ]),
        "pay": Spec(
            options: ["amount": .number(0.01...Double.greatestFiniteMagnitude), "currency": .string, "eventUrl": urlList, "prompts": .array, "voice": .object],
            required: ["amount"]),
    ]

    /// The endpoints of `connect`, by `type` (Vonage's NCCO reference, "Endpoint Types and Values").
    static let endpointSpecs: [String: Spec] = [
        "phone": Spec(
            options: [
                "type": .string, "number": phoneNumber, "dtmfAnswer": .matching("^[0-9#*p]*$", "digits, * and #, with p for a half-second pause"),
                "onAnswer": .nested(["url": .url(["http", "https"]), "ringbackTone": .url(["http", "https"])]), "shaken": .string,
            ],
            required: ["number"]),
        "app": Spec(options: ["type": .string, "user": .string], required: ["user"]),
        "websocket": Spec(
            options: [
                "type": .string, "uri": .url(["ws", "wss"]), "content-type": .oneOf(["audio/l16;rate=8000", "audio/l16;rate=16000"]), "headers": .object,
            ],
            required: ["uri"]),
        "sip": Spec(
            options: ["type": .string, "uri": .matching("^sips?:.+", "a sip: or sips: URI (sip:alice@example.com)"), "headers": .object, "standardHeaders": .object],
            required: ["uri"]),
        "vbc": Spec(options: ["type": .string, "extension": .string], required: ["extension"]),
    ]
}
