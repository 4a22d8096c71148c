/// Typed reads of a data file's JSON values, each failure an ``SSMLError`` at the value's line and column.
///
/// The voice catalog and the Vonage style table are read this way at every start instead of through `Codable`:
/// a `JSONDecoder` instantiates and demangles generic metadata for every container type on first use, which
/// cost a one-sentence `ssml render` about 5 ms of its start-up (`make bench`, `short_work`). What a value is
/// (`voices[3].locale`) is only spelled out when it is wrong.
extension JSONValue {
    /// The members of an object.
    public func members(_ what: @autoclosure () -> String) throws -> [Member] {
        guard case .object(let members) = kind else { throw mismatch(what(), "an object") }
        return members
    }

    /// The elements of an array.
    public func elements(_ what: @autoclosure () -> String) throws -> [JSONValue] {
        guard case .array(let elements) = kind else { throw mismatch(what(), "an array") }
        return elements
    }

    public func string(_ what: @autoclosure () -> String) throws -> String {
        guard case .string(let text) = kind else { throw mismatch(what(), "a string") }
        return text
    }

    public func double(_ what: @autoclosure () -> String) throws -> Double {
        guard case .number(let number, _) = kind else { throw mismatch(what(), "a number") }
        return number
    }

    /// A whole number that fits an `Int`.
    public func int(_ what: @autoclosure () -> String) throws -> Int {
        let number = try double(what())
        guard number.rounded() == number, let value = Int(exactly: number) else {
            throw SSMLError(.invalidValue, "\(what()) must be a whole number", at: location)
        }
        return value
    }

    /// The member `key`, which must be there.
    public func required(_ key: String, in what: @autoclosure () -> String) throws -> JSONValue {
        _ = try members(what())
        guard let value = self[key] else { throw SSMLError(.invalidValue, "\(what()) has no \"\(key)\"", at: location) }
        return value
    }

    /// An object of strings (`{"fr": "fr-FR"}`), in written order.
    public func stringMap(_ what: @autoclosure () -> String) throws -> [String: String] {
        var result: [String: String] = [:]
        for member in try members(what()) { result[member.key] = try member.value.string("\(what()).\(member.key)") }
        return result
    }

    /// An array of strings.
    public func strings(_ what: @autoclosure () -> String) throws -> [String] {
        try elements(what()).enumerated().map { try $0.element.string("\(what())[\($0.offset)]") }
    }

    private func mismatch(_ what: String, _ expected: String) -> SSMLError {
        SSMLError(.invalidValue, "\(what) must be \(expected), not \(typeName)", at: location)
    }
}
