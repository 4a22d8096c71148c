import Foundation
import SSMLCore
import SSMLTestSupport
import Synchronization
import Testing

@testable import SSMLEngine

/// `http(s)` audio against a local server the tests start: limits, format checks, redirects and the cache.
@Suite(.ownThread) struct RemoteAudioTests {
    /// A 0.5 s 1 kHz tone as WAV bytes.
    static let tone: Data = {
        do {
            let directory = try Repository.scratchDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let url = directory.appendingPathComponent("tone.wav")
            try AudioFile.write((0..<8000).map { Float(0.5 * sin(2 * Double.pi * 1000 * Double($0) / 16000)) }, to: url, sampleRate: 16000)
            return try Data(contentsOf: url)
        } catch { fatalError("tone: \(error)") }
    }()

    /// A gzip bomb of 512 KB (below the tests' limit of 1 MB) that inflates to about 80 MB.
    static let bomb = Gzip.bomb(compressedBytes: 512 * 1024)

    /// The headers of the last request for each path (the tests check what the client asked for).
    final class Seen: Sendable {
        let headers = Mutex<[String: [String: String]]>([:])
        subscript(path: String) -> [String: String]? { headers.withLock { $0[path] } }
    }

    static func server(seen: Seen = Seen()) throws -> TestHTTPServer {
        try TestHTTPServer { request in
            seen.headers.withLock { $0[request.path] = request.headers }
            let wav = ("Content-Type", "audio/wav")
            switch request.path {
            case "/fresh.wav":
                return .init(status: 200, headers: [wav, ("Cache-Control", "max-age=3600")], body: tone)
            case "/etag.wav":
                if request.headers["if-none-match"] == "\"v1\"" { return .init(status: 304, headers: [("ETag", "\"v1\"")]) }
                return .init(status: 200, headers: [wav, ("ETag", "\"v1\"")], body: tone)
            case "/modified.wav":
                if request.headers["if-modified-since"] == "Wed, 21 Oct 2015 07:28:00 GMT" { return .init(status: 304) }
                return .init(status: 200, headers: [wav, ("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")], body: tone)
            case "/nostore.wav":
                return .init(status: 200, headers: [wav, ("Cache-Control", "no-store"), ("ETag", "\"x\"")], body: tone)
            case "/slow-body.wav":
                var response = TestHTTPServer.Response(status: 200, headers: [wav], body: tone)
                response.stall = true
                response.stallAfter = 100
                return response
            case "/slow-headers.wav":
                var response = TestHTTPServer.Response(status: 200)
                response.stallBeforeHeaders = true
                return response
            case "/huge.wav":
                return .init(status: 200, headers: [wav], body: Data(count: 3 * 1024 * 1024))
            case "/huge-unsized.wav":
                var response = TestHTTPServer.Response(status: 200, headers: [wav], body: Data(count: 3 * 1024 * 1024))
                response.omitLength = true
                return response
            case "/page.wav":
                return .init(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")], body: Data("<html><body>Sign in</body></html>".utf8))
            case "/noise.wav":
                return .init(status: 200, headers: [("Content-Type", "application/octet-stream")], body: Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }))
            case "/moved.wav":
                return .init(status: 302, headers: [("Location", "/fresh.wav")])
            case "/loop.wav":
                return .init(status: 302, headers: [("Location", "/loop.wav")])
            case "/to-file.wav":
                return .init(status: 302, headers: [("Location", "file:///etc/passwd")])
            case "/to-ftp.wav":
                return .init(status: 301, headers: [("Location", "ftp://127.0.0.1/tone.wav")])
            case "/endless.wav":
                // A chunked body that never ends (the server sends as fast as the client reads).
                var response = TestHTTPServer.Response(status: 200, headers: [wav], body: Data(repeating: 0x55, count: 65536))
                response.endless = true
                return response
            case "/bomb.wav":
                // Compressed although the request asked for identity, and about 160 times larger inflated.
                return .init(status: 200, headers: [wav, ("Content-Encoding", "gzip")], body: bomb)
            case "/gzip.wav":
                return .init(status: 200, headers: [wav, ("Content-Encoding", "gzip")], body: Gzip.stored(tone))
            case "/brotli.wav":
                return .init(status: 200, headers: [wav, ("Content-Encoding", "br")], body: tone)
            case "/paced-a.wav", "/paced-b.wav", "/paced-c.wav":
                // No validators and no max-age: every run downloads again and replaces the cached body, slowly.
                var response = TestHTTPServer.Response(status: 200, headers: [wav], body: tone)
                response.chunkSize = 2048
                response.pace = 3000
                return response
            default:
                return .init(status: 404, headers: [("Content-Type", "text/plain")], body: Data("not found".utf8))
            }
        }
    }

    func fetcher(_ cache: URL?, deadline: Double = 4, maxBytes: Int = 1024 * 1024) -> HTTPFetcher {
        var settings = FetchSettings(cacheDirectory: cache)
        settings.deadline = deadline
        settings.idleTimeout = 1
        settings.maxBytes = maxBytes
        settings.maxRedirects = 3
        return HTTPFetcher(settings: settings)
    }

    func failure(_ fetcher: HTTPFetcher, _ url: URL) -> String {
        do {
            _ = try fetcher.fetch(url)
            return "no error"
        } catch {
            return (error as? SSMLError)?.message ?? "\(error)"
        }
    }

    @Test func maxAgeServesTheCachedCopyWithoutARequest() throws {
        let server = try Self.server()
        defer { server.stop() }
        let cache = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let url = server.baseURL.appendingPathComponent("fresh.wav")
        let first = try fetcher(cache).fetch(url)
        let second = try fetcher(cache).fetch(url)
        #expect(server.count("/fresh.wav") == 1)
        #expect(first.file == second.file && second.warning == nil)
        #expect(try Data(contentsOf: second.file) == Self.tone)
        // --no-cache: every run downloads, nothing is written.
        let uncached = fetcher(nil)
        defer { uncached.cleanUp() }
        _ = try uncached.fetch(url)
        #expect(server.count("/fresh.wav") == 2)
    }

    @Test(arguments: ["/etag.wav", "/modified.wav"])
    func validatorsRevalidateWith304(path: String) throws {
        let server = try Self.server()
        defer { server.stop() }
        let cache = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let url = URL(string: path, relativeTo: server.baseURL)!.absoluteURL
        let first = try fetcher(cache).fetch(url)
        let second = try fetcher(cache).fetch(url)
        // Two requests (no max-age), the second answered 304 and served from the cache.
        #expect(server.count(path) == 2)
        #expect(first.file == second.file)
        #expect(try Data(contentsOf: second.file) == Self.tone)
        // The server gone: the stale copy is used, with a warning.
        server.stop()
        let offline = try fetcher(cache).fetch(url)
        #expect(offline.file == first.file)
        #expect(offline.warning?.contains("using the copy cached") == true, "\(offline.warning ?? "nil")")
    }

    @Test func noStoreIsNeverWritten() throws {
        let server = try Self.server()
        defer { server.stop() }
        let cache = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let fetcher = fetcher(cache)
        let fetched = try fetcher.fetch(server.baseURL.appendingPathComponent("nostore.wav"))
        #expect(try Data(contentsOf: fetched.file) == Self.tone)
        let cached = (try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("http").path)) ?? []
        #expect(cached.isEmpty, "\(cached)")
        fetcher.cleanUp()
        #expect(!FileManager.default.fileExists(atPath: fetched.file.path))
    }

    @Test(arguments: ["/slow-body.wav", "/slow-headers.wav"])
    func stalledServersTimeOutInBoundedTime(path: String) throws {
        let server = try Self.server()
        defer { server.stop() }
        let slow = fetcher(nil, deadline: 2)
        defer { slow.cleanUp() }
        let url = URL(string: path, relativeTo: server.baseURL)!.absoluteURL
        let message = failure(slow, url)
        // Named again in the same run: the failure is remembered, not waited for again.
        #expect(failure(slow, url) == message)
        #expect(server.count(path) == 1)
        // The server stalls for 60 s and then hangs up: only the 2 s deadline yields a time-out message.
        #expect(message.contains(path) && (message.contains("timed out") || message.contains("within 2 s")), "\(message)")
    }

    @Test(arguments: ["/huge.wav", "/huge-unsized.wav"])
    func bodiesAboveTheCapAreRefused(path: String) throws {
        let server = try Self.server()
        defer { server.stop() }
        let cache = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let message = failure(fetcher(cache), URL(string: path, relativeTo: server.baseURL)!.absoluteURL)
        #expect(message.contains("limit of 1048576"), "\(message)")
        // Nothing half-downloaded stays behind.
        let left = (try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("http").path)) ?? []
        #expect(left.isEmpty, "\(left)")
    }

    @Test func wrongContentIsRefusedWithAClearMessage() throws {
        let server = try Self.server()
        defer { server.stop() }
        let fetcher = fetcher(nil)
        defer { fetcher.cleanUp() }
        let base = server.baseURL
        #expect(failure(fetcher, base.appendingPathComponent("page.wav")).contains("sent text/html, not audio"))
        let noise = failure(fetcher, base.appendingPathComponent("noise.wav"))
        #expect(noise.contains("is not audio libsndfile can decode"))
        #expect(!noise.contains("cannot decode"), "no internal download name: \(noise)")
        #expect(failure(fetcher, base.appendingPathComponent("gone.wav")).hasSuffix("gone.wav: the server answered HTTP 404 Not Found"))
    }

    @Test func redirectsAreFollowedAndLimited() throws {
        let server = try Self.server()
        defer { server.stop() }
        let fetcher = fetcher(nil)
        defer { fetcher.cleanUp() }
        let moved = try fetcher.fetch(server.baseURL.appendingPathComponent("moved.wav"))
        #expect(try Data(contentsOf: moved.file) == Self.tone)
        // Once per run, even without a cache.
        #expect(try fetcher.fetch(server.baseURL.appendingPathComponent("moved.wav")).file == moved.file)
        #expect(server.count("/moved.wav") == 1)
        #expect(failure(fetcher, server.baseURL.appendingPathComponent("loop.wav")).contains("more than 3 redirects"))
        #expect(server.count("/loop.wav") <= 5)
    }

    @Test func audioElementsPlayRemoteClipsAndFallBackWithTheirPlace() throws {
        let server = try Self.server()
        defer { server.stop() }
        let cache = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        var engine = Measure.engine
        engine.fetcher = fetcher(cache)
        let base = server.baseURL.absoluteString
        let log = DiagnosticLog()
        let plan = try engine.plan("<speak>Before. <audio src=\"\(base)/fresh.wav\"/>\n<audio src=\"\(base)/gone.wav\">Fallback words.</audio></speak>", file: "r.ssml", baseDirectory: cache, log: log)
        let sink = MemorySink()
        let report = try engine.render(plan, sampleRate: 16000, into: sink)
        let clip = try #require(report.entries.first { $0.kind == .audio })
        #expect(clip.end - clip.start == 8000)
        // The timeline names the URL, not the downloaded copy (whose name changes from run to run).
        #expect(clip.detail == "\(base)/fresh.wav", "\(clip.detail)")
        let warning = try #require(log.warnings.first)
        #expect(warning.location?.line == 2 && warning.location?.column == 8)
        #expect(warning.message.contains("\(base)/gone.wav") && warning.message.contains("HTTP 404"), "\(warning.message)")
        #expect(report.entries.contains { $0.kind == .speech && $0.detail.contains("Fallback words") })
        #expect {
            _ = try engine.plan("<speak>\n <audio src=\"\(base)/page.wav\"/></speak>", file: "r.ssml", baseDirectory: cache, log: DiagnosticLog())
        } throws: { error in
            let error = error as? SSMLError
            return error?.kind == .audioSource && error?.location?.line == 2 && error?.message.contains("text/html") == true
        }
    }

    @Test func nccoStreamsFetchRemoteFilesAndNameThePathWhenTheyFail() throws {
        let server = try Self.server()
        defer { server.stop() }
        let cache = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        var engine = Measure.engine
        engine.fetcher = fetcher(cache)
        let styles = try Repository.vonageStyles()
        let base = server.baseURL.absoluteString
        let plan = try engine.planNCCO("[{\"action\": \"stream\", \"streamUrl\": [\"\(base)/moved.wav\"], \"loop\": 2}]", file: "call.json", baseDirectory: cache, log: DiagnosticLog())
        #expect(plan.count == 2)
        #expect(server.count("/fresh.wav") == 1)
        // Schemes are case-insensitive: HTTP:// is fetched like http://.
        let upper = "HTTP://" + base.dropFirst("http://".count)
        _ = try engine.planNCCO("[{\"action\": \"stream\", \"streamUrl\": [\"\(upper)/etag.wav\"]}]", file: "call.json", baseDirectory: cache, log: DiagnosticLog())
        #expect(server.count("/etag.wav") == 1)
        let report = try engine.render(plan, sampleRate: 8000, into: MemorySink())
        #expect(report.entries.filter { $0.kind == .audio }.map(\.detail) == ["\(base)/moved.wav", "\(base)/moved.wav"])
        #expect {
            _ = try engine.planNCCO("[\n {\"action\": \"stream\", \"streamUrl\": [\"\(base)/page.wav\"]}]", file: "call.json", baseDirectory: cache, log: DiagnosticLog())
        } throws: { error in
            let error = error as? SSMLError
            return error?.message == "$[0].streamUrl[0] \"\(base)/page.wav\" cannot be played: the server sent text/html, not audio (an error or login page?)"
                && error?.location?.line == 2 && error?.location?.column == 37
        }
    }

    // MARK: - Redirects to other schemes, unbounded bodies, compression

    @Test func redirectsToLocalFilesAndOtherSchemesAreRefusedByName() throws {
        let server = try Self.server()
        defer { server.stop() }
        let fetcher = fetcher(nil)
        defer { fetcher.cleanUp() }
        let file = failure(fetcher, server.baseURL.appendingPathComponent("to-file.wav"))
        #expect(file.contains("redirected to a local file (file:///etc/passwd)") && file.contains("refused"), "\(file)")
        #expect(!file.contains("HTTP 404"), "\(file)")
        let ftp = failure(fetcher, server.baseURL.appendingPathComponent("to-ftp.wav"))
        #expect(ftp.contains("ftp://127.0.0.1/tone.wav") && ftp.contains("refused"), "\(ftp)")
    }

    @Test func anEndlessChunkedBodyStopsAtTheLimit() throws {
        let server = try Self.server()
        defer { server.stop() }
        let cache = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let fetcher = fetcher(cache)
        defer { fetcher.cleanUp() }
        let message = failure(fetcher, server.baseURL.appendingPathComponent("endless.wav"))
        #expect(message.contains("endless.wav: the body passes the limit of 1048576 bytes"), "\(message)")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("http").path)) ?? []
        #expect(left.isEmpty, "\(left)")
    }

    @Test func aGzipBombStopsAtTheLimitDecompressed() throws {
        let seen = Seen()
        let server = try Self.server(seen: seen)
        defer { server.stop() }
        let fetcher = fetcher(nil)
        defer { fetcher.cleanUp() }
        let message = failure(fetcher, server.baseURL.appendingPathComponent("bomb.wav"))
        #expect(message.contains("bomb.wav: the body, decompressed, passes the limit of 1048576 bytes"), "\(message)")
        // The client asked for no compression; the server compressed anyway.
        #expect(seen["/bomb.wav"]?["accept-encoding"] == "identity")
    }

    @Test func compressionTheServerImposesIsUndoneOrRefused() throws {
        let server = try Self.server()
        defer { server.stop() }
        let fetcher = fetcher(nil)
        defer { fetcher.cleanUp() }
        let fetched = try fetcher.fetch(server.baseURL.appendingPathComponent("gzip.wav"))
        #expect(try Data(contentsOf: fetched.file) == Self.tone)
        let brotli = failure(fetcher, server.baseURL.appendingPathComponent("brotli.wav"))
        #expect(brotli.contains("compressed as 'br' (Content-Encoding), which is not decoded"), "\(brotli)")
    }

    // MARK: - Concurrency: threads, runs and processes on one cache

    @Test func concurrentFetchesOfOneURLShareOneDownload() throws {
        let server = try Self.server()
        defer { server.stop() }
        let cache = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let fetcher = fetcher(cache)
        defer { fetcher.cleanUp() }
        let url = server.baseURL.appendingPathComponent("paced-a.wav")
        let files = Mutex<[URL]>([])
        Self.onThreads(8) { _ in
            if let fetched = try? fetcher.fetch(url) { files.withLock { $0.append(fetched.file) } }
        }
        let all = files.withLock { $0 }
        #expect(all.count == 8 && Set(all).count == 1, "\(all)")
        #expect(server.count("/paced-a.wav") == 1)
        #expect(try Data(contentsOf: all[0]) == Self.tone)
    }

    @Test func concurrentRunsOnOneCacheNeverSeeHalfABody() throws {
        let server = try Self.server()
        defer { server.stop() }
        let cache = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let paths = ["/paced-a.wav", "/paced-b.wav"]
        let problems = Mutex<[String]>([])
        // Six runs at once, four times each: every run downloads again (no validators) and replaces the
        // body that the others are reading.
        Self.onThreads(6) { run in
            for round in 0..<4 {
                let fetcher = fetcher(cache, deadline: 20)
                defer { fetcher.cleanUp() }
                for path in run % 2 == 0 ? paths : paths.reversed() {
                    do {
                        let fetched = try fetcher.fetch(URL(string: path, relativeTo: server.baseURL)!.absoluteURL)
                        if try Data(contentsOf: fetched.file) != Self.tone { problems.withLock { $0.append("run \(run).\(round) \(path): other bytes") } }
                    } catch {
                        problems.withLock { $0.append("run \(run).\(round) \(path): \(error)") }
                    }
                }
            }
        }
        #expect(problems.withLock { $0 }.isEmpty, "\(problems.withLock { $0 })")
        #expect(server.count("/paced-a.wav") == 24 && server.count("/paced-b.wav") == 24)
        // What races left (a body whose record another run replaced at the same moment) the next sweep takes.
        let http = HTTPCache(root: cache)
        http.sweep(bounds: .init(orphanedBody: 0))
        let names = try FileManager.default.contentsOfDirectory(atPath: http.directory.path).sorted()
        let keys = paths.map { HTTPCache.key(URL(string: $0, relativeTo: server.baseURL)!.absoluteString) }
        #expect(names.count == 4, "\(names)")
        for key in keys {
            #expect(names.filter { HTTPCache.isBodyName($0, key: key) }.count == 1 && names.contains("\(key).json"), "\(names)")
        }
        // Every run released its links: no run folder is left.
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: http.runs.path)) ?? []).isEmpty)
    }

    @Test(.timeLimit(.minutes(4))) func fourRendersAtOnceShareTheCache() throws {
        let server = try Self.server()
        defer { server.stop() }
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = directory.appendingPathComponent("cache")
        let base = server.baseURL.absoluteString
        // Each render names one URL twice and shares two with the others; nothing is fresh, so every render
        // downloads each URL once and replaces its cached body while the others read it.
        let document = "<speak><audio src=\"\(base)/paced-a.wav\"/><audio src=\"\(base)/paced-b.wav\"/><audio src=\"\(base)/paced-c.wav\"/><audio src=\"\(base)/paced-a.wav\"/></speak>"
        try Data(document.utf8).write(to: directory.appendingPathComponent("remote.ssml"))
        let results = Mutex<[Int: (status: Int32, stderr: String)]>([:])
        Self.onThreads(4) { index in
            let result = Self.runBounded(
                Repository.ssmlBinary, ["render", "remote.ssml", "-o", "out\(index).wav", "--rate", "8000"], in: directory,
                environment: ["SSML_CACHE_DIR": cache.path], seconds: 180)
            results.withLock { $0[index] = result }
        }
        for index in 0..<4 {
            let result = try #require(results.withLock { $0[index] })
            #expect(result.status == 0, "render \(index): \(result.stderr)")
            let header = try #require(WAVHeader(try Data(contentsOf: directory.appendingPathComponent("out\(index).wav"))))
            // Four 0.5 s clips.
            let seconds = Double(header.dataBytes) / Double(header.sampleRate * header.bitsPerSample / 8)
            #expect(abs(seconds - 2) < 0.05, "render \(index): \(seconds) s")
        }
        for path in ["/paced-a.wav", "/paced-b.wav", "/paced-c.wav"] { #expect(server.count(path) == 4, "\(path)") }
        let http = HTTPCache(root: cache)
        http.sweep(bounds: .init(orphanedBody: 0))
        let names = try FileManager.default.contentsOfDirectory(atPath: http.directory.path)
        #expect(names.count == 6 && !names.contains { $0.hasPrefix(".part-") }, "\(names.sorted())")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: http.runs.path)) ?? []).isEmpty)
    }

    @Test func theHTTPClientStartsOnlyWhenSomethingIsDownloaded() throws {
        let server = try Self.server()
        defer { server.stop() }
        let cache = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let url = server.baseURL.appendingPathComponent("fresh.wav")
        let first = fetcher(cache)
        #expect(!first.isNetworkStarted)
        _ = try first.fetch(url)
        #expect(first.isNetworkStarted)
        first.cleanUp()
        #expect(!first.isNetworkStarted)
        // A fresh cached copy needs no request, and so no client and no thread.
        let second = fetcher(cache)
        defer { second.cleanUp() }
        #expect(try Data(contentsOf: second.fetch(url).file) == Self.tone)
        #expect(!second.isNetworkStarted)
        #expect(server.count("/fresh.wav") == 1)
    }

    /// Runs `body` on `count` threads at once (not limited to the number of cores) and waits for all.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread {
                body(index)
                group.leave()
            }.start()
        }
        group.wait()
    }

    /// Runs a command with extra environment variables, killed if it outlives `seconds`.
    static func runBounded(_ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String], seconds: Double) -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let errors = directory.appendingPathComponent("stderr-\(UUID().uuidString).txt")
        guard FileManager.default.createFile(atPath: errors.path, contents: nil) else { return (-1, "cannot capture stderr") }
        defer { try? FileManager.default.removeItem(at: errors) }
        guard let handle = try? FileHandle(forWritingTo: errors) else { return (-1, "cannot capture stderr") }
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "\(error)") }
        let end = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < end { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return (-1, "killed after \(seconds) s")
        }
        try? handle.close()
        return (process.terminationStatus, (try? String(contentsOf: errors, encoding: .utf8)) ?? "")
    }
}
