import Foundation
import SSMLCore
import Synchronization

/// One HTTP request a simulated call sends to the user's application: an answer URL, an event webhook, a
/// seven.io callback.
public struct WebhookRequest: Sendable, Equatable {
    public var method: String
    /// The full URL, query included (a GET answer webhook carries its fields there).
    public var url: String
    /// `Content-Type` and the like; the client adds only `User-Agent` and `Accept-Encoding: identity`.
    public var headers: [(String, String)]
    public var body: Data?

    public init(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public static func == (a: WebhookRequest, b: WebhookRequest) -> Bool {
        a.method == b.method && a.url == b.url && a.body == b.body && a.headers.map { "\($0.0): \($0.1)" } == b.headers.map { "\($0.0): \($0.1)" }
    }
}

/// What the application answered.
public struct WebhookResponse: Sendable, Equatable {
    public var status: Int
    /// `Content-Type`, lowercased, without parameters; nil when absent.
    public var contentType: String?
    public var body: Data

    public init(status: Int, contentType: String? = nil, body: Data = Data()) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// Why a webhook got no answer at all.
public struct WebhookFailure: Error, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Nothing accepted the connection (refused, unknown host).
        case connection
        /// No complete answer within the time limit.
        case timeout
        /// The answer was larger than the size limit.
        case tooLarge = "too-large"
        /// A URL the client cannot send to.
        case badURL = "bad-url"
        /// An answer that cannot be used (a redirect away from http/https, a body encoding that is not decoded).
        case unusable
    }
    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}

/// Sends a simulated call's webhooks. The call never talks HTTP itself, so tests answer in process and the
/// transport can change without touching the call.
public protocol WebhookClient: Sendable {
    /// Sends `request` and returns the answer; throws ``WebhookFailure`` when there is none (no connection, no
    /// answer within `timeout` seconds, an answer over the size limit).
    func send(_ request: WebhookRequest, timeout: Double) async throws -> WebhookResponse
}

/// A ``WebhookClient`` on the codebase's one HTTP client, ``HTTPClientSession``: any host, the session's
/// byte cap on answers (counted as they arrive), redirects followed only to `http:`/`https:`, and the call's
/// webhook timeout as the deadline of each request (connection, redirects and body included).
///
/// Sessions are kept per timeout, so a call that asks for one timeout uses one client and its connections.
public final class HTTPWebhookClient: WebhookClient {
    /// Answers larger than this many bytes are refused.
    public let maxBytes: Int
    private let sessions = Mutex<[Double: HTTPClientSession]>([:])

    public init(maxBytes: Int = 1 << 20) {
        self.maxBytes = maxBytes
    }

    /// Closes the connections and the client's thread; call once when the call is over.
    public func shutdown() async {
        let running = sessions.withLock { sessions in
            defer { sessions = [:] }
            return Array(sessions.values)
        }
        for session in running { await session.shutdown() }
    }

    func session(timeout: Double) -> HTTPClientSession {
        let timeout = max(timeout, 0.001)
        return sessions.withLock { sessions in
            if let session = sessions[timeout] { return session }
            var settings = HTTPClientSession.Settings()
            settings.deadline = timeout
            // A slow application that says nothing until it answers is still within the webhook timeout.
            settings.idleTimeout = timeout
            settings.maxResponseBytes = maxBytes
            settings.userAgent = "swift-ssml call simulator (\(SSMLVersion.tool))"
            let session = HTTPClientSession(settings: settings)
            sessions[timeout] = session
            return session
        }
    }

    public func send(_ request: WebhookRequest, timeout: Double) async throws -> WebhookResponse {
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw WebhookFailure(.badURL, "\(request.url) is not an http or https URL")
        }
        let session = session(timeout: timeout)
        let response: HTTPClientSession.Response
        do {
            switch request.method {
            case "GET": response = try await session.get(url, headers: request.headers)
            case "POST": response = try await session.postJSON(url, json: request.body ?? Data(), headers: request.headers)
            default: throw WebhookFailure(.badURL, "\(request.method) is not a method the services use (GET or POST)")
            }
        } catch let error as HTTPRequestError {
            throw WebhookFailure(error, timeout: timeout, maxBytes: maxBytes)
        }
        let type = response.header("Content-Type").map {
            $0.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() } ?? ""
        }
        return WebhookResponse(status: response.status, contentType: type, body: response.body)
    }
}

extension WebhookFailure {
    /// The session's reasons in the words of a call: what Vonage would see (no connection, no answer in time).
    init(_ error: HTTPRequestError, timeout: Double, maxBytes: Int) {
        switch error.kind {
        case .invalidURL: self.init(.badURL, error.message)
        case .timeout:
            // The session says "no complete answer within …" or "no progress for …": the first repeats the limit.
            let detail = error.reason.contains("within") ? "" : " (\(error.reason))"
            self.init(.timeout, "no answer within \(NCCOPlanner.seconds(timeout))\(detail)")
        case .tooLarge: self.init(.tooLarge, "the answer is larger than the limit of \(maxBytes) bytes")
        case .unreachable, .tls, .cancelled: self.init(.connection, "cannot reach \(error.message)")
        case .redirect, .encoding, .refused, .io: self.init(.unusable, error.message)
        }
    }
}
