import Foundation

extension NCCOAction {
    // MARK: - Legacy forms

    /// The keys of the DTMF-only `input` of Vonage's older documentation, which sat at the top level of the
    /// action; the current form holds them in `dtmf`.
    static let legacyInputKeys = ["maxDigits", "submitOnHash", "timeOut"]

    /// Rewrites the forms Vonage's own published examples still use into the current form, as the Voice API
    /// reads them, with a warning per rewrite that shows the current form:
    ///
    /// - an `input` without `type` is the legacy DTMF input (`["dtmf"]`, or `["speech"]` when it holds only a
    ///   `speech` object); its top-level `maxDigits`, `submitOnHash` and `timeOut` move into `dtmf`;
    /// - booleans and numbers written as strings (`"bargeIn": "true"`, `"endOnSilence": "3"`) are read as the
    ///   value they spell. The Voice API deserialises NCCOs with scalar coercion, so it runs these forms;
    ///   anything else (`"yes"`, `"three"`) is still refused with the JSON path.
    static func readingLegacyForms(_ value: JSONValue, name: String, spec: Spec, path: String, log: DiagnosticLog) throws -> JSONValue {
        guard case .object(var members) = value.kind else { return value }
        if name == "input" { members = try legacyInput(members, at: value.location, path: path, log: log) }
        for index in members.indices {
            guard let option = spec.options[members[index].key] else { continue }
            members[index].value = try coerced(members[index].value, option, name: "\(path).\(members[index].key)", action: name, log: log)
        }
        var result = value
        result.kind = .object(members)
        return result
    }

    private static func legacyInput(_ members: [JSONValue.Member], at location: SourceLocation, path: String, log: DiagnosticLog) throws -> [JSONValue.Member] {
        var members = members
        let moved = members.filter { legacyInputKeys.contains($0.key) }
        let hasType = members.contains { $0.key == "type" }
        guard !moved.isEmpty || !hasType else { return members }
        var dtmfIndex = members.firstIndex { $0.key == "dtmf" }
        if !moved.isEmpty {
            members.removeAll { legacyInputKeys.contains($0.key) }
            dtmfIndex = members.firstIndex { $0.key == "dtmf" }
            if let dtmfIndex, case .object(var inner) = members[dtmfIndex].value.kind {
                // What the current form already says in `dtmf` wins over the legacy top-level key.
                for member in moved where !inner.contains(where: { $0.key == member.key }) { inner.append(member) }
                members[dtmfIndex].value.kind = .object(inner)
            } else if dtmfIndex == nil {
                let first = moved[0]
                members.append(.init(key: "dtmf", keyLocation: first.keyLocation, value: JSONValue(kind: .object(moved), location: first.keyLocation)))
                dtmfIndex = members.count - 1
            }
        }
        var added: [String] = []
        if !hasType {
            let hasSpeech = members.contains { $0.key == "speech" }
            let types = dtmfIndex != nil || !hasSpeech ? (hasSpeech ? ["dtmf", "speech"] : ["dtmf"]) : ["speech"]
            let items = types.map { JSONValue(kind: .string($0), location: location) }
            members.insert(.init(key: "type", keyLocation: location, value: JSONValue(kind: .array(items), location: location)), at: 0)
            added.append("\"type\": [\(types.map { "\"\($0)\"" }.joined(separator: ", "))]")
        }
        if !moved.isEmpty {
            let written = moved.map { "\"\($0.key)\": \(compact($0.value))" }.joined(separator: ", ")
            added.append("\"dtmf\": {\(written)}")
        }
        let what = hasType ? "top-level \(moved.map { "\"\($0.key)\"" }.joined(separator: ", ")) of the legacy DTMF input" : "an input without \"type\" is the legacy DTMF input"
        try log.warn(
            "\(path): \(what); read as Vonage reads it. The current form: {\"action\": \"input\", \(added.joined(separator: ", ")), ...}",
            at: location.with(element: "input"), kind: .invalidValue)
        return members
    }

    private static func coerced(_ value: JSONValue, _ option: Option, name: String, action: String, log: DiagnosticLog) throws -> JSONValue {
        switch (option, value.kind) {
        case (.bool, .string(let text)):
            let lowered = text.trimmingWhitespace().lowercased()
            guard lowered == "true" || lowered == "false" else { return value }
            try log.warn(
                "\(name) is the string \"\(text)\"; the Voice API reads it as \(lowered): write \(lowered) without quotes",
                at: value.location.with(element: action, attribute: attribute(name)), kind: .invalidValue)
            var result = value
            result.kind = .bool(lowered == "true")
            return result
        case (.int, .string(let text)), (.number, .string(let text)):
            let trimmed = text.trimmingWhitespace()
            guard let number = Double(trimmed), number.isFinite, trimmed.allSatisfy({ "0123456789+-.eE".contains($0) }) else { return value }
            try log.warn(
                "\(name) is the string \"\(text)\"; the Voice API reads it as the number \(trimmed): write \(trimmed) without quotes",
                at: value.location.with(element: action, attribute: attribute(name)), kind: .invalidValue)
            var result = value
            result.kind = .number(number, trimmed)
            return result
        case (.urls, .string(let text)) where name.hasSuffix(".musicOnHoldUrl"):
            // Vonage's own conference example writes musicOnHoldUrl as a string; eventUrl strings stay refused
            // (the schema and the reference: always arrays).
            try log.warn(
                "\(name) is a string; the Voice API reads it as [\"\(text)\"]: write an array holding the URL",
                at: value.location.with(element: action, attribute: attribute(name)), kind: .invalidValue)
            var result = value
            result.kind = .array([value])
            return result
        case (.number(let range), .number(let number, let written)) where action == "wait" && !range.contains(number):
            // The reference gives wait's range as what Vonage clamps to, not as a reason to refuse the NCCO.
            let clamped = min(max(number, range.lowerBound), range.upperBound)
            try log.warn(
                "\(name) is \(written); the Voice API clamps it to \(range.lowerBound)...\(range.upperBound): read as \(clamped)",
                at: value.location.with(element: action, attribute: attribute(name)), kind: .invalidValue)
            var result = value
            result.kind = .number(clamped, String(clamped))
            return result
        case (.nested(let options), .object(var members)):
            for index in members.indices {
                guard let inner = options[members[index].key] else { continue }
                members[index].value = try coerced(members[index].value, inner, name: "\(name).\(members[index].key)", action: action, log: log)
            }
            var result = value
            result.kind = .object(members)
            return result
        default:
            return value
        }
    }

    private static func attribute(_ name: String) -> String? {
        name.split(separator: ".").last.map(String.init)
    }

    private static func compact(_ value: JSONValue) -> String {
        switch value.kind {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(_, let written): written
        case .string(let string): "\"\(string)\""
        case .array, .object: "..."
        }
    }
}
