import Foundation
import SSMLCore

/// A setting's value and where it came from, for messages.
public struct BatchSetting<Value: Sendable>: Sendable {
    public var value: Value
    public var origin: BatchOrigin

    public init(_ value: Value, _ origin: BatchOrigin) {
        self.value = value
        self.origin = origin
    }
}

/// What a front end sets for every row (command-line options): each wins over the manifest's own header, and a
/// row's own value wins over both.
public struct BatchOverrides: Sendable {
    public var template: BatchSetting<String>?
    public var voices: BatchSetting<[String]>?
    public var locales: BatchSetting<[String]>?
    public var formats: BatchSetting<[String]>?
    public var dialect: BatchSetting<String>?
    public var loudness: BatchSetting<Double>?
    public var truePeak: BatchSetting<Double>?
    public var strict: Bool?
    public var voiceFallback: Bool?
    public var allowEmpty: Bool?
    public var check: BatchSetting<String>?

    public init() {}

    /// A stable text of what is set, so shard manifests made with other options are told apart by `merge`.
    var summary: String {
        var parts: [String] = []
        if let template { parts.append("template=\(template.value)") }
        if let voices { parts.append("voices=\(voices.value.joined(separator: "|"))") }
        if let locales { parts.append("locales=\(locales.value.joined(separator: "|"))") }
        if let formats { parts.append("formats=\(formats.value.joined(separator: "|"))") }
        if let dialect { parts.append("dialect=\(dialect.value)") }
        if let loudness { parts.append("loudness=\(loudness.value)") }
        if let truePeak { parts.append("truePeak=\(truePeak.value)") }
        if let strict { parts.append("strict=\(strict)") }
        if let voiceFallback { parts.append("voiceFallback=\(voiceFallback)") }
        if let allowEmpty { parts.append("allowEmpty=\(allowEmpty)") }
        if let check { parts.append("check=\(check.value)") }
        return parts.joined(separator: ";")
    }
}

/// The settings every row starts from: built-in defaults, then the manifest's header, then the front end's options.
struct BatchDefaults: Sendable {
    var template = BatchSetting(OutputTemplate.standard, .standard)
    var voices = BatchSetting([ManifestItem("en-us-female", .standard)], .standard)
    var locales: BatchSetting<[ManifestItem]>?
    var formats = BatchSetting([ManifestItem("wav", .standard)], .standard)
    var dialect: BatchSetting<String>?
    var loudness: BatchSetting<Double>?
    var truePeak: BatchSetting<Double>?
    var strict = false
    var voiceFallback = false
    var allowEmpty = false
    var check: BatchSetting<String>?

    init(manifest: BatchManifest, overrides: BatchOverrides) throws {
        for field in manifest.settings {
            let origin = BatchOrigin.place(field.value.location)
            switch field.key {
            case "template": template = BatchSetting(try Self.single(field), origin)
            case "voice", "voices": voices = BatchSetting(try Self.items(field.value), origin)
            case "locale", "locales": locales = BatchSetting(try Self.items(field.value), origin)
            case "format", "formats": formats = BatchSetting(try Self.items(field.value), origin)
            case "dialect": dialect = BatchSetting(try Self.single(field), origin)
            case "loudness": loudness = BatchSetting(try Self.number(field), origin)
            case "truePeak": truePeak = BatchSetting(try Self.number(field), origin)
            case "strict": strict = try Self.flag(field)
            case "voiceFallback": voiceFallback = try Self.flag(field)
            case "allowEmpty": allowEmpty = try Self.flag(field)
            case "check": check = BatchSetting(try Self.single(field), origin)
            default: break
            }
        }
        func items(_ setting: BatchSetting<[String]>) -> BatchSetting<[ManifestItem]> {
            BatchSetting(setting.value.map { ManifestItem($0, setting.origin) }, setting.origin)
        }
        if let value = overrides.template { template = value }
        if let value = overrides.voices {
            voices = items(value)
            // Voices named on the command line replace the header's voice choice as a whole.
            if overrides.locales == nil { locales = nil }
        }
        if let value = overrides.locales { locales = items(value) }
        if let value = overrides.formats { formats = items(value) }
        if let value = overrides.dialect { dialect = value }
        if let value = overrides.loudness { loudness = value }
        if let value = overrides.truePeak { truePeak = value }
        if let value = overrides.strict { strict = value }
        if let value = overrides.voiceFallback { voiceFallback = value }
        if let value = overrides.allowEmpty { allowEmpty = value }
        if let value = overrides.check { check = value }
    }

    static func single(_ field: ManifestField) throws -> String {
        guard let text = field.value.text else {
            throw SSMLError(.usage, "\(field.key) must be a single value, not \(field.value.typeName)", at: field.value.location)
        }
        return text.trimmingWhitespace()
    }

    static func number(_ field: ManifestField) throws -> Double {
        let text = try single(field)
        guard let value = Double(text), value.isFinite else {
            throw SSMLError(.usage, "\(field.key) \"\(text)\" is not a number", at: field.value.location)
        }
        return value
    }

    static func flag(_ field: ManifestField) throws -> Bool {
        let text = try single(field).lowercased()
        switch text {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw SSMLError(.usage, "\(field.key) \"\(text)\" must be true or false", at: field.value.location)
        }
    }

    /// The entries of a list value: a list, or a text of entries separated by `|` or `,`.
    static func items(_ value: ManifestValue) throws -> [ManifestItem] {
        switch value.content {
        case .text(let text):
            var items: [ManifestItem] = []
            var column = 0
            for part in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "|" || $0 == "," }) {
                let leading = part.prefix { $0 == " " || $0 == "\t" }.unicodeScalars.count
                let entry = part.trimmingWhitespace()
                if !entry.isEmpty {
                    items.append(ManifestItem(entry, .place(value.location(ofTextLine: 1, column: column + leading + 1))))
                }
                column += part.unicodeScalars.count + 1
            }
            return items
        case .list(let values):
            return try values.map { item in
                guard let text = item.text else { throw SSMLError(.usage, "a list entry must be a single value, not \(item.typeName)", at: item.location) }
                return ManifestItem(text.trimmingWhitespace(), .place(item.location))
            }
        case .map:
            throw SSMLError(.usage, "expected a list, not a map", at: value.location)
        }
    }
}

/// One entry of a list setting (a voice, a locale, a format) and where it was written.
struct ManifestItem: Sendable {
    var text: String
    var origin: BatchOrigin

    init(_ text: String, _ origin: BatchOrigin) {
        self.text = text
        self.origin = origin
    }
}
