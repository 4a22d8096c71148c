/// A language whose say-as values the normaliser expands into words, from a voice's BCP 47 locale.
public struct SpokenLanguage: Sendable, Equatable, Hashable {
    /// The languages with their own rules.
    public enum Code: String, Sendable, CaseIterable { case en, de, fr, es, it, nl, pt }

    public var code: Code
    /// Lowercase region subtag (`us`, `gb`, `br`), when the locale has one.
    public var region: String?

    public init(_ code: Code, region: String? = nil) {
        self.code = code
        self.region = region?.lowercased()
    }

    /// The language of `locale` (`de-DE`, `pt_BR`, `en`), or nil when it has no rules here.
    public init?(locale: String) {
        let parts = locale.split(whereSeparator: { $0 == "-" || $0 == "_" }).map { $0.lowercased() }
        guard let first = parts.first, let code = Code(rawValue: first) else { return nil }
        self.init(code, region: parts.dropFirst().first { $0.count == 2 || $0.count == 3 })
    }

    /// British usage ("one hundred and five", "the fourth of March"); American otherwise.
    var isBritish: Bool { code == .en && ["gb", "uk", "ie", "au", "nz", "in", "za"].contains(region ?? "") }
    /// Brazilian Portuguese (short scale, "dezesseis"); European otherwise.
    var isBrazilian: Bool { code == .pt && (region == nil || region == "br") }
}
