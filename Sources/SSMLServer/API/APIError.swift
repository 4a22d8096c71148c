import Foundation
import HTTPTypes
import Hummingbird
import SSMLCore
import SSMLEngine

/// An error answered as JSON: a status, a stable kind, a message, and where the fault is (the request field, and
/// for faults inside the input its line and column).
///
/// ```json
/// {"error": {"status": 400, "kind": "invalid-value", "message": "prosody rate \"warp\" is not a rate (…)",
///            "field": "input", "line": 3, "column": 14, "element": "prosody", "attribute": "rate"},
///  "diagnostics": [{"severity": "warning", "message": "…", "line": 1, "column": 1}]}
/// ```
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// Stable: the library's error kinds (`malformed-xml`, `unknown-voice`, …) and the server's own
    /// (`malformed-request`, `unknown-field`, `payload-too-large`, `queue-full`, `render-timeout`, …).
    public var kind: String
    public var message: String
    /// The request field (or query parameter, or header) at fault.
    public var field: String?
    public var location: SourceLocation?
    /// Warnings and notes made before the error.
    public var diagnostics: [Diagnostic]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, kind: String, _ message: String, field: String? = nil, location: SourceLocation? = nil,
        diagnostics: [Diagnostic] = [], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.kind = kind
        self.message = message
        self.field = field
        self.location = location
        self.diagnostics = diagnostics
        self.headers = headers
    }

    /// The library's error as the API says it: the setting it is about becomes the field of that name, a place
    /// in the input becomes `field: input` with its line and column.
    public init(_ error: SSMLError, diagnostics: [Diagnostic] = []) {
        let status: HTTPResponse.Status
        switch error.kind {
        case .engine: status = .internalServerError
        case .io where error.location == nil && error.setting == nil: status = .internalServerError
        default: status = .badRequest
        }
        // A fault with a place is in the input; a remedy setting is said after the message, as the command line
        // says its flags.
        var message = error.message
        if let setting = error.setting, let remedy = Self.remedies[setting] { message += " (\(remedy))" }
        let field = error.location != nil ? "input" : error.setting.flatMap { RenderRequest.fieldName(for: $0) }
        self.init(status, kind: error.kind.rawValue, message, field: field, location: error.location, diagnostics: diagnostics)
    }

    static let remedies: [JobSetting: String] = [
        .voiceFallback: "voiceFallback: true keeps the surrounding voice",
        .strict: "strict: true makes warnings errors",
        .allowEmpty: "allowEmpty: true renders it anyway",
    ]

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONBody.response(status: status, body: body)
        for field in headers { response.headers.append(field) }
        return response
    }

    /// The JSON document of the error.
    public var body: [String: JSONBody.Value] {
        var error: [String: JSONBody.Value] = ["status": .int(status.code), "kind": .string(kind), "message": .string(message)]
        if let field { error["field"] = .string(field) }
        if let location {
            error["line"] = .int(location.line)
            error["column"] = .int(location.column)
            if let element = location.element { error["element"] = .string(element) }
            if let attribute = location.attribute { error["attribute"] = .string(attribute) }
        }
        var body: [String: JSONBody.Value] = ["error": .object(error)]
        if !diagnostics.isEmpty { body["diagnostics"] = .array(diagnostics.map(JSONBody.diagnostic)) }
        return body
    }
}

/// Builds JSON response bodies with keys in a stable order (what clients diff and tests compare).
public enum JSONBody {
    /// A JSON value.
    public indirect enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(String)
        case array([Value])
        case object([String: Value])
        /// Already serialised JSON (a timeline from its own encoder).
        case raw(String)
    }

    public static func response(status: HTTPResponse.Status = .ok, body: [String: Value], headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: serialise(.object(body)) + "\n")))
    }

    public static func serialise(_ value: Value) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: Value, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let bool): out += bool ? "true" : "false"
        case .int(let int): out += String(int)
        case .double(let double):
            // JSON has no infinity or NaN.
            out += double.isFinite ? String(double) : "null"
        case .string(let string): writeString(string, into: &out)
        case .array(let values):
            out += "["
            for (index, element) in values.enumerated() {
                if index > 0 { out += "," }
                write(element, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                write(members[key]!, into: &out)
            }
            out += "}"
        case .raw(let json): out += json
        }
    }

    private static func writeString(_ string: String, into out: inout String) { out += JSONString.quote(string) }

    /// A diagnostic as the API lists it.
    public static func diagnostic(_ diagnostic: Diagnostic) -> Value {
        var object: [String: Value] = ["severity": .string(diagnostic.severity.rawValue), "message": .string(diagnostic.message)]
        if let location = diagnostic.location {
            object["line"] = .int(location.line)
            object["column"] = .int(location.column)
            if let element = location.element { object["element"] = .string(element) }
            if let attribute = location.attribute { object["attribute"] = .string(attribute) }
        }
        return .object(object)
    }
}
