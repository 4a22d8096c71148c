/// A Vonage Call Control Object: the JSON array of actions a Voice API call runs in order, checked the way
/// the Voice API checks it.
///
/// ```swift
/// let ncco = try NCCO.parse(#"[{"action": "talk", "text": "Hello", "language": "de-DE"}]"#, file: "call.json", log: log)
/// ```
///
/// Errors name the JSON path (`$[2].streamUrl`) and the line and column in the file.
public struct NCCO: Sendable, Equatable {
    public var actions: [NCCOAction]
    /// The name used in locations.
    public var file: String

    /// The actions the Voice API runs, and what each one's options mean here.
    public static let actionNames = ["talk", "stream", "input", "record", "connect", "conversation", "notify", "pay"]

    /// Parses and validates NCCO JSON. Options this tool does not know are warnings; everything the Voice
    /// API would refuse (wrong types, values out of range, missing required options) is an error.
    public static func parse(_ text: String, file: String, limits: Limits = .standard, log: DiagnosticLog) throws -> NCCO {
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard text.utf8.count <= limits.maxInputBytes else {
            throw SSMLError(.limitExceeded, "the input is \(text.utf8.count) bytes; the limit is \(limits.maxInputBytes)", at: start)
        }
        let root = try JSONParser.parse(text, file: file, maxDepth: limits.maxDepth)
        guard case .array(let elements) = root.kind else {
            throw SSMLError(.invalidValue, "$: an NCCO is a JSON array of actions, not \(root.typeName) (wrap a single action in [ ])", at: root.location)
        }
        guard !elements.isEmpty else {
            throw SSMLError(.invalidValue, "$: the NCCO is empty; it needs at least one action", at: root.location)
        }
        var actions: [NCCOAction] = []
        for (index, element) in elements.enumerated() {
            actions.append(try NCCOAction.parse(element, path: "$[\(index)]", log: log))
        }
        NCCOAction.checkBargeIn(actions, log: log)
        return NCCO(actions: actions, file: file)
    }
}

/// One validated action, with its JSON path and place.
public struct NCCOAction: Sendable, Equatable {
    public var path: String
    public var location: SourceLocation
    public var kind: Kind

    public enum Kind: Sendable, Equatable {
        case talk(Talk)
        case stream(Stream)
        case input(Input)
        /// `record`, `connect`, `conversation`, `notify`, `pay`: no sound of their own here.
        case control(CallControl.Kind, attributes: [String: String])
    }

    /// Text-to-speech.
    public struct Talk: Sendable, Equatable {
        /// The `text` value: plain text, or SSML when it starts with `<speak>`.
        public var text: JSONValue
        public var language: JSONValue?
        public var style: JSONValue?
        /// The deprecated `voiceName`.
        public var voiceName: JSONValue?
        public var premium: Bool
        /// 0 means forever.
        public var loop: Int
        public var loopValue: JSONValue?
        /// -1 (silent) ... 1; 0 is the normal level.
        public var level: Double
        public var bargeIn: Bool
        /// Options accepted and reported, with no effect on the audio.
        public var reported: [String: String]

        public var textString: String {
            if case .string(let text) = text.kind { return text }
            return ""
        }
    }

    /// A prerecorded file.
    public struct Stream: Sendable, Equatable {
        public var url: String
        /// The URL's place (inside the `streamUrl` array).
        public var urlValue: JSONValue
        public var loop: Int
        public var loopValue: JSONValue?
        public var level: Double
        public var bargeIn: Bool
    }

    /// Collecting keys or speech: on a local render, the caller says and presses nothing.
    public struct Input: Sendable, Equatable {
        public var dtmf: Bool
        public var speech: Bool
        /// `dtmf.timeOut`: seconds without a key before the input ends (Vonage default 3, at most 10).
        public var dtmfTimeOut: Double
        /// `speech.startTimeout`: seconds Vonage waits for the caller to start speaking (default 10, 1...60).
        public var speechStartTimeout: Double
        public var attributes: [String: String]

        /// How long a caller who does nothing waits before the call moves on: the input ends when every mode
        /// it listens for has given up.
        public var silentWait: Double {
            max(dtmf ? dtmfTimeOut : 0, speech ? speechStartTimeout : 0)
        }
    }

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
            kind = .input(
                Input(
                    dtmf: types.contains("dtmf"), speech: types.contains("speech"),
                    dtmfTimeOut: value["dtmf"].flatMap { OptionReader.number($0["timeOut"]) } ?? 3,
                    speechStartTimeout: value["speech"].flatMap { OptionReader.number($0["startTimeout"]) } ?? 10,
                    attributes: reader.attributes()))
        default:
            kind = .control(CallControl.Kind(rawValue: name)!, attributes: reader.attributes())
        }
        return NCCOAction(path: path, location: value.location.with(element: name), kind: kind)
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
            case .control:
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

/// Reads and checks an action's options; every failure names the JSON path and the place.
struct OptionReader {
    let object: JSONValue
    let path: String
    let action: String

    func fail(_ key: String, _ value: JSONValue, _ message: String) -> SSMLError {
        SSMLError(.invalidValue, "\(key) \(message)", at: value.location.with(element: action, attribute: key.split(separator: ".").last.map(String.init)))
    }

    func check(_ key: String, _ option: NCCOAction.Option) throws {
        guard let value = object[key] else { return }
        try check(value, option, name: "\(path).\(key)")
    }

    func check(_ value: JSONValue, _ option: NCCOAction.Option, name: String) throws {
        switch option {
        case .bool:
            guard case .bool = value.kind else { throw fail(name, value, "must be true or false, not \(value.typeName)") }
        case .int(let range):
            guard case .number(let number, let text) = value.kind else { throw fail(name, value, "must be a whole number, not \(value.typeName)") }
            // Double(Int.max) rounds up to 2^63, which Int() cannot hold: stay well inside.
            guard number.rounded() == number, abs(number) < 9e18 else {
                throw fail(name, value, "must be a whole number from \(range.lowerBound) up, not \(text)")
            }
            guard range.contains(Int(number)) else { throw fail(name, value, "is \(text); \(describe(range))") }
        case .number(let range):
            guard case .number(let number, let text) = value.kind else { throw fail(name, value, "must be a number, not \(value.typeName)") }
            guard range.contains(number) else {
                let upper = range.upperBound == .greatestFiniteMagnitude ? "" : " and \(format(range.upperBound))"
                throw fail(name, value, "is \(text); it must be \(upper.isEmpty ? "at least \(format(range.lowerBound))" : "between \(format(range.lowerBound))\(upper)")")
            }
        case .string:
            guard case .string = value.kind else { throw fail(name, value, "must be a string, not \(value.typeName)") }
        case .oneOf(let choices):
            guard case .string(let string) = value.kind, choices.contains(string) else {
                throw fail(name, value, "must be one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), not \(display(value))")
            }
        case .strings(let count):
            guard case .array(let items) = value.kind else {
                throw fail(name, value, count == 1...1 ? "must be an array holding one URL, not \(value.typeName)" : "must be an array of strings, not \(value.typeName)")
            }
            guard count.contains(items.count) else {
                throw fail(name, value, count == 1...1 ? "must hold exactly one entry, not \(items.count)" : "holds \(items.count) entries; \(describe(count))")
            }
            for (index, item) in items.enumerated() {
                guard case .string = item.kind else { throw fail("\(name)[\(index)]", item, "must be a string, not \(item.typeName)") }
            }
        case .object:
            guard case .object = value.kind else { throw fail(name, value, "must be an object, not \(value.typeName)") }
        case .array:
            guard case .array = value.kind else { throw fail(name, value, "must be an array, not \(value.typeName)") }
        case .inputTypes:
            guard case .array(let items) = value.kind, !items.isEmpty else {
                throw fail(name, value, "must be [\"dtmf\"], [\"speech\"] or [\"dtmf\", \"speech\"]")
            }
            for (index, item) in items.enumerated() {
                guard case .string(let type) = item.kind, type == "dtmf" || type == "speech" else {
                    throw fail("\(name)[\(index)]", item, "must be \"dtmf\" or \"speech\", not \(display(item))")
                }
            }
        case .nested(let options):
            guard case .object(let members) = value.kind else { throw fail(name, value, "must be an object, not \(value.typeName)") }
            for member in members {
                if let option = options[member.key] { try check(member.value, option, name: "\(name).\(member.key)") }
            }
        case .endpoints:
            guard case .array(let items) = value.kind else { throw fail(name, value, "must be an array holding one endpoint, not \(value.typeName)") }
            guard items.count == 1, let endpoint = items.first else { throw fail(name, value, "must hold exactly one endpoint, not \(items.count)") }
            let place = "\(name)[0]"
            guard case .object = endpoint.kind else { throw fail(place, endpoint, "must be an object, not \(endpoint.typeName)") }
            guard let type = endpoint["type"], case .string(let typeName) = type.kind, let fields = NCCOAction.endpointFields[typeName] else {
                throw fail("\(place).type", endpoint["type"] ?? endpoint, "must be one of \(NCCOAction.endpointFields.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            guard let required = endpoint[fields.required] else {
                throw SSMLError(.missingAttribute, "\(place): a \(typeName) endpoint needs \"\(fields.required)\"", at: endpoint.location.with(element: action, attribute: "endpoint"))
            }
            guard case .string = required.kind else { throw fail("\(place).\(fields.required)", required, "must be a string, not \(required.typeName)") }
        case .any:
            break
        }
    }

    private func describe<T: BinaryInteger>(_ range: ClosedRange<T>) -> String {
        range.upperBound == T(Int.max) ? "it must be \(range.lowerBound) or more" : "it must be from \(range.lowerBound) to \(range.upperBound)"
    }

    private func format(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }

    func bool(_ key: String) -> Bool {
        if case .bool(let flag) = object[key]?.kind { return flag }
        return false
    }

    func int(_ key: String) -> Int? {
        guard case .number(let number, _) = object[key]?.kind, number.rounded() == number, abs(number) < 9e18 else { return nil }
        return Int(number)
    }

    func number(_ key: String) -> Double? { Self.number(object[key]) }

    static func number(_ value: JSONValue?) -> Double? {
        if case .number(let number, _) = value?.kind { return number }
        return nil
    }

    /// The action's options as the timeline shows them: scalars as written, lists and objects compact.
    func attributes() -> [String: String] {
        guard case .object(let members) = object.kind else { return [:] }
        var attributes: [String: String] = [:]
        for member in members where member.key != "action" { attributes[member.key] = display(member.value) }
        return attributes
    }

    /// A short rendering of a value for messages (at most 120 characters).
    func display(_ value: JSONValue) -> String {
        let text: String
        switch value.kind {
        case .null: text = "null"
        case .bool(let flag): text = flag ? "true" : "false"
        case .number(_, let written): text = written
        case .string(let string): text = "\"\(string)\""
        case .array(let items): text = "[" + items.map(display).joined(separator: ", ") + "]"
        case .object(let members): text = "{" + members.map { "\"\($0.key)\": \(display($0.value))" }.joined(separator: ", ") + "}"
        }
        return text.count > 120 ? String(text.prefix(117)) + "..." : text
    }
}
