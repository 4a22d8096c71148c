import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SSMLCore
import SSMLEngine
import ServiceLifecycle

/// The twins of seven.io's and Vonage's voice APIs, mounted beside the render API: `/v1/calls…` (Vonage),
/// `/api/voice…` (seven.io), and what the twins keep at `/_twin/calls…` (every call with its status, keys,
/// webhooks, audio and timeline; keys for a caller who waits).
public struct Twin: ServerRouteGroup {
    let calls: TwinCalls
    let vonage: VonageTwin
    let seven: SevenTwin

    /// Reads the key and makes the state folder; calls start with requests.
    public init(configuration: TwinConfiguration, services: ServerServices) throws {
        calls = try TwinCalls(configuration: configuration, services: services)
        let auth: VonageAuth
        do { auth = try VonageAuth(publicKey: configuration.vonagePublicKey) } catch {
            throw SSMLError(.usage, "the Vonage public key is not a PEM RSA public key (--vonage-public-key): \(error)")
        }
        vonage = VonageTwin(calls: calls, auth: auth)
        seven = SevenTwin(calls: calls)
    }

    public func routes(_ services: ServerServices) -> [ServerRoute] {
        vonage.routes + seven.routes + [
            ServerRoute(.get, "/_twin/calls", handler: list),
            ServerRoute(.get, "/_twin/calls/{id}", handler: show),
            ServerRoute(.get, "/_twin/calls/{id}/audio", handler: audio),
            ServerRoute(.get, "/_twin/calls/{id}/timeline", handler: timeline),
            ServerRoute(.post, "/_twin/calls/{id}/press", handler: press),
        ]
    }

    public func services(_ services: ServerServices) -> [any Service] { [Shutdown(calls: calls)] }

    /// Hangs up the calls still running when the server stops, and lets them end.
    struct Shutdown: Service {
        let calls: TwinCalls
        func run() async throws {
            try? await gracefulShutdown()
            await calls.hangUpAll()
        }
    }

    // MARK: - /_twin/calls

    func list(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let service = request.uri.queryParameters["service"].map(String.init)
        if let service, !["vonage", "seven"].contains(service) {
            throw APIError(.badRequest, kind: "invalid-value", "service \"\(service)\" is not vonage or seven", field: "service")
        }
        let listed = calls.all.filter { service == nil || $0.record.service == service }
        return JSONBody.response(body: ["count": .int(listed.count), "calls": .array(listed.map { .object(Self.summary($0)) })], headers: [.cacheControl: "no-store"])
    }

    func show(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let call = try call(context)
        let record = call.record
        var body = Self.summary(call)
        body["transcript"] = .array(record.transcript.map { .string($0) })
        body["problems"] = .array(record.problems.map { .string($0) })
        body["webhooks"] = .array(
            record.webhooks.map { hook in
                var item: [String: JSONBody.Value] = [
                    "purpose": .string(hook.purpose), "time": .double(hook.time), "method": .string(hook.method), "url": .string(hook.url),
                ]
                if let body = hook.body { item["body"] = .string(body) }
                if let status = hook.status { item["status"] = .int(status) }
                if let answer = hook.answer { item["answer"] = .string(answer) }
                if let failure = hook.failure { item["failure"] = .string(failure) }
                return .object(item)
            })
        if let failure = record.failure { body["failure"] = .string(failure) }
        return JSONBody.response(body: body, headers: [.cacheControl: "no-store"])
    }

    /// What a call looks like in the list.
    static func summary(_ call: TwinCall) -> [String: JSONBody.Value] {
        let record = call.record
        let formatter = ISO8601DateFormatter()
        var body: [String: JSONBody.Value] = [
            "id": .string(record.id), "service": .string(record.service), "uuid": .string(record.uuid), "status": .string(record.status),
            "finished": .bool(record.finished), "listening": .bool(call.isListening), "from": .string(record.from.number), "to": .string(record.to.number),
            "created": .string(formatter.string(from: record.created)), "seconds": .double((record.seconds * 1000).rounded() / 1000), "keys": .string(record.keys),
            "webhookCount": .int(record.webhooks.count), "problemCount": .int(record.problems.count),
            "audio": .string("/_twin/calls/\(record.id)/audio"), "timeline": .string("/_twin/calls/\(record.id)/timeline"),
        ]
        if let ended = record.ended { body["ended"] = .string(formatter.string(from: ended)) }
        if let endedBy = record.endedBy { body["endedBy"] = .string(endedBy) }
        if let foreign = record.foreignID { body["foreignId"] = .string(foreign) }
        return body
    }

    /// What the caller heard: the whole call once it ended, else what it heard so far; a WAV at the call's rate.
    func audio(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let call = try call(context)
        let data: Data
        if call.isFinished {
            guard let wav = call.result?.wav ?? calls.storedFile(call.id, "wav") else {
                throw APIError(.notFound, kind: "not-found", "the call \(call.id) has no audio (it failed before anything was heard)")
            }
            data = wav
        } else if let handle = call.handle {
            let (rate, samples) = handle.heardSoFar()
            data = Self.wav(samples, rate: rate == 0 ? calls.configuration.rate : rate)
        } else {
            throw APIError(.notFound, kind: "not-found", "the call \(call.id) has no audio")
        }
        return Response(
            status: .ok, headers: [.contentType: "audio/wav", .cacheControl: "no-store", HTTPField.Name("X-Call-Finished")!: call.isFinished ? "true" : "false"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    func timeline(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let call = try call(context)
        guard call.isFinished else {
            throw APIError(.conflict, kind: "call-running", "the call \(call.id) is still running; its timeline is made when it ends (see GET /_twin/calls/\(call.id))")
        }
        guard let json = call.result?.timeline ?? calls.storedFile(call.id, "timeline.json") else {
            throw APIError(.notFound, kind: "not-found", "the call \(call.id) has no timeline (it failed before it ran)")
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }

    /// Keys or speech for a call's caller: taken at once when the call waits at an input, else at its next one.
    func press(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let call = try call(context)
        let text = try await TwinBody.text(request, services: calls.services)
        var keys: String?
        var speech: String?
        if TwinBody.mediaType(request) == "application/json" {
            let body = try TwinBody.object(text) { APIError(.badRequest, kind: $0 == "body" ? "malformed-request" : "invalid-value", "\($0) \($1)", field: $0) }
            if case .object(let members) = body.kind, let unknown = members.first(where: { !["keys", "speech"].contains($0.key) }) {
                throw APIError(.badRequest, kind: "unknown-field", "\(unknown.key) is not a field here (keys, speech)", field: unknown.key)
            }
            if let value = body["keys"] {
                guard case .string(let text) = value.kind else { throw APIError(.badRequest, kind: "invalid-value", "keys must be a string of 0-9, * and #", field: "keys") }
                keys = text
            }
            if let value = body["speech"] {
                guard case .string(let text) = value.kind, !text.isEmpty else { throw APIError(.badRequest, kind: "invalid-value", "speech must be the words said", field: "speech") }
                speech = text
            }
        } else {
            keys = text.trimmingWhitespaceAndNewlines()
        }
        guard (keys == nil) != (speech == nil) else {
            throw APIError(.badRequest, kind: "invalid-value", "give keys ({\"keys\": \"12#\"}) or speech ({\"speech\": \"yes\"}), one of them", field: "keys")
        }
        if let keys {
            do { try CallScript.checkKeys(keys, origin: "keys") } catch let error as SSMLError {
                throw APIError(.badRequest, kind: "invalid-value", error.message, field: "keys")
            }
        }
        guard let handle = call.handle, !call.isFinished else {
            throw APIError(.conflict, kind: "call-ended", "the call \(call.id) has ended (\(call.record.status)); keys go to a running call")
        }
        let listening = call.isListening
        handle.send(keys.map { .press($0) } ?? .say(speech!))
        return JSONBody.response(
            status: .accepted,
            body: [
                "id": .string(call.id), "accepted": .string(keys ?? speech!), "listening": .bool(listening),
                "note": .string(listening ? "the call was listening: taken now" : "the call is not listening now: taken at its next input"),
            ])
    }

    func call(_ context: ServerRequestContext) throws -> TwinCall {
        let id = context.parameters.get("id") ?? ""
        guard let call = calls.call(id) else { throw APIError(.notFound, kind: "not-found", "there is no twin call \(id) (GET /_twin/calls lists them)", field: "id") }
        return call
    }

    /// A mono 16-bit PCM WAV.
    static func wav(_ samples: [Int16], rate: Int) -> Data {
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        let bytes = samples.count * 2
        data.append(contentsOf: Array("RIFF".utf8))
        append(UInt32(36 + bytes))
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        append(UInt32(16))
        append(UInt16(1))
        append(UInt16(1))
        append(UInt32(rate))
        append(UInt32(rate * 2))
        append(UInt16(2))
        append(UInt16(16))
        data.append(contentsOf: Array("data".utf8))
        append(UInt32(bytes))
        for sample in samples { append(sample) }
        return data
    }
}
