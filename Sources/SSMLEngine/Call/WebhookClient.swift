import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SSMLCore

/// One HTTP request a simulated call sends to the user's application: an answer URL, an event webhook, a
/// seven.io callback.
public struct WebhookRequest: Sendable, Equatable {
    public var method: String
    /// The full URL, query included (a GET answer webhook carries its fields there).
    public var url: String
    /// `Content-Type` and the like; the client adds nothing but a `User-Agent`.
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

/// A ``WebhookClient`` over AsyncHTTPClient: any host, redirects not followed (Vonage and seven.io post to the
/// URL as given), a connect limit of 3 s (Vonage's), the answer read up to a size limit.
public final class HTTPWebhookClient: WebhookClient {
    private let client: HTTPClient
    /// Answers larger than this many bytes are refused.
    public let maxBytes: Int

    public init(maxBytes: Int = 1 << 20) {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(3)))
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.maxBytes = maxBytes
    }

    /// Closes the connections; call once when the call is over.
    public func shutdown() async {
        try? await client.shutdown()
    }

    public func send(_ request: WebhookRequest, timeout: Double) async throws -> WebhookResponse {
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw WebhookFailure(.badURL, "\(request.url) is not an http or https URL")
        }
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        outgoing.headers.add(name: "User-Agent", value: "swift-ssml call simulator (\(SSMLVersion.tool))")
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let deadline = NIODeadline.now() + .milliseconds(Int64(max(timeout, 0.001) * 1000))
        do {
            let response = try await client.execute(outgoing, deadline: deadline)
            if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBytes {
                throw WebhookFailure(.tooLarge, "the answer is \(length) bytes; the limit is \(maxBytes)")
            }
            let body = try await response.body.collect(upTo: maxBytes)
            let type = response.headers.first(name: "Content-Type").map {
                $0.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            }
            return WebhookResponse(status: Int(response.status.code), contentType: type, body: Data(webhookBody: body))
        } catch let failure as WebhookFailure {
            throw failure
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw WebhookFailure(.tooLarge, "the answer is larger than the limit of \(maxBytes) bytes")
        } catch let error as HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
                throw WebhookFailure(.timeout, "no answer within \(NCCOPlanner.seconds(timeout))")
            }
            throw WebhookFailure(.connection, "cannot reach \(url.host ?? request.url): \(error)")
        } catch {
            throw WebhookFailure(.connection, "cannot reach \(url.host ?? request.url): \(Self.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return text
    }
}

extension Data {
    init(webhookBody buffer: ByteBuffer) {
        self = Data(buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [])
    }
}
