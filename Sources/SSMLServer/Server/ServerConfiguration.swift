import Foundation
import SSMLCore
import SSMLEngine

/// Everything `ssml serve` can be told: where to listen, how many workers, the limits, and what audio a request
/// may use.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 takes a free port (printed on startup).
    public var port = 8080
    /// PEM files for HTTPS.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Render workers (processes); default: one per core.
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    /// Requests that may wait for a worker beyond those being rendered; the rest are answered 503 at once.
    /// Default: 8 per worker.
    public var queueLength: Int?
    /// Largest request body in bytes: the library's input limit, and room for a JSON envelope around it.
    public var maxBodyBytes = Limits.standard.maxInputBytes + 1024 * 1024
    /// Seconds a render request may take in all, waiting for a worker included (then 504).
    public var renderTimeout = 60.0
    /// Seconds a client may take to send its request body (then 408).
    public var bodyTimeout = 30.0
    /// Seconds without a request before an idle keep-alive connection is closed.
    public var idleTimeout = 75.0
    /// Longest audio one request may render, in seconds (the library's own limit is 4 hours).
    public var maxOutputSeconds = 600.0
    /// The only folder local audio (`<audio src>`, `streamUrl`) may come from; nil allows none.
    public var audioDirectory: URL?
    /// How `http(s)` audio is downloaded; nil refuses remote audio.
    public var fetch: FetchSettings? = FetchSettings(cacheDirectory: nil)
    /// The render worker executable (default: found as `ssml` finds it).
    public var workerExecutable: URL?
    /// The data files (voice catalog, dialects); default: found as `ssml` finds them.
    public var data: DataFiles?
    /// The page and the OpenAPI document; default: found beside the executable or in the checkout.
    public var assets: URL?
    /// The API twins of seven.io and Vonage (`/api/voice`, `/v1/calls`, `/_twin/calls`); nil serves none.
    public var twin: TwinConfiguration? = TwinConfiguration()

    public init() {}

    /// The queue length in effect.
    public var effectiveQueueLength: Int { queueLength ?? 8 * max(1, workers) }

    /// The limits of a request's render: the library's, with the output capped for a server.
    public var limits: Limits {
        var limits = Limits.standard
        limits.maxOutputSeconds = maxOutputSeconds
        return limits
    }
}
