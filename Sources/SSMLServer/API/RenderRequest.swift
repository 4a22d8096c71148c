import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SSMLCore
import SSMLEngine
import Synchronization

/// A `POST /render` request read into a ``RenderJob``: the input from the body (raw, or the `input` field of a
/// JSON object), the options from JSON fields or query parameters, and how to answer.
///
/// The options are `ssml render`'s, named as the library names its settings (`rate`, `voiceFallback`,
/// `timelineSVG`); nothing in a request names a file to write.
struct RenderRequest {
    var job: RenderJob
    /// Answer with a JSON document (audio in base64, with the timeline and its drawing when asked) instead of the
    /// audio itself.
    var json: Bool

    /// The fields of a render request.
    static let fields = [
        "input", "kind", "name", "voice", "dialect", "voiceFallback", "strict", "allowEmpty", "rate", "encoding", "format", "bitrate",
        "frames", "preset", "loudness", "truePeak", "timeline", "timelineSVG",
    ]

    /// The request field of a library setting; nil for settings a request has no field for (a destination, the
    /// download limits, which are the server's).
    static func fieldName(for setting: JobSetting) -> String? {
        fields.contains(setting.rawValue) ? setting.rawValue : nil
    }

    static let acceptedMedia = "application/ssml+xml (or application/xml, text/plain) with the SSML, or application/json"

    /// Reads the request. `audioDirectory` is where relative audio paths in the input are looked up.
    static func parse(
        _ request: Request, body: ByteBuffer, limits: Limits, audioDirectory: URL?, engine: Engine, voices: VoiceNames? = nil
    ) throws(APIError) -> RenderRequest {
        var parameters = RequestParameters()
        try parameters.add(query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        let media = try RequestInput.media(of: request, accepted: acceptedMedia)
        // Names in messages; the location's line and column are what an editor needs.
        let defaultName = "input"
        var input: JobInput?
        let base = (audioDirectory ?? URL(fileURLWithPath: "/nonexistent")).path
        switch media {
        case .text:
            if body.readableBytes > 0 {
                let text = try RequestInput.text(body, name: defaultName, limit: limits.maxInputBytes)
                input = JobInput(kind: .ssml, text: text, name: defaultName, baseDirectory: base)
            }
        case .json:
            // The body's size was bounded as it was read; the input inside it is checked against the input limit.
            let text = try RequestInput.text(body, name: "body", limit: .max)
            let document: JSONValue
            do { document = try JSONParser.parse(text, file: "body") } catch let error as SSMLError {
                throw APIError(.badRequest, kind: "malformed-json", "the body is not valid JSON: \(error.message)", field: "body", location: error.location)
            } catch {
                throw APIError(.badRequest, kind: "malformed-json", "the body is not valid JSON", field: "body")
            }
            switch document.kind {
            case .array:
                // A bare NCCO, as an answer webhook returns it.
                try checkInputSize(text.utf8.count, limit: limits.maxInputBytes)
                input = JobInput(kind: .ncco, text: text, name: defaultName, baseDirectory: base)
            case .object(let members):
                try parameters.add(json: members)
            default:
                throw APIError(
                    .badRequest, kind: "malformed-request", "the JSON body must be an object of fields (or an NCCO array), not \(document.typeName)",
                    field: "body")
            }
            if let value = parameters.raw("input"), case .json(let json) = value {
                input = try inputField(json, body: text, name: (try? parameters.string("name")) ?? defaultName, base: base, limits: limits)
            }
        }
        if input == nil, case .query(let text)? = parameters.raw("input") {
            try checkInputSize(text.utf8.count, limit: limits.maxInputBytes)
            input = JobInput(kind: .ssml, text: text, name: defaultName, baseDirectory: base)
        }
        try parameters.check(known: fields)
        guard var input else {
            throw APIError(.badRequest, kind: "missing-input", "the request has no input: send SSML, text or an NCCO as the body, or a JSON object with an input field", field: "input")
        }
        if let name = try parameters.string("name") {
            guard !name.isEmpty, name.count <= 200, !name.contains("\n") else {
                throw APIError(.badRequest, kind: "invalid-value", "name must be a short single line", field: "name")
            }
            input.name = name
        }
        if let kind = try parameters.choice("kind", JobInput.Kind.self, choices: JobInput.Kind.allCases.map(\.rawValue)) {
            input.kind = kind
        } else if input.kind == .ssml {
            input.kind = JobInput.kind(of: input.text)
        }

        var output = OutputSettings.Request()
        output.rate = try parameters.int("rate")
        output.encoding = try parameters.choice("encoding", OutputEncoding.self, choices: OutputEncoding.allCases.map(\.rawValue))
        output.format = try parameters.choice("format", OutputFormat.self, choices: OutputFormat.allCases.map(\.rawValue))
        output.bitrate = try parameters.int("bitrate")
        output.frames = try parameters.bool("frames") ?? false
        output.preset = try parameters.choice("preset", OutputPreset.self, choices: OutputPreset.allCases.map(\.rawValue))
        output.loudness = try parameters.double("loudness")
        output.truePeak = try parameters.double("truePeak")
        let settings: OutputSettings
        do { settings = try OutputSettings.resolved(output) } catch let error as SSMLError {
            throw APIError(error)
        } catch {
            throw APIError(.badRequest, kind: "usage", "\(error)")
        }

        let voice = try parameters.string("voice") ?? "en-us-female"
        guard voices?.isKnown(voice) ?? (engine.resolver.voice(named: voice) != nil) else {
            let hint = engine.resolver.suggestions(for: voice).first.map { "; did you mean \($0)?" } ?? ""
            throw APIError(.badRequest, kind: SSMLError.Kind.unknownVoice.rawValue, "unknown voice \"\(voice)\"\(hint)", field: "voice")
        }
        let dialect = try parameters.string("dialect")
        if let dialect, !Dialect.names.contains(dialect) {
            throw APIError(.badRequest, kind: "invalid-value", "dialect \"\(dialect)\" is not one of \(Dialect.names.joined(separator: ", "))", field: "dialect")
        }
        let timeline = try parameters.bool("timeline") ?? false
        let timelineSVG = try parameters.bool("timelineSVG") ?? false
        let job = RenderJob(
            input: input, voice: voice, dialect: dialect, voiceFallback: try parameters.bool("voiceFallback") ?? false,
            strict: try parameters.bool("strict") ?? false, allowEmpty: try parameters.bool("allowEmpty") ?? false, output: settings,
            timeline: timeline, timelineSVG: timelineSVG)
        let wantsJSON = timeline || timelineSVG || prefersJSON(request.headers[.accept])
        return RenderRequest(job: job, json: wantsJSON)
    }

    /// The `input` field: SSML or an NCCO as a string, or the NCCO array itself.
    private static func inputField(_ value: JSONValue, body: String, name: String, base: String, limits: Limits) throws(APIError) -> JobInput {
        switch value.kind {
        case .string(let text):
            try checkInputSize(text.utf8.count, limit: limits.maxInputBytes)
            return JobInput(kind: .ssml, text: text, name: name, baseDirectory: base)
        case .array:
            // The NCCO is read from the body itself with everything around the array blanked out (JSON allows any
            // whitespace), so that its errors name the body's own lines and columns.
            guard let text = blankedOutside(value, in: body) else {
                throw APIError(.badRequest, kind: "malformed-json", "the input array could not be located in the body", field: "input")
            }
            try checkInputSize(text.utf8.count, limit: limits.maxInputBytes)
            return JobInput(kind: .ncco, text: text, name: name, baseDirectory: base)
        default:
            throw APIError(.badRequest, kind: "invalid-value", "input must be a string (SSML, text or an NCCO) or an NCCO array, not \(value.typeName)", field: "input")
        }
    }

    private static func checkInputSize(_ count: Int, limit: Int) throws(APIError) {
        guard count <= limit else {
            throw APIError(.contentTooLarge, kind: "payload-too-large", "the input may have at most \(limit) bytes; this one has \(count)", field: "input")
        }
    }

    /// `body` with every character outside the JSON array starting at `value`'s location replaced by a space
    /// (newlines kept), or nil when no array starts there.
    static func blankedOutside(_ value: JSONValue, in body: String) -> String? {
        var characters = Array(body.unicodeScalars)
        var line = 1, column = 1, start: Int?
        for (index, scalar) in characters.enumerated() {
            if line == value.location.line && column == value.location.column {
                start = index
                break
            }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        guard let start, characters[start] == "[" else { return nil }
        var depth = 0, inString = false, escaped = false, end: Int?
        for index in start..<characters.count {
            let scalar = characters[index]
            if inString {
                if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == "\"" { inString = false }
                continue
            }
            switch scalar {
            case "\"": inString = true
            case "[", "{": depth += 1
            case "]", "}":
                depth -= 1
                if depth == 0 { end = index }
            default: break
            }
            if end != nil { break }
        }
        guard let end else { return nil }
        for index in characters.indices where (index < start || index > end) && characters[index] != "\n" {
            characters[index] = " "
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: characters)
        return String(text)
    }

    /// Whether the `Accept` header ranks JSON above audio.
    static func prefersJSON(_ accept: String?) -> Bool {
        guard let accept else { return false }
        var best: (json: Double, audio: Double) = (0, 0)
        for item in accept.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingWhitespace().lowercased() }
            guard let type = parts.first else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if type == "application/json" { best.json = max(best.json, quality) }
            if type.hasPrefix("audio/") || type == "*/*" || type == "application/octet-stream" { best.audio = max(best.audio, quality) }
        }
        return best.json > best.audio
    }
}

/// The voice names requests gave that the catalog knows, remembered: resolving a name reads every name form of the
/// catalog (measured: 1.4% of a short render's CPU), and a server sees the same few names again and again.
final class VoiceNames: Sendable {
    private let resolver: VoiceResolver
    private let known = Mutex<Set<String>>([])

    init(_ resolver: VoiceResolver) { self.resolver = resolver }

    func isKnown(_ name: String) -> Bool {
        if known.withLock({ $0.contains(name) }) { return true }
        guard resolver.voice(named: name) != nil else { return false }
        // Bounded: names are remembered up to a catalog's size, and forgotten all at once past it.
        known.withLock { names in
            if names.count >= 4096 { names.removeAll() }
            names.insert(name)
        }
        return true
    }
}
