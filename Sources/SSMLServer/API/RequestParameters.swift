import Foundation
import SSMLCore

/// A request's named values, from its JSON body or its query string, read with their types checked.
///
/// Every error names the field. A field given twice (in the query and the body, or twice in the query) and a
/// field the route does not know are errors: a misspelt `rat=8000` must not silently render at 16 kHz.
struct RequestParameters {
    enum Value {
        case query(String)
        case json(JSONValue)
    }

    private(set) var values: [String: Value] = [:]

    /// Query parameters, in order; a name given twice is an error.
    mutating func add(query: [(String, String)]) throws(APIError) {
        for (name, value) in query {
            guard values[name] == nil else {
                throw APIError(.badRequest, kind: "malformed-request", "query parameter \(name) is given twice", field: name)
            }
            values[name] = .query(value)
        }
    }

    /// The members of a JSON object body; one that is also in the query is an error.
    mutating func add(json members: [JSONValue.Member]) throws(APIError) {
        for member in members {
            if case .query = values[member.key] {
                throw APIError(.badRequest, kind: "malformed-request", "\(member.key) is given both in the query and in the body", field: member.key)
            }
            guard values[member.key] == nil else {
                throw APIError(.badRequest, kind: "malformed-request", "\(member.key) is given twice in the body", field: member.key)
            }
            values[member.key] = .json(member.value)
        }
    }

    /// Refuses names outside `known`, suggesting the closest known one.
    func check(known: [String]) throws(APIError) {
        for name in values.keys.sorted() where !known.contains(name) {
            let hint = Self.closest(to: name, in: known).map { "; did you mean \($0)?" } ?? ""
            throw APIError(.badRequest, kind: "unknown-field", "\(name) is not a field of this request\(hint)", field: name)
        }
    }

    func has(_ name: String) -> Bool { values[name] != nil }

    func raw(_ name: String) -> Value? { values[name] }

    func string(_ name: String) throws(APIError) -> String? {
        switch values[name] {
        case nil: return nil
        case .query(let text): return text
        case .json(let value):
            if case .string(let text) = value.kind { return text }
            if case .null = value.kind { return nil }
            throw typeError(name, "a string", value)
        }
    }

    func bool(_ name: String) throws(APIError) -> Bool? {
        switch values[name] {
        case nil: return nil
        case .query(let text):
            switch text.lowercased() {
            // A bare `?timeline` means yes, as in most HTTP APIs.
            case "", "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw APIError(.badRequest, kind: "invalid-value", "\(name)=\(text) is not a boolean (use true or false)", field: name)
            }
        case .json(let value):
            if case .bool(let flag) = value.kind { return flag }
            if case .null = value.kind { return nil }
            throw typeError(name, "true or false", value)
        }
    }

    func double(_ name: String) throws(APIError) -> Double? {
        switch values[name] {
        case nil: return nil
        case .query(let text):
            guard let number = Double(text), number.isFinite else {
                throw APIError(.badRequest, kind: "invalid-value", "\(name)=\(text) is not a number", field: name)
            }
            return number
        case .json(let value):
            if case .number(let number, _) = value.kind { return number }
            if case .null = value.kind { return nil }
            throw typeError(name, "a number", value)
        }
    }

    func int(_ name: String) throws(APIError) -> Int? {
        guard let number = try double(name) else { return nil }
        guard number == number.rounded(), abs(number) < 1e15 else {
            throw APIError(.badRequest, kind: "invalid-value", "\(name) is \(number); it must be a whole number", field: name)
        }
        return Int(number)
    }

    /// A string that must be one of `choices`.
    func choice<T: RawRepresentable>(_ name: String, _ type: T.Type, choices: [String]) throws(APIError) -> T? where T.RawValue == String {
        guard let text = try string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            throw APIError(.badRequest, kind: "invalid-value", "\(name) \"\(text)\" is not one of \(choices.joined(separator: ", "))", field: name)
        }
        return value
    }

    private func typeError(_ name: String, _ expected: String, _ value: JSONValue) -> APIError {
        // No line and column: those of an error point into the input, and this is the request around it.
        APIError(.badRequest, kind: "invalid-value", "\(name) must be \(expected), not \(value.typeName)", field: name)
    }

    /// The known name at the smallest edit distance, when it is close enough to be a typo.
    static func closest(to name: String, in known: [String]) -> String? {
        let lowered = name.lowercased()
        let scored = known.map { ($0, distance(Array(lowered), Array($0.lowercased()))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 3) else { return nil }
        return best.0
    }

    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
