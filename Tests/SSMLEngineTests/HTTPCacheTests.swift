import Foundation
import SSMLTestSupport
import Testing

@testable import SSMLEngine

/// The download cache's records are data on disk: a tampered one must not point outside the cache folder.
@Suite struct HTTPCacheTests {
    @Test func recordsCannotNameFilesOutsideTheCache() throws {
        let directory = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = HTTPCache(directory: directory.appendingPathComponent("cache"))
        _ = try cache.prepare()
        let outside = directory.appendingPathComponent("secret.wav")
        try Data("x".utf8).write(to: outside)
        let inside = cache.directory.appendingPathComponent("body.wav")
        try Data("y".utf8).write(to: inside)
        func entry(_ file: String) -> HTTPCache.Entry {
            HTTPCache.Entry(url: "http://example.com/a.wav", file: file, storedAt: 0, noCache: false)
        }
        #expect(cache.body(of: entry("body.wav")) == inside)
        #expect(cache.body(of: entry("../secret.wav")) == nil)
        #expect(cache.body(of: entry(outside.path)) == nil)
        #expect(cache.body(of: entry("..")) == nil)
    }
}
