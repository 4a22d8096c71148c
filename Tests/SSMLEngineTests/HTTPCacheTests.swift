import Foundation
import SSMLCore
import SSMLTestSupport
import Testing

@testable import SSMLEngine

/// The download cache is untrusted input (CI caches are shared between jobs): a crafted record, a planted
/// link or a huge file must never make a fetch touch anything outside the cache, and must never be used as
/// if it were a download.
@Suite(.ownThread) struct HTTPCacheTests {
    /// A scratch folder with a cache root inside, and a victim folder beside it that must survive everything.
    struct Layout {
        let scratch: URL
        var root: URL { scratch.appendingPathComponent("cache") }
        var cache: HTTPCache { HTTPCache(root: root) }
        var victim: URL { scratch.appendingPathComponent("victimdir") }
        var victimFile: URL { victim.appendingPathComponent("keep.wav") }

        init() throws {
            scratch = try Repository.scratchDirectory()
            try cache.prepare()
            try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
            try RemoteAudioTests.tone.write(to: victimFile)
        }

        func remove() { try? FileManager.default.removeItem(at: scratch) }

        /// The victim folder holds exactly what it held.
        var victimIsIntact: Bool {
            (try? FileManager.default.contentsOfDirectory(atPath: victim.path)) == ["keep.wav"] && (try? Data(contentsOf: victimFile)) == RemoteAudioTests.tone
        }

        func writeRecord(for url: String, _ json: String) throws {
            try Data(json.utf8).write(to: URL(fileURLWithPath: cache.recordPath(forKey: HTTPCache.key(url))))
        }

        func names() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: cache.directory.path)) ?? []).sorted() }
    }

    static func fetcher(_ root: URL?) -> HTTPFetcher {
        var settings = FetchSettings(cacheDirectory: root)
        settings.deadline = 4
        settings.idleTimeout = 1
        settings.maxBytes = 1024 * 1024
        return HTTPFetcher(settings: settings)
    }

    /// A body name of the form the cache makes, for `url`.
    static func bodyName(_ url: String, _ ext: String = "wav") -> String { "\(HTTPCache.key(url))-0123456789abcdef.\(ext)" }

    @Test func recordsCannotNameFilesOutsideTheCache() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let cache = layout.cache
        let url = "http://example.com/a.wav"
        let inside = cache.directory.appendingPathComponent(Self.bodyName(url))
        try Data("y".utf8).write(to: inside)
        func entry(_ file: String) -> HTTPCache.Entry {
            HTTPCache.Entry(url: url, file: file, size: 1, storedAt: 0, noCache: false)
        }
        #expect(cache.body(of: entry(Self.bodyName(url)))?.path == inside.path)
        for crafted in ["../victimdir/keep.wav", layout.victimFile.path, "..", ".", "", "body.wav", "\(HTTPCache.key(url)).json", Self.bodyName("http://other/")] {
            #expect(cache.body(of: entry(crafted)) == nil, "\(crafted)")
            #expect(!entry(crafted).isValid(for: url, maxBytes: 100), "\(crafted)")
        }
        // The size is part of the record: a body of another size is incomplete, or not the one recorded.
        var wrongSize = entry(Self.bodyName(url))
        wrongSize.size = 2
        #expect(cache.body(of: wrongSize) == nil)
    }

    /// The reproducers of issue 16 (defect 2): a record naming a path outside the cache made the next
    /// download remove that path; `"file": ""` removed the whole `http/` folder.
    @Test(arguments: ["../../victimdir", "../victimdir", "", ".", "..", "/ABSOLUTE/victimdir", "victimdir/keep.wav", "http"])
    func craftedRecordsNeverTouchPathsOutsideTheCache(file: String) throws {
        let layout = try Layout()
        defer { layout.remove() }
        let server = try RemoteAudioTests.server()
        defer { server.stop() }
        let url = server.baseURL.appendingPathComponent("etag.wav").absoluteString
        // Another URL's entry must survive too.
        let other = "http://example.com/other.wav"
        let otherBody = layout.cache.directory.appendingPathComponent(Self.bodyName(other))
        try RemoteAudioTests.tone.write(to: otherBody)
        try layout.cache.save(HTTPCache.Entry(url: other, file: otherBody.lastPathComponent, size: RemoteAudioTests.tone.count, storedAt: 0, noCache: false))
        let crafted = file.replacingOccurrences(of: "/ABSOLUTE/victimdir", with: layout.victim.path)
        try layout.writeRecord(
            for: url, #"{"url": "\#(url)", "file": "\#(crafted)", "size": 8044, "etag": "\"v1\"", "storedAt": 0, "noCache": false}"#)

        let fetcher = Self.fetcher(layout.root)
        defer { fetcher.cleanUp() }
        let fetched = try fetcher.fetch(URL(string: url)!)
        #expect(try Data(contentsOf: fetched.file) == RemoteAudioTests.tone)
        // Downloaded without validators (the record was a miss), and stored under a name of the cache's own.
        #expect(server.count("/etag.wav") == 1)
        let record = try #require(layout.cache.entry(for: url, maxBytes: .max))
        #expect(HTTPCache.isBodyName(record.file, key: HTTPCache.key(url)))
        #expect(layout.victimIsIntact)
        #expect(try Data(contentsOf: otherBody) == RemoteAudioTests.tone)
        #expect(layout.cache.entry(for: other, maxBytes: .max) != nil)
    }

    @Test func plantedLinksAreNeverFollowed() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let server = try RemoteAudioTests.server()
        defer { server.stop() }
        let cache = layout.cache
        let files = FileManager.default
        // A body name that is a link to a file outside, with a record that matches it in every field.
        let url = server.baseURL.appendingPathComponent("fresh.wav").absoluteString
        let linkedBody = cache.directory.appendingPathComponent(Self.bodyName(url))
        try files.createSymbolicLink(at: linkedBody, withDestinationURL: layout.victimFile)
        try cache.save(
            HTTPCache.Entry(url: url, file: linkedBody.lastPathComponent, size: RemoteAudioTests.tone.count, storedAt: Date().timeIntervalSince1970, maxAge: 3600, noCache: false))
        // A record that is a link to a file outside.
        let url2 = server.baseURL.appendingPathComponent("modified.wav").absoluteString
        let outsideRecord = layout.scratch.appendingPathComponent("record.json")
        try Data(#"{"url": "\#(url2)", "file": "\#(Self.bodyName(url2))", "size": 8044, "storedAt": 0, "noCache": false}"#.utf8).write(to: outsideRecord)
        let recordBefore = try Data(contentsOf: outsideRecord)
        try files.createSymbolicLink(atPath: cache.recordPath(forKey: HTTPCache.key(url2)), withDestinationPath: outsideRecord.path)

        let fetcher = Self.fetcher(layout.root)
        defer { fetcher.cleanUp() }
        // Neither link is used: both URLs are downloaded, and the links are replaced, not written through.
        for (address, path) in [(url, "/fresh.wav"), (url2, "/modified.wav")] {
            let fetched = try fetcher.fetch(URL(string: address)!)
            #expect(try Data(contentsOf: fetched.file) == RemoteAudioTests.tone)
            #expect(server.count(path) == 1)
        }
        #expect(files.fileExists(atPath: linkedBody.path) == false)
        #expect(Posix.entryStatus(cache.recordPath(forKey: HTTPCache.key(url2)))?.kind == .regular)
        #expect(try Data(contentsOf: outsideRecord) == recordBefore)
        #expect(layout.victimIsIntact)
    }

    @Test func sweepingRemovesLinksAsNamesAndNeverEntersThem() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let cache = layout.cache
        let files = FileManager.default
        let here = ProcessToken.current
        // Same pid, another start time: a process that is gone (its pid reused by this one).
        let dead = ProcessToken(namespace: here.namespace, pid: here.pid, start: here.start + 1)
        #expect(dead.liveness == .dead && here.liveness == .alive)
        let partLink = cache.directory.appendingPathComponent(".part-\(dead.text)-0123456789abcdef.wav")
        try files.createSymbolicLink(at: partLink, withDestinationURL: layout.victimFile)
        // A dead process's run folder that is a link to the victim folder, and a real one holding a link.
        let runLink = cache.runs.appendingPathComponent(dead.text)
        try files.createSymbolicLink(at: runLink, withDestinationURL: layout.victim)
        let other = ProcessToken(namespace: here.namespace, pid: here.pid, start: here.start + 2)
        let runFolder = cache.runs.appendingPathComponent(other.text)
        try files.createDirectory(at: runFolder, withIntermediateDirectories: false)
        let heldLink = runFolder.appendingPathComponent(Self.bodyName("http://x/"))
        try files.createSymbolicLink(at: heldLink, withDestinationURL: layout.victimFile)
        // The victim folder with a name that looks like a held body, reached only through the link.
        try RemoteAudioTests.tone.write(to: layout.victim.appendingPathComponent(Self.bodyName("http://y/")))

        cache.sweep(bounds: .init(orphanedBody: 0))
        #expect(Posix.entryStatus(partLink.path) == nil && Posix.entryStatus(runLink.path) == nil && Posix.entryStatus(runFolder.path) == nil)
        #expect(try files.contentsOfDirectory(atPath: layout.victim.path).sorted() == ["keep.wav", Self.bodyName("http://y/")].sorted())
        #expect(try Data(contentsOf: layout.victimFile) == RemoteAudioTests.tone)
    }

    @Test func cacheFoldersThatAreLinksAreRefused() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let root = layout.scratch.appendingPathComponent("planted")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("http"), withDestinationURL: layout.victim)
        let server = try RemoteAudioTests.server()
        defer { server.stop() }
        let fetcher = Self.fetcher(root)
        defer { fetcher.cleanUp() }
        #expect {
            _ = try fetcher.fetch(server.baseURL.appendingPathComponent("fresh.wav"))
        } throws: { error in
            let message = (error as? SSMLError)?.message ?? ""
            return message.contains("\(root.path)/http is a symbolic link") && message.contains("not followed")
        }
        #expect(server.count("/fresh.wav") == 0)
        #expect(layout.victimIsIntact)
    }

    @Test func malformedRecordsAreMisses() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let cache = layout.cache
        let url = "http://example.com/a.wav"
        let body = Self.bodyName(url)
        try RemoteAudioTests.tone.write(to: cache.directory.appendingPathComponent(body))
        let size = RemoteAudioTests.tone.count
        func valid(_ json: String) throws -> Bool {
            try layout.writeRecord(for: url, json)
            return cache.entry(for: url, maxBytes: 1 << 20) != nil
        }
        #expect(try valid(#"{"url": "\#(url)", "file": "\#(body)", "size": \#(size), "storedAt": 0, "noCache": false}"#))
        #expect(try !valid("not JSON at all"))
        #expect(try !valid(#"{"url": "\#(url)", "file": "\#(body)", "storedAt": 0, "noCache": false}"#), "no size")
        #expect(try !valid(#"{"url": "\#(url)", "file": "\#(body)", "size": -1, "storedAt": 0, "noCache": false}"#))
        #expect(try !valid(#"{"url": "\#(url)", "file": "\#(body)", "size": \#(size + 1 << 20), "storedAt": 0, "noCache": false}"#), "above the limit")
        #expect(try !valid(#"{"url": "http://example.com/b.wav", "file": "\#(body)", "size": \#(size), "storedAt": 0, "noCache": false}"#), "another URL")
        #expect(try !valid(#"{"url": "\#(url)", "file": "\#(body)", "size": \#(size), "etag": "\"a\"\r\nX-Injected: 1", "storedAt": 0, "noCache": false}"#))
        #expect(try !valid(#"{"url": "\#(url)", "file": "\#(body)", "size": \#(size), "storedAt": 1e300, "noCache": false}"#))
        #expect(try !valid(#"{"url": "\#(url)", "file": "\#(body)", "size": \#(size), "storedAt": 0, "maxAge": -5, "noCache": false}"#))
        // A huge record (sparse: 3 GB on paper) is not read at all.
        let record = URL(fileURLWithPath: cache.recordPath(forKey: HTTPCache.key(url)))
        let handle = try FileHandle(forWritingTo: record)
        try handle.truncate(atOffset: 3 << 30)
        try handle.close()
        #expect(cache.entry(for: url, maxBytes: 1 << 20) == nil)
        #expect(Posix.readSmallFile(record.path, limit: HTTPCache.recordLimit) == nil)
    }

    @Test func aRecordWhoseBodyIsMissingOrShortIsAMiss() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let server = try RemoteAudioTests.server()
        defer { server.stop() }
        let cache = layout.cache
        let url = server.baseURL.appendingPathComponent("fresh.wav").absoluteString
        let body = cache.directory.appendingPathComponent(Self.bodyName(url))
        // A fresh record whose body is half written (a writer killed mid-way, in the old layout).
        try RemoteAudioTests.tone.prefix(1000).write(to: body)
        try cache.save(HTTPCache.Entry(url: url, file: body.lastPathComponent, size: RemoteAudioTests.tone.count, storedAt: Date().timeIntervalSince1970, maxAge: 3600, noCache: false))
        let fetcher = Self.fetcher(layout.root)
        defer { fetcher.cleanUp() }
        #expect(try Data(contentsOf: fetcher.fetch(URL(string: url)!).file) == RemoteAudioTests.tone)
        #expect(server.count("/fresh.wav") == 1)
        // The short body was replaced, not kept beside the new one.
        #expect(Posix.entryStatus(body.path) == nil)
    }

    @Test func theSweepTakesOnlyWhatDeadWritersLeft() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let cache = layout.cache
        let here = ProcessToken.current
        let dead = ProcessToken(namespace: here.namespace, pid: here.pid, start: here.start + 1)
        let foreign = ProcessToken(namespace: here.namespace &+ 1, pid: 1, start: 1)
        let hour = 3600.0
        func plant(_ name: String, age: Double = 0, in folder: URL? = nil) throws -> String {
            let url = (folder ?? cache.directory).appendingPathComponent(name)
            try Data("x".utf8).write(to: url)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: url.path)
            return name
        }
        let referenced = "http://example.com/kept.wav"
        let keptBody = try plant(Self.bodyName(referenced), age: 48 * hour)
        try cache.save(HTTPCache.Entry(url: referenced, file: keptBody, size: 1, storedAt: 0, noCache: false))
        let gone = [
            try plant(".part-\(dead.text)-0123456789abcdef.wav"),
            try plant(".part-\(dead.text)-0123456789abcdef.json"),
            try plant(".part-\(foreign.text)-00000000000000aa.wav", age: 3 * hour),
            try plant(".part-\(here.text)-00000000000000ff.wav", age: 3 * hour),
            try plant(Self.bodyName("http://example.com/orphan.wav"), age: 2 * 60),
        ]
        let kept = [
            keptBody, "\(HTTPCache.key(referenced)).json",
            try plant(".part-\(here.text)-0123456789abcdef.wav"),
            try plant(".part-\(foreign.text)-0123456789abcdef.wav", age: 60),
            try plant(Self.bodyName("http://example.com/young.wav"), age: 5),
            // Names the cache does not make are not its to remove.
            try plant("notes.txt", age: 48 * hour), try plant(".part-garbage", age: 48 * hour), try plant("abc-xyz.wav", age: 48 * hour),
        ]
        let deadRun = cache.runs.appendingPathComponent(dead.text)
        let foreignRun = cache.runs.appendingPathComponent(foreign.text)
        let ownRun = cache.runs.appendingPathComponent(here.text)
        for run in [deadRun, foreignRun, ownRun] {
            try FileManager.default.createDirectory(at: run, withIntermediateDirectories: false)
            _ = try plant(Self.bodyName("http://example.com/held.wav"), in: run)
        }
        cache.sweep()
        #expect(layout.names() == kept.sorted(), "removed too much or too little: \(layout.names())")
        #expect(gone.allSatisfy { Posix.entryStatus(cache.directory.appendingPathComponent($0).path) == nil }, "\(layout.names())")
        #expect(Posix.entryStatus(deadRun.path) == nil)
        #expect(Posix.entryStatus(foreignRun.path)?.kind == .directory && Posix.entryStatus(ownRun.path)?.kind == .directory)
        #expect(layout.victimIsIntact)
    }
}
