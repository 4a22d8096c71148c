import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// One request and the redirects it leads to, on AsyncHTTPClient: one deadline for all of them, the
/// redirects counted and only to `http:`/`https:`, and the final answer's body given to a sink.
///
/// Redirects are followed here rather than by AsyncHTTPClient, so that a redirect to `file:` or `ftp:` is
/// refused by name (AsyncHTTPClient would hand back the `3xx` as if it were the answer), and so that each
/// hop's body is never read.
enum HTTPExchange {
    /// The bounds of an exchange.
    struct Limits: Sendable, Equatable {
        var idleTimeout: Double
        var deadline: Double
        var maxBytes: Int
        var maxRedirects: Int
        /// How users change the deadline and the size limit, for messages (`--fetch-timeout`); nil adds nothing.
        var deadlineSetting: String?
        var maxBytesSetting: String?

        var maxBytesSuffix: String { maxBytesSetting.map { " (\($0))" } ?? "" }
        var deadlineSuffix: String { deadlineSetting.map { " (\($0))" } ?? "" }
    }

    struct Request: Sendable {
        var method: HTTPMethod = .GET
        var url: URL
        var headers: HTTPHeaders
        var body: Data?
    }

    /// The final answer: where it came from after redirects, its head, and its body if the sink read it.
    struct Answer<Body: Sendable>: Sendable {
        var url: URL
        var head: HTTPResponseHead
        var body: Body?
    }

    /// Lets an async caller cancel whichever request of the exchange is running.
    final class Cancellation: Sendable {
        private let state = Mutex<(cancel: (@Sendable () -> Void)?, cancelled: Bool)>((nil, false))

        func cancel() {
            let running = state.withLock { state in
                state.cancelled = true
                return state.cancel
            }
            running?()
        }

        /// Registers the running request; cancels it at once if the exchange was cancelled already.
        func track(_ cancel: @escaping @Sendable () -> Void) {
            let cancelled = state.withLock { state in
                state.cancel = cancel
                return state.cancelled
            }
            if cancelled { cancel() }
        }
    }

    static let redirectStatuses: Set<UInt> = [301, 302, 303, 307, 308]

    /// A `3xx` that names where to go next.
    static func isRedirect(_ head: HTTPResponseHead) -> Bool {
        redirectStatuses.contains(head.status.code) && head.headers.first(name: "Location") != nil
    }

    /// Runs `request` and its redirects. The sink is asked for each hop; only the final answer's body is read.
    static func perform<Sink: ResponseSink>(
        _ request: Request, client: HTTPClient, limits: Limits, cancellation: Cancellation? = nil, sink: @escaping @Sendable () -> Sink
    ) -> EventLoopFuture<Answer<Sink.Body>> {
        let deadline = NIODeadline.now() + .nanoseconds(Int64(limits.deadline * 1e9))
        return hop(request, original: request.url.absoluteString, redirects: 0, client: client, limits: limits, deadline: deadline, cancellation: cancellation, sink: sink)
    }

    private static func hop<Sink: ResponseSink>(
        _ request: Request, original: String, redirects: Int, client: HTTPClient, limits: Limits, deadline: NIODeadline,
        cancellation: Cancellation?, sink: @escaping @Sendable () -> Sink
    ) -> EventLoopFuture<Answer<Sink.Body>> {
        let eventLoop = client.eventLoopGroup.next()
        let prepared: HTTPClient.Request
        do {
            prepared = try HTTPClient.Request(url: request.url, method: request.method, headers: request.headers, body: request.body.map { .bytes($0) })
        } catch {
            return eventLoop.makeFailedFuture(HTTPRequestError(.invalidURL, url: original, "\(request.url.absoluteString) is not a URL that can be fetched"))
        }
        let delegate = ExchangeDelegate(sink: sink(), url: original, limits: limits)
        let task = client.execute(request: prepared, delegate: delegate, deadline: deadline)
        cancellation?.track { task.cancel() }
        return task.futureResult
            .flatMapError { error -> EventLoopFuture<ExchangeOutcome<Sink.Body>> in
                if let stopped = error as? HeadOnly { return task.eventLoop.makeSucceededFuture(.head(stopped.head)) }
                return task.eventLoop.makeFailedFuture(describe(error, url: original, limits: limits))
            }
            .flatMap { outcome -> EventLoopFuture<Answer<Sink.Body>> in
                switch outcome {
                case .body(let head, let body):
                    return task.eventLoop.makeSucceededFuture(Answer(url: request.url, head: head, body: body))
                case .head(let head):
                    guard isRedirect(head), let location = head.headers.first(name: "Location") else {
                        return task.eventLoop.makeSucceededFuture(Answer(url: request.url, head: head, body: nil))
                    }
                    let next: Request
                    do {
                        next = try redirected(request, status: head.status.code, location: location, original: original, redirects: redirects, limits: limits)
                    } catch {
                        return task.eventLoop.makeFailedFuture(error)
                    }
                    return hop(
                        next, original: original, redirects: redirects + 1, client: client, limits: limits, deadline: deadline,
                        cancellation: cancellation, sink: sink)
                }
            }
    }

    /// The request a redirect leads to, or why it is not followed.
    static func redirected(_ request: Request, status: UInt, location: String, original: String, redirects: Int, limits: Limits) throws -> Request {
        guard let resolved = URL(string: location.trimmingWhitespace(), relativeTo: request.url)?.absoluteURL,
            var components = URLComponents(url: resolved, resolvingAgainstBaseURL: false), let scheme = components.scheme?.lowercased()
        else {
            throw HTTPRequestError(.redirect, url: original, "the server redirected to '\(location)', which is not a URL")
        }
        guard scheme == "http" || scheme == "https" else {
            let what = scheme == "file" ? "a local file" : "a \(scheme): URL"
            throw HTTPRequestError(.redirect, url: original, "the server redirected to \(what) (\(resolved.absoluteString)); that is refused: only http: and https: redirects are followed")
        }
        guard components.host?.isEmpty == false else {
            throw HTTPRequestError(.redirect, url: original, "the server redirected to \(resolved.absoluteString), which has no host")
        }
        guard redirects < limits.maxRedirects else {
            throw HTTPRequestError(.redirect, url: original, "more than \(limits.maxRedirects) redirects (the last to \(resolved.absoluteString))")
        }
        components.scheme = scheme
        var next = request
        next.url = components.url ?? resolved
        // 303 always, and 301/302 after a POST as every browser does, continue with a GET without the body.
        if status == 303 || ((status == 301 || status == 302) && request.method == .POST) {
            if next.method != .HEAD { next.method = .GET }
            next.body = nil
            next.headers.remove(name: "Content-Type")
            next.headers.remove(name: "Content-Length")
        }
        // Credentials meant for one origin are not sent to another.
        if request.url.scheme?.lowercased() != scheme || request.url.host?.lowercased() != next.url.host?.lowercased() || request.url.port != next.url.port {
            for name in ["Authorization", "Cookie", "Proxy-Authorization"] { next.headers.remove(name: name) }
        }
        return next
    }
}
