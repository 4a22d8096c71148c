import Foundation

/// Limits and cache of ``HTTPFetcher``.
public struct FetchSettings: Sendable, Equatable {
    /// Seconds without any progress (connecting, or between two reads) before a download is given up.
    public var idleTimeout: Double = 10
    /// Seconds a whole download may take, redirects included.
    public var deadline: Double = 30
    /// Largest body accepted, in bytes, counted as it arrives (after decompression, if the server
    /// compressed it although it was asked not to).
    public var maxBytes = 50 * 1024 * 1024
    /// Redirects followed before giving up.
    public var maxRedirects = 5
    /// Where downloads are kept between runs (the folders `http/` and `runs/` inside); nil downloads every
    /// time and keeps nothing.
    public var cacheDirectory: URL?
    /// How the caller lets users change the limits, added to messages about them (a command-line tool
    /// passes its option names); nil adds nothing.
    public var deadlineSetting: String?
    public var maxBytesSetting: String?
    /// How the caller lets users download without the cache, for messages about the cache folder.
    public var cacheSetting: String?

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

    /// The limits as an exchange applies them.
    var limits: HTTPExchange.Limits {
        HTTPExchange.Limits(
            idleTimeout: idleTimeout, deadline: deadline, maxBytes: maxBytes, maxRedirects: maxRedirects,
            deadlineSetting: deadlineSetting, maxBytesSetting: maxBytesSetting)
    }
}
