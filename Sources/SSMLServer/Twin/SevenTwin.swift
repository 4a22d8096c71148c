import Foundation
import HTTPTypes
import Hummingbird
import SSMLCore
import SSMLEngine

/// The twin of seven.io's voice API (`https://gateway.seven.io/api/voice`): one simulated call per recipient.
///
/// The request is a form (as seven.io's examples send it with `curl -d`) or JSON; the API key comes in
/// `X-Api-Key` or `Authorization: Basic KEY` (seven.io sends the key itself, not base64) or `Bearer`. Answers
/// are seven.io's JSON; a refused request answers HTTP 200 with seven.io's return code (``SevenError``).
struct SevenTwin: Sendable {
    let calls: TwinCalls

    /// The balance the twin reports (nothing is charged).
    static let balance = 100.0

    var routes: [ServerRoute] {
        [
            ServerRoute(.post, "/api/voice", document: "seven", handler: guarded(create)),
            ServerRoute(.post, "/api/voice/{id}/hangup", document: "seven", handler: guarded(hangup)),
        ]
    }

    func guarded(_ handler: @escaping @Sendable (Request, ServerRequestContext) async throws -> Response) -> ServerRoute.Handler {
        { [calls] request, context in
            do {
                let key = request.headers[HTTPField.Name("X-Api-Key")!] ?? request.headers[.authorization].flatMap(Self.key)
                guard let key, !key.isEmpty else { throw SevenError(code: "900", field: "X-Api-Key", text: "no API key: send X-Api-Key: YOUR_API_KEY") }
                if let expected = calls.configuration.sevenAPIKey, key != expected {
                    throw SevenError(code: "900", field: "X-Api-Key", text: "the API key is not the one this twin takes (--api-key)")
                }
                return try await handler(request, context)
            } catch let error as SevenError {
                return try error.response(from: request, context: context)
            } catch let error as APIError {
                // The server's own refusals (a body too large or too slow) keep their HTTP status, in seven.io's envelope.
                var response = try SevenError(code: "700", field: error.field, text: error.message).response(from: request, context: context)
                response.status = error.status
                for field in error.headers { response.headers.append(field) }
                return response
            }
        }
    }

    /// The key of `Authorization: Basic KEY` (or `Bearer KEY`).
    static func key(_ authorization: String) -> String? {
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, ["basic", "bearer"].contains(parts[0].lowercased()) else { return nil }
        return parts[1].trimmingWhitespace()
    }

    // MARK: - POST /api/voice

    func create(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let text = try await TwinBody.text(request, services: calls.services)
        var fields: [String: String] = [:]
        switch TwinBody.mediaType(request) {
        case "application/json":
            let body = try TwinBody.object(text) { SevenError(code: "700", field: $0, text: $1) }
            if case .object(let members) = body.kind {
                for member in members {
                    switch member.value.kind {
                    case .string(let value): fields[member.key] = value
                    case .number(let value, _): fields[member.key] = value.rounded() == value ? String(Int(value)) : String(value)
                    case .bool(let value): fields[member.key] = value ? "1" : "0"
                    case .array(let items) where member.key == "to":
                        fields["to"] = items.compactMap { if case .string(let number) = $0.kind { number } else { nil } }.joined(separator: ",")
                    default: throw SevenError(code: "700", field: member.key, text: "must be a string or a number, not \(member.value.typeName)")
                    }
                }
            }
        case "application/x-www-form-urlencoded", "":
            for (key, value) in TwinBody.form(text) { fields[key] = value }
        default:
            throw SevenError(code: "700", field: "Content-Type", text: "send a form (application/x-www-form-urlencoded) or JSON")
        }
        // Query parameters count as well (seven.io's API takes GET-style parameters on POST too).
        for (key, value) in request.uri.queryParameters where fields[String(key)] == nil { fields[String(key)] = String(value) }

        guard let to = fields["to"]?.trimmingWhitespace(), !to.isEmpty else {
            throw SevenError(code: "301", field: "to", text: "no recipient: the number(s) to call, comma-separated (49176123456789)")
        }
        guard let words = fields["text"], !words.trimmingWhitespaceAndNewlines().isEmpty else {
            throw SevenError(code: "305", field: "text", text: "no text: the plain text or SSML to speak")
        }
        guard words.count <= 10_000 else { throw SevenError(code: "401", field: "text", text: "the text has \(words.count) characters; at most 10000") }
        let sender = fields["from"]
        if let sender, !Self.isSender(sender) {
            throw SevenError(code: "201", field: "from", text: "\"\(sender)\" is not a sender: at most 16 digits (a number) or 11 letters and digits")
        }
        var ringtime = 60.0
        if let value = fields["ringtime"] {
            guard let seconds = Int(value), (5...60).contains(seconds) else { throw SevenError(code: "700", field: "ringtime", text: "\"\(value)\" must be a whole number of seconds from 5 to 60") }
            ringtime = Double(seconds)
        }
        let foreignID = fields["foreign_id"]
        if let foreignID, foreignID.count > 64 { throw SevenError(code: "700", field: "foreign_id", text: "at most 64 characters") }
        // The document must be one seven.io can speak: planned as the call will plan it.
        do {
            let job = RenderJob(input: JobInput(ssml: words, name: "text"), dialect: "seven")
            _ = try calls.services.render.engine.plan(job, log: DiagnosticLog())
        } catch let error as SSMLError {
            let place = error.location.map { " (line \($0.line), column \($0.column))" } ?? ""
            throw SevenError(code: "305", field: "text", text: "\(error.message)\(place)")
        }

        var messages: [JSONBody.Value] = []
        var started = 0
        var refused: TwinCalls.Full?
        for raw in to.split(separator: ",").map({ $0.trimmingWhitespace() }) where !raw.isEmpty {
            guard let number = Self.number(raw) else {
                messages.append(
                    .object([
                        "id": .null, "sender": .string(sender ?? "447700900000"), "recipient": .string(raw), "text": .string(words), "price": .int(0),
                        "success": .bool(false), "error": .string("202"), "error_text": .string("to: \"\(raw)\" is not a phone number"),
                    ]))
                continue
            }
            let seed = TwinCalls.seed()
            let ids = CallIdentifiers(seed: seed)
            var setup = CallSetup(
                source: .seven(text: words, name: "text of POST /api/voice"),
                baseDirectory: calls.services.configuration.audioDirectory?.path ?? FileManager.default.currentDirectoryPath)
            setup.webhookURL = calls.configuration.sevenWebhook
            setup.foreignID = foreignID
            setup.from = sender ?? "447700900000"
            setup.to = number
            setup.ringingTimer = ringtime
            setup.realTime = true
            setup.seed = seed
            setup.webhookTimeout = calls.configuration.webhookTimeout
            let record = TwinCall.Record(
                id: ids.sevenID, service: "seven", uuid: ids.uuid, conversationUUID: ids.conversationUUID,
                from: TwinCall.Endpoint(type: "phone", number: setup.from), to: TwinCall.Endpoint(type: "phone", number: number), created: Date(),
                foreignID: foreignID, status: "initiated", finished: false, seconds: 0, keys: "", transcript: [], webhooks: [], problems: [])
            do {
                _ = try calls.start(record, setup: setup)
            } catch {
                // Too many calls running: this recipient is not called (seven.io's 600, the call could not be placed).
                refused = error
                messages.append(
                    .object([
                        "id": .null, "sender": .string(setup.from), "recipient": .string(number), "text": .string(words), "price": .int(0),
                        "success": .bool(false), "error": .string("600"), "error_text": .string(error.message),
                    ]))
                continue
            }
            started += 1
            messages.append(
                .object([
                    "id": .int(Int(ids.sevenID) ?? 0), "sender": .string(setup.from), "recipient": .string(number), "text": .string(words), "price": .int(0),
                    "success": .bool(true), "error": .null, "error_text": .null,
                ]))
        }
        let retry: HTTPFields = refused.map { [.retryAfter: "\($0.retryAfter)"] } ?? [:]
        guard started > 0 else {
            if let refused { throw SevenError(code: "600", field: "to", text: refused.message, headers: retry) }
            throw SevenError(code: "202", field: "to", text: "no recipient is a phone number (\(to))")
        }
        return JSONBody.response(
            body: [
                "success": .string("100"), "total_price": .int(0), "balance": .double(Self.balance), "debug": .bool(false), "messages": .array(messages),
            ], headers: retry)
    }

    // MARK: - POST /api/voice/{id}/hangup

    func hangup(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let call = calls.call(id), call.record.service == "seven" else {
            return JSONBody.response(body: ["success": .bool(false), "error": .string("no call with the id \(id)")])
        }
        let status = call.record.status
        guard let handle = call.handle, !call.isFinished, status == "in-progress" else {
            return JSONBody.response(body: ["success": .bool(false), "error": .string("the call is \(status), not in-progress: only calls in progress can be ended")])
        }
        handle.send(.hangup)
        return JSONBody.response(body: ["success": .bool(true), "error": .null])
    }

    /// A recipient as seven.io takes it (`0049…`, `49…`, `+49…`, spaces and dashes allowed) in international
    /// digits, or nil.
    static func number(_ text: String) -> String? {
        var digits = text.filter { !" -/()".contains($0) }
        if digits.hasPrefix("+") { digits.removeFirst() } else if digits.hasPrefix("00") { digits.removeFirst(2) }
        guard (7...15).contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return digits
    }

    static func isSender(_ text: String) -> Bool {
        let digits = text.hasPrefix("+") ? String(text.dropFirst()) : text
        if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return digits.count <= 16 }
        return !text.isEmpty && text.count <= 11 && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || " -_.".contains($0)) }
    }
}
