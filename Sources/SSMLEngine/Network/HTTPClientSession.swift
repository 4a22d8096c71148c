import Foundation
import NIOCore
import NIOHTTP1

/// A small HTTP client for async code that calls webhooks and APIs (a call simulator posting events to an
/// `eventUrl`, fetching an `answer_url`), on the same AsyncHTTPClient as the audio fetcher.
///
/// Each request has a deadline (redirects included) and an idle timeout; the answer's body is collected in
/// memory up to a size limit counted as bytes arrive (never `Content-Length` trusted alone); redirects are
/// followed up to a limit and only to `http:`/`https:`. Answers of any status are returned (a webhook's
/// `4xx` body is information); failures to get an answer throw ``HTTPRequestError``. The client's thread
/// starts with the first request; call ``shutdown()`` when done. Cancelling the calling task cancels the
/// request.
///
/// ```swift
/// let session = HTTPClientSession()
/// let answer = try await session.postJSON(eventURL, json: Data(#"{"status":"answered"}"#.utf8))
/// if answer.status == 200 { print(String(decoding: answer.body, as: UTF8.self)) }
/// await session.shutdown()
/// ```
public final class HTTPClientSession: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Seconds a whole request may take, redirects included.
        public var deadline: Double = 10
        /// Seconds without progress (connecting, or between two reads) before a request is given up.
        public var idleTimeout: Double = 5
        /// Largest answer body accepted, in bytes.
        public var maxResponseBytes = 1024 * 1024
        /// Redirects followed before giving up.
        public var maxRedirects = 5
        public var userAgent = "swift-ssml"

        public init() {}
    }

    /// An answer: its status, where it came from after redirects, its headers and its body.
    public struct Response: Sendable {
        public var status: Int
        public var url: URL
        public var headers: [(name: String, value: String)]
        public var body: Data

        /// The first value of a header, by case-insensitive name.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    public let settings: Settings
    private let http: LazyHTTPClient

    public init(settings: Settings = Settings()) {
        self.settings = settings
        self.http = LazyHTTPClient(limits: Self.limits(settings))
    }

    /// A GET, with `query` added to the URL's own query items.
    public func get(_ url: URL, query: [URLQueryItem] = [], headers: [(String, String)] = []) async throws(HTTPRequestError) -> Response {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else {
            throw HTTPRequestError(.invalidURL, url: url.absoluteString, "not a URL that can be fetched")
        }
        if !query.isEmpty {
            // URLComponents leaves `&`, `=` and `+` in values as they are, which splits or changes them on the server.
            var allowed = CharacterSet.urlQueryAllowed
            allowed.remove(charactersIn: "&=+;")
            func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
            let added = query.map { URLQueryItem(name: encoded($0.name), value: $0.value.map(encoded)) }
            components.percentEncodedQueryItems = (components.percentEncodedQueryItems ?? []) + added
        }
        guard let target = components.url else { throw HTTPRequestError(.invalidURL, url: url.absoluteString, "not a URL that can be fetched") }
        return try await send(.GET, target, headers: headers, body: nil)
    }

    /// A POST of a JSON body (`Content-Type: application/json` unless `headers` say otherwise).
    public func postJSON(_ url: URL, json: Data, headers: [(String, String)] = []) async throws(HTTPRequestError) -> Response {
        var headers = headers
        if !headers.contains(where: { $0.0.caseInsensitiveCompare("Content-Type") == .orderedSame }) {
            headers.append(("Content-Type", "application/json"))
        }
        return try await send(.POST, url, headers: headers, body: json)
    }

    /// A POST of `value` encoded as JSON.
    public func postJSON(_ url: URL, encoding value: some Encodable & Sendable, headers: [(String, String)] = []) async throws(HTTPRequestError) -> Response {
        let json: Data
        do { json = try JSONEncoder().encode(value) } catch {
            throw HTTPRequestError(.invalidURL, url: url.absoluteString, "the body cannot be encoded as JSON: \(error)")
        }
        return try await postJSON(url, json: json, headers: headers)
    }

    /// Stops the client and its thread; requests still running fail as cancelled. The session may be used
    /// again afterwards (a new client starts).
    public func shutdown() async {
        await http.shutdown()
    }

    private func send(_ method: HTTPMethod, _ url: URL, headers: [(String, String)], body: Data?) async throws(HTTPRequestError) -> Response {
        let original = url.absoluteString
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", components.host?.isEmpty == false
        else {
            throw HTTPRequestError(.invalidURL, url: original, "only http: and https: URLs with a host can be requested")
        }
        components.scheme = scheme
        guard let target = components.url else { throw HTTPRequestError(.invalidURL, url: original, "not a URL that can be fetched") }
        var request = HTTPExchange.Request(method: method, url: target, headers: HTTPHeaders(headers), body: body)
        if !request.headers.contains(name: "User-Agent") { request.headers.add(name: "User-Agent", value: settings.userAgent) }
        // A compressed answer would be decompressed within the limit, but there is no reason to ask for one.
        if !request.headers.contains(name: "Accept-Encoding") { request.headers.add(name: "Accept-Encoding", value: "identity") }
        let limits = Self.limits(settings)
        let cancellation = HTTPExchange.Cancellation()
        let client = http.client()
        do {
            let answer = try await withTaskCancellationHandler {
                try await HTTPExchange.perform(request, client: client, limits: limits, cancellation: cancellation, sink: { BodyCollector() }).get()
            } onCancel: {
                cancellation.cancel()
            }
            var body = answer.body ?? ByteBuffer()
            return Response(
                status: Int(answer.head.status.code), url: answer.url, headers: answer.head.headers.map { (name: $0.name, value: $0.value) },
                body: Data(body.readBytes(length: body.readableBytes) ?? []))
        } catch {
            throw HTTPExchange.describe(error, url: original, limits: limits)
        }
    }

    private static func limits(_ settings: Settings) -> HTTPExchange.Limits {
        HTTPExchange.Limits(
            idleTimeout: settings.idleTimeout, deadline: settings.deadline, maxBytes: settings.maxResponseBytes, maxRedirects: settings.maxRedirects)
    }
}
