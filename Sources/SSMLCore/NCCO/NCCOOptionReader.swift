import Foundation

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
            guard case .object(let members) = endpoint.kind else { throw fail(place, endpoint, "must be an object, not \(endpoint.typeName)") }
            guard let type = endpoint["type"], case .string(let typeName) = type.kind, let spec = NCCOAction.endpointSpecs[typeName] else {
                throw fail("\(place).type", endpoint["type"] ?? endpoint, "must be one of \(NCCOAction.endpointSpecs.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            for key in spec.required where endpoint[key] == nil {
                throw SSMLError(
                    .missingAttribute, "\(place).\(key) is missing: \(typeName == "app" ? "an" : "a") \(typeName) endpoint needs \"\(key)\"\(spec.requiredHint[key] ?? "")", at: endpoint.location.with(element: action, attribute: "endpoint"))
            }
            for member in members {
                if let option = spec.options[member.key] { try check(member.value, option, name: "\(place).\(member.key)") }
            }
        case .matching(let pattern, let meaning):
            guard case .string(let string) = value.kind else { throw fail(name, value, "must be a string, not \(value.typeName)") }
            guard string.range(of: pattern, options: .regularExpression) != nil else {
                throw fail(name, value, "is \(display(value)); it must be \(meaning)")
            }
        case .urls(let count, let schemes):
            try check(value, .strings(count), name: name)
            guard case .array(let items) = value.kind else { return }
            for (index, item) in items.enumerated() {
                try check(item, .url(schemes), name: "\(name)[\(index)]")
            }
        case .url(let schemes):
            guard case .string(let string) = value.kind else { throw fail(name, value, "must be a string, not \(value.typeName)") }
            let lowered = string.lowercased()
            guard schemes.contains(where: { lowered.hasPrefix("\($0)://") }), string.count > lowered.prefix(while: { $0 != ":" }).count + 3 else {
                throw fail(name, value, "is \(display(value)); it must be an absolute \(schemes.joined(separator: " or ")) URL")
            }
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

    func string(_ key: String) -> String? { Self.string(object[key]) }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let string) = value?.kind { return string }
        return nil
    }

    static func bool(_ value: JSONValue?) -> Bool? {
        if case .bool(let flag) = value?.kind { return flag }
        return nil
    }

    /// A checked array of strings.
    func strings(_ key: String) -> [String]? {
        guard case .array(let items) = object[key]?.kind else { return nil }
        return items.compactMap { Self.string($0) }
    }

    /// `eventUrl` (checked to hold one URL) and `eventMethod`.
    func events() -> EventTarget? {
        guard let url = strings("eventUrl")?.first else { return nil }
        return EventTarget(url: url, method: string("eventMethod") ?? "POST")
    }

    /// The checked `endpoint` of `connect`.
    func endpoint() throws -> NCCOAction.Endpoint {
        guard case .array(let items) = object["endpoint"]?.kind, let endpoint = items.first, let type = Self.string(endpoint["type"]) else {
            throw SSMLError(.missingAttribute, "\(path): connect needs \"endpoint\"", at: object.location.with(element: action))
        }
        func field(_ key: String) -> String { Self.string(endpoint[key]) ?? "" }
        switch type {
        case "phone": return .phone(number: field("number"), dtmfAnswer: Self.string(endpoint["dtmfAnswer"]), onAnswer: Self.string(endpoint["onAnswer"]?["url"]))
        case "app": return .app(user: field("user"))
        case "websocket": return .websocket(uri: field("uri"), contentType: Self.string(endpoint["content-type"]) ?? "audio/l16;rate=16000", headers: endpoint["headers"])
        case "sip": return .sip(uri: field("uri"))
        default: return .vbc(extension: field("extension"))
        }
    }

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
