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
    public static let actionNames = ["talk", "stream", "input", "record", "connect", "conversation", "notify", "wait", "pay", "transfer"]

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
        try NCCOAction.checkBargeIn(actions, log: log)
        return NCCO(actions: actions, file: file)
    }
}
