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
