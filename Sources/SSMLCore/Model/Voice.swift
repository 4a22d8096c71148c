import Foundation

/// A voice's gender as users name it; espeak-ng has no child voice, so ours is built (see ``VoiceSpec/tract``).
public enum VoiceGender: String, Sendable, Codable, CaseIterable {
    case female, male, child
}

/// Settings that turn an espeak-ng voice into one of ours; used both by catalog entries and gender templates.
public struct VoiceSettings: Sendable, Codable, Equatable, Hashable {
    /// espeak-ng variant (`f2`, `m3`); empty for the language's default (male) voice.
    public var variant: String
    /// espeak-ng PITCH parameter, 0...100.
    public var pitch: Int
    /// espeak-ng RANGE parameter, 0...100.
    public var range: Int
    /// Speaking rate in words per minute at prosody rate 1.
    public var rate: Int
    /// Vocal-tract scale: audio is synthesised `tract` times lower and slower, then played back
    /// `tract` times faster, which raises pitch *and* formants (a shorter vocal tract). 1 for adults.
    public var tract: Double
    /// The voice's typical F0 in Hz; relative `+NHz` pitch changes are taken against it.
    public var baseHz: Double
}

/// One catalog entry: a canonical `<locale>-<gender>` name mapped onto espeak-ng.
public struct VoiceSpec: Sendable, Codable, Equatable, Hashable {
    /// Canonical name, lowercase: `de-de-female`.
    public var name: String
    /// BCP 47 locale: `de-DE`.
    public var locale: String
    public var gender: VoiceGender
    /// espeak-ng voice (language) identifier: `de`, `en-us`.
    public var espeak: String
    public var settings: VoiceSettings
    /// Other names users write for this voice (Microsoft neural, Amazon Polly, ...). Catalog data, not part of
    /// the voice: equality and plans leave them out (a plan would otherwise repeat them for every segment).
    public var aliases: [String]

    private enum CodingKeys: String, CodingKey { case name, locale, gender, espeak, settings, aliases }

    public init(name: String, locale: String, gender: VoiceGender, espeak: String, settings: VoiceSettings, aliases: [String]) {
        self.name = name
        self.locale = locale
        self.gender = gender
        self.espeak = espeak
        self.settings = settings
        self.aliases = aliases
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        locale = try container.decode(String.self, forKey: .locale)
        gender = try container.decode(VoiceGender.self, forKey: .gender)
        espeak = try container.decode(String.self, forKey: .espeak)
        settings = try container.decode(VoiceSettings.self, forKey: .settings)
        aliases = try container.decodeIfPresent([String].self, forKey: .aliases) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(locale, forKey: .locale)
        try container.encode(gender, forKey: .gender)
        try container.encode(espeak, forKey: .espeak)
        try container.encode(settings, forKey: .settings)
    }

    public static func == (a: VoiceSpec, b: VoiceSpec) -> Bool {
        a.name == b.name && a.locale == b.locale && a.gender == b.gender && a.espeak == b.espeak && a.settings == b.settings
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(espeak)
        hasher.combine(settings)
    }
}

/// The voice catalog: named entries plus per-gender templates that make a voice for any language espeak-ng speaks.
///
/// In the file, an entry without `settings` takes `templates[gender]` (read by ``init(json:)``).
public struct VoiceCatalog: Sendable, Equatable {
    public var voices: [VoiceSpec]
    public var templates: [String: VoiceSettings]
    /// Locale (lowercase) to espeak-ng language, for locales whose espeak name differs (`es-mx` -> `es-419`).
    public var localeMap: [String: String]
    /// Text the voice report reads in an espeak-ng language that cannot read digits.
    public var samples: [String: String] = [:]
    /// The locale a bare language tag means (`fr` -> `fr-FR`), from CLDR's likely subtags.
    public var primaryRegions: [String: String] = [:]
    /// Google Cloud voices and their genders (Google's published voice list), for names like `en-US-Wavenet-A`.
    public var google: GoogleVoices = GoogleVoices()

    /// Google's voice list as the catalog keeps it: per locale, `Family-Id` -> `m`/`f`.
    public struct GoogleVoices: Sendable, Equatable {
        public var source: String = ""
        public var voices: [String: [String: String]] = [:]
        /// Chirp 3: HD star names (`Charon`) -> `female`/`male`; the same in every locale.
        public var chirp3HD: [String: String] = [:]
        /// Chirp HD ids (`D`) -> `female`/`male`.
        public var chirpHD: [String: String] = [:]
        public init() {}
    }

    public init(voices: [VoiceSpec], templates: [String: VoiceSettings], localeMap: [String: String] = [:]) {
        self.voices = voices
        self.templates = templates
        self.localeMap = localeMap
    }

    /// The entry whose name or alias is `name` (case-insensitive). Azure's long form
    /// (`Microsoft Server Speech Text to Speech Voice (de-DE, KatjaNeural)`) and multilingual names
    /// (`en-US-AvaMultilingualNeural`) are read as the short neural name.
    public func entry(named name: String) -> VoiceSpec? {
        for key in Self.spellings(of: name) {
            if let entry = voices.first(where: { $0.name == key || $0.aliases.contains { $0.lowercased() == key } }) {
                return entry
            }
        }
        return nil
    }

    static func spellings(of name: String) -> [String] {
        var key = name.trimmingWhitespace().lowercased()
        if key.hasPrefix("microsoft server speech text to speech voice ("), key.hasSuffix(")") {
            let inner = key.dropFirst("microsoft server speech text to speech voice (".count).dropLast()
            let parts = inner.split(separator: ",").map { $0.trimmingWhitespace() }
            if parts.count == 2 { key = "\(parts[0])-\(parts[1])" }
        }
        // Azure HD voices name their model after a colon (`en-US-Ava:DragonHDLatestNeural`): the speaker is the
        // part before it, the same person as `en-US-AvaNeural`.
        if let colon = key.firstIndex(of: ":") { key = String(key[..<colon]) + "neural" }
        var keys = [key]
        if key.hasSuffix("multilingualneural") {
            keys.append(String(key.dropLast("multilingualneural".count)) + "neural")
        }
        return keys
    }


    /// Every name a user may write, for suggestions.
    public var allNames: [String] { voices.flatMap { [$0.name] + $0.aliases } }
}
