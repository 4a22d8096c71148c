/// A noun counted by a number: its singular, plural and gender (for "ein"/"eine", "un"/"una").
struct Noun: Sendable, Equatable {
    var singular: String
    var plural: String
    var gender: NumberForm

    init(_ singular: String, _ plural: String? = nil, _ gender: NumberForm = .masculine) {
        self.singular = singular
        self.plural = plural ?? singular
        self.gender = gender
    }
}

/// A currency's names in one language.
struct CurrencyNames: Sendable {
    var main: Noun
    /// The hundredth (cent, Rappen, penny); nil for currencies without one in use (yen).
    var sub: Noun?
}

/// The words of one language that are looked up rather than built: names of months, units, symbols.
struct Lexicon: Sendable {
    var minus: String
    var decimalWord: String
    /// How "+" is read in a telephone number.
    var plus: String
    /// The conjunction of lists ("one hour, five minutes and three seconds").
    var and: String
    /// Said before an upper-case letter when case is asked for.
    var capital: String
    /// "extension" in telephone numbers.
    var extensionWord: String
    var months: [String]
    /// Monday first.
    var weekdays: [String]
    /// Names of punctuation when a code is spelled out.
    var punctuation: [Character: String]
    /// Units by symbol (`kg`, `km/h`, `%`).
    var units: [String: Noun]
    /// Currencies by ISO 4217 code.
    var currencies: [String: CurrencyNames]
    /// Between the amount of units and of subunits: "" ("thirteen euros fifty"), "con", "e".
    var subunitJoin: String
    /// Between a round million and its noun: "un millón de euros"; nil where the noun follows directly.
    var millionOf: String?
    /// Address abbreviations, lowercased without a final dot, to words.
    var address: [String: String]
    /// A day, for durations.
    var day: Noun
}

/// Currency codes and the symbols that stand for them.
enum CurrencySymbols {
    static let symbols: [String: String] = [
        "€": "EUR", "$": "USD", "US$": "USD", "£": "GBP", "¥": "JPY", "R$": "BRL", "Fr.": "CHF", "SFr.": "CHF",
    ]
}
