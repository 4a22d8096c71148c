import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /`, `GET /assets/{name}` and `GET /openapi.json`: the preview page and the API's description, served
/// from files read at startup. Only files that are in the assets folder exist; a name is never joined into a
/// path, so nothing else on disk can be reached.
struct PageRoutes: Sendable {
    let assets: ServerAssets

    /// Everything the page loads comes from this server: no CDN, no inline script.
    static let pagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'"

    func page(_ request: Request, context: ServerRequestContext) async throws -> Response {
        try file("index.html", policy: Self.pagePolicy)
    }

    func asset(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard name != "index.html" else { return try file(name, policy: Self.pagePolicy) }
        return try file(name, policy: nil)
    }

    func openAPI(_ request: Request, context: ServerRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache", .accessControlAllowOrigin: "*"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: assets.openAPI)))
    }

    private func file(_ name: String, policy: String?) throws -> Response {
        guard let file = assets.web[name] else {
            throw APIError(.notFound, kind: "not-found", "there is no asset \(name)", field: "name")
        }
        var headers: HTTPFields = [.contentType: file.contentType, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff"]
        if let policy { headers[.contentSecurityPolicy] = policy }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
}
