import Foundation
import SSMLCore

/// Where a job's audio comes from when the document's own sources cannot be reached: CDN prefixes mapped to
/// local folders, and what to play for a clip that still cannot be played.
///
/// Published documents point at URLs a laptop or a CI runner often cannot reach
/// (`https://static.seven.io/sample.mp3`); a mapped prefix is read from disk instead and never downloaded.
///
/// ```swift
/// var sources = AudioSources()
/// sources.map = [try AudioMapping(parsing: "https://cdn.example.com/prompts/=Assets/prompts")]
/// sources.missing = .tone
/// ```
public struct AudioSources: Sendable, Equatable, Codable {
    /// Prefixes read from local folders, tried longest prefix first.
    public var map: [AudioMapping]
    /// What a clip that cannot be played becomes.
    public var missing: MissingAudio

    public init(map: [AudioMapping] = [], missing: MissingAudio = .error) {
        self.map = map
        self.missing = missing
    }

    /// The local file `source` maps to, or nil when no prefix matches.
    public func mapped(_ source: String) -> (file: URL, mapping: AudioMapping)? {
        let trimmed = source.trimmingWhitespace()
        for mapping in map.sorted(by: { $0.prefix.count > $1.prefix.count }) {
            guard let file = mapping.file(for: trimmed) else { continue }
            return (file, mapping)
        }
        return nil
    }
}

/// One `PREFIX=DIR`: sources that start with the prefix are read from the folder, the rest of the source
/// (without query or fragment, percent-decoded) naming the file inside it.
public struct AudioMapping: Sendable, Equatable, Codable {
    public var prefix: String
    /// An absolute folder (relative folders are made absolute when parsed).
    public var directory: String

    public init(prefix: String, directory: String) {
        self.prefix = prefix
        self.directory = directory
    }

    /// Reads `PREFIX=DIR`, split at the first `=` (URL prefixes hold none before their query). A relative DIR
    /// starts at `base`.
    /// - Throws: ``SSMLError`` `.usage` naming what is wrong.
    public init(parsing text: String, base: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
            throw SSMLError(.usage, "audio map \"\(text)\" is not PREFIX=DIR (for example https://cdn.example.com/audio/=Assets/audio)", setting: .audioMap)
        }
        let prefix = String(text[..<equals]).trimmingWhitespace()
        let folder = String(text[text.index(after: equals)...]).trimmingWhitespace()
        let url = folder.hasPrefix("/") ? URL(fileURLWithPath: folder) : base.appendingPathComponent(folder)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SSMLError(.usage, "audio map \"\(text)\": \(folder) is not a folder", setting: .audioMap)
        }
        self.init(prefix: prefix, directory: url.standardizedFileURL.path)
    }

    /// The file inside the folder for `source`, or nil when the source does not start with the prefix. Names
    /// that climb out of the folder (`..`) do not map.
    public func file(for source: String) -> URL? {
        guard source.lowercased().hasPrefix(prefix.lowercased()) else { return nil }
        var rest = String(source.dropFirst(prefix.count))
        if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = String(rest[..<cut]) }
        rest = rest.removingPercentEncoding ?? rest
        while rest.hasPrefix("/") { rest.removeFirst() }
        guard !rest.isEmpty, !rest.split(separator: "/").contains("..") else { return nil }
        return URL(fileURLWithPath: directory).appendingPathComponent(rest).standardizedFileURL
    }
}

/// What a clip that cannot be played (unreachable, missing, undecodable) becomes.
public enum MissingAudio: String, Sendable, Equatable, Codable, CaseIterable {
    /// The clip's fallback content when it has one, else an error at its place (SSML's rule).
    case error
    /// Silence of the clip's known length (its `clipEnd`, else 1 s), marked as a placeholder.
    case silence
    /// A quiet 1 kHz tone of the clip's known length, marked as a placeholder: heard, and not mistaken for speech.
    case tone
}
