import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// One log line per request, once it is answered: method, path, status, milliseconds, and for renders the time
/// spent waiting for a worker and rendering (from `Server-Timing`).
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let level: Logger.Level = response.status.code >= 500 && response.status.code != 503 ? .error : .info
        // The line's fields are made only when it is written: a server logging warnings only (a load test, a busy
        // production server) pays nothing per request for them.
        guard context.logger.logLevel <= level else { return response }
        let elapsed = RenderService.seconds(ContinuousClock.now - start) * 1000
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)",
            "path": "\(request.uri.path)",
            "status": "\(response.status.code)",
            "ms": "\(String(format: "%.1f", elapsed))",
        ]
        if let length = response.body.contentLength { metadata["bytes"] = "\(length)" }
        if let timing = response.headers[.serverTiming] {
            for part in timing.split(separator: ",") {
                let pieces = part.split(separator: ";").map { $0.trimmingWhitespace() }
                guard pieces.count == 2, pieces[1].hasPrefix("dur=") else { continue }
                metadata["\(pieces[0])_ms"] = "\(pieces[1].dropFirst(4))"
            }
        }
        context.logger.log(level: level, "request", metadata: metadata)
        return response
    }
}
