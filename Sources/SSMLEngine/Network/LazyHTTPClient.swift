import AsyncHTTPClient
import NIOCore
import NIOPosix
import Synchronization

/// An AsyncHTTPClient with its own event-loop thread, started by the first request and stopped by
/// `shutdown`: a render that fetches nothing starts no thread, and a stopped client leaves none behind.
///
/// After `shutdown` the next request starts a new one, so an owner may be reused.
final class LazyHTTPClient: Sendable {
    private struct Running: Sendable {
        var group: MultiThreadedEventLoopGroup
        var client: HTTPClient
    }

    /// Makes the configuration when the client starts: building one looks up the process's tracer, which costs a
    /// render that fetches nothing a search of all the executable's protocol conformances.
    private let configuration: @Sendable () -> HTTPClient.Configuration
    private let running = Mutex<Running?>(nil)

    init(configuration: @escaping @Sendable () -> HTTPClient.Configuration) {
        self.configuration = configuration
    }

    /// The client for AsyncHTTPClient with these limits: connect and idle timeouts, no redirects of its
    /// own (``HTTPExchange`` follows them), no retry of a refused connection (a server that is down is
    /// reported at once), and a body that the server compressed although asked not to decompressed only up to
    /// `maxBytes`.
    convenience init(limits: HTTPExchange.Limits) {
        self.init {
            let idle = TimeAmount.nanoseconds(Int64(limits.idleTimeout * 1e9))
            var configuration = HTTPClient.Configuration(
                redirectConfiguration: .disallow, timeout: .init(connect: idle, read: idle),
                decompression: .enabled(limit: .size(limits.maxBytes)))
            configuration.connectionPool.retryConnectionEstablishment = false
            return configuration
        }
    }

    /// Whether a client (and its thread) is running now.
    var isStarted: Bool { running.withLock { $0 != nil } }

    /// The running client, started if needed.
    func client() -> HTTPClient {
        running.withLock { running in
            if let running { return running.client }
            // One thread: a render fetches a handful of files, and the thread only moves bytes.
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let client = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration())
            running = Running(group: group, client: client)
            return client
        }
    }

    /// Stops the client and its thread, failing requests still running; waits until both are gone.
    /// Must not be called on the client's own event loop.
    func shutdownAndWait() {
        guard
            let stopping = running.withLock({ running in
                defer { running = nil }
                return running
            })
        else { return }
        try? stopping.client.syncShutdown()
        try? stopping.group.syncShutdownGracefully()
    }

    /// The same, for async callers.
    func shutdown() async {
        guard
            let stopping = running.withLock({ running in
                defer { running = nil }
                return running
            })
        else { return }
        try? await stopping.client.shutdown()
        try? await stopping.group.shutdownGracefully()
    }

    deinit {
        // An owner dropped without `shutdown`: stop without blocking (deinit may run anywhere).
        guard let stopping = running.withLock({ $0 }) else { return }
        stopping.client.shutdown { _ in stopping.group.shutdownGracefully { _ in } }
    }
}
