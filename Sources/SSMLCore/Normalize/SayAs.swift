import Foundation

/// The values of `<say-as interpret-as>`, with the names cloud services use for them.
public enum SayAsKind: String, Sendable, CaseIterable {
    case characters, cardinal, ordinal, digits, telephone, date, time, duration, currency, unit, fraction, address, expletive, name

    /// Every accepted `interpret-as` name and what it means.
    public static let aliases: [String: SayAsKind] = [
        "characters": .characters, "character": .characters, "spell-out": .characters, "verbatim": .characters, "letters": .characters, "spell": .characters,
        "cardinal": .cardinal, "number": .cardinal,
        "ordinal": .ordinal,
        "digits": .digits, "number_digit": .digits, "digit": .digits,
        "telephone": .telephone, "phone": .telephone,
        "date": .date, "time": .time, "duration": .duration,
        "currency": .currency, "money": .currency,
        "unit": .unit, "measure": .unit,
        "fraction": .fraction, "address": .address,
        "expletive": .expletive, "bleep": .expletive,
        "name": .name,
    ]

    /// The kind an `interpret-as` value names (case-insensitive), or nil when it is unknown.
    public init?(interpretAs: String) {
        guard let kind = Self.aliases[interpretAs.trimmingWhitespace().lowercased()] else { return nil }
        self = kind
    }

    /// Whether reading this kind needs words of the language (otherwise espeak-ng's own reading is used).
    var needsLanguage: Bool {
        switch self {
        case .characters, .digits, .telephone, .expletive, .name: false
        default: true
        }
    }
}

/// One `<say-as>` to expand: what it is, its `format` and `detail`, and its text.
public struct SayAs: Sendable, Equatable {
    public var kind: SayAsKind
    public var format: String?
    public var detail: String?
    public var text: String
    /// The word spoken just before the element, if any: it decides an article or a case the reading must
    /// agree with ("am" → "am vierundzwanzigsten Dezember", "a las" → "a las catorce", "la" → "la segunda").
    public var previousWord: String?

    public init(_ kind: SayAsKind, _ text: String, format: String? = nil, detail: String? = nil, previousWord: String? = nil) {
        self.kind = kind
        self.text = text
        self.format = format
        self.detail = detail
        self.previousWord = previousWord
    }
}

/// What a `<say-as>` becomes.
public enum SayAsReading: Sendable, Equatable {
    /// Words and spelled codes to speak.
    case speech([SpeechPiece])
    /// A tone as long as this text would take to say.
    case bleep(String)
}

/// A say-as value a service would refuse; `attribute` names the attribute at fault (nil: the text).
public struct NormalizationError: Error, Sendable, Equatable {
    public var message: String
    public var attribute: String?

    init(_ message: String, attribute: String? = nil) {
        self.message = message
        self.attribute = attribute
    }
}

/// Expands `<say-as>` values into words in the voice's language.
///
/// ```swift
/// let de = TextNormalizer(locale: "de-DE")
/// try de.reading(SayAs(.currency, "13,50 €"))   // .speech([.text("dreizehn Euro fünfzig")])
/// try de.reading(SayAs(.date, "2023-03-04"))    // .speech([.text("vierter März zweitausend dreiundzwanzig")])
/// ```
public struct TextNormalizer: Sendable {
    /// The language with rules, or nil: then only codes, digits, telephone numbers and bleeps are expanded.
    public let language: SpokenLanguage?
    let words: NumberWords?
    let lexicon: Lexicon?

    public init(locale: String) {
        language = SpokenLanguage(locale: locale)
        words = language.map(NumberWords.init)
        lexicon = words?.rules.lexicon
    }

    /// The reading of `request`, or nil when the language has no rules for it (espeak-ng then reads the
    /// text itself). Throws for values a service would refuse: a date that does not exist, a value that
    /// does not match its format, an ambiguous date without a format.
    public func reading(_ request: SayAs) throws(NormalizationError) -> SayAsReading? {
        let text = request.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        switch request.kind {
        case .expletive: return .bleep(text)
        case .name: return .speech(text.isEmpty ? [] : [.text(text)])
        case .characters: return .speech(characters(text, detail: request.detail))
        case .digits: return .speech(try digits(text))
        case .telephone: return .speech(try telephone(text))
        case .date:
            let date = try DateParts.parse(text, format: request.format, lexicon: lexicon)
            let weekday = try DateParts.weekday(for: date, detail: request.detail)
            guard let words else { return nil }
            return spoken(words.rules.date(date, weekday: weekday, after: context(request)))
        case .time where text.contains(where: { "'\"′″".contains($0) }):
            // Vonage documents `time` as minutes and seconds written 1'30" ("one minute and thirty seconds").
            let value = try DurationParts.parse(text, format: nil)
            guard words != nil else { return nil }
            return spoken(duration(value))
        case .time:
            let time = try ClockTime.parse(text, format: request.format)
            guard let words else { return nil }
            return spoken(words.rules.clock(time, after: context(request)))
        case .duration:
            let parts = try DurationParts.parse(text, format: request.format)
            guard words != nil else { return nil }
            return spoken(duration(parts))
        case .cardinal:
            guard words != nil else { try _ = number(text); return nil }
            return spoken(try cardinal(text))
        case .ordinal:
            let value = try ordinalValue(text)
            guard let words else { return nil }
            return spoken(ordinal(value, words, text: text, after: context(request)))
        case .fraction:
            let value = try FractionValue.parse(text)
            guard let words else { return nil }
            return spoken(fraction(value, words))
        case .currency:
            guard words != nil else { return nil }
            return .speech(try currency(text))
        case .unit:
            guard words != nil else { return nil }
            return spoken(try unit(text))
        case .address:
            guard words != nil else { return nil }
            return .speech(address(text))
        }
    }

    /// The word before the element, lowercased, without punctuation; nil when there is none.
    func context(_ request: SayAs) -> String? {
        guard let word = request.previousWord?.lowercased().trimmingCharacters(in: .punctuationCharacters), !word.isEmpty else { return nil }
        return word
    }

    func spoken(_ text: String) -> SayAsReading {
        .speech([.text(String(text.map { $0 == NumberWords.joint ? " " : $0 }))])
    }
}
