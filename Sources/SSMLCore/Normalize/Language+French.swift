/// French: "et un" in 21..71, vigesimal 70..99 ("quatre-vingt-dix-sept"), plural "cents"/"quatre-vingts"
/// only at the end of a number, invariable "mille", long scale (milliard, billion).
struct French: LanguageRules {
    static let ones = [
        "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
        "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
    ]
    static let tens = ["", "dix", "vingt", "trente", "quarante", "cinquante", "soixante"]
    static let scales = ["", "mille", "million", "milliard", "billion", "billiard"]

    /// `final`: nothing but a noun follows, so "quatre-vingts" and "cents" take their plural s.
    func below100(_ n: Int, final: Bool) -> String {
        if n < 20 { return Self.ones[n] }
        let ten = n / 10, unit = n % 10
        switch ten {
        case 7: return unit == 1 ? "soixante et onze" : "soixante-" + Self.ones[10 + unit]
        case 8: return unit == 0 ? (final ? "quatre-vingts" : "quatre-vingt") : "quatre-vingt-" + Self.ones[unit]
        case 9: return "quatre-vingt-" + Self.ones[10 + unit]
        default: return Self.tens[ten] + (unit == 0 ? "" : unit == 1 ? " et un" : "-" + Self.ones[unit])
        }
    }

    func below1000(_ n: Int, final: Bool) -> String {
        let hundreds = n / 100, rest = n % 100
        guard hundreds > 0 else { return below100(rest, final: final) }
        let head = hundreds == 1 ? "cent" : Self.ones[hundreds] + " cent" + (rest == 0 && final ? "s" : "")
        return rest == 0 ? head : head + " " + below100(rest, final: final)
    }

    func cardinal(_ n: Int, form: NumberForm) -> String {
        if n == 0 { return "zéro" }
        let words = groups(n).map { group -> String in
            switch group.power {
            case 0: return below1000(group.value, final: true)
            case 1: return group.value == 1 ? "mille" : below1000(group.value, final: false) + " mille"
            default: return below1000(group.value, final: true) + " " + Self.scales[group.power] + (group.value > 1 ? "s" : "")
            }
        }.joined(separator: " ")
        return form == .feminine && words.hasSuffix("un") && (words == "un" || words.hasSuffix(" un") || words.hasSuffix("-un")) ? words + "e" : words
    }

    func ordinal(_ n: Int) -> String {
        if n == 1 { return "premier" }
        var words = cardinal(n, form: .standalone)
        if words.hasSuffix("cinq") { return words + "uième" }
        if words.hasSuffix("neuf") { return words.dropLast() + "vième" }
        if words.hasSuffix("s") && !words.hasSuffix("trois") { words.removeLast() }
        if words.hasSuffix("e") { words.removeLast() }
        return words + "ième"
    }

    func fractionDigits(_ digits: String) -> String { digitsAsNumber(digits) }

    func fraction(whole: Int?, numerator: Int, denominator: Int) -> String {
        if denominator == 2 && numerator == 1 {
            guard let whole else { return "un demi" }
            return cardinal(whole, form: .standalone) + " et demi"
        }
        let plural = numerator > 1
        let name: String
        switch denominator {
        case 2: name = plural ? "demis" : "demi"
        case 3: name = "tiers"
        case 4: name = plural ? "quarts" : "quart"
        default: name = ordinal(denominator) + (plural ? "s" : "")
        }
        let part = cardinal(numerator, form: .standalone) + " " + name
        guard let whole else { return part }
        return cardinal(whole, form: .standalone) + " et " + part
    }

    func date(_ date: DateParts, weekday: Int?) -> String {
        var words: [String] = []
        // No article: prompts already say "le" before the date.
        if let weekday { words.append(lexicon.weekdays[weekday]) }
        if let day = date.day { words.append(day == 1 ? "premier" : cardinal(day, form: .standalone)) }
        if let month = date.month { words.append(lexicon.months[month - 1]) }
        if let year = date.year { words.append(self.year(year)) }
        return words.joined(separator: " ")
    }

    func clock(_ time: ClockTime) -> String {
        let hour = time.meridiem == nil ? time.hour : (time.hour % 12 == 0 ? 12 : time.hour % 12)
        var words = cardinal(hour, form: .feminine) + (hour > 1 ? " heures" : " heure")
        if time.minute > 0 { words += " " + cardinal(time.minute, form: .feminine) }
        if let second = time.second {
            words += " et " + cardinal(second, form: .feminine) + (second > 1 ? " secondes" : " seconde")
        }
        if let meridiem = time.meridiem { words += meridiem == .am ? " du matin" : (time.hour % 12 < 6 ? " de l'après-midi" : " du soir") }
        return words
    }

    var lexicon: Lexicon {
        let f = NumberForm.feminine
        func unit(_ word: String, _ gender: NumberForm = .masculine) -> Noun { Noun(word, word + "s", gender) }
        return Lexicon(
            minus: "moins", decimalWord: "virgule", plus: "plus", and: "et", capital: "majuscule", extensionWord: "poste",
            months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
            weekdays: ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
            punctuation: [
                "-": "tiret", ".": "point", ",": "virgule", "/": "barre oblique", "_": "tiret bas", "@": "arobase", "#": "dièse", "*": "étoile",
                "+": "plus", ":": "deux-points", "&": "et", "!": "point d'exclamation", "?": "point d'interrogation", "(": "parenthèse ouvrante", ")": "parenthèse fermante",
            ],
            units: [
                "km": unit("kilomètre"), "m": unit("mètre"), "cm": unit("centimètre"), "mm": unit("millimètre"),
                "kg": unit("kilogramme"), "g": unit("gramme"), "mg": unit("milligramme"), "t": unit("tonne", f),
                "l": unit("litre"), "ml": unit("millilitre"), "cl": unit("centilitre"),
                "%": Noun("pour cent"), "°C": Noun("degré Celsius", "degrés Celsius"), "°F": Noun("degré Fahrenheit", "degrés Fahrenheit"), "°": unit("degré"),
                "km/h": Noun("kilomètre par heure", "kilomètres par heure"), "m/s": Noun("mètre par seconde", "mètres par seconde"),
                "mph": Noun("mile par heure", "miles par heure"), "mi": unit("mile"), "ft": unit("pied"), "in": unit("pouce"),
                "kB": unit("kilooctet"), "MB": unit("mégaoctet"), "GB": unit("gigaoctet"), "TB": unit("téraoctet"),
                "kWh": unit("kilowattheure"), "W": unit("watt"), "kW": unit("kilowatt"), "V": unit("volt"),
                "Hz": Noun("hertz"), "kHz": Noun("kilohertz"), "MHz": Noun("mégahertz"), "GHz": Noun("gigahertz"),
                "h": unit("heure", f), "min": unit("minute", f), "s": unit("seconde", f), "ms": unit("milliseconde", f),
            ],
            currencies: [
                "EUR": CurrencyNames(main: unit("euro"), sub: unit("centime")),
                "USD": CurrencyNames(main: unit("dollar"), sub: unit("cent")),
                "GBP": CurrencyNames(main: unit("livre", f), sub: Noun("penny", "pence")),
                "CHF": CurrencyNames(main: Noun("franc suisse", "francs suisses"), sub: unit("centime")),
                "JPY": CurrencyNames(main: unit("yen"), sub: nil),
                "BRL": CurrencyNames(main: Noun("réal", "réaux"), sub: unit("centavo")),
            ],
            subunitJoin: "", millionOf: "de",
            address: [
                "av": "avenue", "ave": "avenue", "bd": "boulevard", "boul": "boulevard", "bld": "boulevard", "r": "rue", "pl": "place",
                "ch": "chemin", "rte": "route", "imp": "impasse", "all": "allée", "st": "Saint", "ste": "Sainte", "apt": "appartement",
                "bât": "bâtiment", "bat": "bâtiment", "esc": "escalier", "ét": "étage", "fg": "faubourg", "sq": "square", "qu": "quai",
                "n°": "numéro", "no": "numéro", "cs": "case postale", "bp": "boîte postale",
            ],
            day: unit("jour"))
    }
}
