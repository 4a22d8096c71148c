import Foundation

/// A remote audio file made local: the file to decode, and a warning when it is not the freshest copy.
public struct FetchedAudio: Sendable, Equatable {
    /// A local file holding the body (in the cache, or a temporary file for uncacheable responses).
    public var file: URL
    /// Set when a stale cached copy stands in for a server that could not be reached.
    public var warning: String?

    public init(file: URL, warning: String? = nil) {
        self.file = file
        self.warning = warning
    }
}

/// Downloads `http:` and `https:` audio for `<audio src>` and NCCO `streamUrl`.
///
/// Implementations bound the time and size of a download and check that the body is audio; their errors are
/// ``SSMLError``s of kind `audio-source` whose message names the URL (the caller adds the element's place).
public protocol AudioFetcher: Sendable {
    func fetch(_ url: URL) throws -> FetchedAudio
}

/// Turns an audio reference as users write it (`clip.wav`, `/abs/clip.wav`, `file:clip.wav`,
/// `https://host/clip.mp3`) into a playable local file, or the reason it cannot be played.
public struct AudioSourceResolver: Sendable {
    /// Where relative paths are looked up (the folder of the document or NCCO).
    public let baseDirectory: URL
    /// Checks that a local file can be played.
    public let probe: AudioProbe
    /// Downloads remote sources; nil refuses them.
    public let fetcher: (any AudioFetcher)?

    public init(baseDirectory: URL, probe: @escaping AudioProbe, fetcher: (any AudioFetcher)? = nil) {
        self.baseDirectory = baseDirectory
        self.probe = probe
        self.fetcher = fetcher
    }

    /// A playable source, or why not.
    public enum Resolution: Sendable, Equatable {
        case playable(URL, warning: String?)
        case unplayable(String)
    }

    /// Whether `source` is downloaded (`http:` or `https:`) rather than read from disk.
    public static func isRemote(_ source: String) -> Bool {
        let lowered = source.trimmingCharacters(in: .whitespaces).lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }

    public func resolve(_ source: String) -> Resolution {
        var path = source.trimmingCharacters(in: .whitespaces)
        if path.isEmpty { return .unplayable("the source is empty") }
        let lowered = path.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            // Schemes are case-insensitive, but URLSession only takes them in lowercase (HTTPS://… is "unsupported URL").
            guard let parsed = URL(string: path), var components = URLComponents(url: parsed, resolvingAgainstBaseURL: false), components.host != nil else { return .unplayable("\(path) is not a valid URL") }
            components.scheme = components.scheme?.lowercased()
            guard let url = components.url else { return .unplayable("\(path) is not a valid URL") }
            guard let fetcher else { return .unplayable("remote sources are not fetched here") }
            // Callers quote the source already; the fetcher's messages start with the URL for other callers.
            func reason(_ message: String) -> String {
                let prefix = url.absoluteString + ": "
                return message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : message
            }
            do {
                let fetched = try fetcher.fetch(url)
                if let problem = probe(fetched.file) { return .unplayable(problem) }
                return .playable(fetched.file, warning: fetched.warning.map(reason))
            } catch let error as SSMLError {
                return .unplayable(reason(error.message))
            } catch {
                return .unplayable("\(error)")
            }
        }
        if lowered.hasPrefix("file:") {
            path.removeFirst(5)
            if path.hasPrefix("//") { path.removeFirst(2) }
            if path.hasPrefix("localhost/") { path.removeFirst(9) }
            path = path.removingPercentEncoding ?? path
        } else if let colon = path.range(of: "://") {
            let scheme = path[..<colon.lowerBound].lowercased()
            return .unplayable("\(scheme): sources are not supported (use a local file, file:, http: or https:)")
        }
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path).standardizedFileURL : baseDirectory.appendingPathComponent(path).standardizedFileURL
        if let reason = probe(url) { return .unplayable(reason) }
        return .playable(url, warning: nil)
    }
}
