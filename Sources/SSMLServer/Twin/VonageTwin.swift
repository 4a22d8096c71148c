import Foundation
import HTTPTypes
import Hummingbird
import SSMLCore
import SSMLEngine

/// The twin of Vonage's Voice API (`https://api.nexmo.com/v1/calls`): calls are simulated, not placed.
///
/// Requests and answers follow Vonage's OpenAPI description (Nexmo/api-specification `definitions/voice.yml`);
/// errors come in Vonage's shape (``VonageError``), naming the field.
struct VonageTwin: Sendable {
    let calls: TwinCalls
    let auth: VonageAuth

    var services: ServerServices { calls.services }

    var routes: [ServerRoute] {
        [
            ServerRoute(.post, "/v1/calls", document: "vonage", handler: guarded(create)),
            ServerRoute(.get, "/v1/calls", document: "vonage", handler: guarded(list)),
            ServerRoute(.get, "/v1/calls/{uuid}", document: "vonage", handler: guarded(show)),
            ServerRoute(.put, "/v1/calls/{uuid}", document: "vonage", handler: guarded(modify)),
            ServerRoute(.put, "/v1/calls/{uuid}/talk", document: "vonage", handler: guarded { try await play($0, $1, kind: "talk") }),
            ServerRoute(.delete, "/v1/calls/{uuid}/talk", document: "vonage", handler: guarded { try await stop($0, $1, kind: "talk") }),
            ServerRoute(.put, "/v1/calls/{uuid}/stream", document: "vonage", handler: guarded { try await play($0, $1, kind: "stream") }),
            ServerRoute(.delete, "/v1/calls/{uuid}/stream", document: "vonage", handler: guarded { try await stop($0, $1, kind: "stream") }),
            ServerRoute(.put, "/v1/calls/{uuid}/dtmf", document: "vonage", handler: guarded(dtmf)),
        ]
    }

    /// Checks the JWT, then answers every failure in Vonage's shape (the server's own, a body too large, too).
    func guarded(_ handler: @escaping @Sendable (Request, ServerRequestContext) async throws -> Response) -> ServerRoute.Handler {
        { [auth] request, context in
            do {
                if let problem = auth.problem(authorization: request.headers[.authorization]) { throw VonageError.unauthorized(problem) }
                return try await handler(request, context)
            } catch let error as VonageError {
                return try error.response(from: request, context: context)
            } catch let error as APIError {
                let vonage = VonageError(
                    status: error.status, type: "https://developer.nexmo.com/api-errors#\(error.kind)", title: error.status.reasonPhrase, detail: error.message,
                    invalid: error.field.map { [($0, error.message)] } ?? [])
                var response = try vonage.response(from: request, context: context)
                for field in error.headers { response.headers.append(field) }
                return response
            }
        }
    }

    // MARK: - POST /v1/calls

    func create(_ request: Request, context: ServerRequestContext) async throws -> Response {
        guard TwinBody.mediaType(request) == "application/json" else {
            throw VonageError(
                status: .unsupportedMediaType, type: "https://developer.nexmo.com/api-errors#content-type-header", title: "Unsupported Content-Type header",
                detail: "Unsupported Content-Type header provided. Must be one of the following: 'application/json'")
        }
        let body = try TwinBody.object(try await TwinBody.text(request, services: services)) { VonageError.invalid($0, $1) }
        let known: Set<String> = [
            "to", "from", "random_from_number", "answer_url", "answer_method", "ncco", "event_url", "event_method", "fallback_answer_url",
            "ringing_timer", "length_timer", "machine_detection", "advanced_machine_detection",
        ]
        if case .object(let members) = body.kind, let unknown = members.first(where: { !known.contains($0.key) }) {
            throw VonageError.invalid(unknown.key, "is not a field of POST /v1/calls (known: \(known.sorted().joined(separator: ", ")))")
        }
        let seed = TwinCalls.seed()
        let ids = CallIdentifiers(seed: seed)
        // to: one endpoint.
        guard let toValue = body["to"] else { throw VonageError.invalid("to", "is required: an array of one endpoint, e.g. [{\"type\": \"phone\", \"number\": \"447700900001\"}]") }
        guard case .array(let targets) = toValue.kind, let first = targets.first else { throw VonageError.invalid("to", "must be an array of one endpoint") }
        guard targets.count == 1 else { throw VonageError.invalid("to", "must hold one endpoint (this one has \(targets.count))") }
        let to = try Self.endpoint(first, field: "to[0]")
        // from, or random_from_number.
        let random = try Self.bool(body["random_from_number"], "random_from_number") ?? false
        var from = TwinCall.Endpoint(type: "phone", number: "447700900000")
        if let value = body["from"] {
            guard !random else { throw VonageError.invalid("random_from_number", "cannot be true together with from") }
            if case .string(let number) = value.kind {
                // Vonage's SDKs also send `from` as the bare number.
                from = try Self.endpoint(try JSONParser.parse(#"{"type": "phone", "number": \#(JSONString.quote(number))}"#, file: "from"), field: "from")
            } else {
                from = try Self.endpoint(value, field: "from")
            }
            guard from.type == "phone" else { throw VonageError.invalid("from.type", "must be phone") }
        } else if !random {
            throw VonageError.invalid("from", "is required unless random_from_number is true: {\"type\": \"phone\", \"number\": \"447700900000\"}")
        }
        // answer_url or ncco.
        let source: CallSetup.Source
        switch (body["answer_url"], body["ncco"]) {
        case (nil, nil): throw VonageError.invalid("answer_url", "or ncco is required")
        case (.some, .some): throw VonageError.invalid("ncco", "cannot be given together with answer_url")
        case (let url?, nil): source = .answerURL(try Self.urls(url, "answer_url"))
        case (nil, let ncco?):
            guard case .array = ncco.kind else { throw VonageError.invalid("ncco", "must be an array of actions") }
            let text = CallJSON(ncco).text()
            do {
                _ = try NCCO.parse(text, file: "ncco", limits: services.render.engine.limits, log: DiagnosticLog())
            } catch let error as SSMLError {
                throw VonageError.invalid("ncco", error.message)
            }
            source = .ncco(text: text, name: "ncco of POST /v1/calls")
        }
        var setup = CallSetup(source: source, baseDirectory: services.configuration.audioDirectory?.path ?? FileManager.default.currentDirectoryPath)
        setup.answerMethod = try Self.method(body["answer_method"], "answer_method") ?? "GET"
        setup.eventMethod = try Self.method(body["event_method"], "event_method") ?? "POST"
        if let value = body["event_url"] { setup.eventURL = try Self.urls(value, "event_url") }
        if let value = body["fallback_answer_url"] { setup.fallbackAnswerURL = try Self.urls(value, "fallback_answer_url") }
        if let value = body["ringing_timer"] { setup.ringingTimer = Double(try Self.integer(value, "ringing_timer", 1...120)) }
        if let value = body["length_timer"] { setup.lengthTimer = Double(try Self.integer(value, "length_timer", 1...7200)) }
        if let value = body["machine_detection"] {
            guard case .string(let mode) = value.kind, ["continue", "hangup"].contains(mode) else { throw VonageError.invalid("machine_detection", "must be continue or hangup") }
        }
        setup.from = from.number
        setup.to = to.number
        setup.realTime = true
        setup.seed = seed
        setup.webhookTimeout = calls.configuration.webhookTimeout
        let record = TwinCall.Record(
            id: ids.uuid, service: "vonage", uuid: ids.uuid, conversationUUID: ids.conversationUUID, from: from, to: to, created: Date(), status: "started",
            finished: false, seconds: 0, keys: "", transcript: [], webhooks: [], problems: [])
        do { _ = try calls.start(record, setup: setup) } catch { throw VonageError.throttled(error) }
        return JSONBody.response(
            status: .created,
            body: ["uuid": .string(ids.uuid), "status": .string("started"), "direction": .string("outbound"), "conversation_uuid": .string(ids.conversationUUID)])
    }

    // MARK: - GET /v1/calls, /v1/calls/{uuid}

    func list(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let known: Set<String> = ["status", "date_start", "date_end", "page_size", "record_index", "order", "conversation_uuid"]
        if let unknown = query.first(where: { !known.contains(String($0.key)) }) {
            throw VonageError.invalid(String(unknown.key), "is not a filter of GET /v1/calls (known: \(known.sorted().joined(separator: ", ")))")
        }
        func value(_ name: String) -> String? { query[Substring(name)].map(String.init) }
        let statuses = ["started", "ringing", "answered", "machine", "completed", "busy", "cancelled", "failed", "rejected", "timeout", "unanswered"]
        if let status = value("status"), !statuses.contains(status) { throw VonageError.invalid("status", "must be one of \(statuses.joined(separator: ", "))") }
        let pageSize = try value("page_size").map { try Self.integer(text: $0, "page_size", 1...100) } ?? 10
        let index = try value("record_index").map { try Self.integer(text: $0, "record_index", 0...Int(Int32.max)) } ?? 0
        let order = value("order") ?? "asc"
        guard ["asc", "desc"].contains(order) else { throw VonageError.invalid("order", "must be asc or desc") }
        let start = try value("date_start").map { try Self.date($0, "date_start") }
        let end = try value("date_end").map { try Self.date($0, "date_end") }
        var matching = calls.all.filter { $0.record.service == "vonage" }.filter { call in
            let record = call.record
            if let status = value("status"), call.vonageStatus != status { return false }
            if let conversation = value("conversation_uuid"), record.conversationUUID != conversation { return false }
            if let start, record.created < start { return false }
            if let end, record.created > end { return false }
            return true
        }
        if order == "asc" { matching.reverse() }
        let page = Array(matching.dropFirst(index).prefix(pageSize))
        func href(_ index: Int) -> JSONBody.Value {
            var link = "/v1/calls?page_size=\(pageSize)&record_index=\(index)&order=\(order)"
            for name in ["status", "conversation_uuid", "date_start", "date_end"] {
                if let value = value(name) { link += "&\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)" }
            }
            return .object(["href": .string(link)])
        }
        var links: [String: JSONBody.Value] = ["self": href(index), "first": href(0)]
        if index + pageSize < matching.count { links["next"] = href(index + pageSize) }
        if index > 0 { links["prev"] = href(max(0, index - pageSize)) }
        links["last"] = href(max(0, ((matching.count - 1) / pageSize) * pageSize))
        return JSONBody.response(body: [
            "count": .int(matching.count), "page_size": .int(pageSize), "record_index": .int(index), "_links": .object(links),
            "_embedded": .object(["calls": .array(page.map { .object(Self.json($0)) })]),
        ])
    }

    func show(_ request: Request, context: ServerRequestContext) async throws -> Response {
        JSONBody.response(body: Self.json(try call(context)))
    }

    /// A call as `GET /v1/calls/{uuid}` shows it.
    static func json(_ call: TwinCall) -> [String: JSONBody.Value] {
        let record = call.record
        var body: [String: JSONBody.Value] = [
            "_links": .object(["self": .object(["href": .string("/v1/calls/\(record.uuid)")])]),
            "uuid": .string(record.uuid), "conversation_uuid": .string(record.conversationUUID), "to": endpoint(record.to), "from": endpoint(record.from),
            "status": .string(call.vonageStatus), "direction": .string("outbound"),
        ]
        if record.finished {
            body["rate"] = .string("0.00000000")
            body["price"] = .string("0.00000000")
            body["duration"] = .string("\(Int(record.seconds.rounded()))")
            body["start_time"] = .string(timestamp(record.created))
            body["end_time"] = .string(timestamp(record.ended ?? record.created))
            body["network"] = .string("23410")
        }
        return body
    }

    static func endpoint(_ endpoint: TwinCall.Endpoint) -> JSONBody.Value {
        let key = ["sip": "uri", "websocket": "uri", "vbc": "extension", "app": "user"][endpoint.type] ?? "number"
        return .object(["type": .string(endpoint.type), key: .string(endpoint.number)])
    }

    /// `YYYY-MM-DD HH:MM:SS`, UTC: the form of the document's `start_time` and `end_time`.
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    // MARK: - PUT /v1/calls/{uuid}

    func modify(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let call = try call(context)
        let body = try TwinBody.object(try await TwinBody.text(request, services: services)) { VonageError.invalid($0, $1) }
        guard let actionValue = body["action"], case .string(let action) = actionValue.kind else {
            throw VonageError.invalid("action", "is required: hangup, mute, unmute, earmuff, unearmuff or transfer")
        }
        let command: CallHandle.Command
        switch action {
        case "hangup": command = .hangup
        case "mute": command = .mute(true)
        case "unmute": command = .mute(false)
        case "earmuff": command = .earmuff(true)
        case "unearmuff": command = .earmuff(false)
        case "transfer":
            guard let destination = body["destination"], case .object = destination.kind else {
                throw VonageError.invalid("destination", "is required for transfer: {\"type\": \"ncco\", \"ncco\": [...]} or {\"type\": \"ncco\", \"url\": [\"https://…\"]}")
            }
            guard let typeValue = destination["type"], case .string("ncco") = typeValue.kind else { throw VonageError.invalid("destination.type", "must be ncco") }
            switch (destination["ncco"], destination["url"]) {
            case (let ncco?, nil):
                guard case .array = ncco.kind else { throw VonageError.invalid("destination.ncco", "must be an array of actions") }
                let text = CallJSON(ncco).text()
                do { _ = try NCCO.parse(text, file: "destination.ncco", limits: services.render.engine.limits, log: DiagnosticLog()) } catch let error as SSMLError {
                    throw VonageError.invalid("destination.ncco", error.message)
                }
                command = .transfer(.ncco(text: text, name: "NCCO of the transfer"))
            case (nil, let url?): command = .transfer(.answerURL(try Self.urls(url, "destination.url")))
            default: throw VonageError.invalid("destination", "needs ncco or url (one of them)")
            }
        default:
            throw VonageError.invalid("action", "\"\(action)\" is not hangup, mute, unmute, earmuff, unearmuff or transfer")
        }
        try running(call).send(command)
        return Response(status: .noContent)
    }

    // MARK: - talk, stream, dtmf

    func play(_ request: Request, _ context: ServerRequestContext, kind: String) async throws -> Response {
        let call = try call(context)
        let body = try TwinBody.object(try await TwinBody.text(request, services: services)) { VonageError.invalid($0, $1) }
        let loop = try body["loop"].map { try Self.integer($0, "loop", 0...1000) } ?? 1
        var action: [(String, CallJSON)] = [("action", .string(kind))]
        if let level = body["level"] {
            let number: Double?
            switch level.kind {
            case .string(let text): number = Double(text)
            case .number(let value, _): number = value
            default: number = nil
            }
            guard let number, (-1...1).contains(number) else { throw VonageError.invalid("level", "must be from -1 to 1") }
            action.append(("level", .number(number)))
        }
        if kind == "talk" {
            guard let text = body["text"], case .string(let words) = text.kind, !words.isEmpty else { throw VonageError.invalid("text", "is required: the text to speak") }
            action.append(("text", .string(words)))
            for name in ["language", "voice_name"] {
                if let value = body[name] {
                    guard case .string(let text) = value.kind else { throw VonageError.invalid(name, "must be a string") }
                    action.append((name == "voice_name" ? "voiceName" : name, .string(text)))
                }
            }
            if let style = body["style"] { action.append(("style", .number(Double(try Self.integer(style, "style", 0...100))))) }
            if let premium = body["premium"] { action.append(("premium", .bool(try Self.bool(premium, "premium") ?? false))) }
        } else {
            guard let urls = body["stream_url"] else { throw VonageError.invalid("stream_url", "is required: an array of one audio URL") }
            action.append(("streamUrl", .array([.string(try Self.urls(urls, "stream_url", webhook: false))])))
        }
        let text = CallJSON.array([.object(action)]).text()
        do { _ = try NCCO.parse(text, file: kind, limits: services.render.engine.limits, log: DiagnosticLog()) } catch let error as SSMLError {
            throw VonageError.invalid(kind == "talk" ? "text" : "stream_url", error.message)
        }
        try running(call).send(.play(ncco: text, kind: kind, loop: loop))
        return JSONBody.response(body: ["message": .string(kind == "talk" ? "Talk started" : "Stream started"), "uuid": .string(call.id)])
    }

    func stop(_ request: Request, _ context: ServerRequestContext, kind: String) async throws -> Response {
        let call = try call(context)
        try running(call).send(.stop(kind: kind))
        return JSONBody.response(body: ["message": .string(kind == "talk" ? "Talk stopped" : "Stream stopped"), "uuid": .string(call.id)])
    }

    func dtmf(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let call = try call(context)
        let body = try TwinBody.object(try await TwinBody.text(request, services: services)) { VonageError.invalid($0, $1) }
        guard let value = body["digits"], case .string(let digits) = value.kind, !digits.isEmpty else {
            throw VonageError.invalid("digits", "is required: the keys to play (0-9, *, #, p for a pause)")
        }
        guard digits.allSatisfy({ "0123456789*#p".contains($0) }) else { throw VonageError.invalid("digits", "\"\(digits)\" has a character that is not 0-9, *, # or p") }
        try running(call).send(.dtmf(digits.replacingOccurrences(of: "p", with: "")))
        return JSONBody.response(body: ["message": .string("DTMF sent"), "uuid": .string(call.id)])
    }

    // MARK: - Helpers

    func call(_ context: ServerRequestContext) throws -> TwinCall {
        let uuid = context.parameters.get("uuid") ?? ""
        guard let call = calls.call(uuid), call.record.service == "vonage" else { throw VonageError.notFound(uuid) }
        return call
    }

    func running(_ call: TwinCall) throws -> CallHandle {
        guard let handle = call.handle, !call.isFinished else { throw VonageError.notInProgress(call.id, status: call.vonageStatus) }
        return handle
    }

    static func endpoint(_ value: JSONValue, field: String) throws -> TwinCall.Endpoint {
        guard case .object = value.kind else { throw VonageError.invalid(field, "must be an endpoint object, e.g. {\"type\": \"phone\", \"number\": \"447700900001\"}") }
        guard let typeValue = value["type"], case .string(let type) = typeValue.kind else { throw VonageError.invalid("\(field).type", "is required: phone, sip, websocket, vbc or app") }
        let key: String
        switch type {
        case "phone": key = "number"
        case "sip", "websocket": key = "uri"
        case "vbc": key = "extension"
        case "app": key = "user"
        default: throw VonageError.invalid("\(field).type", "\"\(type)\" is not phone, sip, websocket, vbc or app")
        }
        guard let member = value[key], case .string(let text) = member.kind, !text.isEmpty else { throw VonageError.invalid("\(field).\(key)", "is required for a \(type) endpoint") }
        if type == "phone", text.range(of: #"^\d{7,15}$"#, options: .regularExpression) == nil {
            throw VonageError.invalid("\(field).number", "\"\(text)\" must be 7 to 15 digits (E.164 without the +)")
        }
        if type == "websocket" {
            guard let contentType = value["content-type"], case .string(let media) = contentType.kind, ["audio/l16;rate=8000", "audio/l16;rate=16000"].contains(media) else {
                throw VonageError.invalid("\(field).content-type", "must be audio/l16;rate=8000 or audio/l16;rate=16000")
            }
        }
        return TwinCall.Endpoint(type: type, number: text)
    }

    /// An array of one http(s) URL (Vonage's form for `answer_url`, `event_url`…).
    static func urls(_ value: JSONValue, _ field: String, webhook: Bool = true) throws -> String {
        guard case .array(let items) = value.kind, let first = items.first, case .string(let url) = first.kind else {
            throw VonageError.invalid(field, "must be an array of one URL, e.g. [\"https://example.com/\(field == "event_url" ? "event" : "answer")\"]")
        }
        if webhook, let problem = CallSetup.webhookURLProblem(url) { throw VonageError.invalid("\(field)[0]", "\"\(url)\" is \(problem)") }
        return url
    }

    static func method(_ value: JSONValue?, _ field: String) throws -> String? {
        guard let value else { return nil }
        guard case .string(let method) = value.kind, ["GET", "POST"].contains(method.uppercased()) else { throw VonageError.invalid(field, "must be GET or POST") }
        return method.uppercased()
    }

    static func bool(_ value: JSONValue?, _ field: String) throws -> Bool? {
        guard let value else { return nil }
        guard case .bool(let flag) = value.kind else { throw VonageError.invalid(field, "must be true or false") }
        return flag
    }

    static func integer(_ value: JSONValue, _ field: String, _ range: ClosedRange<Int>) throws -> Int {
        guard case .number(let number, _) = value.kind, number.rounded() == number, range.contains(Int(number)) else {
            throw VonageError.invalid(field, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(number)
    }

    static func integer(text: String, _ field: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let number = Int(text), range.contains(number) else { throw VonageError.invalid(field, "must be a whole number from \(range.lowerBound) to \(range.upperBound)") }
        return number
    }

    static func date(_ text: String, _ field: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: text) else { throw VonageError.invalid(field, "\"\(text)\" is not an ISO 8601 time (2016-11-14T07:45:14Z)") }
        return date
    }
}
