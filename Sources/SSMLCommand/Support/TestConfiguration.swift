import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

struct TestConfiguration: Decodable {
    var rate: Int?
    var voice: String?
    var recordAudio: Bool?
    /// The snapshot folder, relative to the configuration's folder.
    var snapshots: String?
    var tolerances: PartialTolerances?
    /// `{"https://cdn.example.com/audio/": "assets/audio"}`: prefixes read from folders (relative to the
    /// configuration's folder) instead of downloaded.
    var audioMap: [String: String]?
    /// `error`, `silence` or `tone`: what a clip that cannot be played becomes.
    var missingAudio: MissingAudio?

    struct PartialTolerances: Decodable {
        var time: Double?
        var level: Double?
        var spectrum: Double?
    }

    static let keys: Set<String> = ["rate", "voice", "recordAudio", "snapshots", "tolerances", "audioMap", "missingAudio"]
    static let toleranceKeys: Set<String> = ["time", "level", "spectrum"]

    static func load(from folder: URL) throws -> TestConfiguration? {
        let url = folder.appendingPathComponent("ssml-test.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let configuration: TestConfiguration
        do {
            let data = try Data(contentsOf: url)
            configuration = try JSONDecoder().decode(TestConfiguration.self, from: data)
            // A misspelt key would otherwise be ignored and its setting silently not applied.
            if let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
                var unknown = object.keys.filter { !keys.contains($0) }
                if let tolerances = object["tolerances"] as? [String: Any] {
                    unknown += tolerances.keys.filter { !toleranceKeys.contains($0) }.map { "tolerances.\($0)" }
                }
                if let first = unknown.sorted().first {
                    throw SSMLError(.usage, "\(url.path): unknown setting \"\(first)\" (known: \(keys.sorted().joined(separator: ", ")); tolerances: \(toleranceKeys.sorted().joined(separator: ", ")))")
                }
            }
        } catch let error as SSMLError {
            throw error
        } catch {
            throw SSMLError(.usage, "\(url.path) is not a valid test configuration: \(Snapshot.explain(error))")
        }
        for (name, value) in [("time", configuration.tolerances?.time), ("level", configuration.tolerances?.level), ("spectrum", configuration.tolerances?.spectrum)] {
            if let value, !(value >= 0 && value.isFinite) { throw SSMLError(.usage, "\(url.path): tolerances.\(name) \(value) must be zero or more") }
        }
        return configuration
    }

    /// The audio sources the configuration names; folders are relative to `folder`.
    func audioSources(in folder: URL) throws -> AudioSources {
        var sources = AudioSources(missing: missingAudio ?? .error)
        for (prefix, directory) in (audioMap ?? [:]).sorted(by: { $0.key < $1.key }) {
            do {
                sources.map.append(try AudioMapping(parsing: "\(prefix)=\(directory)", base: folder))
            } catch let error as SSMLError {
                throw SSMLError(.usage, "\(folder.appendingPathComponent("ssml-test.json").path): audioMap: \(error.message)")
            }
        }
        return sources
    }
}
