import HTTPTypes
import Hummingbird
import Logging

/// Answers every failure as a JSON ``APIError``: the server's own, Hummingbird's (a body too large, an unknown
/// path: 404, or 405 with `Allow` when the path exists for other methods), and anything unexpected (500, with
/// the details in the log, not in the answer).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext

    let routes: [ServerRoute]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            return try translate(error, request: request).response(from: request, context: context)
        } catch is CancellationError {
            // The server is stopping or the client left: the answer is unlikely to be read.
            return try APIError(.serviceUnavailable, kind: "cancelled", "the request was cancelled").response(from: request, context: context)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            return try APIError(.internalServerError, kind: "internal", "the server failed to answer this request").response(from: request, context: context)
        }
    }

    private func translate(_ error: HTTPError, request: Request) -> APIError {
        let path = request.uri.path
        switch error.status {
        case .notFound:
            let methods = routes.filter { $0.matches(path: path) }.map(\.method)
            if !methods.isEmpty {
                let allowed = (methods.contains(.get) ? methods + [.head] : methods).map(\.rawValue)
                return APIError(
                    .methodNotAllowed, kind: "method-not-allowed", "\(request.method.rawValue) is not allowed on \(path) (use \(allowed.joined(separator: ", ")))",
                    headers: [.allow: allowed.joined(separator: ", ")])
            }
            return APIError(.notFound, kind: "not-found", "there is no \(path) here (the routes are listed at /openapi.json)")
        case .contentTooLarge:
            return APIError(.contentTooLarge, kind: "payload-too-large", error.body ?? "the request body is too large", field: "body")
        default:
            return APIError(error.status, kind: "http", error.body ?? error.status.reasonPhrase)
        }
    }
}
