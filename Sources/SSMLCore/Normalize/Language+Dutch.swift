/// Dutch: one word below a million, units before tens with "en"/"ën" ("eenentwintig", "tweeëntwintig"),
/// invariable "miljoen", long scale (miljard, biljoen).
struct Dutch: LanguageRules {
    static let ones = [
        "nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf",
        "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien",
    ]
    static let tens = ["", "", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig"]
    static let scales = ["", "duizend", "miljoen", "miljard", "biljoen", "biljard"]

    func below100(_ n: Int) -> String {
        if n < 20 { return Self.ones[n] }
        let unit = n % 10
        guard unit > 0 else { return Self.tens[n / 10] }
        let first = Self.ones[unit]
        return first + (first.hasSuffix("e") ? "ën" : "en") + Self.tens[n / 10]
    }

    func below1000(_ n: Int) -> String {
        let h = n / 100, rest = n % 100
        guard h > 0 else { return below100(rest) }
        return (h == 1 ? "" : Self.ones[h]) + "honderd" + (rest > 0 ? String(NumberWords.joint) + below100(rest) : "")
    }

    func cardinal(_ n: Int, form: NumberForm) -> String {
        if n == 0 { return "nul" }
        // "één": espeak-ng reads a lone "een" before a word as the article ("een euro" → "ən euro").
        if n == 1 { return "één" }
        var parts: [String] = []
        var compound = ""
        for group in groups(n) {
            switch group.power {
            case 0: compound += (compound.isEmpty ? "" : String(NumberWords.joint)) + below1000(group.value)
            case 1: compound = (group.value == 1 ? "" : below1000(group.value)) + "duizend"
            default: parts.append(below1000(group.value) + " " + Self.scales[group.power])
            }
        }
        if !compound.isEmpty { parts.append(compound) }
        return parts.joined(separator: " ")
    }

    func smallOrdinal(_ n: Int) -> String {
        switch n {
        case 1: "eerste"
        case 3: "derde"
        case 8: "achtste"
        default: Self.ones[n] + "de"
        }
    }

    func ordinal(_ n: Int) -> String {
        let rest = n % 100
        if rest > 0 && rest < 20 {
            let head = n - rest
            return head == 0 ? smallOrdinal(rest) : cardinal(head, form: .standalone) + String(NumberWords.joint) + smallOrdinal(rest)
        }
        return cardinal(n, form: .standalone) + "ste"
    }

    func year(_ n: Int) -> String {
        guard (1100...1999).contains(n) else { return cardinal(n, form: .standalone) }
        let rest = n % 100
        return below100(n / 100) + "honderd" + (rest == 0 ? "" : String(NumberWords.joint) + below100(rest))
    }

    func fractionDigits(_ digits: String) -> String { digitsAsNumber(digits) }

    func fraction(whole: Int?, numerator: Int, denominator: Int) -> String {
        let name = denominator == 2 ? "half" : denominator == 4 ? "kwart" : ordinal(denominator)
        let part = (numerator == 1 ? "een" : cardinal(numerator, form: .standalone)) + " " + (denominator == 2 && numerator > 1 ? "halve" : name)
        guard let whole else { return part }
        return cardinal(whole, form: .standalone) + " en " + part
    }

    func date(_ date: DateParts, weekday: Int?) -> String {
        var words: [String] = []
        if let weekday { words.append(lexicon.weekdays[weekday]) }
        if let day = date.day { words.append(cardinal(day, form: .standalone)) }
        if let month = date.month { words.append(lexicon.months[month - 1]) }
        if let year = date.year { words.append(self.year(year)) }
        return words.joined(separator: " ")
    }

    func clock(_ time: ClockTime) -> String {
        let hour = time.meridiem == nil ? time.hour : (time.hour % 12 == 0 ? 12 : time.hour % 12)
        var words = cardinal(hour, form: .standalone) + " uur"
        if time.minute > 0 { words += " " + cardinal(time.minute, form: .standalone) }
        if let second = time.second { words += " en " + cardinal(second, form: .standalone) + (second == 1 ? " seconde" : " seconden") }
        if let meridiem = time.meridiem { words += meridiem == .am ? " 's ochtends" : (time.hour % 12 < 6 ? " 's middags" : " 's avonds") }
        return words
    }

    var lexicon: Lexicon {
        Lexicon(
            minus: "min", decimalWord: "komma", plus: "plus", and: "en", capital: "hoofdletter", extensionWord: "toestel",
            months: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
            weekdays: ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
            punctuation: [
                "-": "streepje", ".": "punt", ",": "komma", "/": "schuine streep", "_": "laag streepje", "@": "apenstaartje", "#": "hekje", "*": "sterretje",
                "+": "plus", ":": "dubbele punt", "&": "en", "!": "uitroepteken", "?": "vraagteken", "(": "haakje openen", ")": "haakje sluiten",
            ],
            units: [
                "km": Noun("kilometer"), "m": Noun("meter"), "cm": Noun("centimeter"), "mm": Noun("millimeter"),
                "kg": Noun("kilogram"), "g": Noun("gram"), "mg": Noun("milligram"), "t": Noun("ton"),
                "l": Noun("liter"), "ml": Noun("milliliter"), "cl": Noun("centiliter"),
                "%": Noun("procent"), "°C": Noun("graad Celsius", "graden Celsius"), "°F": Noun("graad Fahrenheit", "graden Fahrenheit"), "°": Noun("graad", "graden"),
                "km/h": Noun("kilometer per uur"), "m/s": Noun("meter per seconde"), "mph": Noun("mijl per uur"), "mi": Noun("mijl"),
                "ft": Noun("voet"), "in": Noun("inch"),
                "kB": Noun("kilobyte"), "MB": Noun("megabyte"), "GB": Noun("gigabyte"), "TB": Noun("terabyte"),
                "kWh": Noun("kilowattuur"), "W": Noun("watt"), "kW": Noun("kilowatt"), "V": Noun("volt"),
                "Hz": Noun("hertz"), "kHz": Noun("kilohertz"), "MHz": Noun("megahertz"), "GHz": Noun("gigahertz"),
                "h": Noun("uur"), "min": Noun("minuut", "minuten"), "s": Noun("seconde", "seconden"), "ms": Noun("milliseconde", "milliseconden"),
            ],
            currencies: [
                "EUR": CurrencyNames(main: Noun("euro"), sub: Noun("cent")),
                "USD": CurrencyNames(main: Noun("dollar"), sub: Noun("cent")),
                "GBP": CurrencyNames(main: Noun("pond"), sub: Noun("penny", "pence")),
                "CHF": CurrencyNames(main: Noun("Zwitserse frank"), sub: Noun("rappen")),
                "JPY": CurrencyNames(main: Noun("yen"), sub: nil),
                "BRL": CurrencyNames(main: Noun("real", "reais"), sub: Noun("centavo", "centavos")),
            ],
            subunitJoin: "", millionOf: nil,
            address: [
                "str": "straat", "ln": "laan", "pl": "plein", "nr": "nummer", "hs": "huis", "bg": "begane grond", "gr": "gracht",
                "wg": "weg", "kd": "kade", "postb": "postbus", "bus": "bus", "st": "Sint",
            ],
            day: Noun("dag", "dagen"))
    }
}
