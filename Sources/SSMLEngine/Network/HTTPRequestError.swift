import SSMLCore

/// Why an HTTP request gave no usable answer: a stable kind, and a message that names the URL and, for a
/// limit, the limit.
///
/// ```text
/// http://127.0.0.1:8080/hook: the body passes the limit of 1048576 bytes
/// ```
public struct HTTPRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable categories; scripts and callers may match on these.
    public enum Kind: String, Sendable {
        /// Not an `http:` or `https:` URL with a host.
        case invalidURL = "invalid-url"
        /// The host is unknown, refused the connection, or closed it early.
        case unreachable
        /// No progress for the idle timeout, or no complete answer by the deadline.
        case timeout
        /// The body passes the size limit (declared by `Content-Length`, or counted as it arrives).
        case tooLarge = "too-large"
        /// Too many redirects, or a redirect to a scheme other than `http:`/`https:` (a local file, say).
        case redirect
        /// The TLS handshake or certificate check failed.
        case tls
        /// The body is compressed in a way that is not decoded, or its compression is corrupt.
        case encoding
        /// The answer is not what the caller accepts (the wrong `Content-Type`, say).
        case refused
        /// The request was cancelled, or its client shut down.
        case cancelled
        /// The body could not be written locally.
        case io
    }

    public var kind: Kind
    /// The URL as requested, before any redirect.
    public var url: String
    /// Why, without the URL.
    public var reason: String

    public init(_ kind: Kind, url: String, _ reason: String) {
        self.kind = kind
        self.url = url
        self.reason = reason
    }

    /// `URL: reason`.
    public var message: String { "\(url): \(reason)" }

    public var description: String { message }
}

extension SSMLError {
    /// An error's words for a longer message: an ``SSMLError``'s message without its `error:` prefix.
    static func reason(of error: any Error) -> String {
        (error as? SSMLError)?.message ?? "\(error)"
    }
}
