/// German: numbers below a million are one word ("zweitausenddreiundzwanzig"), units before tens
/// ("einundzwanzig"), "Million"/"Milliarde" as nouns with plurals.
struct German: LanguageRules {
    static let ones = [
        "null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf",
        "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn", "achtzehn", "neunzehn",
    ]
    static let tens = ["", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig"]
    static let scales: [(singular: String, plural: String)] = [
        ("", ""), ("tausend", "tausend"), ("Million", "Millionen"), ("Milliarde", "Milliarden"), ("Billion", "Billionen"), ("Billiarde", "Billiarden"),
    ]
    static let smallOrdinals = [
        "nullte", "erste", "zweite", "dritte", "vierte", "fünfte", "sechste", "siebte", "achte", "neunte", "zehnte",
        "elfte", "zwölfte", "dreizehnte", "vierzehnte", "fünfzehnte", "sechzehnte", "siebzehnte", "achtzehnte", "neunzehnte",
    ]

    /// `final`: the number ends here ("eins"); otherwise a prefix ("ein" in "einhundert", "einundzwanzig").
    func below100(_ n: Int, final: Bool) -> String {
        if n == 1 { return final ? "eins" : "ein" }
        if n < 20 { return Self.ones[n] }
        let unit = n % 10
        return (unit == 0 ? "" : (unit == 1 ? "ein" : Self.ones[unit]) + "und") + Self.tens[n / 10]
    }

    func below1000(_ n: Int, final: Bool, leading: Bool) -> String {
        let hundreds = n / 100, rest = n % 100
        guard hundreds > 0 else { return below100(rest, final: final) }
        // "hundert" alone at the start, "einhundert" inside a larger number ("tausendeinhundert").
        let head = (hundreds == 1 && leading ? "" : below100(hundreds, final: false)) + "hundert"
        return rest == 0 ? head : head + String(NumberWords.joint) + below100(rest, final: final)
    }

    func cardinal(_ n: Int, form: NumberForm) -> String {
        if n == 0 { return "null" }
        if n == 1 && form != .standalone { return form == .feminine ? "eine" : "ein" }
        var parts: [String] = []
        var compound = ""  // below a million: one word
        for (index, group) in groups(n).enumerated() {
            let leading = index == 0
            switch group.power {
            case 0:
                compound += (compound.isEmpty ? "" : String(NumberWords.joint)) + below1000(group.value, final: true, leading: leading && compound.isEmpty)
            case 1:
                let multiplier = group.value == 1 && leading ? "" : below1000(group.value, final: false, leading: leading)
                compound = multiplier + "tausend"
            default:
                let scale = Self.scales[group.power]
                let count = group.value == 1 ? "eine" : below1000(group.value, final: true, leading: true)
                parts.append(count + " " + (group.value == 1 ? scale.singular : scale.plural))
            }
        }
        if !compound.isEmpty { parts.append(compound) }
        return parts.joined(separator: " ")
    }

    func ordinal(_ n: Int) -> String {
        let rest = n % 100
        if rest > 0 && rest < 20 {
            let head = n - rest
            return head == 0 ? Self.smallOrdinals[rest] : cardinal(head, form: .standalone) + String(NumberWords.joint) + Self.smallOrdinals[rest]
        }
        let words = cardinal(n, form: .standalone)
        if n % 1_000_000 == 0, n > 0 {
            // "zweimillionste", "milliardste"
            var parts = words.split(separator: " ").map(String.init)
            var scale = parts.removeLast().lowercased()
            if scale.hasSuffix("en") { scale.removeLast(2) } else if scale.hasSuffix("e") { scale.removeLast() }
            let multiplier = parts == ["eine"] ? "" : parts.joined()
            return multiplier + scale + "ste"
        }
        return words + "ste"
    }

    func year(_ n: Int) -> String {
        guard (1100...1999).contains(n) else { return cardinal(n, form: .standalone) }
        let rest = n % 100
        return below100(n / 100, final: false) + "hundert" + (rest == 0 ? "" : String(NumberWords.joint) + below100(rest, final: true))
    }

    func fractionDigits(_ digits: String) -> String { digitByDigit(digits) }

    func fraction(whole: Int?, numerator: Int, denominator: Int) -> String {
        if denominator == 2 && numerator == 1 {
            guard let whole else { return "ein halb" }
            return (whole == 1 ? "ein" : cardinal(whole, form: .standalone)) + "einhalb"
        }
        let name: String
        if denominator == 2 {
            name = "Halbe"
        } else {
            let stem = ordinal(denominator).filter { $0 != NumberWords.joint }.dropLast()
            name = stem.prefix(1).uppercased() + stem.dropFirst() + "el"
        }
        let part = (numerator == 1 ? "ein" : cardinal(numerator, form: .standalone)) + " " + name
        guard let whole else { return part }
        return cardinal(whole, form: .standalone) + " und " + part
    }

    /// Words after which an ordinal takes "-en": "am dritten", "zum ersten", "bis vierundzwanzigsten", "den zweiten".
    static let dativeOrAccusative: Set<String> = ["am", "im", "vom", "zum", "zur", "beim", "dem", "den", "des", "einem", "einen", "einer", "ab", "bis", "seit", "ihrem", "ihren", "ihrer", "unserem", "unseren", "seinem", "seinen"]

    static func takesDativeOrAccusative(_ previous: String?) -> Bool { previous.map(dativeOrAccusative.contains) ?? false }

    func date(_ date: DateParts, weekday: Int?) -> String { self.date(date, weekday: weekday, after: nil) }

    func date(_ date: DateParts, weekday: Int?, after previous: String?) -> String {
        var words: [String] = []
        // "vierter März" stands alone; "am vierten März", "bis zum vierten März"; "der vierte März".
        let ending = Self.takesDativeOrAccusative(previous) ? "n" : ["der", "die", "das"].contains(previous ?? "") ? "" : "r"
        if let weekday { words.append(lexicon.weekdays[weekday] + "," + (ending == "n" && date.day != nil ? " den" : "")) }
        if let day = date.day { words.append(ordinal(day) + ending) }
        if let month = date.month { words.append(lexicon.months[month - 1]) }
        if let year = date.year { words.append(self.year(year)) }
        return words.joined(separator: " ")
    }

    func clock(_ time: ClockTime) -> String {
        let hour = time.meridiem == nil ? time.hour : (time.hour % 12 == 0 ? 12 : time.hour % 12)
        var words = cardinal(hour, form: .masculine) + " Uhr"
        if time.minute > 0 { words += " " + cardinal(time.minute, form: .standalone) }
        if let second = time.second {
            words += " und " + cardinal(second, form: .feminine) + (second == 1 ? " Sekunde" : " Sekunden")
        }
        if let meridiem = time.meridiem { words += meridiem == .am ? " morgens" : (time.hour % 12 < 6 ? " nachmittags" : " abends") }
        return words
    }

    var lexicon: Lexicon {
        let n = NumberForm.neuter, f = NumberForm.feminine
        return Lexicon(
            minus: "minus", decimalWord: "Komma", plus: "plus", and: "und", capital: "groß", extensionWord: "Durchwahl",
            months: ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
            weekdays: ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
            punctuation: [
                "-": "Bindestrich", ".": "Punkt", ",": "Komma", "/": "Schrägstrich", "_": "Unterstrich", "@": "at", "#": "Raute", "*": "Stern",
                "+": "plus", ":": "Doppelpunkt", "&": "und", "!": "Ausrufezeichen", "?": "Fragezeichen", "(": "Klammer auf", ")": "Klammer zu",
            ],
            units: [
                "km": Noun("Kilometer"), "m": Noun("Meter"), "cm": Noun("Zentimeter"), "mm": Noun("Millimeter"),
                "kg": Noun("Kilogramm", nil, n), "g": Noun("Gramm", nil, n), "mg": Noun("Milligramm", nil, n), "t": Noun("Tonne", "Tonnen", f),
                "l": Noun("Liter"), "ml": Noun("Milliliter"), "cl": Noun("Zentiliter"),
                "%": Noun("Prozent", nil, n), "°C": Noun("Grad Celsius", nil, n), "°F": Noun("Grad Fahrenheit", nil, n), "°": Noun("Grad", nil, n),
                "km/h": Noun("Kilometer pro Stunde"), "m/s": Noun("Meter pro Sekunde"), "mph": Noun("Meile pro Stunde", "Meilen pro Stunde", f),
                "mi": Noun("Meile", "Meilen", f), "ft": Noun("Fuß"), "in": Noun("Zoll"),
                "kB": Noun("Kilobyte", nil, n), "MB": Noun("Megabyte", nil, n), "GB": Noun("Gigabyte", nil, n), "TB": Noun("Terabyte", nil, n),
                "kWh": Noun("Kilowattstunde", "Kilowattstunden", f), "W": Noun("Watt", nil, n), "kW": Noun("Kilowatt", nil, n), "V": Noun("Volt", nil, n),
                "Hz": Noun("Hertz", nil, n), "kHz": Noun("Kilohertz", nil, n), "MHz": Noun("Megahertz", nil, n), "GHz": Noun("Gigahertz", nil, n),
                "h": Noun("Stunde", "Stunden", f), "min": Noun("Minute", "Minuten", f), "s": Noun("Sekunde", "Sekunden", f), "ms": Noun("Millisekunde", "Millisekunden", f),
            ],
            currencies: [
                "EUR": CurrencyNames(main: Noun("Euro"), sub: Noun("Cent")),
                "USD": CurrencyNames(main: Noun("Dollar"), sub: Noun("Cent")),
                "GBP": CurrencyNames(main: Noun("Pfund", nil, n), sub: Noun("Penny", "Pence")),
                "CHF": CurrencyNames(main: Noun("Franken"), sub: Noun("Rappen")),
                "JPY": CurrencyNames(main: Noun("Yen"), sub: nil),
                "BRL": CurrencyNames(main: Noun("Real", "Reais"), sub: Noun("Centavo", "Centavos")),
            ],
            subunitJoin: "", millionOf: nil,
            address: [
                "str": "Straße", "nr": "Nummer", "pl": "Platz", "hausnr": "Hausnummer", "hnr": "Hausnummer", "postf": "Postfach",
                "wg": "Wohnung", "whg": "Wohnung", "og": "Obergeschoss", "eg": "Erdgeschoss", "ug": "Untergeschoss", "st": "Sankt",
                "allee": "Allee", "ch": "Chaussee",
            ],
            day: Noun("Tag", "Tage"))
    }
}
