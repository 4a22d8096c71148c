import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One download of remote audio: a GET and its redirects, a `2xx` body streamed into a new file as it
/// arrives, within the deadline, the idle timeout and the size limit.
///
/// Bodies of error pages and redirects are not read, and a `2xx` whose `Content-Type` says it is a page or
/// data rather than audio is refused before its body is read.
struct Download {
    /// The status of the final answer.
    var status: Int
    var headers: HTTPHeaders
    /// The body of a `2xx` answer: a file in the folder given to ``run``, now the caller's.
    var file: URL?
    var bytes: Int

    func header(_ name: String) -> String? { headers.first(name: name) }

    /// The media type, lowercase, without parameters.
    var contentType: String? { Self.mediaType(headers) }

    /// Why a download gave nothing usable: the server could not be reached in time and within the limits
    /// (a cached copy may stand in), or it answered with something that is not audio (nothing stands in).
    enum Failure: Error {
        case unreachable(HTTPRequestError)
        case refused(HTTPRequestError)
    }

    /// Runs the download; blocks the calling thread (never an event loop's) until it is done.
    /// - Parameter prefix: the start of the body file's name; the rest is random, and ends in an extension
    ///   that helps the decoder.
    static func run(_ url: URL, headers: [(String, String)], into directory: URL, prefix: String, limits: HTTPExchange.Limits, client: HTTPClient) throws(Failure) -> Download {
        let name = url.absoluteString
        let sink = FileSink(directory: directory.path, url: name) { head in
            let type = Self.mediaType(head.headers)
            if let type, type.hasPrefix("text/") || ["application/json", "application/xml", "application/xhtml+xml"].contains(type) {
                throw HTTPRequestError(.refused, url: name, "the server sent \(type), not audio (an error or login page?)")
            }
            return "\(prefix)\(randomHex()).\(fileExtension(url: url, contentType: type))"
        }
        var request = HTTPExchange.Request(url: url, headers: HTTPHeaders(headers))
        request.headers.replaceOrAdd(name: "User-Agent", value: "swift-ssml")
        // Audio is compressed already; asking for no compression keeps the size limit a limit on what is
        // written (a server that compresses anyway is decompressed within the limit).
        request.headers.replaceOrAdd(name: "Accept-Encoding", value: "identity")
        let answer: HTTPExchange.Answer<FileSink.Streamed>
        do {
            answer = try HTTPExchange.perform(request, client: client, limits: limits, sink: { sink }).wait()
        } catch {
            sink.discard()
            let failure = HTTPExchange.describe(error, url: name, limits: limits)
            switch failure.kind {
            case .refused, .encoding, .invalidURL: throw .refused(failure)
            default: throw .unreachable(failure)
            }
        }
        sink.release()
        return Download(
            status: Int(answer.head.status.code), headers: answer.head.headers, file: answer.body.map { URL(fileURLWithPath: $0.path) },
            bytes: answer.body?.bytes ?? 0)
    }

    /// The standard reason phrase of a status ("Not Found"), or a generic one.
    static func reason(_ status: Int) -> String {
        let phrase = HTTPResponseStatus(statusCode: status).reasonPhrase
        return phrase.isEmpty ? "(status \(status))" : phrase
    }

    static func mediaType(_ headers: HTTPHeaders) -> String? {
        headers.first(name: "Content-Type")?.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() }
    }

    /// 16 random lowercase hex digits: names that no two writers pick alike.
    static func randomHex() -> String {
        let digits = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The extension helps the decoder; the content decides.
    static func fileExtension(url: URL, contentType: String?) -> String {
        let fromPath = url.pathExtension.lowercased()
        if !fromPath.isEmpty, fromPath.count <= 5, fromPath.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) { return fromPath }
        switch contentType {
        case "audio/mpeg", "audio/mp3": return "mp3"
        case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave": return "wav"
        case "audio/flac", "audio/x-flac": return "flac"
        case "audio/ogg", "application/ogg", "audio/opus": return "ogg"
        default: return "audio"
        }
    }
}
