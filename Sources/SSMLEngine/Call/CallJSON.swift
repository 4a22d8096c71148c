import Foundation
import SSMLCore

/// A webhook payload as the call writes it: members in the order given, so the same call sends the same bytes.
public indirect enum CallJSON: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([CallJSON])
    case object([(String, CallJSON)])

    public static func == (a: CallJSON, b: CallJSON) -> Bool { a.text() == b.text() }

    /// Compact JSON.
    public func text() -> String {
        switch self {
        case .string(let value): return Self.quote(value)
        case .number(let value): return value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map { $0.text() }.joined(separator: ",") + "]"
        case .object(let members): return "{" + members.map { Self.quote($0.0) + ":" + $0.1.text() }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ text: String) -> String { JSONString.quote(text) }

    /// `key.sub.leaf = value` for every scalar, for the timeline and for expectations.
    public func flattened(prefix: String = "") -> [(String, String)] {
        switch self {
        case .object(let members):
            return members.flatMap { $0.1.flattened(prefix: prefix.isEmpty ? $0.0 : "\(prefix).\($0.0)") }
        case .array(let items):
            if items.isEmpty { return [(prefix, "[]")] }
            return items.enumerated().flatMap { $0.element.flattened(prefix: "\(prefix)[\($0.offset)]") }
        case .string(let value): return [(prefix, value)]
        case .null: return [(prefix, "null")]
        default: return [(prefix, text())]
        }
    }

    /// The fields of a GET webhook's query: objects flatten into dotted keys (`dtmf.digits=12`), and an array is one
    /// key holding its JSON text, empty or not (`speech.results=[]`, `speech.results=[{"confidence":"1.0","text":"yes"}]`),
    /// so an application reads one key the same way whatever the caller did.
    public func queryFields(prefix: String = "") -> [(String, String)] {
        switch self {
        case .object(let members):
            return members.flatMap { $0.1.queryFields(prefix: prefix.isEmpty ? $0.0 : "\(prefix).\($0.0)") }
        case .array: return [(prefix, text())]
        case .string(let value): return [(prefix, value)]
        case .null: return [(prefix, "null")]
        default: return [(prefix, text())]
        }
    }

    /// The member `key` of an object.
    public subscript(key: String) -> CallJSON? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    /// The value at a dotted path (`dtmf.digits`, `speech.results[0].text`).
    public func value(at path: String) -> CallJSON? {
        var current: CallJSON? = self
        for part in path.split(separator: ".") {
            var name = Substring(part)
            var indexes: [Int] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]"), let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) {
                indexes.insert(index, at: 0)
                name = name[..<open]
            }
            if !name.isEmpty { current = current?[String(name)] }
            for index in indexes {
                guard case .array(let items)? = current, items.indices.contains(index) else { return nil }
                current = items[index]
            }
        }
        return current
    }

    /// Reads JSON text (an answer body) into this form, members in their order; nil when it is not JSON.
    public static func parse(_ data: Data) -> CallJSON? {
        guard let text = String(data: data, encoding: .utf8), let value = try? JSONParser.parse(text, file: "answer") else { return nil }
        return CallJSON(value)
    }

    /// A located JSON value (an NCCO option, a parsed answer) in this form.
    public init(_ value: JSONValue) {
        switch value.kind {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number, _): self = .number(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map(CallJSON.init))
        case .object(let members): self = .object(members.map { ($0.key, CallJSON($0.value)) })
        }
    }

    /// The value as a string for the transcript and settings.
    public var display: String {
        if case .string(let value) = self { return value }
        return text()
    }
}
