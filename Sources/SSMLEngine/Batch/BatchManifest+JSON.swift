import Foundation
import SSMLCore

extension BatchManifest {
    /// A JSON manifest: an array of prompts, or an object with `prompts` and optionally `defaults` and `presets`.
    ///
    /// ```json
    /// { "defaults": { "voices": ["en-us-female"], "formats": ["vonage-stream", "sip"] },
    ///   "presets": { "sip": "wav-8000-mulaw" },
    ///   "prompts": [ { "id": "welcome", "text": "Welcome to Acme." } ] }
    /// ```
    static func parseJSON(_ text: String, file: String) throws -> BatchManifest {
        let root = try JSONParser.parse(text, file: file)
        var manifest = BatchManifest(file: file, syntax: .json)
        func convert(_ value: JSONValue) -> ManifestValue {
            switch value.kind {
            case .null: return ManifestValue(.text(""), at: value.location)
            case .bool(let flag): return ManifestValue(.text(flag ? "true" : "false"), at: value.location)
            case .number(_, let written): return ManifestValue(.text(written), at: value.location)
            case .string(let string): return ManifestValue(.text(string), at: value.location, placement: .json(value))
            case .array(let items): return ManifestValue(.list(items.map(convert)), at: value.location)
            case .object(let members):
                return ManifestValue(.map(members.map { ManifestField(key: $0.key, keyLocation: $0.keyLocation, value: convert($0.value)) }), at: value.location)
            }
        }
        let document = convert(root)
        try manifest.read(document, path: "$")
        return manifest
    }

    /// Fills settings, presets and rows from a JSON or YAML document (an array of prompts, or a map).
    mutating func read(_ document: ManifestValue, path: String) throws {
        var prompts: ManifestValue
        switch document.content {
        case .list:
            prompts = document
        case .map(let fields):
            var found: ManifestValue?
            for field in fields {
                switch Self.canonicalKey(field.key) {
                case "prompts": found = field.value
                case "defaults":
                    guard case .map(let settings) = field.value.content else {
                        throw SSMLError(.usage, "defaults must be a map of settings, not \(field.value.typeName)", at: field.value.location)
                    }
                    self.settings = settings.filter { !Self.isPrivate($0.key) }.map { setting in
                        var setting = setting
                        setting.key = Self.canonicalKey(setting.key)
                        return setting
                    }
                case "presets":
                    guard case .map(let presets) = field.value.content else {
                        throw SSMLError(.usage, "presets must be a map of names to formats, not \(field.value.typeName)", at: field.value.location)
                    }
                    self.presets = presets
                default:
                    if Self.isPrivate(field.key) { continue }
                    throw SSMLError(.usage, "unknown key \"\(field.key)\" at the top (known: prompts, defaults, presets)", at: field.keyLocation)
                }
            }
            guard let found else {
                throw SSMLError(.usage, "no prompts: the manifest needs a list of prompts (\"prompts\": [{\"id\": …, \"text\": …}])", at: document.location)
            }
            prompts = found
        case .text:
            throw SSMLError(.usage, "a manifest is a list of prompts or a map with prompts, not \(document.typeName)", at: document.location)
        }
        guard case .list(let items) = prompts.content else {
            throw SSMLError(.usage, "prompts must be a list, not \(prompts.typeName)", at: prompts.location)
        }
        for item in items {
            guard case .map(let fields) = item.content else {
                throw SSMLError(.usage, "a prompt must be a map (id, text, …), not \(item.typeName)", at: item.location)
            }
            var seen: [String: SourceLocation] = [:]
            var kept: [ManifestField] = []
            for field in fields where !Self.isPrivate(field.key) {
                var field = field
                field.key = Self.canonicalKey(field.key)
                if let first = seen[field.key] {
                    throw SSMLError(.usage, "the key \"\(field.key)\" is given twice in this prompt (first at \(first.line):\(first.column))", at: field.keyLocation)
                }
                seen[field.key] = field.keyLocation
                // A null or empty value is a value not given, as an empty CSV cell is.
                if field.value.text?.isEmpty == true, case .start = field.value.placement { continue }
                kept.append(field)
            }
            rows.append(ManifestRow(index: rows.count, place: item.location, fields: kept))
        }
    }
}
