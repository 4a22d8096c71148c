import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL
import SSMLCore

extension HTTPExchange {
    /// What went wrong, in words a user can act on, with a stable kind: AsyncHTTPClient's and NIO's errors
    /// name internals ("HTTPClientError.readTimeout", "NIOConnectionError(...)").
    static func describe(_ error: any Error, url: String, limits: Limits) -> HTTPRequestError {
        if let error = error as? HTTPRequestError { return error }
        func failure(_ kind: HTTPRequestError.Kind, _ reason: String) -> HTTPRequestError { HTTPRequestError(kind, url: url, reason) }
        let idle = NCCOPlanner.seconds(limits.idleTimeout)
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .readTimeout: return failure(.timeout, "the server stopped answering for \(idle) (timed out)")
            case .connectTimeout: return failure(.timeout, "no connection to the server within \(idle) (timed out)")
            case .tlsHandshakeTimeout: return failure(.timeout, "the TLS handshake did not finish within \(idle) (timed out)")
            case .deadlineExceeded:
                return failure(.timeout, "no complete answer within \(NCCOPlanner.seconds(limits.deadline))\(limits.deadlineSuffix)")
            case .remoteConnectionClosed: return failure(.unreachable, "the server closed the connection before the answer was complete")
            case .cancelled: return failure(.cancelled, "the request was cancelled")
            case .alreadyShutdown: return failure(.cancelled, "the HTTP client was shut down")
            case .invalidURL, .emptyHost, .emptyScheme: return failure(.invalidURL, "not a URL that can be fetched")
            default: return failure(.unreachable, "\(error)")
            }
        case let error as NIOConnectionError:
            if error.dnsAError != nil || error.dnsAAAAError != nil { return failure(.unreachable, "cannot find the host \(error.host)") }
            let reasons = Set(error.connectionErrors.map { reason(of: $0.error) }).sorted()
            return failure(.unreachable, "cannot connect to \(error.host):\(error.port)" + (reasons.isEmpty ? "" : " (\(reasons.joined(separator: ", ")))"))
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return failure(.tls, "the TLS connection failed (\(error))")
        case let error as NIOHTTPDecompression.DecompressionError:
            if case .limit = error {
                return failure(.tooLarge, "the body, decompressed, passes the limit of \(limits.maxBytes) bytes\(limits.maxBytesSuffix)")
            }
            return failure(.encoding, "the compressed body cannot be decoded (\(error))")
        case is NIOHTTPDecompression.ExtraDecompressionError:
            return failure(.encoding, "the compressed body cannot be decoded (\(error))")
        case is HTTPParserError:
            return failure(.unreachable, "the answer is not valid HTTP (\(error))")
        case let error as IOError:
            if [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL].contains(error.errnoCode), let target = URL(string: url), let host = target.host {
                let port = target.port ?? (target.scheme?.lowercased() == "https" ? 443 : 80)
                return failure(.unreachable, "cannot connect to \(host):\(port) (\(reason(of: error)))")
            }
            return failure(.unreachable, "the connection failed: \(reason(of: error))")
        case is ChannelError:
            return failure(.unreachable, "the connection was lost")
        default:
            return failure(.unreachable, "\(error)")
        }
    }

    private static func reason(of error: any Error) -> String {
        if let error = error as? IOError { return Posix.reason(error.errnoCode) }
        return "\(error)"
    }
}
