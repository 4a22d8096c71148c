import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// `http(s)` audio against a local server the tests start: limits, format checks, redirects and the cache.
@Suite struct RemoteAudioTests {
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

    static func server() throws -> TestHTTPServer {
        try TestHTTPServer { request in
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
}
