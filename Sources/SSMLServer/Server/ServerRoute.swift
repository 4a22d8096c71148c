import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The request context of the server's routes: Hummingbird's, with the connection it came on (to notice a
/// client that gives up).
public struct ServerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// One route: a method, a path (`/assets/{name}`, as the OpenAPI document writes it) and its handler.
///
/// The server's routes are a table of these, so that the router, the 405 answers and the test that holds the
/// OpenAPI document to the router all read the same list.
public struct ServerRoute: Sendable {
    public typealias Handler = @Sendable (Request, ServerRequestContext) async throws -> Response

    public var method: HTTPRequest.Method
    public var path: String
    public var handler: Handler
    /// Whose OpenAPI document describes the route: nil for the server's own (`/openapi.json`), `vonage` or
    /// `seven` for the twins of those services' APIs (their own documents describe them).
    public var document: String?

    public init(_ method: HTTPRequest.Method, _ path: String, document: String? = nil, handler: @escaping Handler) {
        self.method = method
        self.path = path
        self.document = document
        self.handler = handler
    }

    /// Whether `requestPath` matches this route's path (`{name}` matches one segment).
    public func matches(path requestPath: String) -> Bool {
        let pattern = path.split(separator: "/", omittingEmptySubsequences: false)
        let parts = requestPath.split(separator: "/", omittingEmptySubsequences: false)
        guard pattern.count == parts.count else { return false }
        return zip(pattern, parts).allSatisfy { pattern, part in
            (pattern.hasPrefix("{") && pattern.hasSuffix("}") && !part.isEmpty) || pattern == part
        }
    }
}

/// What the server shares with route groups: the render service (its pool and queue), its configuration and its
/// logger.
public struct ServerServices: Sendable {
    public let render: RenderService
    public let configuration: ServerConfiguration
    public let logger: Logger
}

/// Routes mounted beside the render API, over the server's shared services.
///
/// This is where the API twins plug in: each is a group of routes over a call-simulation service that renders
/// on ``ServerServices/render`` (the one pool and queue) and keeps its calls; its long-running parts (timers,
/// webhooks) run as `services` in the server's service group, so SIGTERM drains them with the requests.
public protocol ServerRouteGroup: Sendable {
    /// The group's routes.
    func routes(_ services: ServerServices) -> [ServerRoute]
    /// Background services the group needs for as long as the server runs.
    func services(_ services: ServerServices) -> [any Service]
}
