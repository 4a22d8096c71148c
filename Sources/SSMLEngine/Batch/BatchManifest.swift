import Foundation
import SSMLCore

/// A prompt library as read from a CSV, JSON or YAML file: its settings, its named formats and its rows, each
/// value with the place it was written.
///
/// Reading checks only the file's structure (quoting, syntax, known columns and keys); what the values mean is
/// checked by ``BatchPlan``, which reports every problem at its place before any rendering starts.
public struct BatchManifest: Sendable {
    public enum Syntax: String, Sendable, CaseIterable {
        case csv, json, yaml
    }

    /// The file's name in messages (`prompts.csv`).
    public var file: String
    /// Where `file` columns and relative audio paths start from: the manifest's folder.
    public var directory: URL
    public var syntax: Syntax
    /// Settings from the file's header (`# voices: …` lines of a CSV, `defaults` of JSON and YAML).
    public var settings: [ManifestField]
    /// Named formats (`# preset sip: wav-8000-mulaw`, `presets: {sip: …}`).
    public var presets: [ManifestField]
    public var rows: [ManifestRow]
    /// The hash of the file's bytes: shard manifests of one run carry it, so `merge` can tell they belong together.
    public var sha256: String

    /// The keys a row may have. `x-` prefixed keys are the user's own (spreadsheet notes) and are ignored.
    public static let rowKeys: Set<String> = ["id", "text", "file", "voice", "voices", "locale", "locales", "format", "formats", "dialect", "loudness", "truePeak", "tags"]
    /// The keys of the header or `defaults` section.
    public static let settingKeys: Set<String> = [
        "voice", "voices", "locale", "locales", "format", "formats", "dialect", "loudness", "truePeak", "template", "strict", "voiceFallback",
        "allowEmpty", "check",
    ]

    /// Reads `path`; the syntax follows the extension (`.csv`, `.tsv`, `.json`, `.yaml`/`.yml`), else the content.
    /// - Parameter name: the name in messages (default: the path as given).
    public static func load(_ path: String, name: String? = nil) throws -> BatchManifest {
        let url = URL(fileURLWithPath: path)
        if let status = Posix.status(url.path), status.st_mode & S_IFMT == S_IFDIR {
            throw SSMLError(.usage, "\(path) is a directory; give the manifest file (prompts.csv, prompts.json or prompts.yaml)")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SSMLError(.io, "cannot read \(path): \(Posix.reason())")
        }
        return try parse(data, file: name ?? path, directory: url.deletingLastPathComponent().standardizedFileURL, syntax: syntax(of: url, data: data))
    }

    /// The syntax a manifest's name or content says.
    static func syntax(of url: URL, data: Data) -> Syntax {
        switch url.pathExtension.lowercased() {
        case "csv", "tsv", "txt": return .csv
        case "json": return .json
        case "yaml", "yml": return .yaml
        default:
            let first = data.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
            if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return .json }
            if let text = String(data: data.prefix(4096), encoding: .utf8), text.hasPrefix("---") || text.contains("prompts:") { return .yaml }
            return .csv
        }
    }

    /// Parses a manifest held in memory. A file that cannot be read as a manifest (bad quoting, bad syntax, an
    /// unknown column) is a ``BatchPlanError``: nothing of it can run.
    public static func parse(_ data: Data, file: String, directory: URL, syntax: Syntax) throws -> BatchManifest {
        var manifest: BatchManifest
        do {
            // UTF-8, or UTF-16 with a byte-order mark (a spreadsheet's "Unicode text" export); places are the text's.
            let text = try InputDecoder.decode([UInt8](data), name: file).text
            switch syntax {
            case .csv: manifest = try parseCSV(Data(text.utf8), file: file, tab: file.lowercased().hasSuffix(".tsv"))
            case .json: manifest = try parseJSON(text, file: file)
            case .yaml: manifest = try parseYAML(text, file: file)
            }
            try manifest.checkKeys()
        } catch let error as SSMLError {
            throw BatchPlanError(errors: [error])
        }
        manifest.directory = directory
        manifest.sha256 = SHA256.hash(data).hex
        return manifest
    }

    init(file: String, syntax: Syntax) {
        self.file = file
        self.directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        self.syntax = syntax
        self.settings = []
        self.presets = []
        self.rows = []
        self.sha256 = ""
    }

    /// Unknown keys are errors at their place: a misspelt column would otherwise be silently ignored.
    func checkKeys() throws {
        for field in settings where !Self.settingKeys.contains(field.key) {
            throw SSMLError(.usage, "unknown setting \"\(field.key)\" (known: \(Self.settingKeys.sorted().joined(separator: ", ")))", at: field.keyLocation)
        }
        for row in rows {
            for field in row.fields where !Self.rowKeys.contains(field.key) {
                throw SSMLError(
                    .usage, "unknown \(syntax == .csv ? "column" : "key") \"\(field.key)\" (known: \(Self.rowKeys.sorted().joined(separator: ", ")); columns starting with x- are ignored)",
                    at: field.keyLocation)
            }
        }
    }

    /// The key as the manifest knows it, whatever its case and separators (`True_Peak` is `truePeak`); the written
    /// key when it is none of them (reported as unknown).
    static func canonicalKey(_ key: String) -> String {
        let folded = key.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " }
        return canonicalKeys[folded] ?? key
    }

    private static let canonicalKeys: [String: String] = {
        var table: [String: String] = [:]
        for key in rowKeys.union(settingKeys).union(["defaults", "presets", "prompts"]) { table[key.lowercased()] = key }
        return table
    }()

    /// Keys the user keeps for themselves: never read, never an error.
    static func isPrivate(_ key: String) -> Bool { key.lowercased().hasPrefix("x-") }
}

/// A key and its value, both with their places.
public struct ManifestField: Sendable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: ManifestValue
}

/// One row of the manifest: its fields, and where it starts.
public struct ManifestRow: Sendable {
    /// 0-based position among the rows.
    public var index: Int
    /// The row's first line (a CSV record, a JSON or YAML object).
    public var place: SourceLocation
    public var fields: [ManifestField]

    public subscript(key: String) -> ManifestField? { fields.last { $0.key == key } }
}

/// A value from a manifest, with its place and what is needed to map a place inside a text back to the file.
public struct ManifestValue: Sendable {
    public enum Content: Sendable {
        case text(String)
        case list([ManifestValue])
        case map([ManifestField])
    }

    public var content: Content
    public var location: SourceLocation
    var placement: TextPlacement

    public init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
        self.placement = .start
    }

    init(_ content: Content, at location: SourceLocation, placement: TextPlacement) {
        self.content = content
        self.location = location
        self.placement = placement
    }

    /// The text, or nil for a list or map.
    public var text: String? {
        if case .text(let text) = content { return text }
        return nil
    }

    /// A name for the value's type in messages.
    public var typeName: String {
        switch content {
        case .text: "a text"
        case .list: "a list"
        case .map: "a map"
        }
    }

    /// Where line `line`, column `column` of the text lies in the manifest file.
    public func location(ofTextLine line: Int, column: Int) -> SourceLocation {
        var result: SourceLocation
        switch placement {
        case .start:
            return location
        case .csv(let field):
            result = field.location(ofValueLine: line, column: column, file: location.file)
        case .json(let value):
            result = value.sourceLocation(ofDecodedLine: line, column: column)
        case .yamlInline(let offset):
            guard line == 1 else { return location }
            result = location
            result.column += offset + column - 1
        case .yamlBlock(let firstLine, let indent):
            result = location
            result.line = firstLine + line - 1
            result.column = indent + column
        }
        result.file = location.file
        return result
    }
}

/// How a text value sits in its file.
enum TextPlacement: Sendable {
    /// Only the value's start is known.
    case start
    case csv(CSVReader.Field)
    case json(JSONValue)
    /// A one-line YAML scalar; the text starts this many columns after the value's place (1 after a quote).
    case yamlInline(offset: Int)
    /// A YAML block scalar (`|`): the text's first line is `firstLine`, indented by `indent` columns.
    case yamlBlock(firstLine: Int, indent: Int)
}
