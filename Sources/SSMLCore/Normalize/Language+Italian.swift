/// Italian: one word below a million, tens drop their vowel before "uno" and "otto" ("ventuno", "ventotto"),
/// a final "tre" takes an accent ("ventitré"), "mille"/"-mila", "un milione"/"milioni".
struct Italian: LanguageRules {
    static let ones = [
        "zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci", "undici", "dodici",
        "tredici", "quattordici", "quindici", "sedici", "diciassette", "diciotto", "diciannove",
    ]
    static let tens = ["", "", "venti", "trenta", "quaranta", "cinquanta", "sessanta", "settanta", "ottanta", "novanta"]
    static let scales: [(singular: String, plural: String)] = [("", ""), ("", ""), ("milione", "milioni"), ("miliardo", "miliardi"), ("bilione", "bilioni"), ("biliardo", "biliardi")]

    func below100(_ n: Int) -> String {
        if n < 20 { return Self.ones[n] }
        let unit = n % 10
        var ten = Self.tens[n / 10]
        if unit == 1 || unit == 8 { ten.removeLast() }
        return ten + (unit > 0 ? Self.ones[unit] : "")
    }

    func below1000(_ n: Int) -> String {
        let h = n / 100, rest = n % 100
        guard h > 0 else { return below100(rest) }
        var head = (h == 1 ? "" : Self.ones[h]) + "cento"
        // "centottanta", but "centootto"
        if rest / 10 == 8 { head.removeLast() }
        return head + (rest > 0 ? String(NumberWords.joint) + below100(rest) : "")
    }

    func cardinal(_ n: Int, form: NumberForm) -> String {
        if n == 0 { return "zero" }
        if n == 1 && form != .standalone { return form == .feminine ? "una" : "un" }
        var parts: [String] = []
        var compound = ""
        for group in groups(n) {
            switch group.power {
            case 0:
                compound += (compound.isEmpty ? "" : String(NumberWords.joint)) + below1000(group.value)
            case 1:
                var multiplier = below1000(group.value)
                if multiplier.hasSuffix("uno") { multiplier.removeLast() }  // "ventunmila"
                compound = group.value == 1 ? "mille" : multiplier + "mila"
            default:
                let scale = Self.scales[group.power]
                parts.append(group.value == 1 ? "un " + scale.singular : accented(below1000(group.value)) + " " + scale.plural)
            }
        }
        if !compound.isEmpty { parts.append(accented(compound)) }
        return parts.joined(separator: " ")
    }

    /// A compound ending in "tre" ends in "tré" ("ventitré", "centotré"); "tre" alone does not.
    func accented(_ words: String) -> String {
        guard words.hasSuffix("tre"), words.count > 3 else { return words }
        return words.dropLast() + "é"
    }

    static let smallOrdinals = ["zeresimo", "primo", "secondo", "terzo", "quarto", "quinto", "sesto", "settimo", "ottavo", "nono", "decimo"]

    func ordinal(_ n: Int) -> String {
        if n <= 10 { return Self.smallOrdinals[n] }
        var words = cardinal(n, form: .standalone)
        if words.hasSuffix("tré") { return words.dropLast() + "eesimo" }
        if words.hasSuffix("sei") { return words + "esimo" }
        if words.hasSuffix("mila") { return words.dropLast(4) + "millesimo" }
        if words.hasSuffix("mille") { return words.dropLast(5) + "millesimo" }
        words.removeLast()
        return words + "esimo"
    }

    func fractionDigits(_ digits: String) -> String { digitsAsNumber(digits) }

    func fraction(whole: Int?, numerator: Int, denominator: Int) -> String {
        if denominator == 2 && numerator == 1 {
            guard let whole else { return "un mezzo" }
            return cardinal(whole, form: .standalone) + " e mezzo"
        }
        var name = denominator == 2 ? "mezzo" : ordinal(denominator)
        if numerator > 1 { name = name.dropLast() + "i" }
        let part = cardinal(numerator, form: .masculine) + " " + name
        guard let whole else { return part }
        return cardinal(whole, form: .standalone) + " e " + part
    }

    func date(_ date: DateParts, weekday: Int?) -> String {
        var words: [String] = []
        if let weekday { words.append(lexicon.weekdays[weekday]) }
        if let day = date.day { words.append(day == 1 ? "primo" : cardinal(day, form: .standalone)) }
        if let month = date.month { words.append(lexicon.months[month - 1]) }
        if let year = date.year { words.append(self.year(year)) }
        return words.joined(separator: " ")
    }

    func clock(_ time: ClockTime) -> String { clock(time, after: nil) }

    func clock(_ time: ClockTime, after previous: String?) -> String {
        let hour = time.meridiem == nil ? time.hour : (time.hour % 12 == 0 ? 12 : time.hour % 12)
        var words = hour == 1 ? "l'una" : "le " + cardinal(hour, form: .standalone)
        // "alle quattordici": the article is already in "alle", "dalle", "entro le".
        if let previous, ["le", "alle", "dalle", "delle", "sulle", "nelle", "all", "dall", "l"].contains(previous) || previous.hasSuffix("'") {
            words = hour == 1 ? "una" : cardinal(hour, form: .standalone)
        }
        if time.minute > 0 { words += " e " + cardinal(time.minute, form: .standalone) }
        if let second = time.second {
            words += " e " + cardinal(second, form: .masculine) + (second == 1 ? " secondo" : " secondi")
        }
        if let meridiem = time.meridiem { words += meridiem == .am ? " di mattina" : (time.hour % 12 < 6 ? " del pomeriggio" : " di sera") }
        return words
    }

    var lexicon: Lexicon {
        let f = NumberForm.feminine
        func unit(_ word: String, _ gender: NumberForm = .masculine) -> Noun {
            Noun(word, word.dropLast() + (word.hasSuffix("a") ? "e" : "i"), gender)
        }
        return Lexicon(
            minus: "meno", decimalWord: "virgola", plus: "più", and: "e", capital: "maiuscola", extensionWord: "interno",
            months: ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"],
            weekdays: ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"],
            punctuation: [
                "-": "trattino", ".": "punto", ",": "virgola", "/": "barra", "_": "trattino basso", "@": "chiocciola", "#": "cancelletto", "*": "asterisco",
                "+": "più", ":": "due punti", "&": "e", "!": "punto esclamativo", "?": "punto interrogativo", "(": "aperta parentesi", ")": "chiusa parentesi",
            ],
            units: [
                "km": unit("chilometro"), "m": unit("metro"), "cm": unit("centimetro"), "mm": unit("millimetro"),
                "kg": unit("chilogrammo"), "g": unit("grammo"), "mg": unit("milligrammo"), "t": unit("tonnellata", f),
                "l": unit("litro"), "ml": unit("millilitro"), "cl": unit("centilitro"),
                "%": Noun("per cento"), "°C": Noun("grado Celsius", "gradi Celsius"), "°F": Noun("grado Fahrenheit", "gradi Fahrenheit"), "°": unit("grado"),
                "km/h": Noun("chilometro orario", "chilometri orari"), "m/s": Noun("metro al secondo", "metri al secondo"),
                "mph": Noun("miglio orario", "miglia orarie"), "mi": Noun("miglio", "miglia"), "ft": unit("piede"), "in": unit("pollice"),
                "kB": Noun("kilobyte"), "MB": Noun("megabyte"), "GB": Noun("gigabyte"), "TB": Noun("terabyte"),
                "kWh": Noun("chilowattora"), "W": Noun("watt"), "kW": Noun("chilowatt"), "V": Noun("volt"),
                "Hz": Noun("hertz"), "kHz": Noun("kilohertz"), "MHz": Noun("megahertz"), "GHz": Noun("gigahertz"),
                "h": unit("ora", f), "min": unit("minuto"), "s": unit("secondo"), "ms": unit("millisecondo"),
            ],
            currencies: [
                "EUR": CurrencyNames(main: Noun("euro"), sub: unit("centesimo")),
                "USD": CurrencyNames(main: unit("dollaro"), sub: unit("centesimo")),
                "GBP": CurrencyNames(main: unit("sterlina", f), sub: Noun("penny", "pence")),
                "CHF": CurrencyNames(main: Noun("franco svizzero", "franchi svizzeri"), sub: unit("centesimo")),
                "JPY": CurrencyNames(main: Noun("yen"), sub: nil),
                "BRL": CurrencyNames(main: Noun("real", "reais"), sub: unit("centavo")),
            ],
            subunitJoin: "e", millionOf: "di",
            address: [
                "v": "via", "p.za": "piazza", "pza": "piazza", "p.zza": "piazza", "pzza": "piazza", "c.so": "corso", "cso": "corso",
                "v.le": "viale", "vle": "viale", "l.go": "largo", "lgo": "largo", "str": "strada", "loc": "località", "fraz": "frazione",
                "n": "numero", "n°": "numero", "nr": "numero", "int": "interno", "sc": "scala", "p": "piano", "s": "San", "sta": "Santa",
            ],
            day: Noun("giorno", "giorni"))
    }
}
