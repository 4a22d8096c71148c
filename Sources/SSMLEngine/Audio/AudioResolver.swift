import Foundation
import SSMLCore
import Synchronization

/// Turns a plan's audio references into files: local paths are checked, `http(s)` sources downloaded, and a clip
/// that cannot be played is replaced by its fallback content (or is an error at its place).
///
/// Each distinct source is resolved once per resolver (one job), remote ones concurrently; nothing is
/// remembered across resolvers, so a failure is tried again by the next job.
public final class AudioResolver: Sendable {
    /// Where relative paths are looked up (the folder of the document or NCCO).
    public let baseDirectory: URL
    public let decoder: any AudioDecoder
    /// Downloads remote sources; nil refuses them.
    public let fetcher: (any AudioFetcher)?
    /// Local folders for remote prefixes, and what a clip that cannot be played becomes.
    public let sources: AudioSources
    /// Which local files may be played (the folders of `sources` are the caller's own and always may).
    public let localAccess: LocalAudioAccess
    /// Downloads at once at most.
    public static let concurrentDownloads = 4
    /// The length of a placeholder for a clip whose length nothing states (no `clipEnd`).
    public static let placeholderSeconds = 1.0

    private let known = Mutex<[String: Resolution]>([:])

    public init(
        baseDirectory: URL, decoder: any AudioDecoder, fetcher: (any AudioFetcher)? = nil, sources: AudioSources = AudioSources(),
        localAccess: LocalAudioAccess = .anywhere
    ) {
        self.baseDirectory = baseDirectory
        self.decoder = decoder
        self.fetcher = fetcher
        self.sources = sources
        self.localAccess = localAccess
    }

    /// A playable file, or why not.
    public enum Resolution: Sendable, Equatable {
        case playable(URL, warning: String?)
        case unplayable(String)
    }

    /// The plan with every clip's file set, or the clip replaced by its fallback. Warnings go to `log`.
    public func resolve(_ plan: [Segment], log: DiagnosticLog) throws -> [Segment] {
        prefetch(Self.sources(in: plan))
        var reported: Set<String> = []
        return try resolve(plan, log: log, reported: &reported)
    }

    private func resolve(_ plan: [Segment], log: DiagnosticLog, reported: inout Set<String>) throws -> [Segment] {
        var resolved: [Segment] = []
        resolved.reserveCapacity(plan.count)
        var index = 0
        while index < plan.count {
            guard case .audio(var clip) = plan[index] else {
                // Mixes and fitted durations hold clips of their own (background audio, Google media).
                resolved.append(try plan[index].mappingNested { try resolve($0, log: log, reported: &reported) })
                index += 1
                continue
            }
            index += 1
            // Messages are given once per element: loops and repeats copy the same clip.
            func once(_ message: String, _ emit: () throws -> Void) rethrows {
                if reported.insert("\(clip.sourceLocation)|\(message)").inserted { try emit() }
            }
            switch resolution(of: clip.source) {
            case .playable(let url, let warning):
                if let warning { try once(warning) { try log.warn("\(clip.label): \(warning)", at: clip.sourceLocation, kind: .audioSource) } }
                clip.file = url.path
                resolved.append(.audio(clip))
            case .unplayable(let reason) where sources.missing != .error:
                // An offline preview hears what the caller would hear when the clip plays: its length in a
                // placeholder, not the fallback text the service speaks only when the clip fails there too.
                let seconds = clip.clipEnd.map { max(0, $0 - clip.clipBegin) / max(clip.speed, 0.01) } ?? Self.placeholderSeconds
                let kind: NoiseSegment.Kind = sources.missing == .tone ? .placeholderTone : .placeholderSilence
                try once(reason) {
                    try log.warn(
                        "\(clip.label) cannot be played: \(reason); a \(Self.seconds(seconds)) placeholder (\(sources.missing.rawValue)) stands in for it\(clip.clipEnd == nil ? " (its length is unknown: clipEnd would give it)" : "")",
                        at: clip.sourceLocation, kind: .audioSource)
                }
                resolved.append(.noise(NoiseSegment(kind: kind, seconds: seconds, gainDB: clip.gainDB, location: clip.location, source: clip.source)))
            case .unplayable(let reason):
                guard let fallback = clip.fallback else {
                    let hint = clip.location.element == "audio" ? " (and the element has no fallback text)" : ""
                    throw SSMLError(.audioSource, "\(clip.label) cannot be played: \(reason)\(hint)", at: clip.sourceLocation, setting: .missingAudio)
                }
                try once(reason) {
                    try log.warn("\(clip.label) cannot be played: \(reason); speaking its fallback text", at: clip.sourceLocation, kind: .audioSource)
                    for diagnostic in fallback.diagnostics { log.record(diagnostic) }
                }
                if let error = fallback.error { throw error }
                // A repeated clip is one element: its fallback is spoken once.
                while index < plan.count, case .audio(let next) = plan[index], next.location == clip.location, next.source == clip.source { index += 1 }
                // The content is read as part of the text around it, as if the element were not there.
                let content = try resolve(fallback.segments, log: log, reported: &reported)
                let start = resolved.count
                resolved += content
                if start > 0 { Self.mergeSpeech(&resolved, at: start) }
                if index < plan.count, !content.isEmpty, case .speech = plan[index] {
                    resolved.append(plan[index])
                    index += 1
                    Self.mergeSpeech(&resolved, at: resolved.count - 1)
                }
            }
        }
        return resolved
    }

    static func seconds(_ value: Double) -> String {
        value.rounded() == value ? "\(Int(value)) s" : String(format: "%.3g s", value)
    }

    /// Joins the speech at `index` to the speech before it when both are in one voice and prosody.
    static func mergeSpeech(_ segments: inout [Segment], at index: Int) {
        guard index > 0, index < segments.count, case .speech(var before) = segments[index - 1], case .speech(let after) = segments[index],
            before.voice == after.voice, before.prosody == after.prosody
        else { return }
        before.pieces += after.pieces
        segments[index - 1] = .speech(before)
        segments.remove(at: index)
    }

    /// Every distinct source in `plan`, fallbacks included.
    static func sources(in plan: [Segment]) -> [String] {
        var seen: Set<String> = []
        var ordered: [String] = []
        func walk(_ segments: [Segment]) {
            for segment in segments {
                walk(segment.nested)
                guard case .audio(let clip) = segment else { continue }
                if seen.insert(clip.source).inserted { ordered.append(clip.source) }
                if let fallback = clip.fallback { walk(fallback.segments) }
            }
        }
        walk(plan)
        return ordered
    }

    /// Resolves the remote sources among `sources` at the same time, a few at once.
    private func prefetch(_ sources: [String]) {
        let remote = sources.filter { source in AudioClip.isRemote(source) && known.withLock { $0[source] } == nil }
        guard remote.count > 1 else { return }
        let next = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: min(Self.concurrentDownloads, remote.count)) { _ in
            while true {
                let index: Int = next.withLock { value in
                    defer { value += 1 }
                    return value
                }
                guard index < remote.count else { return }
                _ = resolution(of: remote[index])
            }
        }
    }

    /// The resolution of `source`, worked out once.
    public func resolution(of source: String) -> Resolution {
        if let done = known.withLock({ $0[source] }) { return done }
        let result = resolveSource(source)
        known.withLock { $0[source] = result }
        return result
    }

    private func resolveSource(_ source: String) -> Resolution {
        var path = source.trimmingWhitespace()
        if path.isEmpty { return .unplayable("the source is empty") }
        if let (file, mapping) = sources.mapped(path) {
            // A mapped prefix is read from its folder and never downloaded: offline previews stay offline.
            if let reason = decoder.problem(with: file) { return .unplayable("mapped by \(mapping.prefix)=\(mapping.directory) to \(file.path): \(reason)") }
            return .playable(file, warning: nil)
        }
        let lowered = path.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            // Schemes are case-insensitive; HTTP clients take them in lowercase.
            guard let parsed = URL(string: path), var components = URLComponents(url: parsed, resolvingAgainstBaseURL: false), components.host != nil else {
                return .unplayable("\(path) is not a valid URL")
            }
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
                if let problem = decoder.problem(with: fetched.file) { return .unplayable(problem) }
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
        var url = path.hasPrefix("/") ? URL(fileURLWithPath: path).standardizedFileURL : baseDirectory.appendingPathComponent(path).standardizedFileURL
        switch localAccess {
        case .anywhere:
            break
        case .none:
            return .unplayable("local files are not played here (use an http: or https: source)")
        case .within(let folder):
            // Checked on the path as written first, so nothing outside the folder is even looked at; then on the
            // path with its links resolved, which is the one played (a link inside may point out).
            let root = folder.standardizedFileURL.path
            guard Self.isInside(url.path, root) else { return .unplayable("\(path) is outside the audio folder") }
            guard let real = Posix.realPath(url.path), let realRoot = Posix.realPath(root) else {
                return .unplayable("no file \(path) in the audio folder")
            }
            guard Self.isInside(real, realRoot) else { return .unplayable("\(path) leads outside the audio folder") }
            url = URL(fileURLWithPath: real)
        }
        if let reason = decoder.problem(with: url) { return .unplayable(reason) }
        return .playable(url, warning: nil)
    }

    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder == "/" || path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }
}

/// The local files a render may play.
public enum LocalAudioAccess: Sendable, Equatable {
    /// Any file the process can read: the command line, where users name their own files.
    case anywhere
    /// Only files inside this folder, once symbolic links are resolved (a server's audio folder).
    case within(URL)
    /// No local file at all (a server without an audio folder).
    case none
}
