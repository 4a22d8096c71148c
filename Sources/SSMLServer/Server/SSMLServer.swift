import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import SSMLCore
import SSMLEngine
import ServiceLifecycle

/// `ssml serve`: the render API, lint, the voice catalog, the OpenAPI document and the preview page, over one
/// shared render worker pool.
///
/// ```swift
/// var configuration = ServerConfiguration()
/// configuration.port = 0
/// let server = try SSMLServer(configuration: configuration, logger: Logger(label: "ssml-serve"))
/// try await server.run { url in print("listening on \(url)") }   // until SIGTERM or SIGINT: then it drains
/// ```
///
/// Renders are stateless: any number of servers behind a load balancer answer alike.
public final class SSMLServer: Sendable {
    public let configuration: ServerConfiguration
    public let services: ServerServices
    public let assets: ServerAssets
    /// Every route the server answers, the route groups' included.
    public let routes: [ServerRoute]
    private let groups: [any ServerRouteGroup]

    /// Starts the render workers and reads the data files and assets; nothing listens until ``run(onRunning:)``.
    public init(configuration: ServerConfiguration, logger: Logger, groups: [any ServerRouteGroup] = []) throws {
        self.configuration = configuration
        let data = try configuration.data ?? DataFiles.locate()
        var engine = try Engine(catalog: data.catalog(), styles: data.vonageStyles(), data: data, limits: configuration.limits)
        engine.localAudio = configuration.audioDirectory.map { .within($0) } ?? .none
        assets = try ServerAssets(folder: configuration.assets ?? ServerAssets.locate())
        let pool = try RenderWorkerPool(size: configuration.workers, executable: configuration.workerExecutable)
        let queue = RenderQueue(concurrency: pool.size, capacity: configuration.effectiveQueueLength)
        let render = RenderService(
            engine: engine, pool: pool, queue: queue, fetchSettings: configuration.fetch, timeLimit: .milliseconds(Int64(configuration.renderTimeout * 1000)))
        let services = ServerServices(render: render, configuration: configuration, logger: logger)
        self.services = services
        var groups = groups
        if let twin = configuration.twin { groups.insert(try Twin(configuration: twin, services: services), at: 0) }
        self.groups = groups
        routes = Self.routes(services: services, assets: assets) + groups.flatMap { $0.routes(services) }
        // libxml2 initialises its globals on first use; do that here, before requests parse on many threads.
        _ = try? engine.plan(RenderJob(input: JobInput(ssml: "<speak>ready</speak>")), log: DiagnosticLog())
    }

    /// The server's own routes (the OpenAPI document describes exactly these).
    static func routes(services: ServerServices, assets: ServerAssets) -> [ServerRoute] {
        let render = RenderRoute(services: services)
        let lint = LintRoute(
            services: services, limiter: RenderQueue(concurrency: ProcessInfo.processInfo.activeProcessorCount, capacity: 64))
        let catalog = CatalogRoutes(services: services)
        let page = PageRoutes(assets: assets)
        return [
            ServerRoute(.get, "/", handler: page.page),
            ServerRoute(.get, "/assets/{name}", handler: page.asset),
            ServerRoute(.get, "/openapi.json", handler: page.openAPI),
            ServerRoute(.get, "/healthz", handler: catalog.health),
            ServerRoute(.get, "/voices", handler: catalog.voices),
            ServerRoute(.get, "/dialects", handler: catalog.dialects),
            ServerRoute(.post, "/render", handler: render.handle),
            ServerRoute(.post, "/lint", handler: lint.handle),
        ]
    }

    /// The HTTP application, as a service of a service group.
    public func application(onRunning: @escaping @Sendable (URL) -> Void = { _ in }) throws -> some Service {
        let router = Router(context: ServerRequestContext.self, options: [.autoGenerateHeadEndpoints])
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ErrorMiddleware(routes: routes))
        for route in routes {
            let handler = route.handler
            router.on(RouterPath(route.path), method: route.method) { request, context in try await handler(request, context) }
        }
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ClientCloseWatcher()], idleTimeout: .milliseconds(Int64(configuration.idleTimeout * 1000)))
        let server: HTTPServerBuilder
        let scheme: String
        if let certificate = configuration.tlsCertificate, let key = configuration.tlsKey {
            server = try .tls(.http1(configuration: http1), tlsConfiguration: Self.tls(certificate: certificate, key: key))
            scheme = "https"
        } else {
            server = .http1(configuration: http1)
            scheme = "http"
        }
        let host = configuration.host
        return Application(
            router: router, server: server, configuration: ApplicationConfiguration(address: .hostname(host, port: configuration.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let shown = host.contains(":") ? "[\(host)]" : host
                onRunning(URL(string: "\(scheme)://\(shown):\(port)")!)
            },
            logger: services.logger)
    }

    /// Listens until SIGTERM, SIGINT or SIGHUP, then stops taking connections, lets the requests in flight finish
    /// (for at most the render time limit and 10 s more) and returns. `onRunning` gets the address once listening.
    public func run(onRunning: @escaping @Sendable (URL) -> Void = { _ in }) async throws {
        let application = try application(onRunning: onRunning)
        var group = ServiceGroupConfiguration(
            // Shut down in reverse order: the HTTP server first (it drains), then what the route groups run.
            services: groups.flatMap { $0.services(services) }.map { .init(service: $0) } + [.init(service: application)],
            gracefulShutdownSignals: [.sigterm, .sigint, .sighup],
            logger: services.logger)
        group.maximumGracefulShutdownDuration = .milliseconds(Int64((configuration.renderTimeout + 10) * 1000))
        try await ServiceGroup(configuration: group).run()
    }

    /// The TLS settings for a PEM certificate chain and private key.
    static func tls(certificate: String, key: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificate) } catch {
            throw SSMLError(.usage, "cannot read the TLS certificate \(certificate) (a PEM file): \(error)")
        }
        guard !chain.isEmpty else { throw SSMLError(.usage, "the TLS certificate file \(certificate) holds no certificate") }
        let privateKey: NIOSSLPrivateKey
        do { privateKey = try NIOSSLPrivateKey(file: key, format: .pem) } catch {
            throw SSMLError(.usage, "cannot read the TLS private key \(key) (a PEM file): \(error)")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
    }
}
