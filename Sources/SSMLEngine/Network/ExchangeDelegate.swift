import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What one request of an exchange ended with: a body read to its end, or a head whose body was not read
/// (a redirect to follow, an error page, a `304`).
enum ExchangeOutcome<Body: Sendable>: Sendable {
    case body(HTTPResponseHead, Body)
    case head(HTTPResponseHead)
}

/// Ends a request after its head without reading the body; carries the head out of AsyncHTTPClient's
/// failure path, which is the only way to stop a request early.
struct HeadOnly: Error {
    var head: HTTPResponseHead
}

/// AsyncHTTPClient's view of one request: the size limit counted where bytes arrive, refusal of
/// compressions that are not decoded, redirects left to ``HTTPExchange``, and the body handed to a sink.
///
/// AsyncHTTPClient calls a delegate on the request's event loop only, and never calls `didReceiveBodyPart`
/// again before the future of the previous call has completed; the two counters are touched nowhere else.
final class ExchangeDelegate<Sink: ResponseSink>: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = ExchangeOutcome<Sink.Body>

    let sink: Sink
    let url: String
    let limits: HTTPExchange.Limits
    private var head: HTTPResponseHead?
    private var received = 0

    init(sink: Sink, url: String, limits: HTTPExchange.Limits) {
        self.sink = sink
        self.url = url
        self.limits = limits
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        self.head = head
        let eventLoop = task.eventLoop
        if HTTPExchange.isRedirect(head) || !sink.wantsBody(head) {
            return eventLoop.makeFailedFuture(HeadOnly(head: head))
        }
        if let declared = head.headers.first(name: "Content-Length").flatMap({ Int($0.trimmingWhitespace()) }),
            declared > limits.maxBytes
        {
            return eventLoop.makeFailedFuture(
                HTTPRequestError(.tooLarge, url: url, "the file is \(declared) bytes, above the limit of \(limits.maxBytes) bytes\(limits.maxBytesSuffix)"))
        }
        let encodings = head.headers[canonicalForm: "Content-Encoding"].map { $0.lowercased() }.filter { $0 != "identity" }
        // NIO's decompressor decodes a single gzip or deflate coding (within the size limit); anything else
        // would reach the decoder still compressed.
        if !(encodings.isEmpty || (encodings.count == 1 && ["gzip", "deflate"].contains(encodings[0]))) {
            let named = head.headers.first(name: "Content-Encoding") ?? ""
            return eventLoop.makeFailedFuture(
                HTTPRequestError(
                    .encoding, url: url,
                    "the server sent a body compressed as '\(named)' (Content-Encoding), which is not decoded; the request asked for none (Accept-Encoding: identity)"))
        }
        do {
            try sink.begin(head)
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        return eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        received += buffer.readableBytes
        if received > limits.maxBytes {
            return task.eventLoop.makeFailedFuture(
                HTTPRequestError(.tooLarge, url: url, "the body passes the limit of \(limits.maxBytes) bytes\(limits.maxBytesSuffix)"))
        }
        return sink.append(buffer, on: task.eventLoop)
    }

    func didReceiveError(task: HTTPClient.Task<Response>, _ error: any Error) {
        // A head that is not read began nothing; the sink may serve the next hop of a redirect.
        if !(error is HeadOnly) { sink.abandon() }
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        guard let head else { throw HTTPRequestError(.unreachable, url: url, "no HTTP answer") }
        return .body(head, try sink.finish())
    }
}
