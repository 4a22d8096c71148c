import Dispatch
import Foundation
import SSMLCore
import Synchronization

/// Downloads remote audio with AsyncHTTPClient: bounded in time and size, redirects limited, bodies checked
/// to be audio, and kept in an on-disk cache (``HTTPCache``) revalidated with ETag / Last-Modified.
///
/// The cache honours `Cache-Control: max-age` (fresh copies are used without a request), `no-cache`
/// (always revalidated) and `no-store` (never written). A server that cannot be reached while a stale copy
/// is cached gives that copy, with a warning.
///
/// `fetch` may be called from many threads at once. Each URL is fetched once per fetcher (one run): callers
/// that ask for a URL being fetched wait for that download and share its result, failures included. The
/// HTTP client and its thread start with the first download, not before, and stop in ``cleanUp()``.
/// The files handed out stay valid until ``cleanUp()``, whatever other renders do to the cache meanwhile.
public final class HTTPFetcher: AudioFetcher, Sendable {
    public let settings: FetchSettings
    private let http: LazyHTTPClient
    /// This run's downloads that are not in the cache (no cache, or `no-store`).
    private let scratch = Mutex<URL?>(nil)
    /// What this fetcher has fetched or is fetching, by URL.
    private let fetched = Mutex<[String: FetchOnce]>([:])
    /// Cached bodies this fetcher holds (``CacheCheckouts``), released by `cleanUp`.
    private let holds = Mutex<[URL]>([])
    /// Whether the cache's folders were checked and its leftovers swept in this run.
    private let cacheReady = Mutex(false)

    public init(settings: FetchSettings) {
        self.settings = settings
        self.http = LazyHTTPClient(limits: settings.limits)
    }

    /// Whether the HTTP client (and its event-loop thread) is running.
    var isNetworkStarted: Bool { http.isStarted }

    /// Stops the HTTP client and its thread, and removes this run's temporary files and cache links.
    /// Call once the render is done, not while fetches run; the fetcher may be used again afterwards.
    public func cleanUp() {
        http.shutdownAndWait()
        scratch.withLock { directory in
            if let directory {
                try? FileManager.default.removeItem(at: directory)
                Interruption.unregister(directory.path)
            }
            directory = nil
        }
        for held in holds.withLock({ holds in
            defer { holds.removeAll() }
            return holds
        }) {
            CacheCheckouts.release(held)
        }
        fetched.withLock { $0.removeAll() }
    }

    public func fetch(_ url: URL) throws -> FetchedAudio {
        // A URL named twice in one document or NCCO is fetched once per run; a failure is not retried (a slow
        // server named ten times would otherwise cost ten timeouts).
        let (once, isFirst) = fetched.withLock { fetched -> (FetchOnce, Bool) in
            if let known = fetched[url.absoluteString] { return (known, false) }
            let made = FetchOnce()
            fetched[url.absoluteString] = made
            return (made, true)
        }
        if isFirst { once.complete(Result { try download(url) }) }
        return try once.result().get()
    }

    private func download(_ url: URL) throws -> FetchedAudio {
        let name = url.absoluteString
        let cache = try readyCache()
        let entry = cache?.entry(for: name, maxBytes: settings.maxBytes)
        // Held before any request: whatever the server says next, these bytes stay readable.
        let held = entry.flatMap { cache?.checkout($0) }.map(hold)
        if let entry, let held, entry.isFresh(now: Date()) {
            return FetchedAudio(file: held)
        }

        var headers: [(String, String)] = []
        if let entry, held != nil {
            if let etag = entry.etag { headers.append(("If-None-Match", etag)) }
            if let modified = entry.lastModified { headers.append(("If-Modified-Since", modified)) }
        }
        let directory = try cache?.directory ?? scratchDirectory()
        let download: Download
        do {
            download = try Download.run(
                url, headers: headers, into: directory, prefix: HTTPCache.partPrefix, limits: settings.limits, client: http.client())
        } catch {
            switch error {
            case .unreachable(let failure):
                if let entry, let held {
                    return FetchedAudio(file: held, warning: "\(failure.message); using the copy cached \(Self.age(since: entry.storedAt))")
                }
                throw SSMLError(.audioSource, failure.message)
            case .refused(let failure):
                throw SSMLError(.audioSource, failure.message)
            }
        }
        var body = download.file
        defer { if let body { try? FileManager.default.removeItem(at: body) } }

        let status = download.status
        let policy = CachePolicy(header: download.header("Cache-Control"))
        if status == 304, let cache, var entry, let held {
            entry.storedAt = Date().timeIntervalSince1970
            entry.maxAge = policy.maxAge
            entry.noCache = policy.noCache
            // A 304 may carry new validators (RFC 9111 4.3.4); keep only ones that can be sent back.
            if let etag = download.header("ETag"), HTTPCache.isHeaderValue(etag) { entry.etag = etag }
            if let modified = download.header("Last-Modified"), HTTPCache.isHeaderValue(modified) { entry.lastModified = modified }
            try? cache.save(entry)
            return FetchedAudio(file: held)
        }
        guard (200..<300).contains(status), let file = body else {
            throw SSMLError(.audioSource, "\(name): the server answered HTTP \(status) \(Download.reason(status))")
        }
        let contentType = download.contentType
        if var problem = SndFileDecoder().problem(with: file) {
            // The decoder names the file: here that is an internal download name, which means nothing to the user.
            let internalName = "cannot decode \(file.path): "
            if problem.hasPrefix(internalName) { problem.removeFirst(internalName.count) }
            throw SSMLError(
                .audioSource, "\(name): the download (\(download.bytes) bytes\(contentType.map { ", \($0)" } ?? "")) is not audio libsndfile can decode: \(problem)")
        }
        // From here the body is in the decoder's hands: a new copy replaces the one held before.
        if let held { release(held) }
        guard let cache else {
            let named = directory.appendingPathComponent("\(HTTPCache.key(name))-\(Download.randomHex()).\(file.pathExtension)")
            try FileManager.default.moveItem(at: file, to: named)
            body = nil
            return FetchedAudio(file: named)
        }
        if policy.noStore {
            // The body must not stay in the cache: it lives in this run's folder, and goes with it.
            let adopted = try CacheCheckouts.adopt(file, runs: cache.runs.path)
            body = nil
            return FetchedAudio(file: hold(adopted))
        }
        let stored = HTTPCache.Entry(
            url: name, file: "", size: download.bytes,
            etag: download.header("ETag").flatMap { HTTPCache.isHeaderValue($0) ? $0 : nil },
            lastModified: download.header("Last-Modified").flatMap { HTTPCache.isHeaderValue($0) ? $0 : nil },
            storedAt: Date().timeIntervalSince1970, maxAge: policy.maxAge, noCache: policy.noCache)
        let committed = try cache.commit(file, as: stored)
        body = nil
        return FetchedAudio(file: hold(committed))
    }

    /// The cache, its folders checked and its leftovers swept once per run; nil without a cache.
    private func readyCache() throws -> HTTPCache? {
        guard let root = settings.cacheDirectory else { return nil }
        let cache = HTTPCache(root: root, bypassSetting: settings.cacheSetting)
        try cacheReady.withLock { ready in
            guard !ready else { return }
            try cache.prepare()
            cache.sweep()
            ready = true
        }
        return cache
    }

    private func hold(_ held: URL) -> URL {
        holds.withLock { $0.append(held) }
        return held
    }

    private func release(_ held: URL) {
        let found = holds.withLock { holds in
            guard let index = holds.firstIndex(of: held) else { return false }
            holds.remove(at: index)
            return true
        }
        if found { CacheCheckouts.release(held) }
    }

    private func scratchDirectory() throws -> URL {
        try scratch.withLock { directory in
            if let directory { return directory }
            let temporary = FileManager.default.temporaryDirectory
            Self.sweepScratch(in: temporary)
            let made = temporary.appendingPathComponent("\(Self.scratchPrefix)\(ProcessToken.current.text)-\(Download.randomHex())")
            do { try Posix.makeDirectory(made.path) } catch {
                throw SSMLError(.io, "cannot create a folder for downloads: \(SSMLError.reason(of: error))")
            }
            Interruption.register(made.path)
            directory = made
            return made
        }
    }

    static let scratchPrefix = "ssml-fetch-"

    /// Removes the download folders that dead processes left in the temporary folder (one level: they
    /// hold downloads only).
    static func sweepScratch(in temporary: URL) {
        for name in Posix.names(in: temporary.path) where name.hasPrefix(scratchPrefix) {
            let parts = name.dropFirst(scratchPrefix.count).split(separator: "-")
            guard parts.count == 2, let owner = ProcessToken(text: parts[0]), owner.liveness == .dead else { continue }
            let path = temporary.path + "/" + name
            guard Posix.entryStatus(path)?.kind == .directory else { continue }
            for file in Posix.names(in: path) {
                let filePath = path + "/" + file
                if let kind = Posix.entryStatus(filePath)?.kind, kind == .regular || kind == .symbolicLink { Posix.remove(filePath) }
            }
            Posix.removeEmptyDirectory(path)
        }
    }

    static func age(since storedAt: Double) -> String {
        // Records are untrusted: a time far in the past or future must not trap the conversion.
        let seconds = Int(min(max(0, Date().timeIntervalSince1970 - storedAt), 1e12))
        if seconds < 120 { return "\(seconds) s ago" }
        if seconds < 7200 { return "\(seconds / 60) min ago" }
        if seconds < 172_800 { return "\(seconds / 3600) h ago" }
        return "\(seconds / 86400) days ago"
    }
}

/// One URL's fetch within a run: the first caller downloads, the others wait for its result.
final class FetchOnce: Sendable {
    private let done = DispatchGroup()
    private let value = Mutex<Result<FetchedAudio, any Error>?>(nil)

    init() { done.enter() }

    func complete(_ result: Result<FetchedAudio, any Error>) {
        value.withLock { $0 = result }
        done.leave()
    }

    func result() -> Result<FetchedAudio, any Error> {
        done.wait()
        return value.withLock { $0! }
    }
}
