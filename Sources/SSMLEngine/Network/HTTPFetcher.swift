import Foundation
import SSMLCore
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Limits and cache of ``HTTPFetcher``.
public struct FetchSettings: Sendable, Equatable {
    /// Seconds without any progress (connecting, or between two reads) before a download is given up.
    public var idleTimeout: Double = 10
    /// Seconds a whole download may take, redirects included.
    public var deadline: Double = 30
    /// Largest body accepted, in bytes.
    public var maxBytes = 50 * 1024 * 1024
    /// Redirects followed before giving up.
    public var maxRedirects = 5
    /// Where downloads are kept between runs; nil downloads every time and keeps nothing.
    public var cacheDirectory: URL?

    public init(cacheDirectory: URL? = nil) { self.cacheDirectory = cacheDirectory }

    /// `$SSML_CACHE_DIR`, else `$XDG_CACHE_HOME/swift-ssml`, else `~/.cache/swift-ssml`.
    public static func defaultCacheDirectory(environment: [String: String]) -> URL {
        if let explicit = environment["SSML_CACHE_DIR"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("swift-ssml")
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".cache/swift-ssml")
    }
}

/// Downloads remote audio with URLSession (FoundationNetworking): bounded in time and size, redirects
/// limited, bodies checked to be audio, and kept in an on-disk cache revalidated with ETag / Last-Modified.
///
/// The cache honours `Cache-Control: max-age` (fresh copies are used without a request), `no-cache`
/// (always revalidated) and `no-store` (never written). A server that cannot be reached while a stale copy
/// is cached gives that copy, with a warning.
public final class HTTPFetcher: AudioFetcher, Sendable {
    public let settings: FetchSettings
    private let scratch = Mutex<URL?>(nil)
    /// What this fetcher has already fetched, by URL.
    private let fetched = Mutex<[String: Result<FetchedAudio, any Error>]>([:])

    public init(settings: FetchSettings) {
        self.settings = settings
    }

    /// Removes the temporary files of uncached downloads. Call once the render is done.
    public func cleanUp() {
        scratch.withLock { directory in
            if let directory {
                try? FileManager.default.removeItem(at: directory)
                Interruption.unregister(directory.path)
            }
            directory = nil
        }
        fetched.withLock { $0.removeAll() }
    }

    public func fetch(_ url: URL) throws -> FetchedAudio {
        // A URL named twice in one document or NCCO is fetched once per run; a failure is not retried (a slow
        // server named ten times would otherwise cost ten timeouts).
        if let known = fetched.withLock({ $0[url.absoluteString] }) { return try known.get() }
        let result = Result { try download(url) }
        fetched.withLock { $0[url.absoluteString] = result }
        return try result.get()
    }

    private func download(_ url: URL) throws -> FetchedAudio {
        let name = url.absoluteString
        let cache = settings.cacheDirectory.map { HTTPCache(directory: $0.appendingPathComponent("http")) }
        let entry = cache?.entry(for: name)
        if let entry, let body = cache?.body(of: entry), entry.isFresh(now: Date()) {
            return FetchedAudio(file: body)
        }

        var request = URLRequest(url: url)
        request.setValue("swift-ssml", forHTTPHeaderField: "User-Agent")
        if let entry, cache?.body(of: entry) != nil {
            if let etag = entry.etag { request.setValue(etag, forHTTPHeaderField: "If-None-Match") }
            if let modified = entry.lastModified { request.setValue(modified, forHTTPHeaderField: "If-Modified-Since") }
        }
        let directory = try cache?.prepare() ?? scratchDirectory()
        let download: Download
        do {
            download = try Download.run(request, into: directory, settings: settings)
        } catch let error as SSMLError {
            if let entry, let body = cache?.body(of: entry) {
                return FetchedAudio(file: body, warning: "\(error.message); using the copy cached \(Self.age(since: entry.storedAt))")
            }
            throw error
        }
        defer { try? FileManager.default.removeItem(at: download.file) }

        let status = download.response.statusCode
        let policy = CachePolicy(header: download.header("Cache-Control"))
        if status == 304, let cache, var entry, let body = cache.body(of: entry) {
            entry.storedAt = Date().timeIntervalSince1970
            entry.maxAge = policy.maxAge
            entry.noCache = policy.noCache
            try? cache.save(entry)
            return FetchedAudio(file: body)
        }
        guard (200..<300).contains(status) else {
            let reason = HTTPURLResponse.localizedString(forStatusCode: status)
            throw SSMLError(.audioSource, "\(name): the server answered HTTP \(status) \(reason)")
        }
        let contentType = download.header("Content-Type")?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let contentType, contentType.hasPrefix("text/") || ["application/json", "application/xml", "application/xhtml+xml"].contains(contentType) {
            throw SSMLError(.audioSource, "\(name): the server sent \(contentType), not audio (an error or login page?)")
        }
        // The extension helps the decoder; the content decides.
        let body = directory.appendingPathComponent("\(HTTPCache.key(name))-\(UUID().uuidString.prefix(8)).\(Self.fileExtension(url: url, contentType: contentType))")
        try FileManager.default.moveItem(at: download.file, to: body)
        if var problem = SndFileDecoder().problem(with: body) {
            try? FileManager.default.removeItem(at: body)
            // The decoder names the file: here that is an internal download name, which means nothing to the user.
            let internalName = "cannot decode \(body.path): "
            if problem.hasPrefix(internalName) { problem.removeFirst(internalName.count) }
            throw SSMLError(.audioSource, "\(name): the download (\(download.bytes) bytes\(contentType.map { ", \($0)" } ?? "")) is not audio libsndfile can decode: \(problem)")
        }
        guard let cache, !policy.noStore else {
            if cache != nil {
                // no-store: the body must not stay in the cache; it moves to this run's scratch folder.
                let scratchBody = try scratchDirectory().appendingPathComponent(body.lastPathComponent)
                try FileManager.default.moveItem(at: body, to: scratchBody)
                return FetchedAudio(file: scratchBody)
            }
            return FetchedAudio(file: body)
        }
        let stored = HTTPCache.Entry(
            url: name, file: body.lastPathComponent, etag: download.header("ETag"), lastModified: download.header("Last-Modified"),
            storedAt: Date().timeIntervalSince1970, maxAge: policy.maxAge, noCache: policy.noCache)
        try cache.save(stored)
        if let entry, entry.file != stored.file { try? FileManager.default.removeItem(at: cache.directory.appendingPathComponent(entry.file)) }
        return FetchedAudio(file: body)
    }

    private func scratchDirectory() throws -> URL {
        try scratch.withLock { directory in
            if let directory { return directory }
            let made = FileManager.default.temporaryDirectory.appendingPathComponent("ssml-fetch-\(getpid())-\(UUID().uuidString)")
            do { try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true) } catch {
                throw SSMLError(.io, "cannot create a folder for downloads: \(error.localizedDescription)")
            }
            Interruption.register(made.path)
            directory = made
            return made
        }
    }

    static func fileExtension(url: URL, contentType: String?) -> String {
        let fromPath = url.pathExtension.lowercased()
        if !fromPath.isEmpty, fromPath.count <= 5, fromPath.allSatisfy({ $0.isLetter || $0.isNumber }) { return fromPath }
        switch contentType {
        case "audio/mpeg", "audio/mp3": return "mp3"
        case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave": return "wav"
        case "audio/flac", "audio/x-flac": return "flac"
        case "audio/ogg", "application/ogg", "audio/opus": return "ogg"
        default: return "audio"
        }
    }

    static func age(since storedAt: Double) -> String {
        let seconds = max(0, Int(Date().timeIntervalSince1970 - storedAt))
        if seconds < 120 { return "\(seconds) s ago" }
        if seconds < 7200 { return "\(seconds / 60) min ago" }
        if seconds < 172_800 { return "\(seconds / 3600) h ago" }
        return "\(seconds / 86400) days ago"
    }
}

/// `Cache-Control` as far as a private cache of audio files needs it.
struct CachePolicy: Equatable {
    var maxAge: Double?
    var noCache = false
    var noStore = false

    init(header: String?) {
        for directive in (header ?? "").split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            switch parts.first {
            case "no-store": noStore = true
            case "no-cache": noCache = true
            case "max-age":
                if parts.count == 2, let seconds = Double(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))), seconds >= 0 { maxAge = seconds }
            default: break
            }
        }
    }
}

/// The on-disk cache: per URL a body file and a small JSON record of its validators, each written atomically
/// (temporary file, then rename), so a reader never sees half a file.
struct HTTPCache {
    let directory: URL

    struct Entry: Codable, Equatable {
        var url: String
        /// The body's file name inside the cache folder.
        var file: String
        var etag: String?
        var lastModified: String?
        /// Seconds since 1970 when the body was last confirmed by the server.
        var storedAt: Double
        var maxAge: Double?
        var noCache: Bool

        func isFresh(now: Date) -> Bool {
            guard !noCache, let maxAge else { return false }
            return now.timeIntervalSince1970 - storedAt < maxAge
        }
    }

    /// A stable file name for a URL (FNV-1a, 64 bits); the record keeps the URL, so a collision is a miss.
    static func key(_ url: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in url.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    func recordURL(for url: String) -> URL { directory.appendingPathComponent("\(Self.key(url)).json") }

    func entry(for url: String) -> Entry? {
        guard let data = try? Data(contentsOf: recordURL(for: url)), let entry = try? JSONDecoder().decode(Entry.self, from: data), entry.url == url else {
            return nil
        }
        return entry
    }

    func body(of entry: Entry) -> URL? {
        // A record names a file inside the cache folder only: a tampered name with path parts is a miss.
        guard !entry.file.isEmpty, !entry.file.contains("/"), entry.file != ".", entry.file != ".." else { return nil }
        let url = directory.appendingPathComponent(entry.file)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    func prepare() throws -> URL {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw SSMLError(.io, "cannot create the download cache \(directory.path): \(error.localizedDescription) (set SSML_CACHE_DIR, or use --no-cache)")
        }
        return directory
    }

    func save(_ entry: Entry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            try encoder.encode(entry).write(to: recordURL(for: entry.url), options: .atomic)
        } catch {
            throw SSMLError(.io, "cannot write the download cache \(directory.path): \(error.localizedDescription)")
        }
    }
}

/// One HTTP exchange streamed to a file, with the limits enforced as bytes arrive.
struct Download {
    var response: HTTPURLResponse
    var file: URL
    var bytes: Int

    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        for (key, value) in response.allHeaderFields {
            if let key = key as? String, key.lowercased() == wanted { return value as? String }
        }
        return nil
    }

    static func run(_ request: URLRequest, into directory: URL, settings: FetchSettings) throws -> Download {
        let name = request.url?.absoluteString ?? "?"
        let file = directory.appendingPathComponent(".download-\(getpid())-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: file.path, contents: nil), let handle = FileHandle(forWritingAtPath: file.path) else {
            throw SSMLError(.io, "cannot write a download into \(directory.path)")
        }
        Interruption.register(file.path)
        defer { Interruption.unregister(file.path) }
        let state = DownloadState(handle: handle, settings: settings)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = settings.idleTimeout
        configuration.timeoutIntervalForResource = settings.deadline
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: state, delegateQueue: queue)
        var request = request
        request.timeoutInterval = settings.idleTimeout
        let task = session.dataTask(with: request)
        task.resume()
        let finished = state.done.wait(timeout: .now() + settings.deadline) == .success
        if !finished {
            state.fail("no complete answer within \(NCCOPlanner.seconds(settings.deadline)) (--fetch-timeout)")
            task.cancel()
            _ = state.done.wait(timeout: .now() + 2)
        }
        session.invalidateAndCancel()
        try? handle.close()
        let outcome = state.outcome()
        func discard() { try? FileManager.default.removeItem(at: file) }
        if let reason = outcome.failure {
            discard()
            throw SSMLError(.audioSource, "\(name): \(reason)")
        }
        if let error = outcome.error {
            discard()
            throw SSMLError(.audioSource, "\(name): \(Self.describe(error, settings: settings))")
        }
        guard let response = outcome.response else {
            discard()
            throw SSMLError(.audioSource, "\(name): no HTTP answer")
        }
        return Download(response: response, file: file, bytes: outcome.bytes)
    }

    static func describe(_ error: any Error, settings: FetchSettings) -> String {
        let error = error as NSError
        switch error.code {
        case NSURLErrorTimedOut: return "the server stopped answering for \(NCCOPlanner.seconds(settings.idleTimeout)) (timed out)"
        case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed: return "cannot find the host"
        case NSURLErrorCannotConnectToHost: return "cannot connect to the server"
        case NSURLErrorNetworkConnectionLost: return "the connection was lost"
        case NSURLErrorHTTPTooManyRedirects: return "more than \(settings.maxRedirects) redirects"
        case NSURLErrorNotConnectedToInternet: return "no network"
        case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateUntrusted, NSURLErrorServerCertificateHasBadDate,
            NSURLErrorServerCertificateNotYetValid, NSURLErrorServerCertificateHasUnknownRoot:
            return "the TLS connection failed (\(error.localizedDescription))"
        default: return error.localizedDescription
        }
    }
}

/// The delegate's side of a download: writes data as it arrives, stops at the size cap, counts redirects.
/// Delegate calls arrive on one serial queue; the lock guards the hand-over to the waiting thread.
final class DownloadState: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private let handle: FileHandle
    private let settings: FetchSettings
    private var response: HTTPURLResponse?
    private var error: (any Error)?
    private var failure: String?
    private var bytes = 0
    private var redirects = 0
    private var finished = false

    init(handle: FileHandle, settings: FetchSettings) {
        self.handle = handle
        self.settings = settings
    }

    func fail(_ reason: String) {
        lock.withLock { if failure == nil { failure = reason } }
    }

    func outcome() -> (response: HTTPURLResponse?, error: (any Error)?, failure: String?, bytes: Int) {
        lock.withLock { (response, error, failure, bytes) }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        guard let http = response as? HTTPURLResponse else {
            fail("not an HTTP answer")
            completionHandler(.cancel)
            return
        }
        let tooLarge = http.expectedContentLength > Int64(settings.maxBytes)
        lock.withLock {
            self.response = http
            if tooLarge { failure = "the file is \(http.expectedContentLength) bytes, above the limit of \(settings.maxBytes) (--fetch-max-mb)" }
        }
        // Error pages are not read: the status code says enough.
        completionHandler(tooLarge || !(200..<300).contains(http.statusCode) ? .cancel : .allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over: Bool = lock.withLock {
            guard failure == nil else { return true }
            bytes += data.count
            if bytes > settings.maxBytes {
                failure = "the body passes the limit of \(settings.maxBytes) bytes (--fetch-max-mb)"
                return true
            }
            return false
        }
        if over {
            dataTask.cancel()
            return
        }
        do { try handle.write(contentsOf: data) } catch {
            fail("cannot write the download: \(error.localizedDescription)")
            dataTask.cancel()
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        let scheme = request.url?.scheme?.lowercased()
        let refusal: String? = lock.withLock {
            redirects += 1
            if redirects > settings.maxRedirects { return "more than \(settings.maxRedirects) redirects" }
            if scheme != "http" && scheme != "https" { return "a redirect to \(request.url?.absoluteString ?? "?") (only http and https are followed)" }
            return nil
        }
        if let refusal {
            fail(refusal)
            completionHandler(nil)
            task.cancel()
            return
        }
        completionHandler(request)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let first: Bool = lock.withLock {
            if let error, failure == nil, (error as NSError).code != NSURLErrorCancelled { self.error = error }
            defer { finished = true }
            return !finished
        }
        if first { done.signal() }
    }
}
