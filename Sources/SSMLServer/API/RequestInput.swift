import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SSMLCore

/// Reads a request body within the server's limits and tells what it holds from its media type.
enum RequestInput {
    /// The body of a request, read whole: refused as soon as it passes `limit` bytes (413), or when it has not
    /// arrived within `timeout` (408).
    static func body(of request: Request, limit: Int, timeout: Duration) async throws(APIError) -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw tooLarge(limit: limit, size: declared)
        }
        // Not Task.sleep: a cancelled sleep stays allocated until its deadline (see DeadlineTimer).
        let timer = DeadlineTimer(seconds: RenderService.seconds(timeout))
        defer { timer.cancel() }
        let outcome: Result<ByteBuffer, any Error>? = await withTaskGroup(of: Result<ByteBuffer, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await request.body.collect(upTo: limit)) } catch { return .failure(error) }
            }
            group.addTask {
                _ = await timer.fired.wait()
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch outcome {
        case .success(let buffer)?: return buffer
        case .failure(let error as HTTPError)? where error.status == .contentTooLarge: throw tooLarge(limit: limit, size: nil)
        // A body without a declared length (chunked) that passes the limit as it arrives.
        case .failure(is NIOTooManyBytesError)?: throw tooLarge(limit: limit, size: nil)
        case .failure(let error)?:
            throw APIError(.badRequest, kind: "malformed-request", "the request body could not be read: \(error)", headers: [.connection: "close"])
        case nil:
            throw APIError(
                .requestTimeout, kind: "request-timeout", "the request body did not arrive within \(Int(RenderService.seconds(timeout))) s",
                headers: [.connection: "close"])
        }
    }

    static func tooLarge(limit: Int, size: Int?) -> APIError {
        let what = size.map { "this one has \($0) bytes" } ?? "this one has more"
        return APIError(
            .contentTooLarge, kind: "payload-too-large", "a request body may have at most \(limit) bytes; \(what)", field: "body",
            headers: [.connection: "close"])
    }

    /// What a body's `Content-Type` says it is.
    enum Media: Equatable {
        /// A JSON document: an object of fields, or an NCCO (an array).
        case json
        /// SSML, a fragment or plain text (an NCCO too, when `kind` says so or it starts with `[`).
        case text
    }

    /// The media a request's `Content-Type` names; 415 for what the route does not read.
    static func media(of request: Request, accepted: String) throws(APIError) -> Media {
        guard let header = request.headers[.contentType] else { return .text }
        let parts = header.split(separator: ";").map { $0.trimmingWhitespace() }
        let type = parts.first?.lowercased() ?? ""
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard pair.count == 2, pair[0].lowercased() == "charset" else { continue }
            let charset = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
            guard ["utf-8", "utf8", "us-ascii"].contains(charset) else {
                throw APIError(
                    .unsupportedMediaType, kind: "unsupported-media-type", "charset \(pair[1]) is not read here; send UTF-8", field: "Content-Type")
            }
        }
        switch type {
        case "application/json", "text/json": return .json
        case _ where type.hasSuffix("+json"): return .json
        case "application/ssml+xml", "application/xml", "text/xml", "text/plain", "": return .text
        case "application/x-www-form-urlencoded":
            throw APIError(
                .unsupportedMediaType, kind: "unsupported-media-type",
                "the body is sent as a form (curl -d does that); send it as \(accepted), e.g. curl --data-binary @prompt.ssml -H 'Content-Type: application/ssml+xml'",
                field: "Content-Type")
        default:
            throw APIError(.unsupportedMediaType, kind: "unsupported-media-type", "\(type) is not read here; send \(accepted)", field: "Content-Type")
        }
    }

    /// The body as text: UTF-8 (a byte order mark is dropped), at most `limit` bytes; an invalid byte is an error at
    /// its line and column.
    static func text(_ buffer: ByteBuffer, name: String, limit: Int) throws(APIError) -> String {
        var bytes = Array(buffer.readableBytesView)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard bytes.count <= limit else {
            throw APIError(.contentTooLarge, kind: "payload-too-large", "the input may have at most \(limit) bytes; this one has \(bytes.count)", field: "input")
        }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var line = 1, column = 1, index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            guard length > 0, index + length <= bytes.count, String(validating: bytes[index..<index + length], as: UTF8.self) != nil else {
                throw APIError(
                    .badRequest, kind: "io", "the body is not UTF-8 text (the byte 0x\(String(byte, radix: 16, uppercase: true)) here cannot start a UTF-8 character)",
                    field: "input", location: SourceLocation(file: name, line: line, column: column))
            }
            if byte == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += length
        }
        throw APIError(.badRequest, kind: "io", "the body is not UTF-8 text", field: "input")
    }
}
