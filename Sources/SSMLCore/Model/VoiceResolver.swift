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
    public func voice(named name: String) -> VoiceSpec? {
        if let entry = catalog.entry(named: name) { return entry }
        let parts = name.lowercased().split(separator: "-").map(String.init)
        guard parts.count >= 2, let gender = VoiceGender(rawValue: parts.last!) else { return nil }
        return voice(locale: parts.dropLast().joined(separator: "-"), gender: gender)
    }

    /// The voice for a locale and gender: the catalog's entry, or one made from the gender's template
    /// when the synthesizer speaks the language.
    public func voice(locale: String, gender: VoiceGender) -> VoiceSpec? {
        let key = locale.lowercased().replacingOccurrences(of: "_", with: "-")
        if let entry = catalog.voices.first(where: { $0.locale.lowercased() == key && $0.gender == gender }) {
            return entry
        }
        // A bare language ("de") takes the catalog's first entry of that language, if any.
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
        let names = Array(Set(catalog.allNames + generated))
        let scored = names.map { ($0, Self.editDistance(key, $0.lowercased())) }
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
