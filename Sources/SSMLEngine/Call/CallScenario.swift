import Foundation
import SSMLCore
import Yams

/// A call to simulate, written down: how it starts (an answer URL, an NCCO, a seven.io document), what the
/// caller does, and what must come of it. JSON or YAML (`name.call.json`, `name.call.yaml`); `ssml test` runs
/// each as a case.
///
/// ```yaml
/// answer_url: ${APP}/answer          # ${NAME} is taken from the environment
/// event_url: ${APP}/event
/// script:
///   - press: "9"                     # wrong key first
///   - press: "1"
///     after: 1.5s                    # seconds after the prompt started
/// expect:
///   heard: ["Welcome", "Sorry, that is not an option"]
///   webhooks:
///     - { path: /event, fields: { status: completed } }
///   status: completed
///   duration: { seconds: 14, tolerance: 1 }
/// ```
public struct CallScenario: Sendable {
    public var setup: CallSetup
    public var script: CallScript
    public var expectations: CallExpectations

    public init(setup: CallSetup, script: CallScript, expectations: CallExpectations = CallExpectations()) {
        self.setup = setup
        self.script = script
        self.expectations = expectations
    }

    /// Whether a file name is a scenario's (`*.call.json`, `*.call.yaml`, `*.call.yml`).
    public static func isScenario(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return [".call.json", ".call.yaml", ".call.yml"].contains { lowered.hasSuffix($0) }
    }

    /// A seed from a file name (FNV-1a), the same on every machine.
    static func seed(for name: String) -> UInt64 {
        name.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    static let keys: Set<String> = [
        "answer_url", "answer_method", "ncco", "seven", "event_url", "event_method", "fallback_answer_url", "webhook", "from", "to",
        "foreign_id", "voice", "ringing_timer", "length_timer", "ringtime", "webhook_timeout", "webhook_max_kb", "seed", "real_time", "script", "hangup_after",
        "pickup", "expect", "description",
    ]

    /// Reads a scenario; relative files (`ncco`, `seven`, caller audio) are found from `baseDirectory`.
    /// - Parameter environment: where `${NAME}` in strings is looked up.
    public static func load(
        _ text: String, name: String, baseDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> CallScenario {
        let yaml = !name.lowercased().hasSuffix(".json")
        let root = try yaml ? ScenarioValue.yaml(text, file: name) : ScenarioValue.json(text, file: name)
        let reader = ScenarioReader(file: name, environment: environment)
        guard case .object(let members) = root.kind else {
            throw reader.error(root, "$", "a scenario is an object (answer_url or ncco or seven, script, expect), not \(root.typeName)")
        }
        for member in members where !keys.contains(member.key) {
            throw reader.error(member.value, member.key, "unknown scenario key (known: \(keys.sorted().joined(separator: ", ")))")
        }
        var setup = CallSetup(source: .ncco(text: "", name: ""), baseDirectory: baseDirectory.path)
        let sources = ["answer_url", "ncco", "seven"].filter { root[$0] != nil }
        guard sources.count == 1 else {
            throw reader.error(root, "$", sources.isEmpty ? "the scenario needs one of answer_url, ncco or seven" : "the scenario has \(sources.joined(separator: " and ")); give one")
        }
        if let value = root["answer_url"] {
            setup.source = .answerURL(try reader.url(value, "answer_url"))
        } else if let value = root["ncco"] {
            if case .array = value.kind {
                setup.source = .ncco(text: value.jsonText(), name: "\(name) ncco")
            } else {
                let path = try reader.string(value, "ncco")
                setup.source = .ncco(text: try reader.file(path, value, "ncco", base: baseDirectory), name: path)
            }
        } else if let value = root["seven"] {
            let path = try reader.string(value, "seven")
            // A document inline (it has markup or spaces) or a file name.
            if path.contains("<") || path.contains(" ") || path.contains("\n") {
                setup.source = .seven(text: path, name: "\(name) seven")
            } else {
                setup.source = .seven(text: try reader.file(path, value, "seven", base: baseDirectory), name: path)
            }
        }
        if let value = root["answer_method"] { setup.answerMethod = try reader.method(value, "answer_method") }
        if let value = root["event_url"] { setup.eventURL = try reader.url(value, "event_url") }
        if let value = root["event_method"] { setup.eventMethod = try reader.method(value, "event_method") }
        if let value = root["fallback_answer_url"] { setup.fallbackAnswerURL = try reader.url(value, "fallback_answer_url") }
        if let value = root["webhook"] { setup.webhookURL = try reader.url(value, "webhook") }
        if let value = root["from"] { setup.from = try reader.string(value, "from") }
        if let value = root["to"] { setup.to = try reader.string(value, "to") }
        if let value = root["foreign_id"] { setup.foreignID = try reader.string(value, "foreign_id") }
        if let value = root["voice"] { setup.voice = try reader.string(value, "voice") }
        if let value = root["ringing_timer"] ?? root["ringtime"] { setup.ringingTimer = try reader.seconds(value, "ringing_timer") }
        if let value = root["length_timer"] { setup.lengthTimer = try reader.seconds(value, "length_timer") }
        if let value = root["webhook_timeout"] {
            setup.webhookTimeout = try reader.seconds(value, "webhook_timeout")
            guard setup.webhookTimeout > 0 else { throw reader.error(value, "webhook_timeout", "must be more than 0 seconds") }
        }
        if let value = root["webhook_max_kb"] {
            let kb = try reader.number(value, "webhook_max_kb")
            guard kb >= 1, kb <= Double(1 << 20), kb.rounded() == kb else { throw reader.error(value, "webhook_max_kb", "must be a whole number from 1 to 1048576") }
            setup.webhookMaxBytes = Int(kb) * 1024
        }
        // Each scenario has its own ids unless it names a seed, so scenarios run side by side (as `ssml test` runs
        // them) do not share a uuid in an application that keeps state per call.
        setup.seed = Self.seed(for: (name as NSString).lastPathComponent)
        if let value = root["seed"] { setup.seed = UInt64(max(0, try reader.number(value, "seed"))) }
        if let value = root["real_time"] { setup.realTime = try reader.bool(value, "real_time") }

        var script = CallScript()
        if let value = root["script"] { script.steps = try reader.steps(value, base: baseDirectory) }
        if let value = root["hangup_after"] { script.hangupAfter = try reader.seconds(value, "hangup_after") }
        if let value = root["pickup"] {
            let text = try reader.string(value, "pickup")
            guard let pickup = CallScript.Pickup(rawValue: text) else {
                throw reader.error(value, "pickup", "\"\(text)\" is not answer, no-answer or busy")
            }
            script.pickup = pickup
        }
        var expectations = CallExpectations()
        if let value = root["expect"] { expectations = try reader.expectations(value) }
        return CallScenario(setup: setup, script: script, expectations: expectations)
    }
}

extension CallScenario {
    /// Reads the caller's part of a scenario file alone (`script`, `hangup_after`, `pickup`): what `ssml serve`'s
    /// twins give every caller. Other scenario keys are refused (the twins take the call's setup from requests).
    public static func loadScript(_ text: String, name: String, baseDirectory: URL) throws -> CallScript {
        let yaml = !name.lowercased().hasSuffix(".json")
        let root = try yaml ? ScenarioValue.yaml(text, file: name) : ScenarioValue.json(text, file: name)
        let reader = ScenarioReader(file: name, environment: ProcessInfo.processInfo.environment)
        guard case .object(let members) = root.kind else { throw reader.error(root, "$", "a script file is an object (script, hangup_after, pickup), not \(root.typeName)") }
        for member in members where !["script", "hangup_after", "pickup", "description"].contains(member.key) {
            throw reader.error(member.value, member.key, "not a key of a caller's script (script, hangup_after, pickup)")
        }
        var script = CallScript()
        if let value = root["script"] { script.steps = try reader.steps(value, base: baseDirectory) }
        if let value = root["hangup_after"] { script.hangupAfter = try reader.seconds(value, "hangup_after") }
        if let value = root["pickup"] {
            let text = try reader.string(value, "pickup")
            guard let pickup = CallScript.Pickup(rawValue: text) else { throw reader.error(value, "pickup", "\"\(text)\" is not answer, no-answer or busy") }
            script.pickup = pickup
        }
        return script
    }
}

/// A scenario value with the place it was written, from JSON or YAML alike.
struct ScenarioValue: Sendable {
    indirect enum Kind: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([ScenarioValue])
        case object([(key: String, value: ScenarioValue)])
    }
    var kind: Kind
    var location: SourceLocation

    subscript(key: String) -> ScenarioValue? {
        guard case .object(let members) = kind else { return nil }
        return members.last { $0.key == key }?.value
    }

    var typeName: String {
        switch kind {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }

    /// The value as compact JSON (an inline NCCO).
    func jsonText() -> String {
        switch kind {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value): value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .string(let value): String(data: (try? JSONEncoder().encode(value)) ?? Data(), encoding: .utf8) ?? "\"\""
        case .array(let items): "[" + items.map { $0.jsonText() }.joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { ScenarioValue(kind: .string($0.key), location: location).jsonText() + ":" + $0.value.jsonText() }.joined(separator: ",") + "}"
        }
    }

    static func json(_ text: String, file: String) throws -> ScenarioValue {
        convert(try JSONParser.parse(text, file: file))
    }

    static func convert(_ value: JSONValue) -> ScenarioValue {
        let kind: Kind
        switch value.kind {
        case .null: kind = .null
        case .bool(let flag): kind = .bool(flag)
        case .number(let number, _): kind = .number(number)
        case .string(let text): kind = .string(text)
        case .array(let items): kind = .array(items.map(convert))
        case .object(let members): kind = .object(members.map { (key: $0.key, value: convert($0.value)) })
        }
        return ScenarioValue(kind: kind, location: value.location)
    }

    static func yaml(_ text: String, file: String) throws -> ScenarioValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            // The error's own place (libyaml's line and column), and its words without the place and the snippet.
            var mark: Mark?
            var problem = "\(error)"
            switch error {
            case .scanner(let context, let text, let place, _), .parser(let context, let text, let place, _), .composer(let context, let text, let place, _):
                mark = place
                problem = "\(context?.description ?? "")\(text)".replacingOccurrences(of: "\n", with: " ")
            default: break
            }
            throw SSMLError(
                .invalidValue, "\(file) is not valid YAML: \(problem)", at: SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1))
        }
        guard let node else { throw SSMLError(.invalidValue, "\(file) is empty", at: SourceLocation(file: file, line: 1, column: 1)) }
        return convert(node, file: file)
    }

    static func convert(_ node: Node, file: String) -> ScenarioValue {
        let place = SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return ScenarioValue(kind: .null, location: place) }
                if let flag = node.bool { return ScenarioValue(kind: .bool(flag), location: place) }
                if let number = node.float, Double(scalar.string.replacingOccurrences(of: "_", with: "")) != nil {
                    return ScenarioValue(kind: .number(number), location: place)
                }
            }
            return ScenarioValue(kind: .string(scalar.string), location: place)
        case .sequence(let sequence):
            return ScenarioValue(kind: .array(sequence.map { convert($0, file: file) }), location: place)
        case .mapping(let mapping):
            return ScenarioValue(kind: .object(mapping.map { (key: $0.key.string ?? "", value: convert($0.value, file: file)) }), location: place)
        case .alias:
            return ScenarioValue(kind: .null, location: place)
        }
    }
}

/// Reads scenario values, each error naming the key path and the place.
struct ScenarioReader {
    let file: String
    let environment: [String: String]

    func error(_ value: ScenarioValue, _ path: String, _ message: String) -> SSMLError {
        SSMLError(.invalidValue, "\(path): \(message)", at: value.location)
    }

    /// A string, with `${NAME}` taken from the environment (an unset name is an error, not an empty string).
    /// A webhook URL (http or https with a host).
    func url(_ value: ScenarioValue, _ path: String) throws -> String {
        let text = try string(value, path)
        if let problem = CallSetup.webhookURLProblem(text) { throw error(value, path, "\"\(text)\": \(problem)") }
        return text
    }

    func string(_ value: ScenarioValue, _ path: String) throws -> String {
        let raw: String
        switch value.kind {
        case .string(let text): raw = text
        case .number(let number): raw = number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
        default: throw error(value, path, "must be a string, not \(value.typeName)")
        }
        var result = ""
        var rest = Substring(raw)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { throw error(value, path, "\"${\" is not closed") }
            let name = String(rest[start.upperBound..<end])
            guard let substitute = environment[name] else {
                throw error(value, path, "${\(name)} is not set in the environment")
            }
            result += substitute
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    func number(_ value: ScenarioValue, _ path: String) throws -> Double {
        switch value.kind {
        case .number(let number): return number
        case .string(let text): if let number = Double(text) { return number }
        default: break
        }
        throw error(value, path, "must be a number, not \(value.typeName)")
    }

    func bool(_ value: ScenarioValue, _ path: String) throws -> Bool {
        guard case .bool(let flag) = value.kind else { throw error(value, path, "must be true or false, not \(value.typeName)") }
        return flag
    }

    func seconds(_ value: ScenarioValue, _ path: String) throws -> Double {
        if case .number(let number) = value.kind {
            guard number >= 0, number.isFinite else { throw error(value, path, "must be zero or more seconds") }
            return number
        }
        let text = try string(value, path)
        do { return try CallScript.seconds(text, origin: path) } catch let failure as SSMLError {
            throw SSMLError(.invalidValue, failure.message, at: value.location)
        }
    }

    func method(_ value: ScenarioValue, _ path: String) throws -> String {
        let text = try string(value, path).uppercased()
        guard text == "GET" || text == "POST" else { throw error(value, path, "\"\(text)\" is not GET or POST") }
        return text
    }

    func file(_ path: String, _ value: ScenarioValue, _ key: String, base: URL) throws -> String {
        let url = URL(fileURLWithPath: path, relativeTo: base)
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw error(value, key, "cannot read \(url.path)")
        }
        return text
    }

    func steps(_ value: ScenarioValue, base: URL) throws -> [CallScript.Step] {
        guard case .array(let items) = value.kind else { throw error(value, "script", "must be a list of steps, not \(value.typeName)") }
        var steps: [CallScript.Step] = []
        for (index, item) in items.enumerated() {
            let path = "script[\(index)]"
            guard case .object(let members) = item.kind else {
                throw error(item, path, "a step is an object like {press: \"1\"}, {say: \"yes\"}, {silent: true}, {hangup: true}, {audio: file.wav}")
            }
            let actions = members.filter { ["press", "say", "silent", "hangup", "audio"].contains($0.key) }
            for member in members where !["press", "say", "silent", "hangup", "audio", "after"].contains(member.key) {
                throw error(member.value, "\(path).\(member.key)", "unknown step key (use press, say, silent, hangup, audio, after)")
            }
            guard actions.count == 1 else {
                throw error(item, path, "a step does one thing: press, say, silent, hangup or audio")
            }
            let action: CallScript.Action
            let actionPath = "\(path).\(actions[0].key)"
            switch actions[0].key {
            case "press":
                let keys = try string(actions[0].value, actionPath)
                do { try CallScript.checkKeys(keys, origin: actionPath) } catch let failure as SSMLError {
                    throw SSMLError(.invalidValue, failure.message, at: actions[0].value.location)
                }
                action = .press(keys)
            case "say": action = .say(try string(actions[0].value, actionPath))
            case "silent": action = .silent
            case "hangup": action = .hangup
            default: action = .audio(URL(fileURLWithPath: try string(actions[0].value, actionPath), relativeTo: base).path)
            }
            let after = try item["after"].map { try seconds($0, "\(path).after") }
            steps.append(CallScript.Step(action, after: after, origin: "\(file) \(path)"))
        }
        return steps
    }

    func expectations(_ value: ScenarioValue) throws -> CallExpectations {
        guard case .object(let members) = value.kind else { throw error(value, "expect", "must be an object, not \(value.typeName)") }
        let known: Set<String> = ["heard", "not_heard", "webhooks", "status", "duration"]
        for member in members where !known.contains(member.key) {
            throw error(member.value, "expect.\(member.key)", "unknown expectation (use \(known.sorted().joined(separator: ", ")))")
        }
        var result = CallExpectations()
        func phrases(_ key: String) throws -> [String] {
            guard let list = value[key] else { return [] }
            if case .string = list.kind { return [try string(list, "expect.\(key)")] }
            guard case .array(let items) = list.kind else { throw error(list, "expect.\(key)", "must be a list of phrases") }
            return try items.enumerated().map { try string($0.element, "expect.\(key)[\($0.offset)]") }
        }
        result.heard = try phrases("heard")
        result.notHeard = try phrases("not_heard")
        if let status = value["status"] { result.status = try string(status, "expect.status") }
        if let duration = value["duration"] {
            if case .object = duration.kind {
                guard let seconds = duration["seconds"] else { throw error(duration, "expect.duration", "needs seconds (and a tolerance)") }
                result.duration = (try self.seconds(seconds, "expect.duration.seconds"), try duration["tolerance"].map { try self.seconds($0, "expect.duration.tolerance") } ?? 1)
            } else {
                result.duration = (try self.seconds(duration, "expect.duration"), 1)
            }
        }
        if let list = value["webhooks"] {
            guard case .array(let items) = list.kind else { throw error(list, "expect.webhooks", "must be a list") }
            for (index, item) in items.enumerated() {
                let path = "expect.webhooks[\(index)]"
                guard case .object(let members) = item.kind else { throw error(item, path, "must be an object like {path: /event, fields: {status: answered}}") }
                for member in members where !["path", "url", "method", "fields"].contains(member.key) {
                    throw error(member.value, "\(path).\(member.key)", "unknown key (use path, method, fields)")
                }
                var expected = CallExpectations.Webhook(origin: "\(path) (\(item.location))")
                if let path = item["path"] ?? item["url"] { expected.path = try string(path, "\(path).path") }
                if let method = item["method"] { expected.method = try self.method(method, "\(path).method") }
                if let fields = item["fields"] {
                    guard case .object(let pairs) = fields.kind else { throw error(fields, "\(path).fields", "must be an object of field: value") }
                    expected.fields = try pairs.map { pair in
                        switch pair.value.kind {
                        case .string: (pair.key, .string(try string(pair.value, "\(path).fields.\(pair.key)")))
                        case .number(let number): (pair.key, .number(number))
                        case .bool(let flag): (pair.key, .bool(flag))
                        case .null: (pair.key, .null)
                        default: throw error(pair.value, "\(path).fields.\(pair.key)", "must be a string, number, boolean or null")
                        }
                    }
                }
                result.webhooks.append(expected)
            }
        }
        return result
    }
}
