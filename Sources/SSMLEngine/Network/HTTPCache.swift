import Foundation
import SSMLCore

/// The on-disk cache of downloads, in two folders of the cache root:
///
/// - `http/`: per URL a record `KEY.json` and a body `KEY-RANDOM.EXT` (KEY is a hash of the URL, RANDOM
///   16 hex digits); files being written have temporary names `.part-TOKEN-RANDOM.EXT`.
/// - `runs/TOKEN/`: hard links to the bodies that the process TOKEN is using (see ``CacheCheckouts``).
///
/// The cache is untrusted input: CI caches are shared between jobs, and anyone who could write there
/// could plant records, names and links. So every field of a record is checked before use, only names of
/// the forms above are ever created, replaced or removed, each resolved inside its folder (no path parts,
/// no symbolic links followed: `lstat`, `O_NOFOLLOW`, `O_EXCL`), and the two folders themselves must be real
/// folders. A record or body that fails a check is a miss: the URL is downloaded again and its record
/// replaced.
///
/// Writers and readers never see half a body, even across processes: a body is written under a
/// temporary name created exclusively and renamed into place when complete and checked; its record is
/// written after it, atomically (temporary name, rename); a reader checks that the body is a plain file of
/// the size its record states and takes a hard link to it before using it, so a body replaced or swept
/// meanwhile stays readable until the reader is done.
struct HTTPCache: Sendable {
    /// The cache root (`$SSML_CACHE_DIR`, …): trusted, because the user chose it.
    let root: URL
    /// How users bypass the cache, for messages (`--no-cache`); nil adds nothing.
    var bypassSetting: String?

    var directory: URL { root.appendingPathComponent("http") }
    var runs: URL { root.appendingPathComponent("runs") }

    /// Records are a few hundred bytes; a larger one is not read (a planted huge file must not fill memory).
    static let recordLimit = 256 * 1024

    init(root: URL, bypassSetting: String? = nil) {
        self.root = root
        self.bypassSetting = bypassSetting
    }

    /// A record: which body holds a URL's download, and what is needed to revalidate it.
    struct Entry: Codable, Equatable {
        var url: String
        /// The body's name inside `http/`: `KEY-RANDOM.EXT`, nothing else.
        var file: String
        /// The body's size in bytes: a body of another size is incomplete or not the one recorded.
        var size: Int
        var etag: String?
        var lastModified: String?
        /// Seconds since 1970 when the body was last confirmed by the server.
        var storedAt: Double
        var maxAge: Double?
        var noCache: Bool

        init(
            url: String, file: String, size: Int, etag: String? = nil, lastModified: String? = nil, storedAt: Double, maxAge: Double? = nil,
            noCache: Bool
        ) {
            self.url = url
            self.file = file
            self.size = size
            self.etag = etag
            self.lastModified = lastModified
            self.storedAt = storedAt
            self.maxAge = maxAge
            self.noCache = noCache
        }

        /// Young enough to use without asking the server. A time stored in the future (a clock that was
        /// wrong, or a planted record) is never fresh.
        func isFresh(now: Date) -> Bool {
            let now = now.timeIntervalSince1970
            guard !noCache, let maxAge, storedAt <= now + 60 else { return false }
            return now - storedAt < maxAge
        }

        /// Whether every field is one this cache could have written for `url`.
        func isValid(for url: String, maxBytes: Int) -> Bool {
            self.url == url && HTTPCache.isBodyName(file, key: HTTPCache.key(url)) && size > 0 && size <= maxBytes
                && storedAt.isFinite && storedAt >= 0 && storedAt < 1e11 && (maxAge.map { $0.isFinite && $0 >= 0 } ?? true)
                && (etag.map(HTTPCache.isHeaderValue) ?? true) && (lastModified.map(HTTPCache.isHeaderValue) ?? true)
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

    /// `KEY-RANDOM.EXT` for this key: the only body names this cache makes.
    static func isBodyName(_ name: String, key: String) -> Bool {
        bodyKey(of: name) == key
    }

    /// The key of a body name `KEY-RANDOM.EXT` (KEY 1–16 hex digits, RANDOM 16, EXT 1–5 lowercase letters
    /// or digits); nil for any other name.
    static func bodyKey(of name: String) -> String? {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count <= 16, parts[0].isLowercaseHex else { return nil }
        let rest = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard rest.count == 2, rest[0].count == 16, rest[0].isLowercaseHex, (1...5).contains(rest[1].count),
            rest[1].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) })
        else { return nil }
        return String(parts[0])
    }

    /// The writer of a temporary name `.part-TOKEN-RANDOM[.EXT]`; nil for any other name.
    static func partToken(of name: String) -> ProcessToken? {
        guard name.hasPrefix(".part-") else { return nil }
        let parts = name.dropFirst(".part-".count).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let random = parts[1].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard random[0].count == 16, random[0].isLowercaseHex else { return nil }
        return ProcessToken(text: parts[0])
    }

    /// The start of a temporary name of this process.
    static var partPrefix: String { ".part-\(ProcessToken.current.text)-" }

    /// A validator as a header value may carry it: printable ASCII, at most 1024 characters (a planted CR LF
    /// must not become a second header).
    static func isHeaderValue(_ value: String) -> Bool {
        (1...1024).contains(value.utf8.count) && value.utf8.allSatisfy { $0 == 9 || (32...126).contains($0) }
    }

    func recordPath(forKey key: String) -> String { directory.appendingPathComponent("\(key).json").path }

    /// Creates the folders if needed; refuses ones that are links or not folders.
    func prepare() throws {
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw SSMLError(.io, "cannot create the download cache \(root.path): \(error.localizedDescription)\(bypassHint)")
        }
        for folder in [directory, runs] {
            if let status = Posix.entryStatus(folder.path), status.kind != .directory {
                let what = status.kind == .symbolicLink ? "a symbolic link" : "not a folder"
                throw SSMLError(
                    .io, "the download cache folder \(folder.path) is \(what); the cache is shared data, so it is not followed or replaced: remove it\(bypassHint)")
            }
            do { try Posix.makeDirectory(folder.path) } catch {
                throw SSMLError(.io, "cannot create the download cache \(folder.path): \(SSMLError.reason(of: error))\(bypassHint)")
            }
        }
    }

    private var bypassHint: String { " (or set SSML_CACHE_DIR\(bypassSetting.map { ", or use \($0)" } ?? ""))" }

    /// The record for `url` if it is well-formed in every field; anything else (missing, a link, huge, not
    /// JSON, another URL, a body name this cache would not make, …) is a miss.
    func entry(for url: String, maxBytes: Int) -> Entry? {
        guard let data = Posix.readSmallFile(recordPath(forKey: Self.key(url)), limit: Self.recordLimit),
            let entry = try? JSONDecoder().decode(Entry.self, from: data), entry.isValid(for: url, maxBytes: maxBytes)
        else { return nil }
        return entry
    }

    /// Where the body of a valid entry is, if it is there as the record says: a plain file of its size.
    func body(of entry: Entry) -> (path: String, status: Posix.EntryStatus)? {
        guard Self.isBodyName(entry.file, key: Self.key(entry.url)) else { return nil }
        let path = directory.appendingPathComponent(entry.file).path
        guard let status = Posix.entryStatus(path), status.kind == .regular, status.size == entry.size else { return nil }
        return (path, status)
    }

    /// The cached body of `entry`, held for this process until released (``CacheCheckouts``); nil when the
    /// body is missing, not a plain file, or not the size the record says.
    func checkout(_ entry: Entry) -> URL? {
        guard let (path, status) = body(of: entry) else { return nil }
        return try? CacheCheckouts.hold(path, expecting: status, runs: runs.path)
    }

    /// Moves a complete, checked body from its temporary name (in `http/`) into place, holds it, and then
    /// writes its record; the body the record named before is removed.
    func commit(_ temporary: URL, as entry: Entry) throws -> URL {
        var entry = entry
        let key = Self.key(entry.url)
        entry.file = "\(key)-\(Download.randomHex()).\(temporary.pathExtension)"
        let path = directory.appendingPathComponent(entry.file).path
        do { try Posix.moveName(temporary.path, to: path) } catch {
            throw SSMLError(.io, "cannot write the download cache: \(SSMLError.reason(of: error))")
        }
        guard let status = Posix.entryStatus(path), status.kind == .regular, status.size == entry.size else {
            Posix.remove(path)
            throw SSMLError(.io, "cannot write the download cache: \(path) changed while it was stored")
        }
        let held: URL
        do { held = try CacheCheckouts.hold(path, expecting: status, runs: runs.path) } catch {
            Posix.remove(path)
            throw SSMLError(.io, "cannot write the download cache: \(SSMLError.reason(of: error))")
        }
        let previous = self.entry(for: entry.url, maxBytes: .max)?.file
        try save(entry)
        // Readers of the previous body hold links of their own; its name here can go.
        if let previous, previous != entry.file, Self.isBodyName(previous, key: key) {
            Posix.remove(directory.appendingPathComponent(previous).path)
        }
        return held
    }

    /// Writes a record atomically: a temporary name created exclusively, then a rename over `KEY.json`
    /// (which replaces a planted link rather than writing through it).
    func save(_ entry: Entry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let temporary = directory.appendingPathComponent("\(Self.partPrefix)\(Download.randomHex()).json").path
        do {
            let data = try encoder.encode(entry)
            let descriptor = try Posix.createExclusive(temporary)
            defer { Posix.close(descriptor) }
            try data.withUnsafeBytes { try Posix.write(descriptor, $0, what: temporary) }
            try Posix.moveName(temporary, to: recordPath(forKey: Self.key(entry.url)))
        } catch {
            Posix.remove(temporary)
            throw SSMLError(.io, "cannot write the download cache: \(SSMLError.reason(of: error))")
        }
    }
}
