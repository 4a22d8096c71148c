import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SSMLCore
import SSMLEngine

/// `POST /render`: a document, fragment, text or NCCO to audio, through the shared render service.
struct RenderRoute: Sendable {
    let services: ServerServices
    let voices: VoiceNames

    init(services: ServerServices) {
        self.services = services
        voices = VoiceNames(services.render.engine.resolver)
    }

    func handle(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let configuration = services.configuration
        let engine = services.render.engine
        let body = try await RequestInput.body(of: request, limit: configuration.maxBodyBytes, timeout: .seconds(configuration.bodyTimeout))
        let parsed = try RenderRequest.parse(request, body: body, limits: engine.limits, audioDirectory: configuration.audioDirectory, engine: engine, voices: voices)
        let abandoned = await context.channel.clientClosed()
        let outcome: RenderService.Outcome
        do {
            outcome = try await services.render.render(parsed.job, abandoned: abandoned)
        } catch let full as RenderQueue.Full {
            throw APIError(
                .serviceUnavailable, kind: "queue-full",
                "every render worker is busy and \(full.waiting) requests are waiting; try again in \(full.retryAfter) s",
                headers: [.retryAfter: "\(full.retryAfter)"])
        } catch RenderService.Stop.timedOut(let seconds) {
            throw APIError(.gatewayTimeout, kind: "render-timeout", "the render did not finish within the server's limit of \(Self.format(seconds)) s")
        } catch RenderService.Stop.abandoned {
            throw APIError(HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"), kind: "client-closed", "the client closed the connection; the render was stopped")
        } catch let failure as RenderService.Failure {
            if let error = failure.error as? SSMLError { throw APIError(error, diagnostics: failure.diagnostics) }
            if failure.error is CancellationError { throw CancellationError() }
            throw failure.error
        }
        return Self.response(outcome, for: parsed)
    }

    /// The audio itself, or the JSON document with the audio in base64 and what was asked besides.
    static func response(_ outcome: RenderService.Outcome, for request: RenderRequest) -> Response {
        let job = request.job
        let result = outcome.result
        let audio = result.audio ?? Data()
        let duration = Double(result.report.sampleCount) / Double(job.output.rate)
        var headers: HTTPFields = [:]
        headers[.serverTiming] = "queue;dur=\(tenths(outcome.waited * 1000)), render;dur=\(tenths(outcome.rendered * 1000))"
        headers[.cacheControl] = "no-store"
        headers[.audioDuration] = format(duration)
        let warnings = outcome.diagnostics.filter { $0.severity == .warning }.count + result.warnings.count
        headers[.warningCount] = "\(warnings)"
        let contentType = audioContentType(job.output)
        guard request.json else {
            headers[.contentType] = contentType
            headers[.contentDisposition] = "inline; filename=\"\(fileName(job))\""
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: audio)))
        }
        var body: [String: JSONBody.Value] = [
            "contentType": .string(contentType),
            "audio": .string(audio.base64EncodedString()),
            "duration": .double(duration),
            "sampleRate": .int(job.output.rate),
            "samples": .int(result.report.sampleCount),
            "diagnostics": .array(outcome.diagnostics.map(JSONBody.diagnostic)),
            "notes": .array(result.notes.map { .string($0) }),
            "warnings": .array(result.warnings.map { .string($0) }),
        ]
        if let timeline = result.timeline, let json = try? timeline.json() { body["timeline"] = .raw(String(decoding: json, as: UTF8.self)) }
        if let svg = result.timelineSVG { body["timelineSVG"] = .string(svg) }
        return JSONBody.response(body: body, headers: headers)
    }

    /// The media type of the audio: containers by their registered types; headerless audio as Vonage's
    /// websockets name it (`audio/l16;rate=16000`, little-endian 16-bit) or as G.711 (`audio/PCMU`, `audio/PCMA`).
    static func audioContentType(_ settings: OutputSettings) -> String {
        switch settings.format {
        case .wav: "audio/wav"
        case .mp3: "audio/mpeg"
        case .flac: "audio/flac"
        case .ogg: "audio/ogg"
        case .raw:
            switch settings.encoding {
            case .pcm16: "audio/l16;rate=\(settings.rate)"
            case .mulaw: "audio/PCMU;rate=\(settings.rate)"
            case .alaw: "audio/PCMA;rate=\(settings.rate)"
            }
        }
    }

    /// The name the audio is offered under: the input's name without folders and extension, in letters, digits and
    /// `-_.` only. (Made by hand: Foundation's URL took 2% of a short render's CPU here, asking for the working folder.)
    static func fileName(_ job: RenderJob) -> String {
        var stem = Substring(job.input.name)
        while stem.hasSuffix("/") { stem = stem.dropLast() }
        if let slash = stem.lastIndex(of: "/") { stem = stem[stem.index(after: slash)...] }
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex { stem = stem[..<dot] }
        let safe = String(
            decoding: stem.utf8.filter { byte in
                (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2D || byte == 0x5F || byte == 0x2E
            }, as: UTF8.self)
        return (safe.isEmpty ? "render" : safe) + "." + job.output.format.rawValue
    }

    /// `seconds` with at most three decimals and no trailing zeros (`2.6`, `0.125`, `3`).
    static func format(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e12 else { return "\(seconds)" }
        let thousandths = Int((abs(seconds) * 1000).rounded())
        var text = (seconds < 0 && thousandths > 0 ? "-" : "") + "\(thousandths / 1000)"
        var fraction = thousandths % 1000
        guard fraction > 0 else { return text }
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let padded = String(fraction)
        text += "." + String(repeating: "0", count: digits - padded.count) + padded
        return text
    }

    /// `value` with one decimal (`12.3`): `String(format:)` costs more than the rest of the headers together.
    static func tenths(_ value: Double) -> String {
        guard value.isFinite, value >= 0, value < 1e12 else { return "0.0" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

extension HTTPField.Name {
    static let serverTiming = Self("Server-Timing")!
    /// Seconds of audio in the response.
    static let audioDuration = Self("X-Audio-Duration")!
    /// Warnings of planning and of the output step (the JSON answer lists them).
    static let warningCount = Self("X-SSML-Warnings")!
}
