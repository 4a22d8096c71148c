import Foundation

/// Resolves the voice names users write (catalog names and aliases, `<lang>-<region>-<gender>`,
/// a locale plus a gender) against the catalog and the languages the synthesizer speaks.
public struct VoiceResolver: Sendable {
    public let catalog: VoiceCatalog
    /// Languages the synthesizer speaks, lowercase (`en-us`, `de`, `pt-br`).
    public let languages: Set<String>

    public init(catalog: VoiceCatalog, languages: Set<String>) {
        self.catalog = catalog
        self.languages = languages
    }

    /// The voice a `name` attribute means, or nil when nothing matches.
    public func voice(named name: String) -> VoiceSpec? { resolve(name)?.voice }

    /// How a voice name was read: the voice, and when it is only an approximation (a name of a known service's
    /// form that no list here knows), why.
    public struct Match: Sendable, Equatable {
        public var voice: VoiceSpec
        /// Set when the name was not found as such: the voice is the language's, chosen by the name's form.
        public var approximation: String?

        public init(voice: VoiceSpec, approximation: String? = nil) {
            self.voice = voice
            self.approximation = approximation
        }
    }

    /// Reads every name form the services document (see `Voices/catalog.json` and the README's voice table):
    /// catalog names and aliases (seven.io `de-de-female`, Microsoft neural, Polly), `<lang>-<region>-<gender>`,
    /// Azure HD and multi-talker names (`en-US-Ava:DragonHDLatestNeural`, `en-US-MultiTalker-Ava-Andrew:…`),
    /// Google names (`en-US-Wavenet-A`, `en-US-Chirp3-HD-Charon`) with the gender Google publishes.
    /// Nil when the name has no form we know (a custom or personal voice): the caller keeps the voice in force.
    public func resolve(_ raw: String) -> Match? {
        let name = raw.trimmingWhitespace()
        if let entry = catalog.entry(named: name) { return Match(voice: entry) }
        let parts = name.lowercased().split(separator: "-").map(String.init)
        if parts.count >= 2, let gender = VoiceGender(rawValue: parts.last!),
            let voice = voice(locale: parts.dropLast().joined(separator: "-"), gender: gender)
        {
            return Match(voice: voice)
        }
        if let google = googleVoice(name) { return google }
        if let azure = azureVoice(name) { return azure }
        return nil
    }

    /// Google Cloud voice names: `<locale>-<family>-<id>`, the family one of Google's voice types.
    static let googleFamilies = ["standard", "wavenet", "neural2", "studio", "chirp", "chirp-hd", "chirp3-hd", "polyglot", "news", "casual", "journey"]

    func googleVoice(_ name: String) -> Match? {
        let pattern = "^([a-z]{2,3})-([a-z]{2}|[0-9]{3})-(standard|wavenet|neural2|studio|chirp|chirp-hd|chirp3-hd|polyglot|news|casual|journey)-([a-z0-9]+)$"
        guard let groups = Self.groups(pattern, name.lowercased()) else { return nil }
        let locale = "\(groups[0])-\(groups[1].uppercased())"
        let family = groups[2], id = groups[3]
        var gender: VoiceGender?
        if family == "chirp3-hd" {
            gender = catalog.google.chirp3HD.first { $0.key.lowercased() == id }.flatMap { VoiceGender(rawValue: $0.value) }
        } else if family == "chirp-hd" {
            gender = catalog.google.chirpHD.first { $0.key.lowercased() == id }.flatMap { VoiceGender(rawValue: $0.value) }
        } else if let voices = catalog.google.voices.first(where: { $0.key.lowercased() == locale.lowercased() })?.value,
            let code = voices.first(where: { $0.key.lowercased() == "\(family)-\(id)" })?.value
        {
            gender = code == "m" ? .male : .female
        }
        let spoken = googleLocale(locale)
        guard let voice = voice(locale: spoken, gender: gender ?? .female) else { return nil }
        if gender != nil { return Match(voice: voice) }
        return Match(voice: voice, approximation: "not in Google's published voice list; read as a \(voice.locale) voice (female: the list gives no gender for it)")
    }

    /// Google's own locale codes that no one else writes: `cmn-CN` is Mandarin, `yue-HK` Cantonese, `ar-XA` Arabic.
    func googleLocale(_ locale: String) -> String {
        switch locale.lowercased() {
        case "cmn-cn": "zh-CN"
        case "cmn-tw": "zh-TW"
        case "yue-hk": "zh-HK"
        case "ar-xa": "ar"
        default: locale
        }
    }

    /// Azure names of a known form that the catalog lacks: the person's gender from any catalog alias of that name
    /// (`en-US-Ava:DragonHDLatestNeural` is Ava; `en-US-MultiTalker-Ava-Andrew:…` starts with Ava), else the locale's voice.
    func azureVoice(_ name: String) -> Match? {
        let pattern = "^([a-z]{2,3}-[a-z]{2,4}(?:-[a-z]+)?)-([a-z0-9-]+?)(?:(?:multilingual|turbo|v2|hd)*neural|:[a-z0-9]+)$"
        var key = name.lowercased()
        // A multi-talker voice speaks as its first speaker until <mstts:turn> says otherwise.
        if let range = key.range(of: "-multitalker-") {
            let speakers = key[range.upperBound...]
            let first = speakers.prefix { $0 != "-" && $0 != ":" }
            let suffix = speakers.firstIndex(of: ":").map { String(speakers[$0...]) } ?? "neural"
            key = String(key[..<range.lowerBound]) + "-" + first + suffix
        }
        guard let groups = Self.groups(pattern, key) else { return nil }
        var locale = groups[0]
        var person = groups[1]
        // `zh-CN-shaanxi-XiaoniNeural`: a dialect tag between locale and person.
        if person.contains("-") {
            let pieces = person.split(separator: "-")
            locale += "-" + pieces.dropLast().joined(separator: "-")
            person = String(pieces.last!)
        }
        let known = catalog.voices.first { entry in
            entry.aliases.contains { alias in
                let key = alias.lowercased()
                return key.hasSuffix("neural") && key.split(separator: "-").last.map { $0.dropLast("neural".count) == person } == true
            }
        }
        let localeKey = String(locale.split(separator: "-").prefix(2).joined(separator: "-"))
        let gender = known?.gender ?? .female
        guard let voice = voice(locale: localeKey, gender: gender) else { return nil }
        if known != nil { return Match(voice: voice) }
        return Match(voice: voice, approximation: "not a Microsoft voice the catalog knows; read as a \(voice.locale) voice (female: no gender known for \"\(person)\")")
    }

    static func groups(_ pattern: String, _ value: String) -> [String]? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value))
        else { return nil }
        return (1..<match.numberOfRanges).map { index in
            Range(match.range(at: index), in: value).map { String(value[$0]) } ?? ""
        }
    }

    /// The voice for a locale and gender: the catalog's entry, or one made from the gender's template
    /// when the synthesizer speaks the language.
    public func voice(locale: String, gender: VoiceGender) -> VoiceSpec? {
        let key = locale.lowercased().replacingOccurrences(of: "_", with: "-")
        if let entry = catalog.voices.first(where: { $0.locale.lowercased() == key && $0.gender == gender }) {
            return entry
        }
        // A bare language ("fr") means its main region (CLDR's likely subtags: fr-FR, not fr-BE).
        if !key.contains("-"), let primary = catalog.primaryRegions[key],
            let entry = catalog.voices.first(where: { $0.locale.lowercased() == primary.lowercased() && $0.gender == gender })
        {
            return entry
        }
        // Otherwise the catalog's first entry of that language, if any.
        if !key.contains("-"),
            let entry = catalog.voices.first(where: { $0.locale.lowercased().hasPrefix(key + "-") && $0.gender == gender })
        {
            return entry
        }
        guard let espeak = espeakLanguage(for: key), let settings = catalog.templates[gender.rawValue] else { return nil }
        return VoiceSpec(
            name: "\(key)-\(gender.rawValue)", locale: Self.canonicalLocale(key), gender: gender,
            espeak: espeak, settings: settings, aliases: [])
    }

    /// The espeak-ng language for a locale: an explicit mapping, the exact code, or the bare language.
    public func espeakLanguage(for locale: String) -> String? {
        let key = locale.lowercased().replacingOccurrences(of: "_", with: "-")
        if let mapped = catalog.localeMap[key], languages.contains(mapped) { return mapped }
        if languages.contains(key) { return key }
        let language = String(key.split(separator: "-").first ?? "")
        if let mapped = catalog.localeMap[language], languages.contains(mapped) { return mapped }
        if languages.contains(language) { return language }
        return nil
    }

    /// Up to three known names at the smallest edit distance from a misspelt one.
    public func suggestions(for name: String) -> [String] {
        let key = name.lowercased()
        // Edit distance costs length x length per name: a long string is no misspelling.
        guard key.count <= 64 else { return [] }
        let generated = catalog.voices.map { "\($0.locale.lowercased())-\($0.gender.rawValue)" }
        var google: [String] = []
        for (locale, voices) in catalog.google.voices { google += voices.keys.map { "\(locale)-\($0)" } }
        let names: [String] = Array(Set(catalog.allNames + generated + google))
        let scored: [(String, Int)] = names.map { ($0, Self.editDistance(key, $0.lowercased())) }
            .filter { $0.1 <= max(2, key.count / 3) }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        guard let best = scored.first?.1 else { return [] }
        return scored.prefix { $0.1 == best }.prefix(3).map(\.0)
    }

    static func canonicalLocale(_ key: String) -> String {
        let parts = key.split(separator: "-")
        guard parts.count >= 2 else { return key }
        return ([String(parts[0])] + parts.dropFirst().map { $0.count == 2 ? $0.uppercased() : String($0) })
            .joined(separator: "-")
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
