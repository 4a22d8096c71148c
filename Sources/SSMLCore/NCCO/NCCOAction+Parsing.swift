import Foundation

extension NCCOAction {
    // MARK: - Parsing

    static func parse(_ value: JSONValue, path: String, log: DiagnosticLog) throws -> NCCOAction {
        guard case .object(let members) = value.kind else {
            throw SSMLError(.invalidValue, "\(path): an action is a JSON object like {\"action\": \"talk\", ...}, not \(value.typeName)", at: value.location)
        }
        guard let actionValue = value["action"] else {
            throw SSMLError(.missingAttribute, "\(path): the action has no \"action\" (one of \(NCCO.actionNames.joined(separator: ", ")))", at: value.location)
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
            throw SSMLError(.missingAttribute, "\(path): \(name) needs \"\(key)\"\(spec.requiredHint[key] ?? "")", at: value.location.with(element: name))
        }
        let kind: Kind
        switch name {
        case "talk":
            let text = value["text"]!
            if case .string(let string) = text.kind, string.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
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
            let types = value["type"].flatMap { value -> [String]? in
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
            kind = .transfer(
                Transfer(conversationID: reader.string("conversation_id") ?? "", canHear: reader.strings("canHear"), canSpeak: reader.strings("canSpeak"), mute: reader.bool("mute")))
        case "pay":
            kind = .pay(Pay(amount: reader.number("amount") ?? 0, currency: reader.string("currency"), events: reader.events()))
        default:
            throw SSMLError(.unknownElement, "\(path).action \"\(name)\" is not an NCCO action", at: actionValue.location)
        }
        return NCCOAction(path: path, location: value.location.with(element: name), kind: kind, options: reader.attributes())
    }

    /// The Voice API requires an `input` action after a talk or stream with `bargeIn`; without it the caller
    /// could never barge in.
    static func checkBargeIn(_ actions: [NCCOAction], log: DiagnosticLog) {
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
                    log.note("\(barge.path).bargeIn is true, but the next action that is not talk or stream (\(action.path)) is not an input, as the Voice API requires", at: barge.location)
                    pending = nil
                }
            }
        }
        if let barge = pending {
            log.note("\(barge.path).bargeIn is true, but no input action follows, as the Voice API requires", at: barge.location)
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
        /// `connect.endpoint`: exactly one endpoint object.
        case endpoints
        /// Anything JSON (payloads).
        case any
    }

    struct Spec {
        var options: [String: Option]
        var required: [String] = []
        var requiredHint: [String: String] = [:]
    }

    static let urlList = Option.strings(1...1)

    static let specs: [String: Spec] = [
        "talk": Spec(
            options: [
                "text": .string, "bargeIn": .bool, "loop": .int(0...Int.max), "level": .number(-1...1),
                "language": .string, "style": .int(0...Int.max), "premium": .bool, "voiceName": .string, "queue": .bool, "ttl": .int(0...Int.max),
            ],
            required: ["text"]),
        "stream": Spec(
            options: ["streamUrl": urlList, "level": .number(-1...1), "bargeIn": .bool, "loop": .int(0...Int.max)],
            required: ["streamUrl"], requiredHint: ["streamUrl": " (an array holding one URL)"]),
        "input": Spec(
            options: [
                "type": .inputTypes,
                "dtmf": .nested(["timeOut": .number(0...10), "maxDigits": .int(1...20), "submitOnHash": .bool]),
                "speech": .nested([
                    "uuid": .strings(1...1), "endOnSilence": .number(0.4...10), "language": .string, "context": .strings(0...Int.max),
                    "startTimeout": .number(1...60), "maxDuration": .number(1...60), "saveAudio": .bool, "sensitivity": .number(0...100),
                ]),
                "eventUrl": urlList, "eventMethod": .oneOf(["GET", "POST"]), "mode": .oneOf(["synchronous", "asynchronous"]),
            ],
            required: ["type"], requiredHint: ["type": " ([\"dtmf\"], [\"speech\"] or both)"]),
        "record": Spec(options: [
            "format": .oneOf(["mp3", "wav", "ogg"]), "split": .oneOf(["conversation"]), "channels": .int(1...32),
            "endOnSilence": .number(3...10), "endOnKey": .oneOf(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"]),
            "timeOut": .number(3...7200), "beepStart": .bool, "eventUrl": urlList, "eventMethod": .oneOf(["GET", "POST"]), "transcription": .object,
        ]),
        "connect": Spec(
            options: [
                "endpoint": .endpoints, "from": .string, "randomFromNumber": .bool, "eventType": .oneOf(["synchronous"]),
                "timeout": .number(1...Double.greatestFiniteMagnitude), "limit": .number(1...7200), "machineDetection": .oneOf(["continue", "hangup"]),
                "advancedMachineDetection": .object, "eventUrl": urlList, "eventMethod": .oneOf(["GET", "POST"]), "ringbackTone": .string,
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
        "transfer": Spec(
            options: ["conversation_id": .string, "canHear": .strings(0...Int.max), "canSpeak": .strings(0...Int.max), "mute": .bool],
            required: ["conversation_id"], requiredHint: ["conversation_id": " (the conversation the call moves into, CON-…)"]),
        "pay": Spec(
            options: ["amount": .number(0.01...Double.greatestFiniteMagnitude), "currency": .string, "eventUrl": urlList, "prompts": .array, "voice": .object],
            required: ["amount"]),
    ]

    static let endpointFields: [String: (required: String, options: Set<String>)] = [
        "phone": ("number", ["type", "number", "dtmfAnswer", "onAnswer", "shaken"]),
        "app": ("user", ["type", "user"]),
        "websocket": ("uri", ["type", "uri", "content-type", "headers"]),
        "sip": ("uri", ["type", "uri", "headers", "standardHeaders"]),
        "vbc": ("extension", ["type", "extension"]),
    ]
}

