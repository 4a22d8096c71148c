import Foundation
import SSMLCore
import Synchronization

/// The data the engine reads at run time: the voice catalog and the Vonage style table (`Voices/`) and the dialect
/// tables (`Dialects/`). One loader finds and decodes all of them, with one kind of error.
///
/// Folders are found in this order: `$SSML_VOICES` / `$SSML_DIALECTS`; `<prefix>/share/swift-ssml/…` beside the
/// executable (`make install`); a `Voices` / `Dialects` folder above the executable (a build inside a checkout).
public struct DataFiles: Sendable, Equatable {
    public let voices: URL
    public let dialects: URL

    public init(voices: URL, dialects: URL) {
        self.voices = voices
        self.dialects = dialects
    }

    /// The data folders for `executable` (default: this process's).
    public static func locate(
        executable: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> DataFiles {
        func folder(_ name: String, variable: String, marker: String) throws -> URL {
            if let explicit = environment[variable], !explicit.isEmpty {
                let url = URL(fileURLWithPath: explicit)
                // SSML_VOICES may name the catalog file itself.
                return url.pathExtension == "json" ? url.deletingLastPathComponent() : url
            }
            var directory = (executable?.resolvingSymlinksInPath() ?? Posix.executableURL).deletingLastPathComponent()
            for _ in 0..<6 {
                for candidate in ["../share/swift-ssml/\(name)", name] {
                    let url = directory.appendingPathComponent(candidate).standardizedFileURL
                    if FileManager.default.fileExists(atPath: url.appendingPathComponent(marker).path) { return url }
                }
                directory.deleteLastPathComponent()
            }
            throw SSMLError(.io, "cannot find the \(name) data folder (\(name)/\(marker)); set \(variable) to its path or run `make install`")
        }
        return DataFiles(
            voices: try folder("Voices", variable: "SSML_VOICES", marker: "catalog.json"),
            dialects: try folder("Dialects", variable: "SSML_DIALECTS", marker: "w3c.json"))
    }

    public func catalog() throws -> VoiceCatalog {
        try Self.read(voices.appendingPathComponent("catalog.json"), what: "the voice catalog", as: VoiceCatalog.init(json:))
    }

    public func vonageStyles() throws -> VonageStyles {
        try Self.read(voices.appendingPathComponent("vonage-styles.json"), what: "the Vonage style table", as: VonageStyles.init(json:))
    }

    public func dialect(_ name: String) throws -> Dialect {
        guard Dialect.names.contains(name) else {
            throw SSMLError(.usage, "\(name) is not a dialect (use \(Dialect.names.joined(separator: ", ")))", setting: .dialect)
        }
        let url = dialects.appendingPathComponent("\(name).json")
        do {
            return try JSONDecoder().decode(Dialect.self, from: Self.contents(of: url, what: "the dialect \(name)"))
        } catch let error as SSMLError {
            throw error
        } catch {
            throw SSMLError(.io, "the dialect \(name) \(url.path) is not valid: \(error)")
        }
    }

    /// Reads one JSON data file with `parse`; errors say which file and where in it (`catalog.json:12:5`).
    static func read<T>(_ url: URL, what: String, as parse: (JSONValue) throws -> T) throws -> T {
        let data = try contents(of: url, what: what)
        do {
            return try parse(JSONParser.parse(String(decoding: data, as: UTF8.self), file: url.path))
        } catch let error as SSMLError {
            throw SSMLError(.io, "\(what) is not valid: \(error.message)", at: error.location ?? SourceLocation(file: url.path, line: 1, column: 1))
        }
    }

    private static func contents(of url: URL, what: String) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw SSMLError(.io, "cannot read \(what) \(url.path): \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
        }
    }
}
