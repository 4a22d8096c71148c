import Foundation
import HTTPTypes
import Hummingbird
import SSMLCore

/// An error of the Vonage twin in Vonage's shape (RFC 7807, as Vonage's API documents its errors): `type`,
/// `title`, `detail`, `instance`, and for a wrong request body `invalid_parameters`, each naming the field.
///
/// ```json
/// {"type": "https://developer.nexmo.com/api-errors#bad-request", "title": "Bad Request",
///  "detail": "The request failed due to validation errors",
///  "invalid_parameters": [{"name": "to[0].number", "reason": "must be 7 to 15 digits (E.164 without +)"}],
///  "instance": "7c3b…"}
/// ```
struct VonageError: Error, HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var type: String
    var title: String
    var detail: String
    var invalid: [(name: String, reason: String)] = []
    var headers: HTTPFields = [:]

    static func invalid(_ name: String, _ reason: String) -> VonageError {
        VonageError(
            status: .badRequest, type: "https://developer.nexmo.com/api-errors#bad-request", title: "Bad Request",
            detail: "The request failed due to validation errors: \(name) \(reason)", invalid: [(name, reason)])
    }

    static func unauthorized(_ why: String) -> VonageError {
        VonageError(status: .unauthorized, type: "https://developer.nexmo.com/api-errors#unauthorized", title: "Invalid credentials supplied", detail: why)
    }

    static func notFound(_ uuid: String) -> VonageError {
        VonageError(
            status: .notFound, type: "https://developer.nexmo.com/api-errors#not-found", title: "Not Found",
            detail: "Call '\(uuid)' does not exist, or you do not have access")
    }

    /// Too many calls at once: Vonage's answer to a client over its limits (429, `throttled`, with `Retry-After`).
    static func throttled(_ full: TwinCalls.Full) -> VonageError {
        VonageError(
            status: .tooManyRequests, type: "https://developer.nexmo.com/api-errors#throttled", title: "Rate Limit Hit",
            detail: "Please wait, then retry your request: \(full.message)", headers: [.retryAfter: "\(full.retryAfter)"])
    }

    static func notInProgress(_ uuid: String, status: String) -> VonageError {
        VonageError(
            status: .badRequest, type: "https://developer.nexmo.com/api-errors#bad-request", title: "Bad Request",
            detail: "Call '\(uuid)' is \(status), not in progress: it cannot be modified")
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: JSONBody.Value] = [
            "type": .string(type), "title": .string(title), "detail": .string(detail),
            "instance": .string(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")),
        ]
        if !invalid.isEmpty {
            body["invalid_parameters"] = .array(invalid.map { .object(["name": .string($0.name), "reason": .string($0.reason)]) })
        }
        return JSONBody.response(status: status, body: body, headers: headers)
    }
}

/// A refused seven.io request in seven.io's own form: HTTP 200 with its return code in `success` (`900` a wrong
/// API key, `301` no `to`, `305` no `text`, `202` a wrong recipient, `201` a wrong sender, `401` a text too long,
/// `500` a wrong `ringtime`), the envelope of its voice answer with no messages, and `error_text` naming the field
/// (the twin's addition, which seven.io clients ignore). `600` (the call could not be placed) says the twin runs as
/// many calls as it may (``TwinCalls/Full``); seven.io's own API has no such limit, it queues what it cannot place at once.
struct SevenError: Error, HTTPResponseError, Sendable {
    var code: String
    var field: String?
    var text: String
    var headers: HTTPFields = [:]

    var status: HTTPResponse.Status { .ok }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: JSONBody.Value] = [
            "success": .string(code), "total_price": .int(0), "balance": .double(SevenTwin.balance), "debug": .bool(false), "messages": .array([]),
            "error_text": .string(field.map { "\($0): \(text)" } ?? text),
        ]
        if let field { body["field"] = .string(field) }
        return JSONBody.response(status: .ok, body: body, headers: headers)
    }
}

/// Reading the bodies of twin requests: within the server's size and time limits, as located JSON (a fault names
/// its line and column) or as a form.
enum TwinBody {
    /// The body's text (empty when there is none).
    static func text(_ request: Request, services: ServerServices) async throws -> String {
        let buffer = try await RequestInput.body(
            of: request, limit: services.configuration.maxBodyBytes, timeout: .milliseconds(Int64(services.configuration.bodyTimeout * 1000)))
        return String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    /// A JSON object's members, in order; `fail` makes the service's error from a field name and a reason.
    static func object(_ text: String, fail: (String, String) -> any Error) throws -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text, file: "body")
        } catch let error as SSMLError {
            throw fail("body", "is not JSON: \(error.message) (line \(error.location?.line ?? 0), column \(error.location?.column ?? 0))")
        }
        guard case .object = value.kind else { throw fail("body", "must be a JSON object, not \(value.typeName)") }
        return value
    }

    /// `a=1&b=2` as pairs, `+` as a space, percent-decoded.
    static func form(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }

    /// The media type of the body, lowercased, without parameters.
    static func mediaType(_ request: Request) -> String {
        request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() } ?? ""
    }
}
